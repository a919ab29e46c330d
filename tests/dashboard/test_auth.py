"""The sign-in gate, local sign-in, sign-out, throttling, expired sessions, the origin check and the headers,
in the Flask test client over the tiny loaded warehouse."""

from __future__ import annotations

import time

import pytest

from appstate import service
from dashboard.auth import session as auth_session
from dashboard.context import EXTENSION
from indicators.scope import CONTRIBUTEUR, LECTEUR
from tests.signin import anonymous_client, client_as, ensure_user, sign_in

PASSWORD = "correct-horse-battery-42"  # a test account's password, created by the test itself


@pytest.fixture()
def anon(app):
    return anonymous_client(app)


def _events(app, action: str) -> list:
    with app.server.extensions[EXTENSION].sessions()() as session:
        return service.list_events(session, action=action)


def _login(client, login: str, password: str = PASSWORD, **headers):
    return client.post("/auth/login", data={"login": login, "password": password, "next": "/budget"},
                       headers=headers)


def test_anonymous_page_request_is_sent_to_the_login_page(anon):
    resp = anon.get("/budget?region=53", headers={"Accept": "text/html"})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/auth/login?next=%2Fbudget%3Fregion%3D53"
    login = anon.get(resp.headers["Location"])
    assert login.status_code == 200
    html = login.get_data(as_text=True)
    assert '<html lang="fr">' in html and "Connexion" in html and 'name="password"' in html
    assert 'value="/budget?region=53"' in html  # back to the page asked for after sign-in
    assert "http://" not in html.replace("http://www.w3.org", "")  # nothing loaded from elsewhere


def test_login_page_in_english(anon):
    html = anon.get("/auth/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign in" in html and "Password" in html


@pytest.mark.parametrize("method,path", [("POST", "/_dash-update-component"), ("GET", "/_dash-layout"),
                                         ("GET", "/exports/workbook.xlsx"), ("GET", "/comite/pack/x.pdf")])
def test_anonymous_callbacks_and_routes_get_401_json(anon, method, path):
    resp = anon.open(path, method=method, json={} if method == "POST" else None)
    assert resp.status_code == 401
    assert resp.json["error"] == "sign_in_required" and "Connexion requise" in resp.json["message"]


def test_static_assets_are_served_to_anonymous_visitors(anon, app):
    assert anon.get("/assets/segur.css").status_code == 200
    assert anon.get("/auth/static/auth.css").status_code == 200
    page = client_as(app, "assets.reader", [LECTEUR]).get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    script = page.split('<script src="')[1].split('"')[0]
    assert script.startswith("/_dash-component-suites/") and anon.get(script).status_code == 200


def test_local_sign_in_then_sign_out_is_journalled(app, anon):
    ensure_user(app.server, "c.martin", [LECTEUR, CONTRIBUTEUR], ["53"], password=PASSWORD)
    resp = _login(anon, "C.Martin")
    assert resp.status_code == 302 and resp.headers["Location"] == "/budget"
    cookie = resp.headers["Set-Cookie"]
    assert "segur_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP here; SEGUR_BEHIND_HTTPS=1 adds it
    assert anon.get("/budget", headers={"Accept": "text/html"}).status_code == 200
    sign_ins = [e for e in _events(app, "auth.sign_in") if e.author == "c.martin"]
    assert sign_ins and sign_ins[-1].detail == {"method": "local"} and sign_ins[-1].user_id is not None

    out = anon.post("/auth/logout")
    assert out.status_code == 302 and out.headers["Location"] == "/auth/login?signed_out=1"
    assert anon.post("/_dash-update-component", json={}).status_code == 401
    assert any(e.author == "c.martin" for e in _events(app, "auth.sign_out"))


def test_a_wrong_password_is_refused_and_journalled(app, anon):
    ensure_user(app.server, "wrong.pw", [LECTEUR], password=PASSWORD)
    resp = _login(anon, "wrong.pw", "not-the-password")
    assert resp.status_code == 401
    assert "Identifiant ou mot de passe incorrect" in resp.get_data(as_text=True)
    assert anon.post("/_dash-update-component", json={}).status_code == 401
    failed = [e for e in _events(app, "auth.sign_in_failed") if e.author == "wrong.pw"]
    assert [e.detail["reason"] for e in failed] == ["bad_credentials"]


def test_throttling_locks_the_login_even_with_the_right_password(app):
    ensure_user(app.server, "throttled", [LECTEUR], password=PASSWORD)
    client = anonymous_client(app)
    statuses = [_login(client, "throttled", f"guess-{i}").status_code for i in range(5)]
    assert statuses == [401] * 5
    locked = _login(client, "throttled")
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 800
    assert "Trop de tentatives" in locked.get_data(as_text=True)
    assert client.post("/_dash-update-component", json={}).status_code == 401  # still not signed in
    reasons = [e.detail["reason"] for e in _events(app, "auth.sign_in_failed") if e.author == "throttled"]
    assert reasons == ["bad_credentials"] * 5 + ["locked"]


def test_an_expired_session_is_sent_back_to_the_login_page(app):
    client = anonymous_client(app)
    sign_in(client, ensure_user(app.server, "expired.user", [LECTEUR]))
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
    with client.session_transaction() as sess:
        sess[auth_session.ISSUED] = int(time.time() - 10 * 3600 - 5)  # SEGUR_SESSION_HOURS=10 by default
    resp = client.get("/budget", headers={"Accept": "text/html"})
    assert resp.status_code == 302 and "expired=1" in resp.headers["Location"]
    assert "Votre session a expiré" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert client.post("/_dash-update-component", json={}).status_code == 401


def test_a_disabled_person_is_out_at_the_next_request(app):
    from appstate import users

    client = client_as(app, "soon.disabled", [LECTEUR])
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
    with app.server.extensions[EXTENSION].sessions().begin() as session:
        users.set_disabled(session, "soon.disabled", True, by="tests")
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 302


def test_a_person_without_any_role_gets_403(app):
    client = client_as(app, "no.rights", [])
    resp = client.post("/_dash-update-component", json={})
    assert resp.status_code == 403 and resp.json["error"] == "no_rights"


def test_cross_origin_posts_are_refused_before_anything_runs(app):
    client = client_as(app, "csrf.victim", [LECTEUR, CONTRIBUTEUR])
    with app.server.extensions[EXTENSION].sessions()() as session:
        before = len(service.list_events(session))
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                    {"Referer": "https://evil.example/page"}, {"Sec-Fetch-Site": "cross-site"}):
        resp = client.post("/_dash-update-component", json={}, headers=headers)
        assert resp.status_code == 403, headers
        assert resp.json["error"] == "cross_origin"
        assert client.post("/auth/logout", headers=headers).status_code == 403
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 200  # still signed in: logout refused
    with app.server.extensions[EXTENSION].sessions()() as session:
        assert len(service.list_events(session)) == before  # 0 writes
    same = client.post("/_dash-update-component", data="{}", content_type="application/json",
                       headers={"Origin": "http://localhost"})
    assert same.status_code != 403  # the app's own origin passes the check (Dash then answers the body)


def test_cross_origin_login_is_refused_too(app, anon):
    ensure_user(app.server, "login.csrf", [LECTEUR], password=PASSWORD)
    assert _login(anon, "login.csrf", Origin="https://evil.example").status_code == 403
    assert not [e for e in _events(app, "auth.sign_in") if e.author == "login.csrf"]


def test_security_headers_on_every_response(app, client, anon):
    for resp in (client.get("/", headers={"Accept": "text/html"}), anon.get("/auth/login"),
                 client.post("/_dash-update-component", json={}), anon.get("/assets/segur.css")):
        csp = resp.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert resp.headers["Referrer-Policy"] == "same-origin"


def test_csp_allows_exactly_the_inline_scripts_dash_writes(client):
    import base64
    import hashlib
    import re

    resp = client.get("/", headers={"Accept": "text/html"})
    allowed = set(re.findall(r"'(sha256-[^']+)'", resp.headers["Content-Security-Policy"]))
    inline = re.findall(r"<script>(.*?)</script>", resp.get_data(as_text=True), re.S)
    assert inline
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"sha256-{digest}" in allowed


def test_exports_and_pages_are_not_stored_but_assets_are_cacheable(client, anon):
    assert client.get("/exports/workbook.xlsx?lang=fr").headers["Cache-Control"] == "no-store"
    assert client.get("/comite/pack/unknown.pdf").headers["Cache-Control"] == "no-store"
    assert client.get("/", headers={"Accept": "text/html"}).headers["Cache-Control"] == "no-store"
    assert anon.get("/assets/segur.css").headers.get("Cache-Control") != "no-store"


def test_next_never_leads_to_another_site(app, anon):
    ensure_user(app.server, "next.user", [LECTEUR], password=PASSWORD)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        resp = anon.post("/auth/login", data={"login": "next.user", "password": PASSWORD, "next": target})
        assert resp.headers["Location"] == "/"


def test_one_time_password_must_be_changed_first(app):
    from appstate import users

    with app.server.extensions[EXTENSION].sessions().begin() as session:
        users.create_user(session, "first.time", by="tests", roles=[LECTEUR], password=PASSWORD,
                          must_change_password=True)
    client = anonymous_client(app)
    resp = _login(client, "first.time")
    assert resp.headers["Location"] == "/auth/password"
    assert client.get("/", headers={"Accept": "text/html"}).headers["Location"] == "/auth/password"
    assert client.post("/_dash-update-component", json={}).json["error"] == "password_change_required"
    short = client.post("/auth/password", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    assert short.status_code == 400 and "trop court" in short.get_data(as_text=True)
    new = "a-brand-new-passphrase-7"
    done = client.post("/auth/password", data={"current": PASSWORD, "new": new, "confirm": new})
    assert done.status_code == 302
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
    assert _login(anonymous_client(app), "first.time").status_code == 401  # the one-time password is spent
    assert _login(anonymous_client(app), "first.time", new).status_code == 302


def test_public_read_mode_reads_national_and_writes_nothing(loaded_settings):
    import dataclasses

    from dashboard import create_app
    from dashboard.access import current_scope
    from settings import AccessSettings

    settings = dataclasses.replace(loaded_settings, access=AccessSettings(public_read="national"))
    app = create_app(settings)
    seen = []
    app.server.before_request_funcs.setdefault(None, []).append(lambda: seen.append(current_scope()) and None)
    anon = anonymous_client(app)
    assert anon.get("/", headers={"Accept": "text/html"}).status_code == 200
    assert seen[-1].public and seen[-1].national and not seen[-1].can_comment(None)
    assert anon.post("/auth/logout").status_code == 302  # the sign-in pages stay reachable
    resp = anon.open("/comite/pack/x.pdf", method="DELETE")
    assert resp.status_code == 403 and resp.json["error"] == "read_only"


def test_the_secret_key_is_generated_once_with_mode_0600(loaded_settings):
    from dashboard.auth import secret

    path = loaded_settings.data_dir / secret.FILE_NAME
    key = secret.load_or_create(loaded_settings.data_dir)
    assert path.stat().st_mode & 0o777 == 0o600 and len(key) >= 32
    assert secret.load_or_create(loaded_settings.data_dir) == key
    assert secret.load_or_create(loaded_settings.data_dir, "x" * 40) == "x" * 40
    with pytest.raises(ValueError, match="trop courte"):
        secret.load_or_create(loaded_settings.data_dir, "short")


def test_behind_https_cookies_are_secure_with_hsts_and_proxy_headers_are_trusted(loaded_settings):
    import dataclasses

    from dashboard import create_app
    from settings import AccessSettings

    app = create_app(dataclasses.replace(loaded_settings, access=AccessSettings(behind_https=True, proxy_hops=1)))
    ensure_user(app.server, "https.user", [LECTEUR], password=PASSWORD)
    client = anonymous_client(app)
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "pilotage.sante.gouv.fr",
             "X-Forwarded-For": "203.0.113.7"}
    resp = client.post("/auth/login", data={"login": "https.user", "password": PASSWORD}, headers=proxy)
    assert resp.status_code == 302
    assert "Secure" in resp.headers["Set-Cookie"] and "HttpOnly" in resp.headers["Set-Cookie"]
    assert "max-age=" in resp.headers["Strict-Transport-Security"]
    sign_in = [e for e in _events(app, "auth.sign_in") if e.author == "https.user"][-1]
    assert sign_in.remote_addr == "203.0.113.7"  # the client behind the proxy, for the journal and throttling
    # the proxy's public origin is this site's origin; the internal one no longer is
    assert client.post("/_dash-update-component", json={}, headers={**proxy, "Origin": "http://localhost"}
                       ).status_code == 403


def test_bad_access_settings_are_refused_in_french():
    from settings import load_settings

    for env, message in (({"SEGUR_AUTH": "ldap"}, "attendu local ou oidc"),
                         ({"SEGUR_PUBLIC_READ": "all"}, "attendu vide ou national"),
                         ({"SEGUR_SESSION_HOURS": "dix"}, "SEGUR_SESSION_HOURS='dix' : attendu un nombre")):
        with pytest.raises(ValueError, match=message):
            load_settings(env)


def test_the_session_cookie_is_not_rewritten_by_every_response(app):
    client = client_as(app, "quiet.cookie", [LECTEUR])
    resp = client.get("/", headers={"Accept": "text/html"})
    assert resp.status_code == 200 and "Set-Cookie" not in resp.headers
