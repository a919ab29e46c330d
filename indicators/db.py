"""Read-only SQLAlchemy access to the published warehouse that follows atomic publishes."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlalchemy.sql import Executable


class NoWarehouse(Exception):
    """No published warehouse yet: the user must run the ETL first."""


class WarehouseDB:
    """Opens the DuckDB file read-only; reopens it when a publish has swapped the file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._engine: Engine | None = None
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
                if self._engine is not None:
                    self._engine.dispose()
                self._engine = create_engine(
                    f"duckdb:///{self.path}", connect_args={"read_only": True}, poolclass=NullPool)
                self._version = version
            return self._engine

    def rows(self, stmt: Executable) -> list[tuple]:
        with self.engine().connect() as conn:
            return [tuple(r) for r in conn.execute(stmt).fetchall()]

    def frame(self, stmt: Executable) -> pd.DataFrame:
        with self.engine().connect() as conn:
            result = conn.execute(stmt)
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
