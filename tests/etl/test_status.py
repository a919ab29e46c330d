"""`python -m etl status`: runs, rows per source, last period, next expected file, staleness."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from etl.status import expected_next
from tests.etl.helpers import run_cli, sha256_file, write_csv

# After the samples plus a mes_documents file for October 2026, on 28 November 2026:
# (source, rows, files, last_period, expected_next, stale)
EXPECTED_SOURCES = [
    ("budget_envelopes", 3, 1, None, None, False),  # no period column: never late once loaded
    ("funding_events", 4, 1, "2024-12-31", "2025-02-20", True),
    ("solutions", 3, 1, "2025-03-01", "2025-05-10", True),
    ("deployments", 3, 1, "2025-03-01", "2025-05-20", True),
    ("mes_documents", 4, 2, "2026-10-01", "2026-12-15", False),
    ("mes_profiles", 2, 1, "2024-12-01", "2025-02-15", True),
    ("mssante_messages", 3, 1, "2024-12-01", "2025-02-20", True),
    ("usage_professionnels", 2, 1, "2024-12-01", "2025-02-20", True),
    ("eprescriptions", 2, 1, "2024-12-01", "2025-02-20", True),
    ("usage_etablissements", 4, 1, "2024-12-01", "2025-02-20", True),
    ("populations", 3, 1, None, None, False),
]


@pytest.fixture
def status_after_loads(data_dir, loaded, tmp_path):
    recent = write_csv(tmp_path / "mes_documents_2026-10.csv",
                       "month;departement_code;couloir_code;document_type;documents_count\n"
                       "oct. 2026;75;biologie;11502-2;5\n")
    assert run_cli(data_dir, "load", recent).returncode == 0
    result = run_cli(data_dir, "status", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_status_json_sources(status_after_loads, data_dir):
    s = status_after_loads
    assert (s["warehouse"], s["published"], s["failed_runs"]) == (str(data_dir / "warehouse.duckdb"), True, [])
    got = [(r["source"], r["rows"], r["files"], r["last_period"], r["expected_next"], r["stale"])
           for r in s["sources"]]
    assert got == EXPECTED_SOURCES
    tables = {r["source"]: r["table"] for r in s["sources"]}
    assert (tables["mes_documents"], tables["solutions"]) == ("fact_documents", "dim_solution")
    for r in s["sources"]:
        datetime.fromisoformat(r["last_load"])  # every source was loaded by a recorded run


def test_status_json_runs_newest_first(status_after_loads):
    runs = status_after_loads["runs"]
    assert [(r["status"], r["mode"], r["files"], r["rows_loaded"], r["rows_rejected"]) for r in runs] == [
        ("published", "strict", 1, 1, 0), ("published", "strict", 11, 32, 0)]
    assert runs[0]["started_at"] > runs[1]["started_at"]


def test_status_lists_failed_runs_from_run_reports(data_dir, loaded, tmp_path):
    bad = write_csv(tmp_path / "mes_documents_2025-01.csv",
                    "month;departement_code;couloir_code;document_type;documents_count\n2025-01;99;biologie;11502-2;1\n")
    assert run_cli(data_dir, "load", bad).returncode == 1
    s = json.loads(run_cli(data_dir, "status", "--json").stdout)
    assert [(r["message"], r["problems_count"]) for r in s["failed_runs"]] == [("", 1)]
    assert len(s["runs"]) == 1  # a failed run is not in the published warehouse


def test_status_text(status_after_loads, data_dir):
    lines = run_cli(data_dir, "status").stdout.splitlines()
    assert lines[0] == "Dernières exécutions :"
    assert lines[3] == "Sources :"
    by_source = {line.split()[0]: line for line in lines[4:] if not line.startswith("    ")}
    assert "    2024-12 (1 période(s), 3 lignes) : mes_documents_2024-12.csv" in lines
    assert "    2026-10 (1 période(s), 1 lignes) : mes_documents_2026-10.csv" in lines
    assert list(by_source) == [s[0] for s in EXPECTED_SOURCES]
    assert by_source["mes_documents"].split() == [
        "mes_documents", "4", "lignes", "dernière", "période", "2026-10-01", "prochaine", "attendue", "2026-12-15",
        "à", "jour"]
    assert by_source["funding_events"].endswith("prochaine attendue 2025-02-20  EN RETARD")
    assert by_source["populations"].split()[-6:] == ["—", "prochaine", "attendue", "—", "à", "jour"]


def test_status_without_a_warehouse(data_dir):
    result = run_cli(data_dir, "status")
    assert result.returncode == 0
    assert result.stdout.strip() == (f"Aucun entrepôt publié ({data_dir / 'warehouse.duckdb'}). "
                                     "Lancez : python -m etl demo && python -m etl load")
    s = json.loads(run_cli(data_dir, "status", "--json").stdout)
    assert (s["published"], s["sources"], s["runs"]) == (False, [], [])


def test_a_source_never_loaded_is_stale(data_dir, tmp_path):
    write_csv(tmp_path / "populations_2024.csv",
              "departement_code;population_kind;reference_year;population_count\n75;officines;2024;412\n")
    assert run_cli(data_dir, "load", tmp_path / "populations_2024.csv").returncode == 0
    s = json.loads(run_cli(data_dir, "status", "--json").stdout)
    sources = {r["source"]: r for r in s["sources"]}
    assert (sources["mes_documents"]["rows"], sources["mes_documents"]["stale"],
            sources["mes_documents"]["last_load"]) == (0, True, None)
    assert (sources["populations"]["rows"], sources["populations"]["stale"]) == (1, False)


@pytest.mark.parametrize(
    ("last_period", "periodicity", "delay", "expected"),
    [
        (date(2024, 12, 1), "monthly", 15, date(2025, 2, 15)),  # December → end of January + 15 days
        (date(2024, 11, 15), "monthly", 20, date(2025, 1, 20)),
        (date(2025, 1, 31), "monthly", 0, date(2025, 2, 28)),
        (date(2024, 1, 1), "monthly", 0, date(2024, 2, 29)),  # leap year
        (date(2024, 6, 1), "yearly", 90, date(2026, 3, 31)),
        (date(2024, 1, 1), "quarterly", 10, date(2024, 4, 12)),
        (date(2024, 1, 1), "on_event", 0, date(2024, 2, 1)),
        (None, "monthly", 15, None),
    ],
)
def test_expected_next(last_period, periodicity, delay, expected):
    assert expected_next(last_period, periodicity, delay) == expected


def test_status_tells_apart_two_versions_of_one_file_name(data_dir, settings, tmp_path):
    from etl.load import load

    header = "month;departement_code;couloir_code;document_type;documents_count\n"
    first = write_csv(tmp_path / "a" / "mes_documents.csv", header + "2025-09;75;biologie;11502-2;5\n"
                      "2025-10;75;biologie;11502-2;5\n")
    resend = write_csv(tmp_path / "b" / "mes_documents.csv", header + "2025-10;75;biologie;11502-2;6\n")
    assert load([first], settings).ok and load([resend], settings).ok
    src = next(s for s in json.loads(run_cli(data_dir, "status", "--json").stdout)["sources"]
               if s["source"] == "mes_documents")
    short = {p: sha256_file(p)[:8] for p in (first, resend)}
    assert [(r["from"], r["to"], r["files"]) for r in src["periods"]] == [
        ("2025-09", "2025-09", [f"mes_documents.csv ({short[first]})"]),
        ("2025-10", "2025-10", [f"mes_documents.csv ({short[resend]})"])]
