"""The SQLAlchemy declarations the engine queries match the warehouse etl/schema.sql creates."""

from __future__ import annotations

import duckdb

from etl.load import create_schema
from indicators.tables import metadata


def test_declared_tables_match_the_schema():
    con = duckdb.connect()
    create_schema(con)
    actual = {}
    for table, column in con.execute("SELECT table_name, column_name FROM duckdb_columns()").fetchall():
        actual.setdefault(table, set()).add(column)
    for table in metadata.sorted_tables:
        assert table.name in actual, f"{table.name} is declared but not in etl/schema.sql"
        declared = {c.name for c in table.columns}
        assert declared <= actual[table.name], f"{table.name}: {declared - actual[table.name]} not in the schema"
