"""Mode présentation in-process: sections, position announcement, navigation assets, snapshot figures."""

from __future__ import annotations

import pytest

from reports.snapshot import create_snapshot
from tests.dashboard.factory import build_warehouse
from tests.dashboard.render import page_text, render


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    from dashboard import create_app

    settings = build_warehouse(tmp_path_factory.mktemp("deck"))
    app = create_app(settings)
    meta = create_snapshot(settings, "COSUI n°14", author="c.martin")
    return app.server.test_client(), meta


def _sections(node, found):
    if isinstance(node, dict):
        props = node.get("props") or {}
        if "presentation-section" in str(props.get("className", "")):
            found.append(props)
        for v in node.values():
            _sections(v, found)
    elif isinstance(node, list):
        for v in node:
            _sections(v, found)
    return found


@pytest.mark.parametrize("search", ["", "?snapshot={id}"])
def test_deck_has_one_section_per_screen(deck, search):
    client, meta = deck
    rendered = render(client, "/presentation", search.format(id=meta.id))
    text = page_text(rendered)
    assert "Cette page n'a pas pu être affichée" not in text
    sections = _sections(rendered["_pages_content"], [])
    titles = [s["data-title"] for s in sections]
    assert [s["id"] for s in sections] == [f"section-{n}" for n in range(1, len(sections) + 1)]
    assert titles[0] == "Synthèse"
    for title in ("Budget", "Couloirs", "Territoires", "Depuis le dernier comité", "Décisions"):
        assert title in titles
    assert f"Section 1 sur {len(sections)} : Synthèse" in text
    assert "Précédent" in text and "Suivant" in text
    assert "Saisir une décision" in text
    if search:
        assert "« COSUI n°14 » — données à fin oct. 2025" in text


def test_presentation_assets_are_served_locally(deck):
    client, _ = deck
    js = client.get("/assets/presentation.js")
    assert js.status_code == 200 and b"ArrowRight" in js.data and b"PageDown" in js.data
    css = client.get("/assets/presentation.css")
    assert css.status_code == 200 and b"page-break-after: always" in css.data
