"""OIDC sign-in against a real provider (npm oidc-provider): its own login page, back to the dashboard with the
région and roles an administrator pre-granted to the email; sign-out through the provider's end-session page."""

from __future__ import annotations

import time

import pytest

from appstate import db, users
from indicators.scope import CONTRIBUTEUR, LECTEUR
from tests.e2e.browser_tools import free_port, serve_app, wait_for_page
from tests.oidc import provider as oidc

TODAY = "2025-12-15"


@pytest.fixture(scope="module")
def oidc_app(live_data_dir, tmp_path_factory):
    """The provider and an app with SEGUR_AUTH=oidc over the tiny warehouse; yields (app base URL, provider)."""
    reason = oidc.missing()
    if reason:
        pytest.skip(reason)
    app_port, provider_port = free_port(), free_port()
    app_base = f"http://127.0.0.1:{app_port}"
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with oidc.running(provider_port, f"{app_base}/auth/oidc/callback", f"{app_base}/auth/login?signed_out=1",
                      log) as provider:
        env = {"SEGUR_AUTH": "oidc", "SEGUR_OIDC_DISCOVERY_URL": provider.discovery_url,
               "SEGUR_OIDC_CLIENT_ID": provider.client_id, "SEGUR_OIDC_CLIENT_SECRET": provider.client_secret,
               "SEGUR_OIDC_PROVIDER_NAME": "Fournisseur de test"}
        with serve_app(live_data_dir, TODAY, env=env, port=app_port, sign_in=False) as base:
            yield base, provider


def _pre_grant(data_dir, email: str) -> None:
    sessions = db.session_factory(f"sqlite:///{data_dir / 'app.db'}")
    with sessions.begin() as session:
        if users.find(session, email) is None:
            users.create_user(session, email, by="tests", email=email, roles=[LECTEUR, CONTRIBUTEUR], regions=["53"])


@pytest.fixture()
def oidc_page(browser, oidc_app):
    base, provider = oidc_app
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    pg = context.new_page()
    pg.set_default_timeout(45_000)
    pg.errors, pg.elsewhere = [], []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    allowed = (base + "/", provider.issuer + "/", "data:", "about:")
    # The provider's development login page asks for a web font on the internet: refused (offline), and not ours.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(allowed) else route.abort())
    pg.on("request", lambda r: None if r.url.startswith(allowed) or not r.frame.url.startswith(base)
          else pg.elsewhere.append(r.url))
    yield pg
    context.close()
    assert pg.errors == [] and pg.elsewhere == []


def _provider_sign_in(page, login: str) -> None:
    """The provider's own (development) login page, then its consent page."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any-password")
    page.locator("button[type=submit]").click()
    page.get_by_role("button", name="Continue").click()


def test_oidc_sign_in_lands_on_the_dashboard_with_the_pre_granted_region(oidc_page, oidc_app, live_data_dir):
    base, provider = oidc_app
    _pre_grant(live_data_dir, "agent53@sante.example")
    page = oidc_page
    page.goto(base + "/")
    page.get_by_role("link", name="Se connecter avec Fournisseur de test").wait_for()
    started = time.perf_counter()
    page.get_by_role("link", name="Se connecter avec Fournisseur de test").click()
    page.wait_for_url(provider.issuer + "/**")
    provider_shown = time.perf_counter()
    _provider_sign_in(page, "agent53")
    page.wait_for_url(base + "/")
    page.locator("#identity-name").wait_for()
    landed = time.perf_counter()
    print(f"\nOIDC sign-in round trip: {landed - started:.2f} s from the button to the dashboard "
          f"({provider_shown - started:.2f} s to the provider's page; the form filling is included)")
    assert page.locator("#identity-name").inner_text() == "Agent agent53"
    assert "Bretagne" in page.locator("#identity-scope").inner_text()
    assert "Contributeur" in page.locator("#identity-scope").inner_text()
    page.get_by_role("link", name="Mon compte").click()
    wait_for_page(page, "Périmètre")
    assert page.locator("#account-scope").inner_text() == "Bretagne"
    assert page.locator("#account-email").inner_text() == "agent53@sante.example"

    page.locator("#sign-out-button").click()  # → the provider's end-session page, then back to our login page
    page.wait_for_url(provider.issuer + "/**")
    page.locator("button[autofocus], button[type=submit]").first.click()
    page.wait_for_url(base + "/auth/login?signed_out=1")
    page.get_by_text("Vous êtes déconnecté(e).").wait_for()
    page.goto(base + "/budget")
    page.wait_for_url(base + "/auth/login?next=%2Fbudget")


def test_an_identity_nobody_granted_rights_to_is_refused_clearly(oidc_page, oidc_app):
    base, _provider = oidc_app
    page = oidc_page
    page.goto(base + "/auth/login")
    page.get_by_role("link", name="Se connecter avec Fournisseur de test").click()
    _provider_sign_in(page, "stranger")
    page.get_by_text("aucun droit ne vous a été attribué").wait_for()
    page.goto(base + "/")
    page.wait_for_url(base + "/auth/login?next=%2F")
