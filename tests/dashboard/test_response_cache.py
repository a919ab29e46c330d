"""The cache of rendered callback answers (dashboard/response_cache.py) and of the gate's Scope: never one
person's answer to another, every write seen on the next request, errors and cookies never kept."""

from __future__ import annotations

import dataclasses
import os
import json
import threading
import time

import pytest
from dash import Input, Output, ctx, html

from appstate import service, users
from dashboard import create_app, ids, response_cache
from dashboard.auth import gate
from dashboard.context import EXTENSION
from dashboard.warmup import router_payload
from indicators.scope import ADMIN, ADMIN_DONNEES, CONTRIBUTEUR, LECTEUR, ROLES, SECRETARIAT
from tests.signin import anonymous_client, client_as

CONTRIBUTOR = (LECTEUR, CONTRIBUTEUR)


@pytest.fixture(scope="module")
def cached_app(loaded_settings, tmp_path_factory):
    """An app over the tiny warehouse with its own app-state database (the cache is on by default)."""
    db = tmp_path_factory.mktemp("cache-appstate") / "app.db"
    app = create_app(dataclasses.replace(loaded_settings, app_db=f"sqlite:///{db}"))
    anonymous_client(app).get("/auth/login")  # Dash's first-request setup (the pages' callbacks)
    return app


def _page(client, path: str, search: str = ""):
    response = client.post("/_dash-update-component", json=router_payload(path, search))
    assert response.status_code == 200, response.data[:500]
    return response.headers.get(response_cache.HEADER), response.data


def _text(body: bytes) -> str:
    return json.dumps(json.loads(body), ensure_ascii=False)


def _ctx(app):
    return app.server.extensions[EXTENSION]


def _comment(app, text: str, author: str, region: str | None = None) -> None:
    from indicators.catalog import load_catalogue

    with _ctx(app).sessions().begin() as session:
        service.add_comment(session, "USE-01", "analyse", text, author, region=region,
                            catalogue=load_catalogue(_ctx(app).settings.indicators))


def test_people_with_other_rights_never_get_each_others_answer(cached_app):
    admin = client_as(cached_app, "n.admin", ROLES)
    bretagne = client_as(cached_app, "a.le-gall", CONTRIBUTOR, ["53"])
    reader = client_as(cached_app, "l.durand", (LECTEUR,))
    answers = {}
    for name, client in (("admin", admin), ("bretagne", bretagne), ("reader", reader)):
        first = _page(client, "/indicateurs/USE-01")
        again = _page(client, "/indicateurs/USE-01")
        assert again == ("hit", first[1])  # the same person is served their own answer from the cache
        answers[name] = first
    assert {status for status, _ in answers.values()} == {"miss"}  # nobody was served somebody else's
    bodies = {name: body for name, (_, body) in answers.items()}
    assert len(set(bodies.values())) == 3
    occitanie = "Occitanie".encode("unicode_escape")
    assert occitanie in bodies["admin"] and occitanie not in bodies["bretagne"]  # another région's figures
    add_button = json.dumps(ids.COMMENTS_ADD).encode()
    assert add_button in bodies["admin"] and add_button not in bodies["reader"]


def test_people_with_the_same_rights_share_an_entry(cached_app):
    one, two = (client_as(cached_app, login, (LECTEUR,), ["84"]) for login in ("r.one", "r.two"))
    wider = client_as(cached_app, "r.three", (LECTEUR,), ["84", "11"])  # accounts first: creating one is a write
    first = _page(one, "/budget")
    assert first[0] == "miss" and _page(two, "/budget") == ("hit", first[1])
    status, body = _page(wider, "/budget")
    assert status == "miss" and body != first[1]


def test_a_comment_written_after_a_cached_page_shows_on_the_next_request(cached_app):
    client = client_as(cached_app, "c.reader", (LECTEUR,))
    _page(client, "/indicateurs/USE-01")
    assert _page(client, "/indicateurs/USE-01")[0] == "hit"
    _comment(cached_app, "Relance des laboratoires après le cache", "c.martin")
    status, body = _page(client, "/indicateurs/USE-01")
    assert status == "miss" and "Relance des laboratoires après le cache" in _text(body)


def test_a_contributors_own_comments_are_answered_to_them_only(cached_app):
    mine = client_as(cached_app, "own.author", CONTRIBUTOR)
    theirs = client_as(cached_app, "other.contributor", CONTRIBUTOR)
    _comment(cached_app, "Mon analyse à moi", "own.author")
    edit = json.dumps(ids.COMMENT_EDIT_BODY).encode()
    status, body = _page(mine, "/indicateurs/USE-01", "?lang=en")
    assert status == "miss" and edit in body  # the author may edit their comment
    status, other_body = _page(theirs, "/indicateurs/USE-01", "?lang=en")
    assert status == "miss" and edit not in other_body and "Mon analyse à moi" in _text(other_body)
    assert _page(mine, "/indicateurs/USE-01", "?lang=en") == ("hit", body)
    assert _page(theirs, "/indicateurs/USE-01", "?lang=en") == ("hit", other_body)


def test_a_revoked_right_applies_on_the_next_request_despite_the_scope_cache(cached_app, monkeypatch):
    client = client_as(cached_app, "soon.reader", CONTRIBUTOR)
    add_button = json.dumps(ids.COMMENTS_ADD).encode()
    assert add_button in _page(client, "/indicateurs/USE-01", "?as_of=2025-10")[1]
    reads = []
    real = users.scope_of
    monkeypatch.setattr(users, "scope_of", lambda session, uid: reads.append(uid) or real(session, uid))
    _page(client, "/indicateurs/USE-01", "?as_of=2025-10")
    _page(client, "/budget", "?as_of=2025-10")
    assert reads == []  # the person's Scope came from the cache on both requests
    with _ctx(cached_app).sessions().begin() as session:
        users.revoke(session, "soon.reader", by="n.admin", roles=[CONTRIBUTEUR])
    status, body = _page(client, "/indicateurs/USE-01", "?as_of=2025-10")
    assert len(reads) == 1 and status == "miss" and add_button not in body
    with _ctx(cached_app).sessions().begin() as session:
        users.set_disabled(session, "soon.reader", True, by="n.admin")
    response = client.post("/_dash-update-component", json=router_payload("/indicateurs/USE-01", "?as_of=2025-10"))
    assert response.status_code == 401 and response.headers.get(response_cache.HEADER) is None


def test_a_scripts_api_calls_do_not_end_the_cached_pages(cached_app):
    from appstate import api_tokens

    client = client_as(cached_app, "t.reader", (LECTEUR,))
    with _ctx(cached_app).sessions().begin() as session:
        token, _ = api_tokens.create_token(session, users.scope_of(session, users.find(session, "t.reader").id), "x")
    script = anonymous_client(cached_app)
    auth = {"Authorization": f"Bearer {token}"}
    assert script.get("/api/v1/values/USE-01", headers=auth).status_code == 200  # the day's first use: journal row
    _, body = _page(client, "/territoires")
    for _ in range(3):  # every call writes the token's last use: book-keeping
        assert script.get("/api/v1/values/USE-01", headers=auth).status_code == 200
    assert _page(client, "/territoires") == ("hit", body)


def test_sign_ins_keep_the_cached_pages_and_the_pages_showing_them_are_never_cached(cached_app):
    from appstate import signin

    admin = client_as(cached_app, "j.admin", ROLES)
    _, body = _page(admin, "/budget")
    with _ctx(cached_app).sessions().begin() as session:
        users.create_user(session, "morning.reader", by="j.admin", roles=[LECTEUR], password="z" * 16)
    _, body = _page(admin, "/budget")  # the new account (a loud write) ended the cached answer
    for attempt in ("z" * 16, "not the password"):  # a sign-in and a failure, journalled
        with _ctx(cached_app).sessions().begin() as session:
            signin.sign_in_local(session, "morning.reader", attempt, remote_addr="10.1.2.3")
    assert _page(admin, "/budget") == ("hit", body)
    for path in response_cache.LIVE_PATHS:  # the journal, the administration, « Mon compte »: always rendered
        assert _page(admin, path)[0] is None and _page(admin, path)[0] is None


def test_answers_to_nobody_signed_in_are_not_kept(loaded_settings, tmp_path, own_app_factory):
    app = own_app_factory(dataclasses.replace(
        loaded_settings, app_db=f"sqlite:///{tmp_path / 'app.db'}",
        access=dataclasses.replace(loaded_settings.access, public_read="national")))
    public = anonymous_client(app)
    public.get("/auth/login")
    for _ in range(2):
        response = public.post("/_dash-update-component", json=router_payload("/", ""))
        assert response.status_code == 200 and response.headers.get(response_cache.HEADER) is None


@pytest.fixture()
def probe_app(loaded_settings, tmp_path, own_app_factory):
    """An app with two extra callbacks declared cacheable: one failing at its first call, one setting a cookie."""
    app = own_app_factory(dataclasses.replace(loaded_settings, app_db=f"sqlite:///{tmp_path / 'app.db'}"))
    calls = {"flaky": 0, "cookie": 0, "slow": 0, "gate": threading.Event()}

    @app.callback(Output("probe-flaky", "children"), Input("probe-in", "value"))
    def flaky(value):
        calls["flaky"] += 1
        if calls["flaky"] == 1:
            raise RuntimeError("first call fails")
        return html.Span(f"ok {value}")

    @app.callback(Output("probe-cookie", "children"), Input("probe-in", "value"))
    def with_cookie(value):
        calls["cookie"] += 1
        ctx.response.set_cookie("probe", "1")
        return value

    @app.callback(Output("probe-slow", "children"), Input("probe-in", "value"))
    def slow(value):
        calls["slow"] += 1
        assert calls["gate"].wait(30)
        return value

    response_cache.cacheable("probe-flaky.children", "probe-cookie.children", "probe-slow.children")
    anonymous_client(app).get("/auth/login")
    return app, calls


def _probe(client, output: str):
    body = {"output": output, "outputs": {"id": output.split(".")[0], "property": "children"},
            "inputs": [{"id": "probe-in", "property": "value", "value": "x"}], "changedPropIds": ["probe-in.value"],
            "state": []}
    response = client.post("/_dash-update-component", json=body)
    return response.status_code, response.headers.get(response_cache.HEADER)


def test_an_error_answer_is_not_kept(probe_app):
    app, calls = probe_app
    client = client_as(app, "e.rror", ROLES)
    assert _probe(client, "probe-flaky.children")[0] == 500
    assert _probe(client, "probe-flaky.children") == (200, "miss")  # rendered again, not the error
    assert _probe(client, "probe-flaky.children") == (200, "hit")
    assert calls["flaky"] == 2


def test_an_answer_setting_a_cookie_is_not_kept(probe_app):
    app, calls = probe_app
    client = client_as(app, "c.ookie", (LECTEUR, SECRETARIAT, ADMIN_DONNEES, ADMIN))
    assert [_probe(client, "probe-cookie.children") for _ in range(2)] == [(200, "miss"), (200, "miss")]
    assert calls["cookie"] == 2


def test_identical_requests_during_a_render_wait_for_it(probe_app, monkeypatch):
    app, calls = probe_app
    cache = app.server.extensions[response_cache.EXTENSION]
    claims = []
    real_claim = cache.claim
    monkeypatch.setattr(cache, "claim", lambda key: claims.append(key) or real_claim(key))
    clients = [client_as(app, login, (LECTEUR,)) for login in ("w.one", "w.two")]
    results = []
    threads = [threading.Thread(target=lambda c=c: results.append(_probe(c, "probe-slow.children"))) for c in clients]
    threads[0].start()
    deadline = time.monotonic() + 30
    while not claims and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    threads[1].start()
    while len(claims) < 2 and time.monotonic() < deadline:  # the second request found the render under way
        threading.Event().wait(0.01)
    calls["gate"].set()
    for th in threads:
        th.join(30)
    assert sorted(results) == [(200, "hit"), (200, "miss")] and calls["slow"] == 1


def test_the_cache_is_bounded_by_bytes_and_lifetime():
    cache = response_cache.ResponseCache(max_bytes=8 * 1024, ttl_s=10)
    for i in range(10):
        cache.put((i,), response_cache._Entry(expires=100.0, body=b"x" * 1500))
    assert len(cache) < 10 and cache.get((9,), now=1.0) is not None and cache.get((0,), now=1.0) is None
    assert cache.get((9,), now=100.0) is None  # expired


def test_a_declared_output_must_name_an_id_and_a_property():
    with pytest.raises(ValueError, match="id.propriété"):
        response_cache.cacheable("children")
    assert gate.ScopeCache().get(1, 0) is None


@pytest.fixture(scope="module")
def two_workers(loaded_settings, tmp_path_factory):
    """Two apps configured alike, as two gunicorn workers of one instance: same app DB, same answers directory."""
    base = tmp_path_factory.mktemp("cache-workers")
    settings = dataclasses.replace(loaded_settings, app_db=f"sqlite:///{base / 'app.db'}",
                                   response_cache_dir=base / "responses")
    apps = create_app(settings), create_app(settings)
    for app in apps:
        anonymous_client(app).get("/auth/login")
    return apps


def test_a_view_rendered_by_one_worker_is_served_by_the_other(two_workers):
    first, second = two_workers
    on_first = client_as(first, "w.reader", (LECTEUR,))
    on_second = client_as(second, "w.reader", (LECTEUR,))
    status, body = _page(on_first, "/budget", "?region=53")
    assert status == "miss"
    assert _page(on_second, "/budget", "?region=53") == ("hit", body)  # read from the shared file
    _comment(first, "Vu par l'autre processus", "c.martin")  # bumps the app-state version both read
    status, body = _page(on_second, "/indicateurs/USE-01")
    assert status == "miss" and "Vu par l'autre processus" in _text(body)
    assert _page(on_first, "/indicateurs/USE-01") == ("hit", body)


def test_a_personal_answer_crosses_workers_to_its_owner_only(two_workers):
    first, second = two_workers
    _comment(first, "Mon analyse partagée", "w.author")
    edit = json.dumps(ids.COMMENT_EDIT_BODY).encode()
    status, mine = _page(client_as(first, "w.author", CONTRIBUTOR), "/indicateurs/USE-01", "?lang=en")
    assert status == "miss" and edit in mine
    assert _page(client_as(second, "w.author", CONTRIBUTOR), "/indicateurs/USE-01", "?lang=en") == ("hit", mine)
    status, theirs = _page(client_as(second, "w.other", CONTRIBUTOR), "/indicateurs/USE-01", "?lang=en")
    assert status == "miss" and edit not in theirs and "Mon analyse partagée" in _text(theirs)


def test_apps_configured_differently_never_share_answers(loaded_settings, tmp_path):
    shared_dir = tmp_path / "responses"
    national = dataclasses.replace(loaded_settings, app_db=f"sqlite:///{tmp_path / 'a.db'}",
                                   response_cache_dir=shared_dir)
    other_db = dataclasses.replace(national, app_db=f"sqlite:///{tmp_path / 'b.db'}")
    a, b = create_app(national), create_app(other_db)
    for app in (a, b):
        anonymous_client(app).get("/auth/login")
    assert _page(client_as(a, "d.reader", (LECTEUR,)), "/budget")[0] == "miss"
    assert _page(client_as(b, "d.reader", (LECTEUR,)), "/budget")[0] == "miss"


def test_the_shared_files_are_atomic_bounded_and_cleaned(tmp_path, monkeypatch):
    from dashboard import response_store

    store = response_store.ResponseStore(tmp_path, max_bytes=3000)
    store.put(("a",), 60, b"x" * 1000, "application/json")
    left, body, content_type = store.get(("a",))
    assert 0 < left <= 60 and body == b"x" * 1000 and content_type == "application/json"
    store.put(("marker",), 60, None, "application/json")
    assert store.get(("marker",))[1] is None  # "per person": look for the person's own entry
    store._path(("a",)).write_bytes(b"\x00\x01")  # a damaged file is a miss, never an error
    assert store.get(("a",)) is None
    store.put(("gone",), -1, b"y", "application/json")
    assert store.get(("gone",)) is None
    for i in range(5):
        store.put(("big", i), 60, b"z" * 1000, "application/json")
    (tmp_path / "left-by-a-kill.tmp").write_bytes(b"partial")
    old = time.time() - 3600
    os.utime(tmp_path / "left-by-a-kill.tmp", (old, old))
    store.clean()
    names = {p.name for p in tmp_path.iterdir()}
    assert "left-by-a-kill.tmp" not in names and store._path(("gone",)).name not in names
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) <= 3000
    assert store.get(("big", 4)) is not None  # the newest kept, the oldest dropped first
