"""Two app servers (gunicorn, repo config, separate ports) over one PostgreSQL app-state database, one published
warehouse and one job directory: each sees what the other wrote and serves the jobs the other started.

Needs SEGUR_TEST_PG_URL (.ci/run starts a throwaway PostgreSQL); skipped without it.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from urllib.parse import quote

import pytest

from dashboard import ids
from serving.launch import GunicornServer
from tests.dashboard.factory import build_warehouse
from tests.serving import dash_client as dc

PG_URL = os.environ.get("SEGUR_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL: définissez SEGUR_TEST_PG_URL")


@pytest.fixture(scope="module")
def pg_schema_url():
    from sqlalchemy import create_engine, text

    schema = f"t_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def two(tmp_path_factory, pg_schema_url):
    root = tmp_path_factory.mktemp("two")
    settings = build_warehouse(root / "data")
    env = {"SEGUR_DATA_DIR": str(settings.data_dir), "SEGUR_TODAY": "2025-12-15", "SEGUR_APP_DB": pg_schema_url,
           "SEGUR_JOBS_DIR": str(root / "jobs"), "SEGUR_WORKERS": "1", "SEGUR_THREADS": "4"}
    with GunicornServer(env, root / "a.log") as a:
        a_signed = dc.signed_in(a.url, pg_schema_url, "c.martin")  # the first instance has migrated the schema
        with GunicornServer(env, root / "b.log") as b:
            yield a_signed, dc.Served(b.url, a_signed.cookie)  # one sign-in: the instances share the secret key


def _until(condition, timeout: float = 60.0):
    deadline, pause = time.monotonic() + timeout, threading.Event()
    while not (value := condition()) and time.monotonic() < deadline:
        pause.wait(0.1)
    return value


def _comment_on(url, text: str, path: str = "/indicateurs/USE-01") -> dict:
    layout = dc.page(url, path)
    add = dc.find(layout, dc.with_id_type(ids.COMMENTS_ADD))["props"]["id"]
    key = add["key"]
    scope = dc.find(layout, dc.with_id_type(ids.COMMENTS_SCOPE))["props"]["data"]
    out = [{"id": {"type": t, "key": key}, "property": p} for t, p in (
        (ids.COMMENTS_LIST, "children"), (ids.COMMENTS_FEEDBACK, "children"), (ids.COMMENTS_BODY, "value"),
        (ids.COMMENTS_COULOIR, "value"))]
    state = [{"id": {"type": ids.COMMENTS_KIND, "key": key}, "property": "value", "value": "analyse"},
             {"id": {"type": ids.COMMENTS_BODY, "key": key}, "property": "value", "value": text},
             {"id": {"type": ids.COMMENTS_COULOIR, "key": key}, "property": "value", "value": None},
             [], [], [],
             {"id": {"type": ids.COMMENTS_SCOPE, "key": key}, "property": "data", "value": scope}]
    inputs = [{"id": add, "property": "n_clicks", "value": 1}, []]
    return dc.call(url, dc.output_of(url, ids.COMMENTS_LIST, ids.COMMENTS_FEEDBACK), out, inputs, state,
                   [f"{dc.id_key(add)}.n_clicks"])


def test_a_comment_written_on_one_server_shows_on_the_other(two):
    a, b = two
    response = _comment_on(a, "Écrit sur le serveur A")
    assert "Enregistré" in json.dumps(response, ensure_ascii=False)
    page_b = json.dumps(dc.page(b, "/indicateurs/USE-01"), ensure_ascii=False)
    assert "Écrit sur le serveur A" in page_b


def test_a_snapshot_frozen_on_one_server_is_offered_by_the_other(two):
    a, b = two
    output = dc.output_of(a, ids.FREEZE_RESULT, ids.SNAPSHOT_OPTIONS_SINK)
    result = dc.call(a, output, [{"id": ids.FREEZE_RESULT, "property": "children"},
                                 {"id": ids.SNAPSHOT_OPTIONS_SINK, "property": "data"}],
                     [{"id": ids.FREEZE_SUBMIT, "property": "n_clicks", "value": 1}],
                     [{"id": ids.FREEZE_LABEL, "property": "value", "value": "COSUI deux serveurs"},
                      {"id": ids.FREEZE_AS_OF, "property": "value", "value": "2025-10"},
                      {"id": ids.URL, "property": "search", "value": ""},
                      {"id": ids.SNAPSHOT_OPTIONS_SINK, "property": "data", "value": None}],
                     [f"{ids.FREEZE_SUBMIT}.n_clicks"])
    assert result[ids.SNAPSHOT_OPTIONS_SINK]["data"] == 1, result
    comite_b = json.dumps(dc.page(b, "/comite"), ensure_ascii=False)
    assert "COSUI deux serveurs" in comite_b


def _extract_call(url, *, start: bool, job_id: str | None = None) -> dict:
    output = dc.output_of(url, ids.EXTRACT_PROGRESS, ids.EXTRACT_JOB)
    outputs = [{"id": ids.EXTRACT_JOB, "property": "data"}, {"id": ids.EXTRACT_POLL, "property": "disabled"},
               {"id": ids.EXTRACT_PROGRESS, "property": "children"}]
    inputs = [{"id": ids.EXTRACT_START, "property": "n_clicks", "value": 1 if start else 0},
              {"id": ids.EXTRACT_POLL, "property": "n_intervals", "value": None if start else 3},
              {"id": ids.EXTRACT_JOB, "property": "modified_timestamp", "value": -1}]
    state = [{"id": ids.EXTRACT_JOB, "property": "data", "value": job_id},
             {"id": ids.EXTRACT_TABLE, "property": "value", "value": "fact_documents"},
             {"id": ids.EXTRACT_FORMAT, "property": "value", "value": "csv"},
             {"id": ids.EXTRACT_SEP, "property": "value", "value": ";"},
             {"id": ids.EXTRACT_DECIMAL, "property": "value", "value": "comma"},
             {"id": ids.URL, "property": "search", "value": "?as_of=2025-10"}]
    changed = [f"{ids.EXTRACT_START}.n_clicks" if start else f"{ids.EXTRACT_POLL}.n_intervals"]
    return dc.call(url, output, outputs, inputs, state, changed)


def test_a_job_started_on_one_server_is_followed_and_downloaded_on_the_other(two):
    a, b = two
    job_id = _extract_call(a, start=True)[ids.EXTRACT_JOB]["data"]
    assert isinstance(job_id, str) and len(job_id) == 32
    done = _until(lambda: _extract_call(b, start=False, job_id=job_id)[ids.EXTRACT_POLL]["disabled"])
    assert done
    progress = json.dumps(_extract_call(b, start=False, job_id=job_id)[ids.EXTRACT_PROGRESS], ensure_ascii=False)
    assert f"/exports/jobs/{job_id}" in progress
    status, body = dc.get(b, f"/exports/jobs/{job_id}")
    assert status == 200
    lines = body.decode("utf-8-sig").strip().split("\r\n")
    assert lines[0].startswith("month;") and len(lines) - 1 == 28


def _page_with_cache_status(url, pathname: str) -> tuple[str | None, str]:
    import urllib.request

    from dashboard.warmup import router_payload

    body = json.dumps(router_payload(pathname, "")).encode()
    request = urllib.request.Request(url + "/_dash-update-component", data=body,
                                     headers={"Content-Type": "application/json", **dc.headers_of(url)})
    with urllib.request.urlopen(request, timeout=60) as resp:  # noqa: S310 - loopback test servers
        return resp.headers.get("X-Segur-Cache"), json.dumps(json.loads(resp.read()), ensure_ascii=False)


def test_a_write_on_one_server_ends_the_page_the_other_has_cached(two):
    a, b = two
    _page_with_cache_status(b, "/indicateurs/USE-02")
    status, before = _page_with_cache_status(b, "/indicateurs/USE-02")
    assert status == "hit"  # B serves this page from its cache
    text = "Écrit sur A pendant que B gardait la page"
    assert "Enregistré" in json.dumps(_comment_on(a, text, "/indicateurs/USE-02"), ensure_ascii=False)
    status, after = _page_with_cache_status(b, "/indicateurs/USE-02")
    assert status == "miss" and text in after and text not in before


def _get_with_headers(url, path: str) -> tuple[int, dict, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(urllib.request.Request(url + path, headers=dc.headers_of(url)),  # noqa: S310
                                    timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_a_pack_asked_on_one_server_is_downloaded_on_the_other_by_its_owner_only(two, pg_schema_url):
    a, b = two

    def snapshots() -> list:
        status, body = dc.get(a, "/api/v1/snapshots")
        assert status == 200, body[:300]
        listed = json.loads(body)
        return listed if isinstance(listed, list) else next(v for v in listed.values() if isinstance(v, list))

    if not snapshots():  # this test run alone: freeze one first
        test_a_snapshot_frozen_on_one_server_is_offered_by_the_other(two)
    snapshot_id = snapshots()[0]["id"]
    status, headers, body = _get_with_headers(a, f"/comite/pack/{snapshot_id}.xlsx")
    assert status == 202, body[:300]
    location = headers["Location"]
    done = _until(lambda: _get_with_headers(b, location)[0] != 202, timeout=120)
    assert done
    status, _, pack = _get_with_headers(b, location)  # the other server serves the owner's file
    assert status == 200 and pack[:4] == b"PK\x03\x04"
    other = dc.signed_in(b.base, pg_schema_url, "autre.personne")
    assert _get_with_headers(other, location)[0] == 404
