"""The workbook's « Table longue » sheet: the view's indicators × territories × periods, one row each, ready for
a pivot table (the same rows as the tidy extract and the API, restricted to the view's territories). Its rows are
written by Arrow at save time (reports/xlsx_splice.py): through openpyxl they doubled the workbook's time."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableStyleInfo

from indicators.query import ViewFilters
from indicators.scope import Scope
from reports.tidy_export import DESCRIPTIONS, LABELS_EN, column_docs, tidy_frame, view_levels
from reports.xlsx import FMT_DATE, FMT_RATIO, put, style_header, table_name, unit_format
from reports.xlsx_splice import rows_xml, sheet_styles, style_attr

SHEET = {"fr": "Table longue", "en": "Long table"}
# Codes the extract and the API keep for scripts; a person reads their words in the next column.
WORKBOOK_DROPS = ("grain", "status", "unit")


def write_tidy_sheet(ws, engine, as_of: date, view: ViewFilters, lang: str, scope: Scope | None = None) -> int:
    """Write the sheet (its workbook must be a SplicedWorkbook); returns its number of data rows. `scope`
    (default: the scoped engine's, else the operator's) limits the régions."""
    scope = scope or getattr(engine, "scope", None) or Scope.system()
    levels, regions = view_levels(view)
    if view.departement:
        regions = [engine.territory().dep_region[view.departement]]
    df = tidy_frame(engine, scope, as_of, levels=levels, regions=regions, filters=view, lang=lang)
    if view.departement:
        df = df[df.territory_code == view.departement]
    docs = [d for d in column_docs() if d.name not in WORKBOOK_DROPS]
    names = [d.name for d in docs]
    for j, d in enumerate(docs, start=1):
        put(ws, 1, j, DESCRIPTIONS[d.name][0] if lang == "fr" else LABELS_EN[d.name])
    style_header(ws, 1, 1, len(docs))
    last = max(len(df), 1) + 1  # a table needs one data row, even empty
    ref = f"A1:{get_column_letter(len(docs))}{last}"
    table = Table(displayName=table_name(ws.parent, "Table_longue"), ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    table.autoFilter = AutoFilter(ref=ref)
    ws.add_table(table)
    for j, name in enumerate(names, start=1):
        ws.column_dimensions[get_column_letter(j)].width = _width(df, name, ws.cell(row=1, column=j).value)
    ws.freeze_panes = "C2"
    data = pa.Table.from_pandas(df[names], preserve_index=False)
    ratio = style_attr(ws, FMT_RATIO)
    by_unit = {u: style_attr(ws, unit_format(u)) for u in df["unit"].unique()}
    per_row = pa.array(df["unit"].map(by_unit), pa.string()) if len(df) else ""
    ws.parent.splice(ws, rows_xml(data, 2, sheet_styles(ws, FMT_DATE), {
        "value": per_row, "target": per_row, "progress": ratio, "completeness": ratio}), ref)
    return len(df)


def _width(df, name: str, header: str) -> float:
    """A column's width from its header and its first 200 values (as reports/xlsx.write_table fits them)."""
    head = df[name].head(200)
    if name in ("indicator_label", "territory_label"):
        return {"indicator_label": 40, "territory_label": 26}[name]
    if head.dtype.kind == "f":
        longest = 14
    elif name == "period":
        longest = 12
    else:
        longest = max([min(len(str(v)), 60) for v in head.dropna()] + [8])
    return max(longest, min(len(header), 60) + 4) + 2
