"""Read-only access to the published DuckDB warehouse that survives a publish (the ETL swaps the file
with os.replace). Shared by the engine, the dashboard and the exports.

Why not `duckdb.connect(path, read_only=True)` again after a publish: DuckDB keeps one database
instance per path in the process, so while any connection to the old file is open, a new connect
returns the *old* file. Instead each generation of the file is ATTACHed (read-only) to a fresh
in-memory database; a new generation is opened when the file's (st_ino, st_mtime_ns) changes. Each
thread queries through its own cursor of the current generation (threading.local); an old
generation closes when the last thread using it has moved on.

SQLAlchemy Core statements run through `frame(stmt)` / `rows(stmt)`: compiled with `?` placeholders and
bound parameters, fetched columnar.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
from duckdb_engine import Dialect as DuckDBDialect
from sqlalchemy.sql import Executable

from indicators.lru import MISSING, LruCache

# The DuckDB dialect with `?` placeholders: positional parameters match their order in the SQL text.
_QMARK = DuckDBDialect(paramstyle="qmark")

T = TypeVar("T")
Version = tuple[int, int]
ALIAS = "wh"
# Values kept per published file by `cached` (page tables, budget frames…): ≈ 4 per view.
WAREHOUSE_CACHE_ENTRIES = 2_000


class WarehouseUnavailable(RuntimeError):
    """No published warehouse (yet): pages show the empty state, the CLI says which command to run."""


NoWarehouse = WarehouseUnavailable


class _Generation:
    """One published file, attached read-only to its own in-memory database."""

    def __init__(self, path: Path, version: Version) -> None:
        self.version = version
        self.con = duckdb.connect(":memory:", config={"threads": 2})
        self.con.execute(f"ATTACH ? AS {ALIAS} (READ_ONLY)", [str(path)])
        self.lock = threading.Lock()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self.lock:  # DuckDB connections are not thread-safe; creating the cursor is the shared step
            cur = self.con.cursor()
        cur.execute(f"USE {ALIAS}")
        return cur


class Warehouse:
    """The published warehouse, read-only; reconnects by itself after a publish. Thread-safe."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._generation: _Generation | None = None
        self._local = threading.local()
        self._cache = LruCache(WAREHOUSE_CACHE_ENTRIES)  # (version, key) → value

    def version(self) -> Version | None:
        """(inode, mtime in ns) of the published file; None when there is none."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def available(self) -> bool:
        """True when a warehouse has been published and can be opened."""
        if self.version() is None:
            return False
        try:
            self._current()
        except (duckdb.Error, WarehouseUnavailable):
            return False
        return True

    def _current(self) -> _Generation:
        version = self.version()
        if version is None:
            raise WarehouseUnavailable(
                f"aucun entrepôt publié ({self.path}) : lancez `python -m etl demo && python -m etl load`")
        gen = self._generation
        if gen is None or gen.version != version:
            with self._lock:
                gen = self._generation
                if gen is None or gen.version != version:
                    gen = _Generation(self.path, version)
                    self._generation = gen
                    self._cache.clear()  # values of the replaced file
        return gen

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        gen = self._current()
        local = self._local
        if getattr(local, "generation", None) is not gen:
            old = getattr(local, "cursor", None)
            if old is not None:
                old.close()
            local.cursor = gen.cursor()
            local.generation = gen  # keeps the generation (and its file) open while this thread uses it
        return local.cursor

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """This thread's cursor on the current file, for code that needs DuckDB itself."""
        yield self._cursor()

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[tuple]:
        """Rows of a parameterised query (never format user values into `sql`)."""
        return self._cursor().execute(sql, params or []).fetchall()

    def query_df(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        """A parameterised query as a DataFrame."""
        return self._cursor().execute(sql, params or []).df()

    def query_one(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> tuple | None:
        return self._cursor().execute(sql, params or []).fetchone()

    def tables(self) -> set[str]:
        return {r[0] for r in self.query(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [ALIAS])}

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` once per published file (e.g. the list of months); recomputed after a publish."""
        version = self._current().version
        with self._lock:
            value = self._cache.get((version, key))
        if value is MISSING:
            value = compute()
            with self._lock:
                self._cache.put((version, key), value)
        return value

    def months(self) -> list[str]:
        """Months (YYYY-MM, newest first) an as-of choice can show and a committee can freeze: months with monthly
        facts or funding events, up to the last month of published monthly facts (a payment planned ahead is not
        a published month). Without any monthly fact, the funding events' months."""
        def compute() -> list[str]:
            monthly = ["fact_documents", "fact_mes_profiles", "fact_mssante", "fact_usage_pro", "fact_eprescription",
                       "fact_usage_etablissement"]
            present = self.tables()
            parts = [f"SELECT DISTINCT month AS m FROM {t}" for t in monthly if t in present]  # noqa: S608 (constants)
            last = self.query(f"SELECT strftime(max(m), '%Y-%m') FROM ({' UNION '.join(parts)})")[0][0] if parts else None  # noqa: S608
            if "fact_funding_event" in present:
                parts.append("SELECT DISTINCT date_trunc('month', event_date) AS m FROM fact_funding_event")
            if not parts:
                return []
            rows = self.query(f"SELECT DISTINCT strftime(m, '%Y-%m') FROM ({' UNION '.join(parts)}) ORDER BY 1 DESC")  # noqa: S608
            return [r[0] for r in rows if last is None or r[0] <= last]
        return self.cached("months", compute)

    def require_version(self) -> Version:
        """The published file's identity; raises WarehouseUnavailable when there is none."""
        return self._current().version

    def _compile(self, stmt: Executable) -> tuple[str, list[Any]]:
        compiled = stmt.compile(dialect=_QMARK, compile_kwargs={"render_postcompile": True})
        return str(compiled), [compiled.params[name] for name in (compiled.positiontup or [])]

    def frame(self, stmt: Executable) -> pd.DataFrame:
        """A SQLAlchemy Core statement's result as a DataFrame (columnar fetch)."""
        sql, params = self._compile(stmt)
        return self.query_df(sql, params)

    def rows(self, stmt: Executable) -> list[tuple]:
        sql, params = self._compile(stmt)
        return self.query(sql, params)

    def sql_text(self, stmt: Executable) -> tuple[str, list[Any]]:
        """The SQL and parameters a statement runs with (for "explain this number")."""
        return self._compile(stmt)


WarehouseDB = Warehouse
