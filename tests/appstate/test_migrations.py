"""The Alembic migrations build exactly the schema the models declare, and undo it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Index, MetaData, String, Table, inspect, text
from sqlalchemy.exc import IntegrityError

from appstate import db
from appstate.models import Base, Comment, Meteo

HEAD = "0006"
TABLES = {"snapshots", "comments", "comment_revisions", "meteo", "decisions", "decision_indicators",
          "decision_territories", "decision_revisions", "audit_events", "users", "user_roles", "user_regions",
          "login_throttle", "api_tokens", "rate_counters", "app_state_version"}


def _diff(engine, metadata=Base.metadata) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(ctx, metadata)


def _tables(engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def test_upgrade_from_empty_creates_every_table_and_matches_the_models(db_url):
    engine = db.make_engine(db_url)
    assert _tables(engine) == set()
    db.upgrade(db_url)
    assert _tables(engine) == TABLES | {"alembic_version"}
    assert set(Base.metadata.tables) == TABLES
    assert _diff(engine) == []
    engine.dispose()


def test_the_schema_comparison_would_see_a_difference(db_url):
    """Guard against a vacuous check: a model the migrations lack is reported."""
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    extra = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(extra)
    Table("not_migrated", extra, Column("id", String(3), primary_key=True))
    Index("ix_comments_body_extra", extra.tables["comments"].c.author)
    kinds = {d[0] for d in _diff(engine, extra)}
    assert {"add_table", "add_index"} <= kinds
    engine.dispose()


def test_downgrade_removes_everything_and_upgrade_again_works(db_url):
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    db.downgrade(engine)
    assert _tables(engine) == {"alembic_version"}
    db.upgrade(engine)
    db.upgrade(engine)  # already at head: nothing to do
    assert _tables(engine) == TABLES | {"alembic_version"}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == HEAD
    engine.dispose()


def _columns(engine, table: str) -> set[str]:
    with engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


def _indexes(engine, table: str) -> set[str]:
    with engine.connect() as conn:
        return {i["name"] for i in inspect(conn).get_indexes(table)}


def _count(engine, sql: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def test_0002_adds_the_couloir_to_existing_comments_and_its_downgrade_keeps_them(db_url):
    engine = db.make_engine(db_url)
    db.upgrade(engine, "0001")
    assert "couloir_code" not in _columns(engine, "comments")
    with engine.begin() as conn:  # rows written by the 0001 schema, with a revision hanging off the comment
        conn.execute(text("INSERT INTO comments (id, indicator_id, kind, body, author, created_at, updated_at) "
                          "VALUES (1, 'USE-02', 'risque', 'Avant 0002', 'a', :t, :t)"), {"t": datetime(2026, 1, 5)})
        conn.execute(text("INSERT INTO comment_revisions (comment_id, old_body, new_body, old_kind, new_kind, "
                          "author, changed_at) VALUES (1, 'x', 'Avant 0002', 'risque', 'risque', 'a', :t)"),
                     {"t": datetime(2026, 1, 6)})

    db.upgrade(engine, "0002")
    assert "couloir_code" in _columns(engine, "comments")
    assert "ix_comments_couloir_code" in _indexes(engine, "comments")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT body, couloir_code FROM comments")).one() == ("Avant 0002", None)
        conn.execute(text("UPDATE comments SET couloir_code = 'radiologie' WHERE id = 1"))

    db.downgrade(engine, "0001")
    assert "couloir_code" not in _columns(engine, "comments")
    assert "ix_comments_couloir_code" not in _indexes(engine, "comments")
    assert _count(engine, "SELECT count(*) FROM comments") == 1
    assert _count(engine, "SELECT count(*) FROM comment_revisions") == 1  # no cascade through a table copy
    db.upgrade(engine)
    assert _count(engine, "SELECT count(*) FROM comments WHERE couloir_code IS NULL") == 1
    engine.dispose()


def test_0003_adds_access_tables_keeps_the_journal_and_its_downgrade_keeps_it_too(db_url):
    engine = db.make_engine(db_url)
    db.upgrade(engine, "0002")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_events (author, created_at, action, object_type, object_id, detail) "
                          "VALUES ('a', :t, 'snapshot.create', 'snapshot', 's-1', '{}')"), {"t": datetime(2026, 1, 5)})
    db.upgrade(engine)
    assert {"user_id", "remote_addr"} <= _columns(engine, "audit_events")
    assert {"ix_audit_events_user_id", "ix_audit_events_action"} <= _indexes(engine, "audit_events")
    assert _diff(engine) == []
    with engine.begin() as conn:
        assert conn.execute(text("SELECT action, user_id FROM audit_events")).one() == ("snapshot.create", None)
        conn.execute(text("INSERT INTO users (id, login, display_name, created_at, created_by) "
                          "VALUES (1, 'c.martin', 'C. Martin', :t, 'cli')"), {"t": datetime(2026, 1, 5)})
        conn.execute(text("INSERT INTO user_roles VALUES (1, 'lecteur', :t, 'cli')"), {"t": datetime(2026, 1, 5)})
        flags = conn.execute(text("SELECT disabled, must_change_password FROM users")).one()
        assert (bool(flags[0]), bool(flags[1])) == (False, False)  # server defaults
    with pytest.raises(IntegrityError), engine.begin() as conn:  # the same login twice
        conn.execute(text("INSERT INTO users (login, display_name, created_at, created_by) "
                          "VALUES ('c.martin', 'x', :t, 'cli')"), {"t": datetime(2026, 1, 5)})
    with pytest.raises(IntegrityError), engine.begin() as conn:  # an unknown role
        conn.execute(text("INSERT INTO user_roles VALUES (1, 'roi', :t, 'cli')"), {"t": datetime(2026, 1, 5)})
    with engine.begin() as conn:  # deleting a person deletes their rights (ON DELETE CASCADE)
        conn.execute(text("DELETE FROM users WHERE id = 1"))
        assert conn.execute(text("SELECT count(*) FROM user_roles")).scalar_one() == 0

    db.downgrade(engine, "0002")
    assert "users" not in _tables(engine) and "user_id" not in _columns(engine, "audit_events")
    assert _count(engine, "SELECT count(*) FROM audit_events") == 1
    engine.dispose()


def test_session_factory_migrates_on_first_use_and_is_cached(db_url):
    sessions = db.session_factory(db_url)
    assert db.session_factory(db_url) is sessions
    assert _tables(sessions.kw["bind"]) == TABLES | {"alembic_version"}


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path):
    url = f"sqlite:///{tmp_path / 'sub' / 'app.db'}"  # the directory is created
    sessions = db.session_factory(url)
    with sessions() as session:
        assert session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert session.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    db.forget(url)


def test_in_memory_sqlite_is_migrated_too():
    sessions = db.session_factory("sqlite://")
    with sessions() as session:
        assert session.execute(text("SELECT count(*) FROM comments")).scalar_one() == 0


def _comment(**kw) -> Comment:
    now = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    values = {"indicator_id": "USE-01", "kind": "analyse", "body": "b", "author": "a", "created_at": now,
              "updated_at": now} | kw
    return Comment(**values)


def test_timestamps_come_back_timezone_aware_in_utc(sessions):
    paris = timezone(timedelta(hours=1))
    with sessions.begin() as session:
        session.add(_comment(created_at=datetime(2026, 11, 28, 10, 30, tzinfo=paris)))
    with sessions() as session:
        stored = session.query(Comment).one()
        assert stored.created_at == datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
        assert stored.created_at.utcoffset() == timedelta(0)
        assert stored.deleted is False  # server default


def test_naive_timestamps_are_refused(sessions):
    with pytest.raises(Exception, match="time zone"), sessions.begin() as session:
        session.add(_comment(created_at=datetime(2026, 11, 28, 9, 30)))


@pytest.mark.parametrize("bad", [_comment(kind="rumeur"), _comment(snapshot_id="s-unknown")])
def test_the_database_itself_refuses_bad_rows(sessions, bad):
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(bad)


def test_an_empty_justification_is_refused_by_the_database(sessions):
    now = datetime(2026, 11, 28, tzinfo=UTC)
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(Meteo(target_type="indicator", target_id="USE-01", level="compromis", justification="  ",
                          author="a", created_at=now))


def test_command_line_upgrade_current_downgrade(tmp_path, monkeypatch, capsys):
    from appstate.__main__ import main

    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("SEGUR_APP_DB", url)
    assert main(["upgrade"]) == 0
    assert capsys.readouterr().out.strip() == f"{url} : révision {HEAD}"
    assert main(["downgrade"]) == 0
    assert "aucune (base vide)" in capsys.readouterr().out
    monkeypatch.setenv("SEGUR_APP_DB", "postgresql+psycopg://u:secret@127.0.0.1:1/x")
    assert main(["current"]) == 1
    out = capsys.readouterr().out
    # "inaccessible", or "pilote manquant" where psycopg is not installed: either way no traceback, no password
    assert out.startswith("erreur : ") and "postgresql+psycopg://u:***@127.0.0.1:1/x" in out and "secret" not in out
