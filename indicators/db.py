"""Read-only SQLAlchemy access to the published warehouse that follows atomic publishes."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pandas as pd
from duckdb_engine import ConnectionWrapper
from duckdb_engine import Dialect as DuckDBDialect
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql import Executable

# The DuckDB dialect with `?` placeholders: positional parameters match their order in the SQL text.
_QMARK = DuckDBDialect(paramstyle="qmark")


class NoWarehouse(Exception):
    """No published warehouse yet: the user must run the ETL first."""


class WarehouseDB:
    """Opens the DuckDB file read-only; reopens it when a publish has swapped the file.

    One DuckDB connection per published file; SQLAlchemy's pool hands out cursors of it (cheap, one per
    thread at a time). Plain `duckdb.connect(path, read_only=True)` elsewhere in the process shares the
    same database instance because the configuration is the same.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._base: duckdb.DuckDBPyConnection | None = None
        self._version: tuple[int, int] | None = None

    def version(self) -> tuple[int, int]:
        """Identity of the published file: (inode, mtime); changes at every publish."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError as e:
            raise NoWarehouse(
                f"aucun entrepôt publié ({self.path}) : lancez `python -m etl demo && python -m etl load`") from e
        return (st.st_ino, st.st_mtime_ns)

    def engine(self) -> Engine:
        version = self.version()
        with self._lock:
            if self._engine is None or version != self._version:
                self._close()
                base = duckdb.connect(str(self.path), read_only=True)
                self._base = base
                self._engine = create_engine("duckdb://", creator=lambda: ConnectionWrapper(base.cursor()),
                                             poolclass=QueuePool, pool_size=4, max_overflow=8)
                self._version = version
            return self._engine

    def _close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if self._base is not None:
            self._base.close()
        self._engine = self._base = None

    def close(self) -> None:
        with self._lock:
            self._close()

    def rows(self, stmt: Executable) -> list[tuple]:
        with self.engine().connect() as conn:
            return [tuple(r) for r in conn.execute(stmt).fetchall()]

    def frame(self, stmt: Executable) -> pd.DataFrame:
        """Run a Core statement on a DuckDB cursor and fetch it columnar (much faster than row objects)."""
        self.engine()
        compiled = stmt.compile(dialect=_QMARK, compile_kwargs={"render_postcompile": True})
        params = [compiled.params[name] for name in (compiled.positiontup or [])]
        with self._lock:
            base = self._base
        cursor = base.cursor()
        try:
            return cursor.execute(str(compiled), params).df()
        finally:
            cursor.close()
