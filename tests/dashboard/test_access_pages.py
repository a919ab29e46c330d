"""The access screens in-process: Mon compte, Administration (admin only, its actions), the audit journal,
the header's identity box and the menu entries each role opens."""

from __future__ import annotations

import json

from appstate import users
from dashboard import ids
from dashboard.context import EXTENSION
from indicators.scope import ADMIN, CONTRIBUTEUR, LECTEUR, SECRETARIAT
from tests.dashboard.render import find_by_class, page_text, render
from tests.signin import client_as


def _admin_action(client, action: str, login: str, *, email=None, roles=(), regions=()):
    """The Administration page's button callback, as the browser sends it."""
    payload = {
        "output": f"..{ids.ADMIN_FEEDBACK}.children...admin-people-block.children..",
        "outputs": [{"id": ids.ADMIN_FEEDBACK, "property": "children"},
                    {"id": "admin-people-block", "property": "children"}],
        "inputs": [[{"id": {"type": ids.ADMIN_ACTION, "action": a}, "property": "n_clicks",
                     "value": 1 if a == action else None}
                    for a in ("create", "grant", "revoke", "disable", "enable")]],
        "changedPropIds": [json.dumps({"action": action, "type": ids.ADMIN_ACTION}, separators=(",", ":"))
                           + ".n_clicks"],
        "state": [{"id": ids.ADMIN_LOGIN, "property": "value", "value": login},
                  {"id": ids.ADMIN_EMAIL, "property": "value", "value": email},
                  {"id": ids.ADMIN_NAME, "property": "value", "value": None},
                  {"id": ids.ADMIN_ROLES, "property": "value", "value": list(roles)},
                  {"id": ids.ADMIN_REGIONS, "property": "value", "value": list(regions)},
                  {"id": ids.URL, "property": "search", "value": ""}],
    }
    return client.post("/_dash-update-component", json=payload)


def _text(resp) -> str:
    return json.dumps(resp.json, ensure_ascii=False)


def _person(app, login):
    with app.server.extensions[EXTENSION].sessions()() as session:
        user = users.find(session, login)
        return users.view(user) if user else None


def test_my_account_shows_roles_and_regional_scope(app):
    client = client_as(app, "ars.bzh", [LECTEUR, CONTRIBUTEUR], ["53"])
    text = page_text(render(client, "/mon-compte"))
    assert "ars.bzh" in text and "Lecteur, Contributeur" in text and "Bretagne" in text
    assert "National" not in text
    text = page_text(render(client, "/mon-compte", "?lang=en"))
    assert "My account" in text and "Reader, Contributor" in text


def test_admin_page_is_for_admins_only(app):
    assert "Accès non autorisé" in page_text(render(client_as(app, "sec.only", [LECTEUR, SECRETARIAT]), "/admin"))
    text = page_text(render(client_as(app, "the.admin", [LECTEUR, ADMIN]), "/admin"))
    assert "Personnes habilitées" in text and "Accorder" in text


def test_admin_actions_write_and_are_signed_by_the_admin(app):
    admin = client_as(app, "root.admin", [LECTEUR, ADMIN])
    resp = _admin_action(admin, "create", "", email="agent@ars-bretagne.sante.fr", roles=[LECTEUR], regions=["53"])
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert "agent@ars-bretagne.sante.fr créé(e)" in _text(resp)
    person = _person(app, "agent@ars-bretagne.sante.fr")
    assert person.regions == ("53",) and not person.has_password  # a pre-grant for OIDC: no password
    _admin_action(admin, "grant", "agent@ars-bretagne.sante.fr", roles=[CONTRIBUTEUR])
    assert _person(app, "agent@ars-bretagne.sante.fr").roles == ("contributeur", "lecteur")
    local = _text(_admin_action(admin, "create", "new.local", roles=[LECTEUR]))
    assert "Mot de passe à usage unique" in local and _person(app, "new.local").must_change_password
    bad = _text(_admin_action(admin, "grant", "agent@ars-bretagne.sante.fr", regions=["99"]))
    assert "Rien n'a été modifié" in bad and "région inconnu" in bad
    _admin_action(admin, "disable", "new.local")
    assert _person(app, "new.local").disabled

    journal = page_text(render(admin, "/journal", "?categorie=user"))
    assert "root.admin" in journal and "Droits accordés" in journal
    assert "roles : lecteur → contributeur, lecteur" in journal


def test_a_forged_admin_callback_from_a_non_admin_writes_nothing(app):
    resp = _admin_action(client_as(app, "sneaky", [LECTEUR, SECRETARIAT]), "create", "planted", roles=[ADMIN])
    assert resp.status_code == 200 and "Accès non autorisé" in _text(resp)
    assert _person(app, "planted") is None


def test_journal_shows_sign_ins_and_failures_to_the_secretariat_not_to_a_reader(app):
    from tests.signin import anonymous_client

    users_client = anonymous_client(app)
    users_client.post("/auth/login", data={"login": "no.such.person", "password": "x" * 12})
    text = page_text(render(client_as(app, "sec.journal", [LECTEUR, SECRETARIAT]), "/journal", "?categorie=auth"))
    assert "Échec de connexion" in text and "no.such.person" in text and "reason=bad_credentials" in text
    assert "Accès non autorisé" in page_text(render(client_as(app, "reader.j", [LECTEUR]), "/journal"))


def _shell(client, search=""):
    payload = {"output": f"..{ids.IDENTITY}.children...{ids.FREEZE_OPEN}.style..",
               "outputs": [{"id": ids.IDENTITY, "property": "children"}, {"id": ids.FREEZE_OPEN, "property": "style"}],
               "inputs": [{"id": ids.URL, "property": "search", "value": search}],
               "changedPropIds": [f"{ids.URL}.search"], "state": []}
    return _text(client.post("/_dash-update-component", json=payload))


def test_header_shows_who_is_signed_in_with_a_sign_out_form(app):
    body = _shell(client_as(app, "header.user", [LECTEUR], ["53"]))
    assert "header.user" in body and "Lecteur" in body and "Bretagne" in body
    assert '"action": "/auth/logout"' in body and '"method": "POST"' in body
    assert '"display": "none"' in body  # a reader has no freeze button
    assert '"display": "none"' not in _shell(client_as(app, "header.sec", [LECTEUR, SECRETARIAT]))


def test_a_reader_gets_no_write_control_on_the_indicator_and_decision_pages(app):
    reader = client_as(app, "plain.reader", [LECTEUR])
    writer = client_as(app, "national.writer", [LECTEUR, CONTRIBUTEUR, SECRETARIAT])
    for client, expected in ((reader, False), (writer, True)):
        page = json.dumps(render(client, "/indicateurs/USE-01"), ensure_ascii=False)
        assert (ids.COMMENTS_ADD in page) is expected and (ids.METEO_SAVE in page) is expected
        decisions = render(client, "/decisions")
        form = _find(decisions, "decision-form")
        assert (form is not None) is expected


_find = find_by_class


def test_menu_entries_follow_the_roles(app):
    from dashboard.access import set_scope
    from dashboard.shell import nav_links
    from dashboard.state import ViewState
    from indicators.scope import Scope

    def labels(roles):
        with app.server.test_request_context("/"):
            set_scope(Scope.of(1, "x", "x", roles, None))
            return str(nav_links("/", ViewState(), {"/admin", "/journal", "/"}))

    assert "Administration" not in labels([LECTEUR]) and "Journal" not in labels([LECTEUR])
    assert "Journal" in labels([LECTEUR, SECRETARIAT]) and "Administration" not in labels([LECTEUR, SECRETARIAT])
    assert "Administration" in labels([LECTEUR, ADMIN])
