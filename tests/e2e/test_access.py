"""In the browser: local sign-in and sign-out, an expired session, a reader who sees no write control."""

from __future__ import annotations

import re
import time

import flask
from flask.sessions import SecureCookieSessionInterface

from appstate import db, users
from dashboard.auth import secret
from indicators.scope import CONTRIBUTEUR, LECTEUR
from tests.e2e.browser_tools import create_account, wait_for_page


def test_local_sign_in_lands_on_the_page_asked_for_then_sign_out(anonymous_page, live_server):
    page = anonymous_page
    password = create_account(live_server.data_dir, "e2e.ars53", [LECTEUR, CONTRIBUTEUR], ["53"])
    page.goto(live_server + "/budget")
    page.wait_for_url(live_server + "/auth/login?next=%2Fbudget")
    assert page.locator("h1").inner_text() == "Connexion"
    page.get_by_label("Identifiant").fill("e2e.ars53")
    page.get_by_label("Mot de passe").fill("not-the-password")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("alert").filter(has_text="Identifiant ou mot de passe incorrect").wait_for()
    assert page.console_errors == ["Failed to load resource: the server responded with a status of 401 (UNAUTHORIZED)"]
    page.console_errors.clear()  # the refused sign-in page is answered 401, as it should: the browser logs it

    page.get_by_label("Mot de passe").fill(password)
    started = time.perf_counter()
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server + "/budget")
    page.locator("#identity-name").wait_for()
    print(f"\nlocal sign-in round trip: {time.perf_counter() - started:.2f} s from the button to the page's header")
    assert "Bretagne" in page.locator("#identity-scope").inner_text()
    assert not page.get_by_role("button", name="Figer pour le comité").is_visible()

    page.locator("#sign-out-button").click()
    page.wait_for_url(live_server + "/auth/login?signed_out=1")
    page.get_by_text("Vous êtes déconnecté(e).").wait_for()
    page.goto(live_server + "/")
    page.wait_for_url(live_server + "/auth/login?next=%2F")


def _expired_cookie(data_dir, login: str) -> str:
    """The session cookie the server would have issued 11 hours ago (SEGUR_SESSION_HOURS=10)."""
    app = flask.Flask("forge")
    app.secret_key = secret.load_or_create(data_dir)
    sessions = db.session_factory(f"sqlite:///{data_dir / 'app.db'}")
    with sessions() as session:
        uid = users.find(session, login).id
    return SecureCookieSessionInterface().get_signing_serializer(app).dumps(
        {"uid": uid, "iat": int(time.time() - 11 * 3600), "m": "local"})


def test_an_expired_session_goes_back_to_the_login_page_with_a_message(page, live_server):
    page.goto(live_server + "/donnees")
    wait_for_page(page, "Données")
    page.context.add_cookies([{"name": "segur_session", "value": _expired_cookie(live_server.data_dir,
                                                                                  live_server.login),
                               "url": str(live_server)}])
    page.get_by_text("EN", exact=True).click()  # the next request is refused: the page goes to the login page
    page.wait_for_url("**/auth/login?expired=1**")
    # French, or English when the navigation to ?lang=en reached the gate before the refused callback did
    page.get_by_text(re.compile("Votre session a expiré|Your session has expired")).wait_for()
    page.console_errors.clear()  # the refused callback is logged by Dash in the console: that is the point


def test_a_reader_sees_no_write_control(page_as, live_server):
    page = page_as("e2e.lecteur", [LECTEUR])
    page.goto(live_server + "/indicateurs/USE-01")
    wait_for_page(page, "Commentaires")
    page.locator("#identity-name").wait_for()
    assert page.get_by_role("button", name="Publier le commentaire").count() == 0
    assert page.locator(".meteo-set").count() == 0
    assert not page.get_by_role("button", name="Figer pour le comité").is_visible()
    page.goto(live_server + "/decisions")
    page.locator("#identity-name").wait_for()
    assert not page.get_by_role("button", name="Enregistrer la décision").is_visible()
    assert page.get_by_role("link", name="Administration").count() == 0


def test_admin_grants_a_region_and_the_journal_shows_it(page, live_server):
    create_account(live_server.data_dir, "e2e.to.grant", [LECTEUR])
    page.goto(live_server + "/admin")
    wait_for_page(page, "Personnes habilitées")
    page.get_by_label("Identifiant (ou adresse électronique)").fill("e2e.to.grant")
    page.get_by_role("textbox", name="Régions").click()
    page.get_by_role("option", name="Bretagne").click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Accorder").click()
    page.get_by_text("Droits accordés à e2e.to.grant.").wait_for()
    page.goto(live_server + "/journal?categorie=user")
    wait_for_page(page, "Journal d'audit")
    page.get_by_text("regions : ∅ → 53").first.wait_for()
