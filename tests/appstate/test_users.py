"""People and rights: create, grant, revoke, disable, claim by OIDC, resolve to a Scope; the users CLI."""

from __future__ import annotations

import json

import pytest

from appstate import db, service, signin, users
from indicators.scope import ADMIN, CONTRIBUTEUR, LECTEUR, SECRETARIAT


def test_create_grant_revoke_and_scope(sessions):
    with sessions.begin() as s:
        user = users.create_user(s, "C.Martin", by="admin", display_name="Claire Martin",
                                 email="Claire.Martin@ars.sante.fr", roles=[LECTEUR], regions=["53"])
        uid = user.id
    with sessions.begin() as s:
        scope = users.scope_of(s, uid)
        assert (scope.login, scope.display_name, scope.roles, scope.regions) == (
            "c.martin", "Claire Martin", frozenset({LECTEUR}), frozenset({"53"}))
        assert not scope.can_comment("53")
        users.grant(s, "claire.martin@ars.sante.fr", by="admin", roles=[CONTRIBUTEUR], regions=["11"])
    with sessions.begin() as s:
        scope = users.scope_of(s, uid)
        assert scope.regions == frozenset({"53", "11"}) and scope.can_comment("53") and not scope.can_comment("84")
        users.revoke(s, "c.martin", by="admin", regions=["53", "11"], roles=[LECTEUR])
    with sessions() as s:
        scope = users.scope_of(s, uid)
        assert scope.national and scope.roles == frozenset({CONTRIBUTEUR})
        events = service.list_events(s, object_type="user", object_id="c.martin")
        assert [e.action for e in events] == ["user.create", "user.grant", "user.revoke"]
        assert events[1].detail["before"]["regions"] == ["53"]
        assert events[1].detail["after"]["regions"] == ["11", "53"]
        assert events[1].author == "admin"


def test_a_disabled_person_has_no_scope(sessions):
    with sessions.begin() as s:
        uid = users.create_user(s, "gone", by="admin", roles=[LECTEUR]).id
        users.set_disabled(s, "gone", True, by="admin")
    with sessions() as s:
        assert users.scope_of(s, uid) is None


@pytest.mark.parametrize("kw,message", [
    ({"login": "Bad Login"}, "identifiant invalide"),
    ({"login": "x", "roles": ["roi"]}, "rôle inconnu"),
    ({"login": "x", "regions": ["99"]}, "région inconnu"),
    ({"login": "x", "email": "not-an-email"}, "adresse électronique invalide"),
    ({"login": "x", "password": "short"}, "mot de passe trop court"),
])
def test_bad_input_is_refused_in_french(sessions, kw, message):
    with pytest.raises(ValueError, match=message), sessions.begin() as s:
        users.create_user(s, by="admin", **kw)


def test_duplicates_are_refused(sessions):
    with sessions.begin() as s:
        users.create_user(s, "dup", by="admin", email="dup@x.fr")
    for kw in ({"login": "DUP"}, {"login": "other", "email": "DUP@x.fr"}):
        with pytest.raises(ValueError, match="existe déjà"), sessions.begin() as s:
            users.create_user(s, by="admin", **kw)


def test_passwords_are_argon2_and_verified(sessions):
    with sessions.begin() as s:
        user = users.create_user(s, "pw", by="admin", password="a-long-enough-password")
        assert user.password_hash.startswith("$argon2id$")
        assert users.verify_password(user, "a-long-enough-password")
        assert not users.verify_password(user, "a-long-enough-passwordX")
        assert not users.verify_password(None, "anything")


def test_oidc_claims_a_pre_granted_email_once(sessions):
    with sessions.begin() as s:
        users.create_user(s, "pre", by="admin", email="agent@ars.sante.fr", roles=[LECTEUR], regions=["53"])
    with sessions.begin() as s:
        assert signin.sign_in_oidc(s, "sub-1", "AGENT@ars.sante.fr", "Agent ARS", email_verified=False).error == \
            "unknown_identity"  # an unverified email claims nothing
        result = signin.sign_in_oidc(s, "sub-1", "agent@ars.sante.fr", "Agent ARS")
        assert result.ok and result.user.oidc_sub == "sub-1" and result.user.display_name == "Agent ARS"
    with sessions.begin() as s:
        assert signin.sign_in_oidc(s, "sub-1", None, None).ok  # known by sub from now on
        assert signin.sign_in_oidc(s, "sub-2", "agent@ars.sante.fr", "Impostor").error == "unknown_identity"
        assert signin.sign_in_oidc(s, "sub-3", "nobody@x.fr", None).error == "unknown_identity"
    with sessions() as s:
        assert [e.action for e in service.list_events(s, action_prefix="auth.")] == [
            "auth.sign_in_failed", "auth.sign_in", "auth.sign_in", "auth.sign_in_failed", "auth.sign_in_failed"]


def _cli(monkeypatch, capsys, db_url, *argv) -> tuple[int, str, str]:
    from appstate.__main__ import main

    monkeypatch.setenv("SEGUR_APP_DB", db_url)
    code = main(["users", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_users_cli(monkeypatch, capsys, db_url):
    code, out, _ = _cli(monkeypatch, capsys, db_url, "add", "c.martin", "--email", "c.martin@ars.sante.fr",
                        "--role", "lecteur", "--region", "53", "--json")
    assert code == 0
    added = json.loads(out)[0]
    assert added["regions"] == ["53"] and added["roles"] == ["lecteur"] and len(added["one_time_password"]) == 19
    assert _cli(monkeypatch, capsys, db_url, "grant", "c.martin", "--role", "contributeur")[0] == 0
    assert _cli(monkeypatch, capsys, db_url, "revoke", "c.martin", "--region", "53")[0] == 0
    assert _cli(monkeypatch, capsys, db_url, "add", "oidc.only", "--email", "o@x.fr", "--oidc-only")[0] == 0
    assert _cli(monkeypatch, capsys, db_url, "disable", "oidc.only")[0] == 0
    code, out, _ = _cli(monkeypatch, capsys, db_url, "list", "--json")
    listed = {u["login"]: u for u in json.loads(out)}
    assert listed["c.martin"]["roles"] == ["contributeur", "lecteur"] and listed["c.martin"]["national"]
    assert listed["oidc.only"]["disabled"] and not listed["oidc.only"]["local_password"]
    assert "one_time_password" not in listed["c.martin"]
    code, out, _ = _cli(monkeypatch, capsys, db_url, "list")
    assert "oidc.only" in out and "[désactivé]" in out
    code, _, err = _cli(monkeypatch, capsys, db_url, "grant", "nobody", "--role", "admin")
    assert code == 1 and err.startswith("erreur : personne inconnue « nobody »")
    code, _, err = _cli(monkeypatch, capsys, db_url, "grant", "c.martin", "--region", "99")
    assert code == 1 and "région inconnu" in err and "Traceback" not in err


def test_users_demo_creates_one_account_per_role_only_on_an_empty_base(monkeypatch, capsys, db_url):
    code, out, _ = _cli(monkeypatch, capsys, db_url, "demo", "--json")
    assert code == 0
    accounts = {u["login"]: u for u in json.loads(out)}
    assert accounts["demo.ars.bretagne"]["regions"] == ["53"] and CONTRIBUTEUR in accounts["demo.ars.bretagne"]["roles"]
    assert {ADMIN, SECRETARIAT} <= set(accounts["demo.admin"]["roles"])
    passwords = [u["one_time_password"] for u in accounts.values()]
    assert len(set(passwords)) == len(passwords) == 6  # random, never the same
    code, _, err = _cli(monkeypatch, capsys, db_url, "demo")
    assert code == 1 and "déjà des personnes" in err


def test_reset_password_gives_a_one_time_password_journaled_and_refuses_oidc_only(monkeypatch, capsys, db_url):
    sessions = db.session_factory(db_url)
    with sessions.begin() as s:
        users.create_user(s, "r.durand", by="test", password="ancien-mot-de-passe", roles=["lecteur"])
        users.create_user(s, "oidc.seul", by="test", email="oidc.seul@ars.sante.fr", roles=["lecteur"])
        for _ in range(5):  # locked out after five failures
            signin.sign_in_local(s, "r.durand", "mauvais-mot-de-passe")
        assert signin.sign_in_local(s, "r.durand", "ancien-mot-de-passe").error == "locked"
    code, out, _ = _cli(monkeypatch, capsys, db_url, "reset-password", "r.durand", "--json")
    assert code == 0
    password = json.loads(out)[0]["one_time_password"]
    assert len(password) == 19
    with sessions.begin() as s:
        assert signin.sign_in_local(s, "r.durand", "ancien-mot-de-passe").error == "bad_credentials"
        result = signin.sign_in_local(s, "r.durand", password)
        assert result.ok and result.user.must_change_password  # the gate sends them to choose their own
    with sessions() as s:
        reset = service.list_events(s, object_id="r.durand", action="user.password_reset")
    assert [(e.author, e.detail) for e in reset] == [("cli", {"must_change": True, "lock_cleared": True})]
    code, out, _ = _cli(monkeypatch, capsys, db_url, "reset-password", "r.durand")
    assert code == 0 and "mot de passe à usage unique : " in out and password not in out
    code, _, err = _cli(monkeypatch, capsys, db_url, "reset-password", "oidc.seul")
    assert code == 1 and "n'a pas de mot de passe local (connexion OIDC seulement)" in err and "Traceback" not in err
    code, _, err = _cli(monkeypatch, capsys, db_url, "reset-password", "inconnu")
    assert code == 1 and err.startswith("erreur : personne inconnue « inconnu »")
