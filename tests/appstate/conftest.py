"""App-state databases for the tests: SQLite always; PostgreSQL too when SEGUR_TEST_PG_URL is set.

Each PostgreSQL test gets its own schema (via the connection's search_path), dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from appstate import db
from tests.appstate.factories import tiny_catalogue

PG_URL = os.environ.get("SEGUR_TEST_PG_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty app-state database URL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.db'}"
        yield url
        db.forget(url)
        return
    if not PG_URL:
        pytest.skip("PostgreSQL: définissez SEGUR_TEST_PG_URL (voir docs/committee.md)")
    schema = f"t_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    try:
        yield url
    finally:
        db.forget(url)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sessions(db_url):
    return db.session_factory(db_url)


@pytest.fixture(scope="session")
def catalogue():
    return tiny_catalogue()
