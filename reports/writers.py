"""Streaming writers of an Arrow stream of record batches: CSV (French Excel), Parquet, one-sheet XLSX.

Each writer yields (bytes, data rows written so far) piece by piece, so memory stays flat whatever the size;
extracts, the tidy table and the API's CSV all go through them (registered in reports/formats.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from reports.xlsx import EXCEL_MAX_ROWS
from reports.xlsx_stream import XlsxStream, arrow_bytes

MAX_XLSX_DATA_ROWS = EXCEL_MAX_ROWS - 1  # the header takes a row
BOM = "\ufeff".encode()


class _Sink:
    """A write-only, non-seekable byte sink: the zip or Parquet writer appends, the generator drains."""

    closed = False  # a file-like object for pyarrow

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:  # the Parquet writer records offsets
        return self.position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def drain(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def xlsx_pieces(reader, sheet_name: str, rows: int, limit: int | None = None, widths=None, sheets=()
                ) -> Iterator[tuple[bytes, int]]:
    """A workbook streamed from the reader's batches; `limit` stops after that many rows with a closing note;
    `sheets`: (name, rows, widths, header rows) of small sheets written after the data sheet."""
    sink = _Sink()
    schema = reader.schema
    zip64 = min(rows, MAX_XLSX_DATA_ROWS) * len(schema) * 120 > 3.5e9  # a 4 GB zip member needs Zip64
    writer = XlsxStream(sink, sheet_name, schema, widths=widths, zip64=zip64)
    written = 0
    for batch in reader:
        if limit is not None and written + batch.num_rows > limit:
            batch = batch.slice(0, limit - written)
        writer.write_batch(batch)
        written += batch.num_rows
        yield sink.drain(), written
        if limit is not None and written >= limit:
            writer.write_note(f"Extrait tronqué : {written} lignes sur {rows}. Une feuille Excel ne peut pas "
                              "contenir davantage : utilisez le format CSV ou Parquet pour l'extrait complet.")
            break
    for name, sheet_rows, sheet_widths, header_rows in sheets:
        writer.add_sheet(name, sheet_rows, sheet_widths, header_rows)
    writer.close()
    yield sink.drain(), written


def parquet_pieces(reader, column_metadata: dict[str, dict[str, str]] | None = None,
                   file_metadata: dict[str, str] | None = None) -> Iterator[tuple[bytes, int]]:
    """Parquet (zstd), one row group per batch, streamed: the footer comes with the last piece.

    `column_metadata`: per column, key → text stored as the field's metadata (label, unit, description), so
    that a Parquet reader finds what each column means without the docs."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = reader.schema
    if column_metadata or file_metadata:
        meta = {**(schema.metadata or {}), **{k.encode(): v.encode() for k, v in (file_metadata or {}).items()}}
        schema = pa.schema([f.with_metadata({k.encode(): v.encode() for k, v in column_metadata[f.name].items()})
                            if column_metadata and f.name in column_metadata else f for f in schema], metadata=meta)
    sink, written = _Sink(), 0
    writer = pq.ParquetWriter(sink, schema, compression="zstd")
    try:
        for batch in reader:
            if batch.num_rows:
                writer.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=schema)
                                   if schema is not reader.schema else batch)
                written += batch.num_rows
                yield sink.drain(), written
    finally:
        writer.close()
    yield sink.drain(), written


def _csv_field(arr, sep: str, decimal_comma: bool):
    """One column as CSV text: numbers with the chosen decimal mark, formula-like text neutralised, quoted
    when it holds the separator, a quote or a line break."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = arr.type
    is_text = pa.types.is_string(t) or pa.types.is_large_string(t)
    if pa.types.is_decimal(t) or pa.types.is_floating(t):
        if pa.types.is_floating(t):
            arr = pc.if_else(pc.is_finite(arr), arr, pa.scalar(None, t))
        text = arr.cast(pa.string())
        if decimal_comma:
            text = pc.replace_substring(text, ".", ",")
    elif pa.types.is_timestamp(t):
        text = pc.strftime(arr, format="%Y-%m-%d %H:%M:%S")
    else:
        text = arr.cast(pa.string())
    quote_chars = "[" + ("\\" + sep if not sep.isalnum() else sep) + '"\r\n]'
    # One scan finds the rare values that need work; most columns (codes, numbers, dates) need none.
    if not pc.any(pc.match_substring_regex(text, (r"^[=+\-@\t\r]|" if is_text else "") + quote_chars)).as_py():
        return text
    if is_text:
        text = pc.if_else(pc.match_substring_regex(text, r"^[=+\-@\t\r]"),
                          pc.binary_join_element_wise("'", text, ""), text)
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.if_else(pc.match_substring_regex(text, quote_chars), quoted, text)


def csv_pieces(reader, sep: str = ";", decimal_comma: bool = True) -> Iterator[tuple[bytes, int]]:
    """French Excel CSV (UTF-8 with BOM, `;`, decimal comma, CRLF), formula-like text neutralised."""
    import pyarrow as pa
    import pyarrow.compute as pc

    header = pa.array([f.name for f in reader.schema])
    yield BOM + sep.join(_csv_field(header, sep, False).to_pylist()).encode() + b"\r\n", 0
    written = 0
    for batch in reader:
        if batch.num_rows == 0:
            continue
        fields = [_csv_field(col, sep, decimal_comma) for col in batch.columns]
        lines = pc.binary_join_element_wise(*fields, sep, null_handling="replace")
        lines = pc.binary_join_element_wise(lines, "\r\n", "")  # the line break after the last field
        written += batch.num_rows
        yield bytes(arrow_bytes(lines)), written
