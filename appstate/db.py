"""Open the app-state database: engine, sessions, and the Alembic migrations run from code.

No alembic.ini: the Alembic Config is built here and points at `appstate/migrations`. Migrations run on
the connection of the engine the app uses, so an in-memory SQLite database is migrated too.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from appstate import version

MIGRATIONS = Path(__file__).with_name("migrations")

_factories: dict[str, sessionmaker[Session]] = {}
_lock = threading.Lock()


def alembic_config(engine: Engine) -> Config:
    """An Alembic Config for this package's migrations, bound to `engine` (no ini file)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def make_engine(url: str) -> Engine:
    """An engine for the app-state URL; SQLite gets foreign keys, WAL and cross-thread connections."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return create_engine(u, pool_pre_ping=True)
    memory = u.database in (None, "", ":memory:")
    if not memory:
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(u, connect_args={"check_same_thread": False},
                           poolclass=StaticPool if memory else None)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        if not memory:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA busy_timeout = 5000")
        cur.close()

    return engine


def _run(engine_or_url: Engine | str, fn, revision: str) -> None:
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        fn(alembic_config(engine), revision)
    finally:
        if isinstance(engine_or_url, str):
            engine.dispose()


def upgrade(url: Engine | str, revision: str = "head") -> None:
    """`alembic upgrade head` on the database at `url` (an engine is accepted too)."""
    _run(url, command.upgrade, revision)


def downgrade(url: Engine | str, revision: str = "base") -> None:
    """`alembic downgrade` (default: to an empty schema)."""
    _run(url, command.downgrade, revision)


def session_factory(url: str) -> sessionmaker[Session]:
    """Sessions on the app-state database, migrated to the latest schema on the first call per URL.

    Objects stay usable after commit (expire_on_commit=False). Write with
    `with factory.begin() as session: service.add_comment(session, …)`.
    """
    with _lock:
        factory = _factories.get(url)
        if factory is None:
            engine = make_engine(url)
            upgrade(engine)
            factory = sessionmaker(engine, expire_on_commit=False)
            version.watch(factory)  # every committed write bumps the app-state version (caches follow it)
            _factories[url] = factory
        return factory


def forget(url: str) -> None:
    """Drop the cached factory for `url` and close its connections (tests, or after a restore)."""
    with _lock:
        factory = _factories.pop(url, None)
    if factory is not None:
        factory.kw["bind"].dispose()
