"""Building blocks shared by every Excel file we write: safe text cells, French number formats, the
header style, real Excel tables, sheet and file names.

Number formats use Excel's own codes (`#,##0`, `0.0%`): the file stores them locale-free and Excel shows
`1 234,5` in French, `1,234.5` in English. Text is always written as a string cell, never as a formula,
so a label such as `=HYPERLINK(…)` coming from the data stays inert (formula injection).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableStyleInfo

# Colours of the État's design system.
BLEU_FRANCE = "000091"
STATUS_COLOURS = {  # status → (light fill, dark text): text + colour, never colour alone
    "on_track": ("DFFEE6", "18753C"), "watch": ("FFF4E5", "B34000"), "off_track": ("FFE9E9", "CE0500"),
    "no_target": ("EEEEEE", "3A3A3A"), "no_data": ("EEEEEE", "3A3A3A"), "incomplete": ("EEEEEE", "3A3A3A"),
}
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", start_color=BLEU_FRANCE, end_color=BLEU_FRANCE)
TITLE_FONT = Font(bold=True, size=14, color=BLEU_FRANCE)

# Excel number format codes (stored locale-free, shown with the reader's separators).
FMT_DATE = "dd/mm/yyyy"
FMT_DATETIME = "dd/mm/yyyy hh:mm"
FMT_INT = "#,##0"
FMT_DECIMAL = "#,##0.0"
FMT_EUR = '#,##0 "€"'
FMT_MEUR = '#,##0.0,, "M€"'  # each trailing comma divides by 1 000: euros shown in millions
FMT_PCT_VALUE = '#,##0.0 "%"'  # a value already in percent (85.3)
FMT_RATIO = "0.0%"  # a 0–1 ratio (0.853 → 85,3 %)
UNIT_FORMATS = {"EUR": FMT_MEUR, "pct": FMT_PCT_VALUE, "jours": FMT_DECIMAL}

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
EXCEL_MAX_ROWS = 1_048_576


def unit_format(unit: str) -> str:
    return UNIT_FORMATS.get(unit, FMT_INT)


def is_formula_like(text: str) -> bool:
    """Text a spreadsheet would run as a formula if typed in (OWASP CSV injection list)."""
    return text.startswith(FORMULA_START)


def clean_text(text: str) -> str:
    """Drop the control characters XML cannot carry (openpyxl would refuse the whole file)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def safe_cell(value, ws=None):
    """A value openpyxl will write as typed: formula-like text comes back as a string Cell, never a formula.

    Non-text values are returned unchanged. For text, openpyxl infers a formula from a leading `=`; the Cell
    returned here has `data_type = "s"` (written as an inline string) and Excel's quote prefix, so the cell
    also stays text when someone edits it in Excel. `ws` is the worksheet (needed for the quote prefix style).
    """
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    if not is_formula_like(text) and not text.startswith("#"):
        return text
    cell = Cell(ws, row=1, column=1)  # write-only sheets set the real position when the row is appended
    cell._value, cell.data_type = text, "s"
    if ws is not None:
        cell.quotePrefix = True
    return cell


def put(ws, row: int, col: int, value, number_format: str | None = None, font: Font | None = None) -> Cell:
    """Write one cell of a normal worksheet: text always as a string cell, dates as dates."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        text = clean_text(value)
        cell._value, cell.data_type = text, "s"
        if is_formula_like(text):
            cell.quotePrefix = True
    else:
        if isinstance(value, float) and value != value:  # NaN: an empty cell, not #NUM!
            value = None
        cell.value = value
        if isinstance(value, datetime) and number_format is None:
            number_format = FMT_DATETIME
        elif isinstance(value, date) and number_format is None:
            number_format = FMT_DATE
    if number_format:
        cell.number_format = number_format
    if font:
        cell.font = font
    return cell


def style_header(ws, row: int, first_col: int, last_col: int) -> None:
    for col in range(first_col, last_col + 1):
        cell = ws.cell(row=row, column=col)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


@dataclass(frozen=True)
class Col:
    """A column of a table: its header and number format (a code, or a function of the row giving it)."""

    header: str
    fmt: str | Callable[[Sequence], str | None] | None = None
    width: float | None = None


def table_name(wb, base: str) -> str:
    """A displayName unique in the workbook, valid for Excel (letters, digits, _; not a cell reference)."""
    name = re.sub(r"\W", "_", base, flags=re.ASCII).strip("_") or "Tableau"
    if not re.match(r"[A-Za-z_]", name) or re.fullmatch(r"[A-Za-z]{1,3}[0-9]+|[RrCc][0-9]*", name):
        name = "T_" + name
    used = {n.lower() for ws in wb.worksheets for n in ws.tables.keys()}
    candidate, i = name[:250], 2
    while candidate.lower() in used:
        candidate, i = f"{name[:245]}_{i}", i + 1
    return candidate


def write_table(ws, cols: Sequence[Col], rows: Iterable[Sequence], name: str, first_row: int = 1,
                first_col: int = 1) -> tuple[int, int]:
    """Header + rows as a real Excel table (autofilter, banded rows); returns (first data row, last row)."""
    for j, c in enumerate(cols):
        put(ws, first_row, first_col + j, c.header)
    style_header(ws, first_row, first_col, first_col + len(cols) - 1)
    r = first_row
    for r, row in enumerate(rows, start=first_row + 1):
        for j, (c, v) in enumerate(zip(cols, row, strict=True)):
            fmt = c.fmt(row) if callable(c.fmt) else c.fmt
            put(ws, r, first_col + j, v, fmt)
    last_row = max(r, first_row + 1)  # a table needs one data row, even empty
    ref = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(first_col + len(cols) - 1)}{last_row}"
    table = Table(displayName=table_name(ws.parent, name), ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    table.autoFilter = AutoFilter(ref=ref)
    ws.add_table(table)
    for j, c in enumerate(cols):
        letter = get_column_letter(first_col + j)
        width = c.width or _fit(ws, first_col + j, first_row, min(last_row, first_row + 200))
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
    return first_row + 1, last_row


def _fit(ws, col: int, first_row: int, last_row: int) -> float:
    longest = 8
    for r in range(first_row, last_row + 1):
        v = ws.cell(row=r, column=col).value
        if isinstance(v, str):
            longest = max(longest, min(len(v), 60) + (4 if r == first_row else 0))
        elif isinstance(v, int | float):
            longest = max(longest, 14)
        elif isinstance(v, date):
            longest = max(longest, 12)
    return longest + 2


def sheet_title(text: str, used: set[str]) -> str:
    """An Excel sheet name: ≤ 31 characters, none of []:*?/\\, unique (case-insensitive) among `used`."""
    base = SHEET_FORBIDDEN.sub(" ", text).strip().strip("'") or "Feuille"
    base = re.sub(r"\s+", " ", base)
    title, i = _shorten(base, 31), 2
    while title.lower() in {u.lower() for u in used}:
        suffix = f" ({i})"
        title, i = _shorten(base, 31 - len(suffix)) + suffix, i + 1
    used.add(title)
    return title


def _shorten(text: str, size: int) -> str:
    """Cut at a word boundary with an ellipsis: `Usage citoyen de Mon espace…`."""
    if len(text) <= size:
        return text
    cut = text[:size - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[size // 2:] else cut).rstrip(" -,;") + "…"


def export_filename(kind: str, as_of: date | str | None, filters: Iterable[tuple[str, str]], ext: str) -> str:
    """`export_segur_2026-10_region-11.xlsx`: only [A-Za-z0-9_.-], whatever the codes contain."""
    parts = ["export_segur" if kind == "workbook" else f"extrait_{kind}"]
    if as_of:
        parts.append(as_of.isoformat()[:7] if isinstance(as_of, date) else str(as_of)[:7])
    parts += [f"{k}-{v}" for k, v in filters]
    stem = re.sub(r"\.{2,}", ".", re.sub(r"[^A-Za-z0-9_.-]+", "-", "_".join(parts))).strip("-.")[:150]
    return f"{stem}.{re.sub(r'[^A-Za-z0-9]', '', ext)}"


# -- A streamed one-sheet workbook for large extracts ------------------------------------------------------
# openpyxl (even write-only) spends ~20 µs per cell: ~5 min for a million 16-column rows. Extracts instead
# turn each Arrow batch into SpreadsheetML with Arrow compute kernels and stream it into the zip: memory
# stays flat and a million rows take seconds. The same rules hold: text is an inline string (never a
# formula; formula-like text also gets Excel's quote prefix), dates are dates, a frozen styled header and
# an autofilter.

_XML_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
_FORMULA_RE = r"^[=+\-@\t\r]"
_EPOCH_DAYS = 25569  # 1970-01-01 as an Excel serial day number
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
# The one sheet of a streamed extract, and the relationship type that points to it (OOXML part names).
SHEET_PART = "worksheets/sheet1.xml"
_REL_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_STATIC_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/{SHEET_PART}" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Target="{SHEET_PART}" Type="{_REL_WORKSHEET}"/>'
        '<Relationship Id="rId2" Target="styles.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/></Relationships>'),
    # cellXfs: 0 default, 1 header, 2 date, 3 date-time, 4 amount (#,##0.00), 5 text with quote prefix
    "xl/styles.xml": (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {_NS}>'
        f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{FMT_DATE}"/>'
        '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm:ss"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font></fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        f'</fill><fill><patternFill patternType="solid"><fgColor rgb="FF{BLEU_FRANCE}"/></patternFill></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}


def _xml_text(text: str) -> str:
    return clean_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def arrow_bytes(arr) -> memoryview:
    """The concatenated values of a string array without nulls, zero-copy."""
    import numpy as np

    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset:arr.offset + len(arr) + 1]
    return memoryview(arr.buffers()[2])[offsets[0]:offsets[-1]] if len(arr) else memoryview(b"")


class XlsxStream:
    """A one-sheet workbook written batch by batch into a binary stream (seekable or not)."""

    def __init__(self, fp, sheet_name: str, schema, widths: Sequence[float] | None = None,
                 zip64: bool = False) -> None:
        import zipfile

        self.schema, self.sheet_name, self.row = schema, sheet_name, 1
        self.letters = [get_column_letter(i + 1) for i in range(len(schema))]
        self.zip = zipfile.ZipFile(fp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        for name, text in _STATIC_PARTS.items():
            self.zip.writestr(name, text)
        self.sheet = self.zip.open(f"xl/{SHEET_PART}", "w", force_zip64=zip64)
        widths = widths or [max(10, min(len(f.name) + 4, 40)) for f in schema]
        cols = "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                       for i, w in enumerate(widths, start=1))
        header = "".join(f'<c r="{L}1" t="inlineStr" s="1"><is><t>{_xml_text(f.name)}</t></is></c>'
                         for L, f in zip(self.letters, schema, strict=True))
        self.sheet.write((
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} {_R_NS}>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData><row r="1">{header}</row>'
        ).encode())

    def _cells(self, arr, letter: str, rows):
        import pyarrow as pa
        import pyarrow.compute as pc

        t = arr.type
        ref = pc.binary_join_element_wise(f'<c r="{letter}', rows, '"', "")
        if pa.types.is_string(t) or pa.types.is_large_string(t):
            text, style = arr.cast(pa.string()), ""
            # One scan finds the rare values that need work; most text columns (codes, ids) need none.
            if pc.any(pc.match_substring_regex(text, f"{_XML_ILLEGAL}|[&<>]|{_FORMULA_RE}")).as_py():
                text = pc.replace_substring_regex(text, _XML_ILLEGAL, "")
                for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
                    text = pc.replace_substring(text, a, b)
                style = pc.if_else(pc.match_substring_regex(text, _FORMULA_RE), ' s="5"', "")
            return pc.binary_join_element_wise(ref, ' t="inlineStr"', style, '><is><t xml:space="preserve">', text,
                                               "</t></is></c>", "")
        if pa.types.is_date(t):
            serial = pc.add(arr.cast(pa.date32()).cast(pa.int32()), _EPOCH_DAYS).cast(pa.string())
            return pc.binary_join_element_wise(ref, ' s="2"><v>', serial, "</v></c>", "")
        if pa.types.is_timestamp(t):
            micros = arr.cast(pa.timestamp("us")).cast(pa.int64()).cast(pa.float64())
            serial = pc.add(pc.divide(micros, 86_400e6), float(_EPOCH_DAYS)).cast(pa.string())
            return pc.binary_join_element_wise(ref, ' s="3"><v>', serial, "</v></c>", "")
        if pa.types.is_boolean(t):
            return pc.binary_join_element_wise(ref, ' t="b"><v>', arr.cast(pa.int8()).cast(pa.string()), "</v></c>", "")
        if pa.types.is_decimal(t):
            return pc.binary_join_element_wise(ref, ' s="4"><v>', arr.cast(pa.string()), "</v></c>", "")
        if pa.types.is_floating(t):
            finite = pc.if_else(pc.is_finite(arr), arr, pa.scalar(None, t))
            return pc.binary_join_element_wise(ref, "><v>", finite.cast(pa.string()), "</v></c>", "")
        if pa.types.is_integer(t):
            return pc.binary_join_element_wise(ref, "><v>", arr.cast(pa.string()), "</v></c>", "")
        return self._cells(arr.cast(pa.string()), letter, rows)

    def write_batch(self, batch) -> None:
        """Append an Arrow RecordBatch (same columns as the schema)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if batch.num_rows == 0:
            return
        rows = pa.array(range(self.row + 1, self.row + 1 + batch.num_rows), pa.int64()).cast(pa.string())
        cells = [self._cells(col, letter, rows) for col, letter in zip(batch.columns, self.letters, strict=True)]
        xml = pc.binary_join_element_wise('<row r="', rows, '">', *cells, "</row>", "", null_handling="skip")
        self.sheet.write(arrow_bytes(xml))
        self.row += batch.num_rows

    def write_note(self, text: str) -> None:
        """A last row with one sentence (e.g. why the extract stops there)."""
        self.row += 1
        self.sheet.write(f'<row r="{self.row}"><c r="A{self.row}" t="inlineStr"><is><t xml:space="preserve">'
                         f'{_xml_text(text)}</t></is></c></row>'.encode())

    def close(self) -> None:
        last = f"{self.letters[-1]}{max(self.row, 2)}"
        self.sheet.write(f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>'.encode())
        self.sheet.close()
        name = _xml_text(self.sheet_name)
        filter_range = f"'{self.sheet_name.replace(chr(39), chr(39) * 2)}'!$A$1:${self.letters[-1]}${max(self.row, 2)}"
        self.zip.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} {_R_NS}>'
            f'<bookViews><workbookView/></bookViews><sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>'
            f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"{_xml_text(filter_range)}</definedName>"
            "</definedNames></workbook>"))
        self.zip.close()
