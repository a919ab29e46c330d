"""Helpers for the ETL tests: an isolated data directory, the CLI in a subprocess, tiny sample files.

Every test gets its own SEGUR_DATA_DIR (tmp_path) and a fixed SEGUR_TODAY, so freshness and date ranges
are deterministic and nothing is written into the repository's data/ directory.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from etl.sources import CONTRACTS
from settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "tests" / "data"
TODAY = "2026-11-28"


def make_settings(data_dir: Path, today: str = TODAY) -> Settings:
    return load_settings({"SEGUR_DATA_DIR": str(data_dir), "SEGUR_TODAY": today})


def cli_env(data_dir: Path, today: str = TODAY) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEGUR_")}
    env.update(SEGUR_DATA_DIR=str(data_dir), SEGUR_TODAY=today, PYTHONDONTWRITEBYTECODE="1")
    return env


def run_cli(data_dir: Path, *args: str | Path, today: str = TODAY, timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m etl ARGS` from the repository root, with its own data directory."""
    return subprocess.run(
        [sys.executable, "-m", "etl", *map(str, args)],
        cwd=REPO, env=cli_env(data_dir, today), capture_output=True, text=True, timeout=timeout,
    )


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Run one read-only query on a published warehouse and close the connection at once."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write CSV text exactly as given (no newline translation)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A workbook with the given sheets, in order; each row is appended as is (None = empty cell)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


# The two XLSX samples, built here rather than committed as binaries.
POPULATIONS_XLSX = {
    "Populations": [
        ["Populations cibles par département — 2024"],
        [],
        ["Code département", "Type population", "Couloir", "Année", "Effectif"],
        ["1", "officines", "officine", 2024, 238],
        [75, "medecins_liberaux", "medecin_ville", 2024, 9120],
        ["2A", "essms", None, 2024, 64],
    ],
}
USAGE_ETABLISSEMENTS_XLSX = {
    "Lisez-moi": [
        ["Alimentation du DMP par établissement (suivi SUN-ES)"],
        ["Source : Cnam. Une feuille par mois ; FINESS géographique."],
    ],
    "Nov 2024": [
        ["Mois", "FINESS géographique", "Département", "Couloir", "Code LOINC", "Documents"],
        [datetime(2024, 11, 1), 10780054, 1, "hopital", "11490-0", 1520],
        [datetime(2024, 11, 1), "590780193", "59", "hopital", "11490-0", 3200],
    ],
    "Déc 2024": [
        ["Mois", "FINESS géographique", "Département", "Couloir", "Code LOINC", "Documents"],
        ["déc. 2024", 10780054, "01", "hopital", "11490-0", 1610.0],
        ["déc. 2024", 590780193, 59, "hopital", "34874-8", 410],
    ],
}


def copy_samples(raw: Path) -> Path:
    """Every sample of tests/data (one valid file per contract) into `raw`, XLSX built on the fly."""
    raw.mkdir(parents=True, exist_ok=True)
    for f in SAMPLES.iterdir():
        if f.suffix in (".csv", ".tsv"):
            shutil.copyfile(f, raw / f.name)
    write_xlsx(raw / "populations_2024.xlsx", POPULATIONS_XLSX)
    write_xlsx(raw / "usage_etablissements_2024.xlsx", USAGE_ETABLISSEMENTS_XLSX)
    return raw


def table_totals(warehouse: Path) -> dict[str, int]:
    """Row count of every fact table (and dim_solution), the fingerprint of a published warehouse."""
    sql = " UNION ALL ".join(f"SELECT '{c.table}', count(*) FROM {c.table}" for c in CONTRACTS.values())
    return dict(query(warehouse, sql))


def known_bug(reason: str, raises: type[BaseException] = AssertionError):
    """A test that fails until the bug described is fixed (then strict xfail turns it red: drop the mark)."""
    return pytest.mark.xfail(strict=True, raises=raises, reason="bug: " + reason)
