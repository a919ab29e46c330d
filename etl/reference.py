"""Load the tracked reference data (data/reference/*.csv) into the dimension tables."""

from __future__ import annotations

from pathlib import Path

import duckdb

# dimension table → (file, select list casting the all-text columns)
DIMENSIONS: dict[str, tuple[str, str]] = {
    "dim_region": ("regions.csv", "region_code, label_fr, label_en, is_overseas::BOOLEAN"),
    "dim_departement": (
        "departements.csv",
        "departement_code, label, region_code, population_k::INTEGER, lat::DOUBLE, lon::DOUBLE",
    ),
    "dim_couloir": ("couloirs.csv", "couloir_code, label_fr, label_en, software, vague_min::INTEGER"),
    "dim_vague": ("vagues.csv", "vague, label_fr, label_en, start_date::DATE, end_date::DATE, goal_fr, goal_en"),
    "dim_document_type": ("document_types.csv", "document_type, label_fr, label_en, main_couloir"),
    "dim_dispositif": (
        "dispositifs.csv",
        "dispositif_code, label_fr, label_en, kind, financeur, NULLIF(couloir_code, ''), NULLIF(vague, ''), "
        "NULLIF(window_open, '')::DATE, NULLIF(window_close, '')::DATE",
    ),
    "dim_funding_window": (
        "funding_windows.csv",
        "dispositif_code, funding_window::INTEGER, label_fr, label_en, open_date::DATE, close_date::DATE, "
        "payment_deadline::DATE",
    ),
}


def load_reference(con: duckdb.DuckDBPyConnection, reference_dir: Path) -> dict[str, int]:
    """(Re)fill every dimension table from the reference CSV files; return row counts."""
    counts = {}
    for table, (file_name, select) in DIMENSIONS.items():
        con.execute(f"DELETE FROM {table}")
        con.execute(
            f"INSERT INTO {table} SELECT {select} FROM read_csv(?, header = true, all_varchar = true, "
            "delim = ',', quote = '\"', encoding = 'utf-8')",
            [str(reference_dir / file_name)],
        )
        counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    con.execute("DELETE FROM dim_month")
    con.execute(
        "INSERT INTO dim_month SELECT m::DATE, year(m), quarter(m), month(m) "
        "FROM range(DATE '2020-01-01', DATE '2031-01-01', INTERVAL 1 MONTH) t(m)"
    )
    return counts
