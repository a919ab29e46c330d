"""docs/sources.md and the templates are generated from the contracts, and stay true to them."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

from openpyxl import load_workbook

from etl.sources import CONTRACTS
from etl.templates import SOURCES_DOC, sources_markdown, write_sources_doc
from tests.etl.helpers import REPO, query, run_cli


def test_sources_doc_is_up_to_date():
    """Fails when a contract changes without `python -m etl docs` being run."""
    assert SOURCES_DOC == REPO / "docs" / "sources.md"
    assert SOURCES_DOC.read_text(encoding="utf-8") == sources_markdown(), (
        "docs/sources.md is stale: run `python -m etl docs` and commit it")


def test_sources_doc_documents_every_column_with_its_aliases():
    doc = sources_markdown()
    for c in CONTRACTS.values():
        assert f"## `{c.name}` — {c.title_fr}" in doc
        for col in c.columns:
            line = next(ln for ln in doc.splitlines() if ln.startswith(f"| `{col.name}` |") and col.description_fr in ln)
            assert ", ".join(col.aliases) in line


def test_write_sources_doc_writes_the_generated_text(tmp_path):
    path = write_sources_doc(tmp_path / "docs" / "sources.md")
    assert path.read_text(encoding="utf-8") == sources_markdown()


def test_templates_one_csv_and_one_xlsx_per_contract(data_dir, tmp_path):
    out = tmp_path / "modeles"
    result = run_cli(data_dir, "templates", "--out", out, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [str(out / f"{name}.{ext}") for name in CONTRACTS for ext in ("csv", "xlsx")]
    for c in CONTRACTS.values():
        raw = (out / f"{c.name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # French Excel opens UTF-8 only with a BOM
        rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
        assert rows == [c.column_names, [col.example for col in c.columns]]
        wb = load_workbook(out / f"{c.name}.xlsx", read_only=True)
        try:
            assert wb.sheetnames == ["Données", "Colonnes"]
            data = [list(r) for r in wb["Données"].iter_rows(values_only=True)]
            documented = [r[0] for r in wb["Colonnes"].iter_rows(min_row=2, values_only=True)]
        finally:
            wb.close()
        assert data == [c.column_names, [col.example for col in c.columns]]
        assert documented == c.column_names


def test_templates_pass_the_check(data_dir, tmp_path):
    out = tmp_path / "modeles"
    assert run_cli(data_dir, "templates", "--out", out).returncode == 0
    result = run_cli(data_dir, "check", out, "--json")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert (report["status"], report["problems_count"], len(report["files"])) == ("ok", 0, 2 * len(CONTRACTS))
    assert {f["source"] for f in report["files"]} == set(CONTRACTS)


def test_csv_templates_load_with_their_example_values(data_dir, tmp_path):
    out = tmp_path / "modeles"
    assert run_cli(data_dir, "templates", "--out", out).returncode == 0
    result = run_cli(data_dir, "load", *sorted(out.glob("*.csv")))
    assert result.returncode == 0, result.stdout
    wh = data_dir / "warehouse.duckdb"
    assert query(wh, "SELECT amount_eur, year FROM fact_envelope") == [(Decimal("77000000.00"), 2023)]
    assert query(wh, "SELECT amount_eur, event_date::VARCHAR, beneficiary_id FROM fact_funding_event") == [
        (Decimal("12500.00"), "2022-03-15", "750712184")]
    assert query(wh, "SELECT month::VARCHAR, documents_count FROM fact_documents") == [("2025-10-01", 1234)]


def test_xlsx_templates_load_with_their_example_values(data_dir, tmp_path):
    """The XLSX templates hold their examples as text, French style ('77 000 000,00')."""
    out = tmp_path / "modeles"
    assert run_cli(data_dir, "templates", "--out", out).returncode == 0
    result = run_cli(data_dir, "load", out / "budget_envelopes.xlsx", out / "funding_events.xlsx")
    assert result.returncode == 0, result.stdout
    wh = data_dir / "warehouse.duckdb"
    assert query(wh, "SELECT amount_eur FROM fact_envelope") == [(Decimal("77000000.00"),)]
    assert query(wh, "SELECT amount_eur FROM fact_funding_event") == [(Decimal("12500.00"),)]
