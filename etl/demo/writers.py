"""Write files the way French producers send them: CSV dialects (cp1252 `;` decimal comma, UTF-8 BOM `,`,
UTF-8 `;`) and XLSX with a title row, byte-identical from one run to the next."""

from __future__ import annotations

import io
import operator
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from etl.demo import timeline

FR_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Dialect:
    sep: str
    encoding: str
    lineterminator: str
    date_style: str  # "fr" 31/12/2024 | "iso" 2024-12-31
    month_style: str  # "fr" déc. 2024 | "iso" 2024-12 | "slash" 12/2024
    thousands: str  # "" or " "
    decimal: str


FRENCH = Dialect(";", "cp1252", "\r\n", "fr", "fr", " ", ",")
ISO_BOM = Dialect(",", "utf-8-sig", "\n", "iso", "iso", "", ".")
SEMICOLON_UTF8 = Dialect(";", "utf-8", "\n", "iso", "slash", "", ",")


def _lookup(values: np.ndarray, render) -> list[str]:
    """Render each distinct value once (dates, months, codes repeat a lot)."""
    values = np.asarray(values)
    if len(values) == 0:
        return []
    uniq, inv = np.unique(values, return_inverse=True)
    labels = np.array([render(v) for v in uniq.tolist()], dtype=object)
    return labels[inv].tolist()


def fmt_date(days: np.ndarray, d: Dialect) -> list[str]:
    """Days since epoch; negative = empty."""

    def render(v: int) -> str:
        if v < 0:
            return ""
        iso = str(np.datetime64(v, "D"))
        return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}" if d.date_style == "fr" else iso

    return _lookup(days, render)


def fmt_month(months: np.ndarray, d: Dialect) -> list[str]:
    """Month index since 2021-01."""

    def render(m: int) -> str:
        year, month = timeline.FIRST_YEAR + m // 12, m % 12 + 1
        if d.month_style == "fr":
            return f"{FR_MONTHS[month - 1]} {year}"
        if d.month_style == "slash":
            return f"{month:02d}/{year}"
        return f"{year}-{month:02d}"

    return _lookup(months, render)


def _thousands(v: int, d: Dialect) -> str:
    return f"{v:,}".replace(",", d.thousands) if d.thousands else str(v)


def fmt_int(values: np.ndarray, d: Dialect, missing: int | None = None) -> list[str]:
    """Whole numbers, with the dialect's thousands separator; `missing` renders as an empty cell."""
    return _lookup(np.asarray(values, dtype=np.int64),
                   lambda v: "" if missing is not None and v == missing else _thousands(v, d))


def fmt_amount(cents: np.ndarray, d: Dialect) -> list[str]:
    """Euros with cents from integer cents: `1 020,50` in the French dialect."""
    euros, rest = np.divmod(np.asarray(cents, dtype=np.int64), 100)
    decimals = np.array([f"{d.decimal}{c:02d}" for c in range(100)], dtype=object)[rest].tolist()
    return list(map(operator.add, _lookup(euros, lambda e: _thousands(e, d)), decimals))


def fmt_text(values: np.ndarray, d: Dialect) -> list[str]:
    """Free text (None = empty), quoted only when it holds the separator, a quote or a line break."""

    def render(v: object) -> str:
        s = "" if v is None else str(v)
        if d.sep in s or '"' in s or "\n" in s:
            s = '"' + s.replace('"', '""') + '"'
        return s

    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    return np.array([render(v) for v in uniques], dtype=object)[codes].tolist()


def write_csv(path: Path, header: Sequence[str], chunks: Iterable[Sequence[list[str]]], d: Dialect) -> int:
    """Write a header then column chunks (lists of already-rendered cells); return the number of data rows."""
    rows = 0
    with open(path, "w", encoding=d.encoding, newline="", errors="strict") as f:
        f.write(d.sep.join(header) + d.lineterminator)
        for cols in chunks:
            if not cols or not len(cols[0]):
                continue
            f.write(d.lineterminator.join(map(d.sep.join, zip(*cols, strict=True))) + d.lineterminator)
            rows += len(cols[0])
    return rows


@dataclass(frozen=True)
class Sheet:
    name: str
    header: Sequence[str] = ()
    rows: Sequence[Sequence] = ()
    title: str = ""  # written in A1, then a blank row, then the header
    text: Sequence[str] = ()  # a text-only sheet ("Lisez-moi")
    formats: dict[int, str] | None = None  # column index → number format


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> int:
    """Write the sheets; return the number of data rows. The archive is normalised to be byte-identical."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "Ségur numérique — démonstration"
    wb.properties.created = FIXED_TIME
    rows = 0
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        for line in sheet.text:
            ws.append([line])
        if sheet.text:
            ws["A1"].font = Font(bold=True, size=13)
            ws.column_dimensions["A"].width = 110
            continue
        if sheet.title:
            ws.append([sheet.title])
            ws["A1"].font = Font(bold=True, size=13)
            ws.append([])
        ws.append(list(sheet.header))
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
        for r in sheet.rows:
            ws.append(list(r))
        rows += len(sheet.rows)
        for col, fmt in (sheet.formats or {}).items():
            for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=col + 1, max_col=col + 1):
                cell.number_format = fmt
        for i, name in enumerate(sheet.header):
            ws.column_dimensions[ws.cell(row=header_row, column=i + 1).column_letter].width = max(12, len(name) + 4)
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_normalise_zip(buf.getvalue(), strict=True))
    return rows


def _normalise_zip(data: bytes, strict=True) -> bytes:
    """Fixed timestamps in the zip entries and in docProps/core.xml, so that same input → same bytes."""
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            zout.writestr(zi, content)
    return out.getvalue()
