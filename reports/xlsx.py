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


def print_layout(ws, title_rows: str | None = "1:1", landscape_from_columns: int = 8) -> None:
    """Print the sheet on A4 fitted to the page width (as many pages down as needed), the header row repeated on
    every page, landscape when the sheet is wide."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if ws.max_column >= landscape_from_columns else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "&A — page &P / &N"


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
