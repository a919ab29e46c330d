"""reports.xlsx helpers: text never becomes a formula, sheet and file names Excel and file systems accept."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import openpyxl
import pytest
from openpyxl import Workbook

from reports.xlsx import Col, export_filename, safe_cell, sheet_title, table_name, write_table
from reports.xlsx_stream import SHEET_PART

FORMULA_LIKE = ['=HYPERLINK("http://x","y")', "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "#N/A"]


def _round_trip(wb: Workbook) -> tuple[Workbook, bytes]:
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        sheet_xml = zf.read(f"xl/{SHEET_PART}")
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue())), sheet_xml


@pytest.mark.parametrize("write_only", [False, True])
def test_safe_cell_writes_formula_like_text_as_string(write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("x") if write_only else wb.active
    row = [safe_cell(v, ws) for v in FORMULA_LIKE] + [safe_cell(12.5, ws), safe_cell(date(2024, 1, 2), ws)]
    if write_only:
        ws.append(row)
    else:
        for j, v in enumerate(row, start=1):
            if isinstance(v, openpyxl.cell.cell.Cell):
                ws.cell(1, j)._value, ws.cell(1, j).data_type, ws.cell(1, j).quotePrefix = v.value, "s", True
            else:
                ws.cell(1, j).value = v
    back, xml = _round_trip(wb)
    cells = list(back.worksheets[-1].iter_rows(values_only=False))[0]
    for cell, text in zip(cells, FORMULA_LIKE, strict=False):
        assert cell.data_type == "s", text
        assert cell.value in (text, text.replace("\r", "\n"))  # XML may normalise a carriage return
    assert cells[0].value.startswith("=") and cells[0].quotePrefix
    assert b"<f>" not in xml and b't="inlineStr"' in xml
    assert cells[len(FORMULA_LIKE)].value == 12.5


def test_write_table_is_a_table_with_header_style():
    wb = Workbook()
    ws = wb.active
    write_table(ws, [Col("Nom"), Col("Montant", "#,##0")], [["=1+1", 12], ["b", 3]], "T")
    write_table(ws, [Col("A")], [], "T", first_col=4)
    assert sorted(ws.tables) == ["T", "T_2"]
    assert ws.tables["T_2"].ref == "D1:D2"  # an empty table keeps one empty data row
    assert ws["A2"].data_type == "s" and ws["B2"].number_format == "#,##0"
    assert ws["A1"].font.color.rgb.endswith("FFFFFF")


def test_names():
    used: set[str] = set()
    assert sheet_title("Usage citoyen de Mon espace santé", used) == "Usage citoyen de Mon espace…"
    assert sheet_title("a/b:c[d]*?\\", used) == "a b c d"
    assert sheet_title("A B C D", used) == "A B C D (2)"
    assert all(len(t) <= 31 for t in used)
    wb = Workbook()
    assert table_name(wb, "A1") == "T_A1" and table_name(wb, "Série OBJ-ALIM") == "S_rie_OBJ_ALIM"
    assert export_filename("workbook", date(2026, 10, 1), [("region", "11")], "xlsx") == \
        "export_segur_2026-10_region-11.xlsx"
    name = export_filename("fact_documents", "2026-10", [("departement", "2A"), ("couloir", "../é t")], "csv")
    assert name == "extrait_fact_documents_2026-10_departement-2A_couloir-.-t.csv"
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
