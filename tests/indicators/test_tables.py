"""The SQLAlchemy declarations the engine queries match the warehouse etl/schema.sql creates, plus the tables
etl/derived.py builds at publish time (exactly: a derived column nobody declares is a mistake too)."""

from __future__ import annotations

import duckdb

from etl.derived import DERIVED, build_derived
from etl.load import create_schema
from indicators.tables import metadata


def test_declared_tables_match_the_schema():
    con = duckdb.connect()
    create_schema(con)
    build_derived(con)  # over the empty facts: the derived tables' columns
    actual = {}
    for table, column in con.execute("SELECT table_name, column_name FROM duckdb_columns()").fetchall():
        actual.setdefault(table, set()).add(column)
    for table in metadata.sorted_tables:
        assert table.name in actual, f"{table.name} is declared but not in etl/schema.sql"
        declared = {c.name for c in table.columns}
        assert declared <= actual[table.name], f"{table.name}: {declared - actual[table.name]} not in the schema"


def test_derived_tables_declared_exactly():
    con = duckdb.connect()
    create_schema(con)
    build_derived(con)
    for name in DERIVED:
        columns = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ?",
                                             [name]).fetchall()}
        assert columns == {c.name for c in metadata.tables[name].columns}, name
