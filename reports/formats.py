"""Every export format, declared once: its name, file extension, media type and how a table is written in it.

Datasette's output renderers are the pattern: a format is registered with its extension and a render function,
and every exporter (extracts, the tidy table, the API's CSV, the dashboard's chart and table menus, templates,
committee packs) looks the format up here instead of keeping its own name → media type table.

A table format's `render(reader, options)` takes an Arrow record-batch reader and yields (bytes, data rows
written so far); formats without a table writer (images, packs) only carry their media type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from reports.writers import csv_pieces, parquet_pieces, xlsx_pieces
from reports.xlsx import FMT_DATE, FMT_DATETIME, FMT_DECIMAL, FMT_EUR, FMT_INT, FMT_MEUR, FMT_PCT_VALUE, FMT_RATIO


@dataclass(frozen=True)
class TableOptions:
    """How a table is written: the XLSX sheet name and row limit, the CSV separator and decimal mark, Parquet's
    column descriptions (field metadata) and the XLSX column widths."""

    sheet_name: str = "Données"
    rows: int = 0  # rows the reader will yield (XLSX: whether the zip needs Zip64)
    limit: int | None = None  # XLSX: rows written before a closing note
    csv_sep: str = ";"
    decimal_comma: bool = True
    column_metadata: dict[str, dict[str, str]] | None = None
    widths: tuple[float, ...] | None = None
    sheets: tuple = ()  # XLSX: (name, rows, widths, header rows) of small sheets after the data (context…)
    file_metadata: dict[str, str] | None = None  # Parquet: key → text in the file's metadata


Render = Callable[..., Iterator[tuple[bytes, int]]]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    extension: str
    mimetype: str
    render: Render | None = None  # render(reader, TableOptions) for table formats

    @property
    def is_table(self) -> bool:
        return self.render is not None


def _csv(reader, o: TableOptions):
    return csv_pieces(reader, o.csv_sep, o.decimal_comma)


def _xlsx(reader, o: TableOptions):
    return xlsx_pieces(reader, o.sheet_name, o.rows, o.limit, o.widths, o.sheets)


def _parquet(reader, o: TableOptions):
    return parquet_pieces(reader, o.column_metadata, o.file_metadata)


REGISTRY: dict[str, ExportFormat] = {}


def register(fmt: ExportFormat) -> ExportFormat:
    """Add a format (a duplicate name is a programming error, not a silent override)."""
    if fmt.name in REGISTRY:
        raise ValueError(f"export format {fmt.name!r} registered twice")
    REGISTRY[fmt.name] = fmt
    return fmt


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
for _fmt in (
    ExportFormat("xlsx", "xlsx", XLSX_MIME, _xlsx),
    ExportFormat("csv", "csv", "text/csv", _csv),  # Flask adds "; charset=utf-8" to text/* (twice if written here)
    ExportFormat("parquet", "parquet", "application/vnd.apache.parquet", _parquet),
    ExportFormat("json", "json", "application/json"),
    ExportFormat("png", "png", "image/png"),
    ExportFormat("svg", "svg", "image/svg+xml"),
    ExportFormat("pdf", "pdf", "application/pdf"),
    ExportFormat("pptx", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
):
    register(_fmt)

# The formats a table of rows can be written in, in the order menus and errors list them.
TABLE_FORMATS: dict[str, ExportFormat] = {n: REGISTRY[n] for n in ("xlsx", "csv", "parquet")}


@dataclass(frozen=True)
class ValueKind:
    """How a column of a given kind is typed in a file: its Excel number format (the screen's format, stored
    locale-free), the decimals kept (euros to the cent, counts whole, ratios to 0,01 %: no 7716751.02862386 in
    a CSV, while the workbook's number format shows the screen's rounding), and whether its ISO text is a date."""

    excel: str | None
    decimals: int | None = None
    date: bool = False


# The dashboard's format kinds (dashboard/components/table.py) in files.
VALUE_KINDS: dict[str, ValueKind] = {
    "int": ValueKind(FMT_INT, 0), "count": ValueKind(FMT_INT, 0), "count_compact": ValueKind(FMT_INT, 0),
    "number": ValueKind(FMT_DECIMAL, 2), "days": ValueKind(FMT_DECIMAL, 1), "eur": ValueKind(FMT_EUR, 2),
    "eur_compact": ValueKind(FMT_EUR, 2), "eur_cents": ValueKind('#,##0.00 "€"', 2),
    "percent": ValueKind(FMT_RATIO, 4), "pct_value": ValueKind(FMT_PCT_VALUE, 2), "eur_meur": ValueKind(FMT_MEUR, 2),
    "date": ValueKind(FMT_DATE, date=True), "month": ValueKind("mm/yyyy", date=True),
    "datetime": ValueKind(FMT_DATETIME, date=True), "year": ValueKind("yyyy", date=True),
    "status": ValueKind(None),  # a status code, written as its words
}
KIND_FORMATS = {k: v.excel for k, v in VALUE_KINDS.items() if v.excel}


def rounded(value, kind: str | None):
    """A number at the decimals its kind keeps (an int when none); anything else unchanged."""
    spec = VALUE_KINDS.get(kind or "")
    if spec is None or spec.decimals is None or isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if value != value:
        return None
    return int(round(value)) if spec.decimals == 0 else round(value, spec.decimals)


def media_type(name: str) -> str:
    """The media type of a registered format; KeyError for an unknown one."""
    return REGISTRY[name].mimetype


def media_types(*names: str) -> dict[str, str]:
    """name → media type for some formats (what a route's own lookups need)."""
    return {n: REGISTRY[n].mimetype for n in names}


def render_table(name: str, reader, options: TableOptions | None = None) -> Iterator[tuple[bytes, int]]:
    """The pieces of a table written in format `name` (a table format: xlsx, csv, parquet)."""
    fmt = TABLE_FORMATS.get(name)
    if fmt is None:
        raise ValueError(f"format inconnu « {name} » (formats : {', '.join(TABLE_FORMATS)})")
    return fmt.render(reader, options or TableOptions())


def table_bytes(name: str, table, options: TableOptions | None = None) -> bytes:
    """A whole (small) Arrow table as the bytes of a file in format `name`."""
    opts = options or TableOptions()
    if opts.rows == 0:
        from dataclasses import replace

        opts = replace(opts, rows=table.num_rows)
    return b"".join(data for data, _ in render_table(name, table.to_reader(), opts))


__all__ = ["KIND_FORMATS", "VALUE_KINDS", "ValueKind", "rounded", "REGISTRY", "TABLE_FORMATS", "XLSX_MIME", "ExportFormat", "TableOptions", "media_type", "media_types",
           "register", "render_table", "table_bytes"]
