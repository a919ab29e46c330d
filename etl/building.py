"""Start the warehouse a load builds beside the published one: a copy of the published file brought to the
current schema (nothing rewritten that the run does not change), else a fresh schema the published rows are
copied into, column by column."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb

from etl.reference import DIMENSIONS

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
_TABLE = re.compile(r"CREATE\s+TABLE\s+(\w+)", re.I)


def schema_statements() -> list[str]:
    lines = [ln.split("--", 1)[0] for ln in SCHEMA_SQL.read_text(encoding="utf-8").splitlines()]
    return [s for s in "\n".join(lines).split(";") if s.strip()]


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    for statement in schema_statements():
        con.execute(statement)


def copy_previous(con: duckdb.DuckDBPyConnection, previous: Path) -> None:
    """Carry the published facts, lineage and runs into a fresh schema (by column name)."""
    con.execute("ATTACH ? AS prev (READ_ONLY)", [str(previous)])
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()]
        for table in tables:
            if table in DIMENSIONS or table == "dim_month":
                continue
            old_cols = {r[0] for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = 'prev' AND table_name = ?",
                [table]).fetchall()}
            if not old_cols:
                continue
            new_cols = [r[0] for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
                "AND table_name = ? ORDER BY column_index", [table]).fetchall()]
            cols = ", ".join(f'"{c}"' for c in new_cols if c in old_cols)
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM prev.{table}")
    finally:
        con.execute("DETACH prev")


def _columns(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, list[tuple[str, str, str | None]]]:
    rows = con.execute("SELECT table_name, column_name, data_type, column_default FROM duckdb_columns() "
                       "WHERE database_name = ? ORDER BY table_name, column_index", [database]).fetchall()
    found: dict[str, list[tuple[str, str, str | None]]] = {}
    for table, column, data_type, default in rows:
        found.setdefault(table, []).append((column, data_type, default))
    return found


def upgrade_in_place(con: duckdb.DuckDBPyConnection) -> bool:
    """Bring a copied warehouse to the current schema: add the tables it lacks, and the columns the schema adds
    at the end of a table (with their default). False, changing nothing, when a table differs otherwise
    (a column removed, retyped or moved): the caller then starts from a fresh schema."""
    here = con.execute("SELECT current_database()").fetchone()[0]
    con.execute("ATTACH ':memory:' AS schema_now")
    try:
        con.execute("USE schema_now")
        try:
            create_schema(con)
        finally:
            con.execute(f'USE "{here}"')
        wanted, have = _columns(con, "schema_now"), _columns(con, here)
    finally:
        con.execute("DETACH schema_now")
    added_columns = []
    for table, columns in wanted.items():
        present = have.get(table)
        if present is None:
            continue
        if [c[:2] for c in present] != [c[:2] for c in columns[:len(present)]] or len(present) > len(columns):
            return False
        added_columns += [(table, c) for c in columns[len(present):]]
    statements = {_TABLE.search(s).group(1): s for s in schema_statements() if _TABLE.search(s)}
    for table in wanted:
        if table not in have:
            con.execute(statements[table])
    for table, (column, data_type, default) in added_columns:
        con.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {data_type}'
                    + (f" DEFAULT {default}" if default is not None else ""))
    return True


def start(building: Path, previous: Path | None, configure: Callable[[duckdb.DuckDBPyConnection], None]
          ) -> tuple[duckdb.DuckDBPyConnection, bool]:
    """Open the warehouse to build, `configure`d: (connection, whether it starts as a copy of `previous`)."""
    if previous is not None and previous.exists():
        shutil.copyfile(previous, building)
        con = duckdb.connect(str(building))
        configure(con)
        if upgrade_in_place(con):
            return con, True
        con.close()
        building.unlink()
    con = duckdb.connect(str(building))
    configure(con)
    create_schema(con)
    if previous is not None and previous.exists():
        copy_previous(con, previous)
    return con, False
