"""A large table inside an openpyxl workbook without openpyxl's cost per cell.

openpyxl spends ~20 µs on each cell it holds and again on each cell it saves: the workbook's « Table longue »
(tens of thousands of rows) doubled the time of the whole workbook. Here openpyxl keeps only the sheet's header,
its table definition, column widths, frozen panes and print layout; the data rows are turned into SpreadsheetML
by Arrow (reports/xlsx_stream.cells_xml, the extracts' writer) and spliced into that sheet's part when the
workbook is saved. The cell styles are registered in the workbook first, so the rows use its own style indexes.
The same rules as every other sheet hold: text as inline strings (formula-like text quoted), dates as dates,
numbers as numbers with their format.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree

from openpyxl import Workbook

from reports.xlsx import EXCEL_MAX_ROWS
from reports.xlsx_stream import STREAM_STYLES, arrow_bytes, cells_xml

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def style_attr(ws, number_format: str | None = None, quote: bool = False) -> str:
    """` s="N"`: the index of a cell style in `ws`'s workbook (registered now, so it is saved with it)."""
    cell = ws.cell(row=EXCEL_MAX_ROWS, column=1)
    try:
        if number_format:
            cell.number_format = number_format
        if quote:
            cell.quotePrefix = True
        return f' s="{cell.style_id}"'
    finally:
        del ws._cells[(cell.row, cell.column)]


def sheet_styles(ws, date_format: str) -> dict[str, str]:
    """The style attributes cells_xml needs, as indexes of `ws`'s workbook."""
    return {**STREAM_STYLES, "date": style_attr(ws, date_format), "datetime": style_attr(ws, date_format),
            "decimal": style_attr(ws, "#,##0.00"), "quote": style_attr(ws, quote=True), "number": ""}


def rows_xml(table, first_row: int, styles: dict[str, str], number_styles: dict[str, object]) -> bytes:
    """The `<row>` elements of an Arrow table from `first_row` on; `number_styles`: column → style attribute
    (a string, or an Arrow string array with one per row)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from openpyxl.utils import get_column_letter

    if table.num_rows == 0:
        return b""
    rows = pa.array(range(first_row, first_row + table.num_rows), pa.int64()).cast(pa.string())
    cells = [cells_xml(col.combine_chunks(), get_column_letter(j), rows, styles, number_styles.get(name))
             for j, (name, col) in enumerate(zip(table.column_names, table.columns, strict=True), start=1)]
    xml = pc.binary_join_element_wise('<row r="', rows, '">', *cells, "</row>", "", null_handling="skip")
    return bytes(arrow_bytes(xml))


class SplicedWorkbook(Workbook):
    """An openpyxl Workbook whose `save` writes some sheets' data rows from prepared SpreadsheetML."""

    def __init__(self) -> None:
        super().__init__()
        self.spliced: dict[str, tuple[bytes, str]] = {}  # sheet title → (rows XML, full range "A1:N123")

    def splice(self, ws, rows: bytes, ref: str) -> None:
        """`rows` (row elements after the sheet's own) are written into `ws` at save; `ref`: the sheet's range."""
        self.spliced[ws.title] = (rows, ref)

    def save(self, filename) -> None:
        if not self.spliced:
            return super().save(filename)
        plain = io.BytesIO()
        super().save(plain)
        with zipfile.ZipFile(plain) as src:
            parts = _sheet_parts(src)
            targets = {parts[title]: data for title, data in self.spliced.items()}
            with zipfile.ZipFile(filename, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out:
                for info in src.infolist():
                    data = src.read(info.filename)
                    if info.filename in targets:
                        data = _with_rows(data, *targets[info.filename])
                    out.writestr(info.filename, data)


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → its part name in the package, read from the workbook and its relationships."""
    rels = {r.get("Id"): r.get("Target") for r in ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            .iter(f"{_PKG_REL}Relationship")}
    out = {}
    for sheet in ElementTree.fromstring(z.read("xl/workbook.xml")).iter(f"{_MAIN}sheet"):
        target = rels[sheet.get(f"{_REL}id")]
        out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return out


def _with_rows(sheet_xml: bytes, rows: bytes, ref: str) -> bytes:
    end = sheet_xml.rindex(b"</sheetData>")
    head = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), sheet_xml[:end], count=1)
    return head + rows + sheet_xml[end:]
