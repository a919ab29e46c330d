"""Request limits at the edge: French 4xx answers, never a traceback or an echo of a huge value."""

from __future__ import annotations

import dataclasses
import json

import pytest

from dashboard.guards import long_url_value


@pytest.fixture()
def small_app(loaded_settings, own_app_factory):
    return own_app_factory(dataclasses.replace(loaded_settings, max_body_kb=64, max_url_chars=500))


@pytest.mark.parametrize("path", ["/_dash-component-suites/nope/x.js", "/_dash-component-suites/dash/nope.js",
                                  "/_dash-component-suites/dash/dcc/nope.v1.js"])
def test_unknown_component_suite_paths_are_404(client, path):
    resp = client.get(path)
    assert resp.status_code == 404
    assert resp.get_data(as_text=True) == "Fichier introuvable.\n"


def test_a_known_component_suite_is_still_served(client):
    page = client.get("/").get_data(as_text=True)
    script = next(part.split('"')[0] for part in page.split('src="')[1:] if "_dash-component-suites/dash/" in part)
    assert client.get(script).status_code == 200


def test_a_huge_query_string_is_a_414_that_does_not_echo_it(small_app):
    client = small_app.server.test_client()
    value = "x" * 100_000
    resp = client.get(f"/indicateurs/USE-01?region={value}")
    assert resp.status_code == 414
    text = resp.get_data(as_text=True)
    assert "Adresse trop longue" in text and "au plus 500" in text and value[:1000] not in text


def test_a_callback_with_a_huge_url_is_a_400(small_app):
    client = small_app.server.test_client()
    client.get("/")
    body = {"output": "x.children", "outputs": {"id": "x", "property": "children"},
            "inputs": [{"id": "_pages_location", "property": "search", "value": "?region=" + "1" * 100_000}],
            "changedPropIds": ["_pages_location.search"], "state": []}
    resp = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert resp.status_code == 413  # the 100 kB body is already over this app's 64 kB
    body["inputs"][0]["value"] = "?region=" + "1" * 2_000
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code == 400 and "Adresse trop longue : 2008 caractères (au plus 500)" in resp.get_data(as_text=True)


def test_a_body_over_the_limit_is_a_413_in_french(small_app):
    client = small_app.server.test_client()
    resp = client.post("/_dash-update-component", data=b"{" + b" " * 70_000 + b"}", content_type="application/json")
    assert resp.status_code == 413
    assert "Requête trop volumineuse (au plus 64 ko)" in resp.get_data(as_text=True)


def test_long_url_value_looks_at_inputs_and_states_only():
    body = {"inputs": [[{"property": "search", "value": "?" + "a" * 20}]], "state": [{"property": "data", "value": "b" * 99}]}
    assert long_url_value(body, 10) == 21
    assert long_url_value({"state": [{"property": "data", "value": "b" * 99}]}, 10) is None
    assert long_url_value("not a body", 10) is None
