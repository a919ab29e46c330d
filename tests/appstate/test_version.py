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


def test_quiet_updates_do_not_bump_but_quiet_inserts_do(sessions, catalogue):
    with sessions.begin() as session:
        user = users.create_user(session, "b.durand", by="admin", roles=["lecteur"], password="x" * 16)
    v0 = _version(sessions)
    with sessions.begin() as session:
        version.quiet(session)
        session.get(User, user.id).display_name = "B. Durand"
    assert _version(sessions) == v0
    with sessions.begin() as session:
        version.quiet(session)
        _comment(session, catalogue)
    assert _version(sessions) == v0 + 1
