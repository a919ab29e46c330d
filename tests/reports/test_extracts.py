"""Extracts of the fact tables: CSV for French Excel, streamed XLSX, Parquet; filters bound as parameters."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import pyarrow.parquet as pq
import pytest

from indicators.query import ViewFilters
from reports import extracts
from reports.extracts import ExtractError, ExtractTooLarge, iter_extract, plan_extract, write_extract
from tests.reports.conftest import INJECTION
from tests.reports.helpers import assert_well_formed_xlsx, count_rows


def _csv_rows(path, sep=";"):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=sep))


def test_csv_for_french_excel(tiny_settings, tmp_path):
    out = tmp_path / "events.csv"
    info = write_extract(tiny_settings.warehouse, "fact_funding_event", "csv", out, as_of="2024-06")
    assert info.rows == 6 and info.bytes == out.stat().st_size and info.applied == {"as_of": "2024-06"}
    text = out.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("event_id;dispositif_code;couloir_code;")
    rows = {r["event_id"]: r for r in _csv_rows(out)}
    assert set(rows) == {"E1", "E2", "E3", "E4", "E5", "E6"}  # E7 is after the as-of month
    assert rows["E1"]["amount_eur"] == "1000,50" and rows["E6"]["amount_eur"] == "1234,56"
    assert rows["E1"]["beneficiary_name"] == "'" + INJECTION  # neutralised, and quoted for its quotes
    assert rows["E2"]["beneficiary_name"] == "'+33 1 23 45 67 89"
    assert rows["E3"]["beneficiary_name"] == "'@SUM(A1)" and rows["E4"]["beneficiary_name"] == "'-2+3"
    assert rows["E5"]["beneficiary_name"] == 'Hôpital Nord; site "B"'
    assert rows["E1"]["event_date"] == "2024-01-15" and rows["E1"]["funding_window"] == ""
    assert "\r\n" in text and '"\'=HYPERLINK(""http://x"",""y"")"' in text


def test_csv_comma_and_decimal_point_with_lineage(tiny_settings, tmp_path):
    out = tmp_path / "events.csv"
    write_extract(tiny_settings.warehouse, "fact_funding_event", "csv", out, csv_sep=",", decimal_comma=False,
                  lineage=True)
    rows = {r["event_id"]: r for r in _csv_rows(out, ",")}
    assert len(rows) == 7 and rows["E1"]["amount_eur"] == "1000.50"
    assert len(rows["E1"]["file_id"]) == 64 and rows["E1"]["run_id"]
    assert "file_id" not in _csv_rows(_plain(tiny_settings, tmp_path))[0]


def _plain(tiny_settings, tmp_path):
    out = tmp_path / "plain.csv"
    write_extract(tiny_settings.warehouse, "fact_funding_event", "csv", out)
    return out


def test_filters_follow_the_table_columns(tiny_settings, tmp_path):
    out = tmp_path / "events.csv"
    info = write_extract(tiny_settings.warehouse, "fact_funding_event", "csv", out,
                         ViewFilters(region="84", dispositif="SONS-V1-HOP"), "2024-12")
    assert {r["event_id"] for r in _csv_rows(out)} == {"E3", "E4", "E5"}
    assert info.applied == {"as_of": "2024-12", "region": "84", "dispositif": "SONS-V1-HOP"}
    # région through the département on a table without region_code; couloir does not apply to envelopes
    info = write_extract(tiny_settings.warehouse, "fact_documents", "csv", out, ViewFilters(region="84"))
    assert {r["departement_code"] for r in _csv_rows(out)} == {"69"} and info.rows == 2
    info = write_extract(tiny_settings.warehouse, "fact_envelope", "csv", out,
                         ViewFilters(departement="69", couloir="hopital"), "2024-12")
    assert info.ignored == {"departement": "69"} and info.applied == {"as_of": "2024-12", "couloir": "hopital"}


def test_xlsx_extract_types_and_injection(tiny_settings, tmp_path):
    out = tmp_path / "events.xlsx"
    info = write_extract(tiny_settings.warehouse, "fact_funding_event", "xlsx", out, as_of="2024-06")
    assert info.rows == 6
    assert_well_formed_xlsx(out)
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws.title == "funding_events" and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:N7"
    header = [c.value for c in ws[1]]
    assert header[:3] == ["event_id", "dispositif_code", "couloir_code"]
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("000091")
    col = {h: i for i, h in enumerate(header)}
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    name = rows["E1"][col["beneficiary_name"]]
    assert name.data_type == "s" and name.value == INJECTION and name.quotePrefix
    assert rows["E4"][col["beneficiary_name"]].value == "-2+3" and rows["E4"][col["beneficiary_name"]].data_type == "s"
    assert rows["E2"][col["beneficiary_name"]].quotePrefix and not rows["E6"][col["beneficiary_name"]].quotePrefix
    date_cell = rows["E1"][col["event_date"]]
    assert date_cell.is_date and date_cell.value == datetime(2024, 1, 15) and date_cell.number_format == "dd/mm/yyyy"
    assert rows["E1"][col["amount_eur"]].value == pytest.approx(1000.50)
    assert rows["E6"][col["funding_window"]].value == 2 and rows["E1"][col["funding_window"]].value is None
    assert '"' in rows["E5"][col["beneficiary_name"]].value and rows["E1"][col["vague"]].value == "1"


def test_xlsx_streams_batch_by_batch(tiny_settings, monkeypatch):
    monkeypatch.setattr(extracts, "BATCH_ROWS", 2)
    chunks = iter_extract(tiny_settings.warehouse, "fact_funding_event", "xlsx")
    first = next(chunks)  # bytes come before the whole file is built
    rest = list(chunks)
    assert first.startswith(b"PK") and len(rest) >= 4  # one chunk per batch of 2 rows, then the end
    wb = openpyxl.load_workbook(io.BytesIO(first + b"".join(rest)), read_only=True)
    assert sum(1 for _ in wb.active.iter_rows(min_row=2)) == 7


def test_xlsx_row_limit(tiny_settings, tmp_path):
    with pytest.raises(ExtractTooLarge, match="CSV ou Parquet"):
        plan_extract(tiny_settings.warehouse, "fact_funding_event", "xlsx", max_rows=5)
    assert plan_extract(tiny_settings.warehouse, "fact_funding_event", "csv", max_rows=5).rows == 7
    out = tmp_path / "cut.xlsx"
    info = write_extract(tiny_settings.warehouse, "fact_funding_event", "xlsx", out, max_rows=5, truncate=True)
    assert info.truncated and info.rows == 4
    values = [r for r in openpyxl.load_workbook(out).active.iter_rows(values_only=True)]
    assert len(values) == 6  # header, 4 rows, the note
    assert values[-1][0].startswith("Extrait tronqué : 4 lignes sur 7") and "CSV ou Parquet" in values[-1][0]


def test_parquet_row_count_equals_duckdb(engine, demo_settings, tmp_path):
    wh = demo_settings.warehouse
    out = tmp_path / "events.parquet"
    view = ViewFilters(region="11", couloir="hopital")
    info = write_extract(wh, "fact_funding_event", "parquet", out, view, "2025-06")
    expected = count_rows(wh, "SELECT count(*) FROM fact_funding_event WHERE region_code = ? AND couloir_code = ? "
                              "AND event_date <= DATE '2025-06-30'", ["11", "hopital"])
    table = pq.read_table(out)
    assert table.num_rows == info.rows == expected > 0
    assert table.schema.field("event_date").type.id == pq.read_schema(out).field("event_date").type.id
    docs = tmp_path / "docs.parquet"
    info = write_extract(wh, "fact_documents", "parquet", docs, ViewFilters(region="11"), "2026-10")
    expected = count_rows(wh, "SELECT count(*) FROM fact_documents d JOIN dim_departement USING (departement_code) "
                              "WHERE region_code = ? AND month <= DATE '2026-10-31'", ["11"])
    assert pq.read_table(docs).num_rows == info.rows == expected > 0


def test_chunks_of_every_format_equal_the_file(tiny_settings, tmp_path):
    for fmt in ("csv", "parquet"):
        out = tmp_path / f"x.{fmt}"
        write_extract(tiny_settings.warehouse, "fact_funding_event", fmt, out, ViewFilters(region="11"))
        streamed = b"".join(iter_extract(tiny_settings.warehouse, "fact_funding_event", fmt, ViewFilters(region="11")))
        if fmt == "csv":
            assert streamed == out.read_bytes()
        else:
            assert pq.read_table(io.BytesIO(streamed)).equals(pq.read_table(out))


@pytest.mark.parametrize("kwargs,message", [
    ({"table": "load_run"}, "table inconnue « load_run »"),
    ({"table": "fact_documents; DROP TABLE x"}, "table inconnue"),
    ({"fmt": "pdf"}, "format inconnu « pdf »"),
    ({"as_of": "2024-13"}, "mois de situation invalide"),
    ({"csv_sep": '"'}, "séparateur CSV invalide"),
])
def test_bad_input_is_a_clear_error(tiny_settings, kwargs, message):
    args = {"table": "fact_funding_event", "fmt": "csv", **kwargs}
    with pytest.raises(ExtractError, match=message):
        plan_extract(tiny_settings.warehouse, **args)


def test_no_warehouse(tmp_path):
    with pytest.raises(ExtractError, match="aucun entrepôt publié"):
        plan_extract(tmp_path / "absent.duckdb", "fact_funding_event", "csv")


def test_filter_values_are_bound_parameters(tiny_settings):
    plan = plan_extract(tiny_settings.warehouse, "fact_funding_event", "csv", ViewFilters(region="84"), "2024-06")
    assert "84" not in plan.sql and "2024" not in plan.sql and "84" in plan.params
