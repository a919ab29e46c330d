"""Publish a CSV that breaks no rule straight into its fact table: one statement reads, types, checks and writes.

Most deliveries are clean. For them, keeping every typed row in a temporary table (with the raw text and line
numbers a message would quote) and then copying it into the fact table is wasted work: here the statement that
types the rows inserts them, and stops at the first row breaking a rule. The rules reading a reference table
and the repeated keys are then checked on the inserted rows. Any problem — a rule, an unknown code, a repeated
key, an unreadable file, no data row — undoes the insert and the file goes the careful way (Validator.parse,
problems_table, the loader's merge), which finds and reports everything exactly as before.
"""

from __future__ import annotations

import duckdb

from etl.read import StagedFile
from etl.validate import Validator

KNOWN_SOLUTIONS = "SELECT solution_id FROM dim_solution"


def insert_clean(con: duckdb.DuckDBPyConnection, validator: Validator, staged: StagedFile, file_id: str,
                 run_id: str) -> int | None:
    """Insert a CSV's rows into its contract's table, tagged (file_id, run_id), if no row breaks a rule; return
    how many. None (nothing inserted, the table as before) when a row breaks one or the file cannot be read."""
    c = staged.contract
    assert staged.is_view, "only a CSV (a view over the reader) is typed in one statement"
    cols = ", ".join(f'"{n}"' for n in c.column_names)
    try:
        inserted = con.execute(
            f"INSERT INTO {c.table} ({cols}, file_id, run_id) SELECT {cols}, ?, ? FROM "
            f"({validator.typing_select(staged)}) typed "
            # error() aborts the statement, which then inserts nothing: the file goes the careful way
            "WHERE CASE WHEN __empty THEN false WHEN __bad THEN error('row breaking a rule') ELSE true END",
            [file_id, run_id]).fetchone()[0]
    except duckdb.Error:
        return None
    mine = "file_id = ? AND run_id = ?"
    checks = []
    joined = validator.reference_condition(c)
    if joined:
        checks.append(f"SELECT 1 FROM {c.table} src_row WHERE {mine} AND ({joined}) LIMIT 1")
    if "known_solution" in c.checks:
        checks.append(f"SELECT 1 FROM {c.table} WHERE {mine} AND solution_id NOT IN ({KNOWN_SOLUTIONS}) LIMIT 1")
    nk = ", ".join(f'"{k}"' for k in c.natural_key)
    checks.append(f"SELECT 1 FROM {c.table} WHERE {mine} GROUP BY {nk} HAVING count(*) > 1 LIMIT 1")
    clean = inserted > 0 and all(con.execute(sql, [file_id, run_id]).fetchone() is None for sql in checks)
    if not clean:
        con.execute(f"DELETE FROM {c.table} WHERE {mine}", [file_id, run_id])
        return None
    return inserted
