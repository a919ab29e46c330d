"""The app-state version: every committed write bumps it (in its own transaction), reads and rollbacks do not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from appstate import service, users, version
from appstate.access_models import User
from appstate.models import Comment

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _version(sessions) -> int:
    with sessions() as session:
        return version.read(session)


def _comment(session, catalogue):
    return service.add_comment(session, indicator_id="TST-01", kind="risque", body="Grève", author="c.martin",
                               now=T0, catalogue=catalogue)


def test_a_committed_write_bumps_the_version_and_a_read_does_not(sessions, catalogue):
    v0 = _version(sessions)
    with sessions.begin() as session:
        c = _comment(session, catalogue)
    v1 = _version(sessions)
    assert v1 == v0 + 1
    with sessions() as session:
        assert [x.id for x in service.list_comments(session, "TST-01")] == [c.id]
        session.commit()  # committing a read-only session is no write
    assert _version(sessions) == v1
    with sessions.begin() as session:
        service.edit_comment(session, c.id, "c.martin", body="Grève levée", now=T0)
    with sessions.begin() as session:
        service.delete_comment(session, c.id, "c.martin", now=T0)
    assert _version(sessions) == v1 + 2


def test_a_rolled_back_write_leaves_the_version(sessions, catalogue):
    v0 = _version(sessions)
    with pytest.raises(RuntimeError), sessions.begin() as session:
        _comment(session, catalogue)
        session.flush()
        raise RuntimeError("the response could not be built")
    assert _version(sessions) == v0
    with sessions() as session:
        assert service.list_comments(session, "TST-01") == []


def test_a_dml_statement_and_a_rights_change_bump_it(sessions):
    with sessions.begin() as session:
        user = users.create_user(session, "a.dupont", by="admin", roles=["lecteur"], password="x" * 16)
    v0 = _version(sessions)
    with sessions.begin() as session:
        session.execute(update(User).where(User.id == user.id).values(disabled=True))
    assert _version(sessions) == v0 + 1
    with sessions.begin() as session:
        session.execute(update(Comment).where(Comment.id == -1).values(body="rien"))
    assert _version(sessions) == v0 + 2  # a statement may change rows: it counts even when it matched none


def test_book_keeping_does_not_bump_for_its_own_transaction_only(sessions, catalogue):
    with sessions.begin() as session:
        user = users.create_user(session, "b.durand", by="admin", roles=["lecteur"], password="x" * 16)
    v0 = _version(sessions)
    with sessions() as session:  # one session, two transactions: the exemption must not outlive the first
        version.bookkeeping(session)
        session.get(User, user.id).display_name = "B. Durand"
        _comment(session, catalogue)  # an insert too: nothing a cached page shows once it is book-keeping
        session.commit()
        assert _version(sessions) == v0
        _comment(session, catalogue)
        session.commit()
    assert _version(sessions) == v0 + 1
    with sessions.begin() as session:
        version.bookkeeping(session)
        _comment(session, catalogue)
        version.loud(session)  # the transaction changed something after all
    assert _version(sessions) == v0 + 2


def test_sign_ins_are_book_keeping_but_an_oidc_claim_is_a_change(sessions):
    """200 sign-ins on a committee morning must not empty every cache; a claimed account must show."""
    from appstate import signin

    with sessions.begin() as session:
        users.create_user(session, "s.martin", by="admin", roles=["lecteur"], password="y" * 16)
        users.create_user(session, "o.petit", by="admin", roles=["lecteur"], email="o.petit@ars.sante.fr")
    v0 = _version(sessions)
    with sessions.begin() as session:
        assert signin.sign_in_local(session, "s.martin", "y" * 16, remote_addr="10.0.0.1").ok
    with sessions.begin() as session:
        assert not signin.sign_in_local(session, "s.martin", "wrong" * 4, remote_addr="10.0.0.1").ok
    with sessions.begin() as session:
        signin.record_sign_out(session, None, "s.martin")
    assert _version(sessions) == v0  # journal rows, throttle and last sign-in written, nothing a cache shows
    with sessions.begin() as session:
        assert signin.sign_in_oidc(session, "sub-123", "o.petit@ars.sante.fr", "Odile Petit").ok
    v1 = _version(sessions)
    assert v1 == v0 + 1  # the claim changed the account
    with sessions.begin() as session:
        assert signin.sign_in_oidc(session, "sub-123", "o.petit@ars.sante.fr", "Odile Petit").ok
    assert _version(sessions) == v1
    with sessions.begin() as session:
        users.revoke(session, "s.martin", by="admin", roles=["lecteur"])
    assert _version(sessions) == v1 + 1  # a rights change in a later session is loud again
