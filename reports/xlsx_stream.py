"""A workbook streamed batch by batch from Arrow, for large extracts (a million rows in seconds, flat memory).

openpyxl (even write-only) spends ~20 µs per cell: ~5 min for a million 16-column rows. Extracts instead turn
each Arrow batch into SpreadsheetML with Arrow compute kernels and stream it into the zip. The same rules as
reports/xlsx.py hold: text is an inline string (never a formula; formula-like text also gets Excel's quote
prefix), dates are dates, a frozen styled header and an autofilter. Small sheets (context, column dictionary)
can follow the data sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from openpyxl.utils import get_column_letter

from reports.xlsx import BLEU_FRANCE, FMT_DATE, clean_text, is_formula_like

_XML_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
_FORMULA_RE = r"^[=+\-@\t\r]"
_EPOCH_DAYS = 25569  # 1970-01-01 as an Excel serial day number
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
# The one sheet of a streamed extract, and the relationship type that points to it (OOXML part names).
SHEET_PART = "worksheets/sheet1.xml"
_REL_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_STATIC_PARTS = {
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument"/></Relationships>'),
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


def _sheet_part(n: int) -> str:
    return SHEET_PART if n == 1 else f"worksheets/sheet{n}.xml"


def _content_types(sheets: int) -> str:
    overrides = "".join(f'<Override PartName="/xl/{_sheet_part(n)}" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for n in range(1, sheets + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'{overrides}<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')


def _workbook_rels(sheets: int) -> str:
    rels = "".join(f'<Relationship Id="rId{n}" Target="{_sheet_part(n)}" Type="{_REL_WORKSHEET}"/>'
                   for n in range(1, sheets + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
            f'<Relationship Id="rId{sheets + 1}" Target="styles.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/></Relationships>')


def _small_cell(ref: str, value, style: str = "") -> str:
    """One cell of a small sheet (Contexte, Dictionnaire): text inline (never a formula), numbers, dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>' if value == value else ""
    if isinstance(value, datetime):
        serial = (value - datetime(1970, 1, 1)).total_seconds() / 86400 + _EPOCH_DAYS
        return f'<c r="{ref}" s="3"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="2"><v>{(value - date(1970, 1, 1)).days + _EPOCH_DAYS}</v></c>'
    text = clean_text(str(value))
    quote = ' s="5"' if is_formula_like(text) else style
    return f'<c r="{ref}" t="inlineStr"{quote}><is><t xml:space="preserve">{_xml_text(text)}</t></is></c>'


def small_sheet_xml(rows: Sequence[Sequence], widths: Sequence[float] = (), header_rows: Sequence[int] = ()) -> str:
    """A whole small worksheet; the rows numbered in `header_rows` (1-based) get the header style."""
    cols = "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>' for i, w in enumerate(widths, 1))
    body = []
    for r, row in enumerate(rows, start=1):
        style = ' s="1"' if r in header_rows else ""
        cells = "".join(_small_cell(f"{get_column_letter(j)}{r}", v, style) for j, v in enumerate(row, 1))
        body.append(f'<row r="{r}">{cells}</row>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} {_R_NS}>'
            + (f"<cols>{cols}</cols>" if cols else "") + f'<sheetData>{"".join(body)}</sheetData></worksheet>')


def _xml_text(text: str) -> str:
    return clean_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def arrow_bytes(arr) -> memoryview:
    """The concatenated values of a string array without nulls, zero-copy."""
    import numpy as np

    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset:arr.offset + len(arr) + 1]
    return memoryview(arr.buffers()[2])[offsets[0]:offsets[-1]] if len(arr) else memoryview(b"")


# The cell styles (cellXfs indexes) of the streamed extract's styles.xml; a sheet spliced into an openpyxl
# workbook passes that workbook's own indexes instead (reports/xlsx_splice.py).
STREAM_STYLES = {"date": ' s="2"', "datetime": ' s="3"', "decimal": ' s="4"', "quote": ' s="5"', "number": ""}


def cells_xml(arr, letter: str, rows, styles: dict | None = None, number_style=None):
    """The SpreadsheetML cells of one Arrow column (`rows`: the row numbers as strings); a null value gives a
    null cell (left out of its row). `number_style` (a string, or a string array per row) styles numbers."""
    import pyarrow as pa
    import pyarrow.compute as pc

    st = styles or STREAM_STYLES
    t = arr.type
    ref = pc.binary_join_element_wise(f'<c r="{letter}', rows, '"', "")
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        text, style = arr.cast(pa.string()), ""
        # One scan finds the rare values that need work; most text columns (codes, ids) need none.
        if pc.any(pc.match_substring_regex(text, f"{_XML_ILLEGAL}|[&<>]|{_FORMULA_RE}")).as_py():
            text = pc.replace_substring_regex(text, _XML_ILLEGAL, "")
            for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
                text = pc.replace_substring(text, a, b)
            style = pc.if_else(pc.match_substring_regex(text, _FORMULA_RE), st["quote"], "")
        return pc.binary_join_element_wise(ref, ' t="inlineStr"', style, '><is><t xml:space="preserve">', text,
                                           "</t></is></c>", "")
    if pa.types.is_date(t):
        serial = pc.add(arr.cast(pa.date32()).cast(pa.int32()), _EPOCH_DAYS).cast(pa.string())
        return pc.binary_join_element_wise(ref, st["date"], "><v>", serial, "</v></c>", "")
    if pa.types.is_timestamp(t):
        micros = arr.cast(pa.timestamp("us")).cast(pa.int64()).cast(pa.float64())
        serial = pc.add(pc.divide(micros, 86_400e6), float(_EPOCH_DAYS)).cast(pa.string())
        return pc.binary_join_element_wise(ref, st["datetime"], "><v>", serial, "</v></c>", "")
    if pa.types.is_boolean(t):
        return pc.binary_join_element_wise(ref, ' t="b"><v>', arr.cast(pa.int8()).cast(pa.string()), "</v></c>", "")
    if pa.types.is_decimal(t):
        return pc.binary_join_element_wise(ref, st["decimal"], "><v>", arr.cast(pa.string()), "</v></c>", "")
    number = st["number"] if number_style is None else number_style
    if pa.types.is_floating(t):
        finite = pc.if_else(pc.is_finite(arr), arr, pa.scalar(None, t))
        return pc.binary_join_element_wise(ref, number, "><v>", finite.cast(pa.string()), "</v></c>", "")
    if pa.types.is_integer(t):
        return pc.binary_join_element_wise(ref, number, "><v>", arr.cast(pa.string()), "</v></c>", "")
    return cells_xml(arr.cast(pa.string()), letter, rows, styles, number_style)


class XlsxStream:
    """A one-sheet workbook written batch by batch into a binary stream (seekable or not)."""

    def __init__(self, fp, sheet_name: str, schema, widths: Sequence[float] | None = None,
                 zip64: bool = False) -> None:
        import zipfile

        self.schema, self.sheet_name, self.row = schema, sheet_name, 1
        self.extra: list[tuple[str, str]] = []  # (sheet name, worksheet XML) written after the data sheet
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

    def write_batch(self, batch) -> None:
        """Append an Arrow RecordBatch (same columns as the schema)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if batch.num_rows == 0:
            return
        rows = pa.array(range(self.row + 1, self.row + 1 + batch.num_rows), pa.int64()).cast(pa.string())
        cells = [cells_xml(col, letter, rows) for col, letter in zip(batch.columns, self.letters, strict=True)]
        xml = pc.binary_join_element_wise('<row r="', rows, '">', *cells, "</row>", "", null_handling="skip")
        self.sheet.write(arrow_bytes(xml))
        self.row += batch.num_rows

    def write_note(self, text: str) -> None:
        """A last row with one sentence (e.g. why the extract stops there)."""
        self.row += 1
        self.sheet.write(f'<row r="{self.row}"><c r="A{self.row}" t="inlineStr"><is><t xml:space="preserve">'
                         f'{_xml_text(text)}</t></is></c></row>'.encode())

    def add_sheet(self, name: str, rows: Sequence[Sequence], widths: Sequence[float] = (),
                  header_rows: Sequence[int] = (1,)) -> None:
        """A small sheet after the data sheet (context, column dictionary); written when the file closes."""
        self.extra.append((name, small_sheet_xml(rows, widths, header_rows)))

    def close(self) -> None:
        last = f"{self.letters[-1]}{max(self.row, 2)}"
        self.sheet.write(f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>'.encode())
        self.sheet.close()
        sheets = [self.sheet_name] + [n for n, _ in self.extra]
        for n, (_, xml) in enumerate(self.extra, start=2):
            self.zip.writestr(f"xl/{_sheet_part(n)}", xml)
        self.zip.writestr("[Content_Types].xml", _content_types(len(sheets)))
        self.zip.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        entries = "".join(f'<sheet name="{_xml_text(name)}" sheetId="{n}" r:id="rId{n}"/>'
                          for n, name in enumerate(sheets, start=1))
        filter_range = f"'{self.sheet_name.replace(chr(39), chr(39) * 2)}'!$A$1:${self.letters[-1]}${max(self.row, 2)}"
        self.zip.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} {_R_NS}>'
            f'<bookViews><workbookView/></bookViews><sheets>{entries}</sheets>'
            f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"{_xml_text(filter_range)}</definedName>"
            "</definedNames></workbook>"))
        self.zip.close()
