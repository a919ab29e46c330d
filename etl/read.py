"""Read a source file as it comes (CSV or XLSX, French conventions) into an all-text staging table.

Detection is reported, never silent: encoding, separator, decimal mark, header line, sheets.
Values stay text here; etl/validate.py parses and checks them with the contract.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import pyarrow as pa

from etl.errors import EtlError, MissingColumnsError, UnknownSourceError
from etl.sources import CONTRACTS, Contract

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
SUPPORTED_SUFFIXES = CSV_SUFFIXES | XLSX_SUFFIXES
HEADER_SCAN_LINES = 20
MAX_HEADERS_SHOWN = 40  # header cells named in a "missing columns" message
QUOTED_HEADER_CHARS = 80
HEAD_LINE_CHARS = 65_536  # of each of the first lines, read to detect the layout (csv's own limit is 131 072)
_CHUNK = 8 * 1024 * 1024


def normalise_header(text: str) -> str:
    """`Code Département ` → `code_departement`: lower case, no accents, `_` between words."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _accepted_names(contract: Contract) -> dict[str, str]:
    """Normalised header spelling → contract column name."""
    names: dict[str, str] = {}
    for col in contract.columns:
        for spelling in (col.name, *col.aliases):
            names.setdefault(normalise_header(spelling), col.name)
    return names


def cut(text: str) -> str:
    """A header cell as quoted in a message: at most QUOTED_HEADER_CHARS characters, control characters shown
    as `�`."""
    short = text if len(text) <= QUOTED_HEADER_CHARS else text[:QUOTED_HEADER_CHARS - 1] + "…"
    return "".join(ch if ch >= " " else "\ufffd" for ch in short)


def header_list(cells: list[str]) -> str:
    """Header cells as listed in a message: the first MAX_HEADERS_SHOWN, each cut, and how many in all."""
    shown = [cut(h) for h in cells[:MAX_HEADERS_SHOWN]]
    if len(cells) > MAX_HEADERS_SHOWN:
        shown.append(f"… ({len(cells)} colonnes en tout)")
    return ", ".join(shown)


@dataclass
class Detected:
    """What the reader found out about a file, said in words in `describe()`."""

    format: str
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str = "."
    header_line: int = 1
    sheets: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # header in file → contract column
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [self.format.upper()]
        if self.format == "csv":
            sep = {";": "';'", ",": "','", "\t": "tabulation", "|": "'|'"}.get(self.delimiter or "", repr(self.delimiter))
            parts += [f"encodage {self.encoding}", f"séparateur {sep}", f"décimale '{self.decimal}'"]
            parts.append(f"en-tête ligne {self.header_line}")
        else:
            parts.append("feuilles " + ", ".join(f"'{s}'" for s in self.sheets))
            parts.append(f"en-tête ligne {self.header_line}")
        if self.renamed:
            parts.append("colonnes renommées " + ", ".join(f"{cut(k)}→{v}" for k, v in self.renamed.items()))
        if self.ignored_columns:
            parts.append("colonnes ignorées " + header_list(self.ignored_columns))
        parts += self.notes
        return "; ".join(parts)


@dataclass
class StagedFile:
    path: Path
    contract: Contract
    detected: Detected
    # One VARCHAR column per contract column + __sheet, and either __line (a table: XLSX) or, for a CSV, __empty
    # (a row of separators only) in a view over DuckDB's reader: a CSV is read, typed and checked in one
    # parallel pass (etl/validate.py), never stored as text first.
    table: str
    rows: int | None  # None until the view has been read (Validator.parse counts the typed rows)
    # For a view: the SQL of a row's line in the file from `rowid`, its position among the rows read (in
    # file order: the typed table is created in that order and never changed).
    line_sql: str | None = None
    read_error: str = ""  # the start of the message when the view turns out unreadable

    @property
    def is_view(self) -> bool:
        return self.line_sql is not None

    def drop_sql(self) -> str:
        return f"DROP {'VIEW' if self.is_view else 'TABLE'} IF EXISTS {self.table}"


@dataclass(frozen=True)
class FileScan:
    """What one pass over a file's bytes tells: its sha256 and, for text, its encoding and shape."""

    sha256: str
    encoding: str | None = None  # utf-8-sig, utf-8 or cp1252; None for a workbook
    encoding_error: EtlError | None = None  # neither UTF-8 nor cp1252
    latin1_safe: bool = False  # no byte 0x80–0x9F: cp1252 and ISO-8859-1 read it alike
    maybe_blank_lines: bool = False  # "\n\n" or "\n\r\n" somewhere


def recognise(path: Path, header_cells: list[str] | None = None) -> Contract:
    """Which contract a file belongs to: by its name prefix, else by its header."""
    stem = normalise_header(path.stem)
    by_prefix = [c for c in CONTRACTS.values() if stem == c.name or stem.startswith(c.name + "_")]
    if by_prefix:
        return max(by_prefix, key=lambda c: len(c.name))
    if header_cells:
        found = {normalise_header(h) for h in header_cells}
        scored = []
        for contract in CONTRACTS.values():
            names = _accepted_names(contract)
            hit = {names[h] for h in found if h in names}
            share = len(hit & set(contract.required_columns)) / max(1, len(contract.required_columns))
            # the share of required columns first, then how many of the header's columns it explains
            scored.append(((share, len(hit)), contract))
        scored.sort(key=lambda x: x[0], reverse=True)
        if scored and scored[0][0][0] >= 0.8:
            if len(scored) > 1 and scored[1][0] == scored[0][0]:
                raise UnknownSourceError(
                    f"source ambiguë : l'en-tête convient aussi bien à {scored[0][1].name} qu'à {scored[1][1].name} ; "
                    "nommez le fichier en commençant par le nom de sa source", file=path.name)
            return scored[0][1]
    raise UnknownSourceError(
        "source non reconnue : le nom du fichier doit commencer par le nom d'une source ("
        + ", ".join(CONTRACTS)
        + ") ou son en-tête doit contenir les colonnes d'une source (voir docs/sources.md)",
        file=path.name,
    )


def map_header(contract: Contract, header: list[str], file: str) -> tuple[dict[str, int], Detected]:
    """Map contract columns to header positions; raise with a did-you-mean hint when some are missing."""
    accepted = _accepted_names(contract)
    det = Detected(format="")
    positions: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = normalise_header(cell)
        name = accepted.get(key)
        if name is None or name in positions:
            if str(cell).strip():
                det.ignored_columns.append(str(cell).strip())
            continue
        positions[name] = i
        if str(cell).strip() != name:
            det.renamed[str(cell).strip()] = name
    missing = [c for c in contract.required_columns if c not in positions]
    if missing:
        found = [str(h).strip() for h in header if str(h).strip()]
        hints = []
        for m in missing:
            close = difflib.get_close_matches(m, [normalise_header(h) for h in found], n=1, cutoff=0.6)
            if close:
                original = next(h for h in found if normalise_header(h) == close[0])
                hints.append(f"'{cut(original)}' pour '{m}' ?")
        msg = (
            f"colonne(s) obligatoire(s) manquante(s) pour la source {contract.name} : {', '.join(missing)} ; "
            f"colonnes trouvées : {header_list(found) or '(aucune)'}"
        )
        if hints:
            msg += " ; vouliez-vous dire " + " ".join(hints)
        raise MissingColumnsError(msg, file=file)
    return positions, det


def _header_score(cells: list[str], accepted: dict[str, str]) -> int:
    return len({accepted[normalise_header(c)] for c in cells if normalise_header(c) in accepted})


def _all_accepted() -> dict[str, str]:
    merged: dict[str, str] = {}
    for contract in CONTRACTS.values():
        merged.update(_accepted_names(contract))
    return merged


def _find_header(rows: list[list[str]], contract: Contract | None) -> int:
    """Index of the header row among the first rows: the one naming the most known columns."""
    accepted = _accepted_names(contract) if contract else _all_accepted()
    scores = [_header_score(r, accepted) for r in rows[:HEADER_SCAN_LINES]]
    if not scores or max(scores) == 0:
        return 0
    return scores.index(max(scores))


# --- CSV -------------------------------------------------------------------------------------------


_C1 = bytes(range(0x80, 0xA0))  # where cp1252 and ISO-8859-1 differ (0x81, 0x8D, 0x8F, 0x90, 0x9D: undefined)


def _cp1252_error(path: Path, chunk: bytes, offset: int, e: UnicodeDecodeError) -> EtlError:
    return EtlError(
        f"encodage illisible : ni UTF-8 ni Windows-1252 (cp1252) — octet 0x{chunk[e.start]:02X} à la "
        f"position {offset + e.start} ; enregistrez le fichier en UTF-8", file=path.name, step="read")


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes (read in chunks): what manifests and source files are checked by."""
    return scan_file(path, text=False).sha256


def scan_file(path: Path, text: bool = True) -> FileScan:
    """One read of the bytes: sha256, and for a text file what detect_encoding and blank_lines would find.

    The cp1252 check and the 0x80–0x9F search only look at bytes once UTF-8 has failed (from the start)."""
    sha = hashlib.sha256()
    if not text:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                sha.update(chunk)
        return FileScan(sha.hexdigest())
    bom = utf8 = True
    decoder = codecs.getincrementaldecoder("utf-8")()
    blank = c1 = False
    error: EtlError | None = None
    carry = b""
    offset = 0

    def cp1252_check(chunk: bytes, at: int) -> None:
        nonlocal c1, error
        if error is None and len(chunk.translate(None, _C1)) != len(chunk):
            c1 = True
            try:
                chunk.decode("cp1252")
            except UnicodeDecodeError as e:
                error = _cp1252_error(path, chunk, at, e)

    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            if offset == 0:
                bom = chunk.startswith(codecs.BOM_UTF8)
            sha.update(chunk)
            if not blank:
                edge = carry + chunk[:2]
                blank = b"\n\n" in edge or b"\n\r\n" in edge or b"\n\n" in chunk or b"\n\r\n" in chunk
                carry = chunk[-2:]
            if utf8 and not bom:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
                    if offset:  # the chunks before were valid UTF-8, not yet checked as cp1252
                        with path.open("rb") as again:
                            done = 0
                            while done < offset:
                                before = again.read(min(_CHUNK, offset - done))
                                cp1252_check(before, done)
                                done += len(before)
            if not utf8:
                cp1252_check(chunk, offset)
            offset += len(chunk)
    if offset == 0:
        bom = False
    if utf8 and not bom:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
            with path.open("rb") as again:  # a truncated sequence at the very end: check it all as cp1252
                done = 0
                while before := again.read(_CHUNK):
                    cp1252_check(before, done)
                    done += len(before)
    encoding = "utf-8-sig" if bom else "utf-8" if utf8 else "cp1252"
    return FileScan(sha.hexdigest(), encoding, None if encoding != "cp1252" else error,
                    latin1_safe=encoding == "cp1252" and not c1, maybe_blank_lines=blank)


def detect_encoding(path: Path) -> str:
    """utf-8-sig (BOM), utf-8, or cp1252 (checked over the whole file, chunk by chunk)."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        fh.seek(0)
        offset = 0
        while chunk := fh.read(_CHUNK):
            try:
                chunk.decode("cp1252")
            except UnicodeDecodeError as e:
                raise EtlError(
                    f"encodage illisible : ni UTF-8 ni Windows-1252 (cp1252) — octet 0x{chunk[e.start]:02X} à la "
                    f"position {offset + e.start} ; enregistrez le fichier en UTF-8", file=path.name, step="read"
                ) from e
            offset += len(chunk)
    return "cp1252"


def blank_lines(path: Path, after_line: int, scan: FileScan | None = None) -> list[int]:
    """Physical numbers of the empty lines after `after_line` (DuckDB skips them, so rows shift)."""
    found: list[int] = []
    if scan is not None and not scan.maybe_blank_lines:
        return found
    with path.open("rb") as fh:
        data_seen = False
        quick = fh.read(_CHUNK)
        while quick:
            if b"\n\n" in quick or b"\n\r\n" in quick:
                data_seen = True
                break
            nxt = fh.read(_CHUNK)
            quick = quick[-2:] + nxt if nxt else b""
        if not data_seen:
            return found
        fh.seek(0)
        for number, line in enumerate(fh, start=1):
            if number > after_line and not line.strip(b"\r\n"):
                found.append(number)
    return found


def _transcode(path: Path, encoding: str, workdir: Path) -> Path:
    """A UTF-8 copy of a cp1252 file, for DuckDB's reader (which reads UTF-8)."""
    out = workdir / (path.name + ".utf8")
    with path.open("r", encoding=encoding, newline="") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(_CHUNK):
            dst.write(chunk)
    return out


def _detect_layout(head: list[str], contract: Contract | None) -> tuple[str, list[list[str]], int]:
    """Separator and header line: the pair under which a line names the most known columns."""
    accepted = _accepted_names(contract) if contract else _all_accepted()
    best: tuple[int, int, str, list[list[str]], int] | None = None
    text = "\n".join(head)
    for delim in (";", ",", "\t", "|"):
        rows = list(csv.reader(io.StringIO(text), delimiter=delim))
        idx = _find_header(rows, contract)
        key = (_header_score(rows[idx], accepted) if rows else 0, text.count(delim))
        if best is None or key > best[:2]:
            best = (*key, delim, rows, idx)
    assert best is not None
    return best[2], best[3], best[4]


# A decimal mark is followed by 1–2 or 4+ digits; exactly 3 digits may as well be a thousands group.
_DECIMAL_COMMA = re.compile(r"^-?[0-9][0-9\s\u00a0\u202f.]*,(?:[0-9]{1,2}|[0-9]{4,})\s*(?:€|EUR)?$")
_DECIMAL_POINT = re.compile(r"^-?[0-9][0-9\s\u00a0\u202f,]*\.(?:[0-9]{1,2}|[0-9]{4,})\s*(?:€|EUR)?$")


def _detect_decimal(rows: list[list[str]], numeric_idx: list[int], default: str = ".") -> str:
    """The decimal mark the numbers of a file use; `default` when no value tells (e.g. whole amounts).

    Values that contradict the mark chosen are refused row by row (etl/validate.py), never misread."""
    comma = point = 0
    for row in rows:
        for i in numeric_idx:
            if i < len(row) and row[i]:
                v = str(row[i]).strip()
                comma += bool(_DECIMAL_COMMA.match(v))
                point += bool(_DECIMAL_POINT.match(v))
    if comma == point:
        return default
    return "," if comma > point else "."


def _numeric_positions(contract: Contract, positions: dict[str, int]) -> list[int]:
    numeric = {"integer", "decimal", "amount_eur"}
    return [i for name, i in positions.items() if contract.column(name).type in numeric]


def _read_csv_head(path: Path, encoding: str, n: int = 200) -> list[str]:
    lines = []
    with path.open("r", encoding=encoding, newline="") as fh:
        for line in fh:
            # Only the layout is read here: a huge cell is cut (and checked on the whole file later).
            lines.append(line.rstrip("\r\n")[:HEAD_LINE_CHARS])
            if len(lines) >= n:
                break
    return lines


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def line_number_sql(first_line: int, blanks: list[int], position: str = "rowid") -> str:
    """The physical line of a row from its position among the rows DuckDB returns (0 for the first row),
    given the empty lines it skipped.

    Shifting by one line per empty line in ascending order (`line += 1 WHERE line >= blank`) is, in closed
    form, adding the number of `blank_i - (i - 1)` (non-decreasing) not greater than the line."""
    base = f"({position} + {first_line})::BIGINT"
    if not blanks:
        return base
    thresholds = ", ".join(str(b - i) for i, b in enumerate(sorted(blanks)))
    return f"({base} + len(list_filter([{thresholds}], lambda x: x <= {base}))::BIGINT)"


def stage_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path,
              contract: Contract | None = None, scan: FileScan | None = None) -> StagedFile:
    """Detect a CSV's layout and define `table`: a view reading it as text with DuckDB's reader, row numbers
    as in the file, rows of separators only left out. Nothing is read beyond the first lines until it is used."""
    scan = scan or scan_file(path)
    if scan.encoding_error is not None:
        raise scan.encoding_error
    encoding = scan.encoding
    assert encoding is not None
    with path.open("rb") as fh:
        if fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            raise EtlError("encodage UTF-16 (« Unicode » d'Excel) non pris en charge : enregistrez le fichier en "
                           "« CSV UTF-8 »", file=path.name, step="read")
    head = _read_csv_head(path, encoding)
    if not any(line.strip() for line in head):
        raise EtlError("fichier vide : aucun en-tête ni aucune ligne", file=path.name)
    try:
        delimiter, head_rows, header_idx = _detect_layout(head, contract)
    except csv.Error as e:  # e.g. a quote opened and never closed over the first lines
        raise EtlError(f"début du fichier illisible en CSV ({e}) : vérifiez les guillemets", file=path.name) from e
    header = head_rows[header_idx]
    contract = contract or recognise(path, header)
    positions, det = map_header(contract, header, path.name)
    det.format, det.encoding, det.delimiter = "csv", encoding, delimiter
    det.header_line = header_idx + 1
    det.decimal = _detect_decimal(head_rows[header_idx + 1:], _numeric_positions(contract, positions),
                                  default="," if delimiter == ";" else ".")
    reader_encoding = "utf-8"
    readable = path
    if encoding == "cp1252":
        det.notes.append("converti de cp1252 en UTF-8")
        if scan.latin1_safe:  # DuckDB decodes it as it reads: the same characters, no copy
            reader_encoding = "latin-1"
        else:  # a byte 0x80–0x9F (€, ’, œ…) means something else in ISO-8859-1: a UTF-8 copy
            readable = _transcode(path, encoding, workdir)
    names = [f"c{i}" for i in range(len(header))]
    select = ", ".join(
        f"{('c' + str(positions[c.name])) if c.name in positions else 'NULL'}::VARCHAR AS {c.name}"
        for c in contract.columns
    )
    # Rows left by Excel with separators only (";;;;") are not data, as empty rows of a workbook.
    empty = " AND ".join(f"coalesce(trim({c.name}), '') = ''" for c in contract.columns)
    columns = "{" + ", ".join(f"{_sql_text(n)}: 'VARCHAR'" for n in names) + "}"
    # No WITH ORDINALITY: it would read the file on one thread; the row's position is its rowid once typed.
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT {select}, NULL::VARCHAR AS __sheet, ({empty}) AS __empty "
        f"FROM read_csv({_sql_text(str(readable))}, header = false, skip = {header_idx + 1}, "
        f"delim = {_sql_text(delimiter)}, quote = '\"', all_varchar = true, null_padding = true, "
        f"strict_mode = false, encoding = {_sql_text(reader_encoding)}, auto_detect = false, columns = {columns})"
    )
    return StagedFile(path, contract, det, table, None,
                      line_sql=line_number_sql(header_idx + 2, blank_lines(path, header_idx + 1, scan)),
                      read_error=f"lecture CSV impossible ({det.describe()})")


_LINE_TOO_LONG = re.compile(r"CSV Error on Line: (\d+).*Maximum line size of (\d+) bytes exceeded\. Actual Size:(\d+)",
                            re.S)


_QUOTED_NEW_LINES = re.compile(r"CSV Error on Line: (\d+).*does not support null_padding in conjunction with quoted new "
                               r"lines", re.S)


def reader_reason(e: Exception) -> str:
    """DuckDB's reader error, short: its first paragraph without the quoted line (which may be huge)."""
    text = str(e)
    m = _LINE_TOO_LONG.search(text)
    if m:
        size, limit = (f"{int(v):,}".replace(",", "\u202f") for v in (m.group(3), m.group(2)))
        return f"la ligne {m.group(1)} fait {size} octets, au-delà de la limite de {limit} (une cellule démesurée ?)"
    m = _QUOTED_NEW_LINES.search(text)
    if m:
        return (f"un guillemet (\") ouvert vers la ligne {m.group(1)} n'est jamais refermé : vérifiez les guillemets "
                "de cette ligne")
    head = text.split("\n\n", 1)[0].splitlines()
    kept = [ln if len(ln) <= 200 else ln[:199] + "…" for ln in head if not ln.startswith("Original Line")]
    return " ; ".join(kept)


def read_failure(con: duckdb.DuckDBPyConnection, staged: StagedFile) -> EtlError | None:
    """Why a CSV view cannot be read, if it cannot (its first use failed: the reader, or something else?)."""
    if not staged.is_view:
        return None
    try:
        con.execute(f"SELECT count(*) FROM (SELECT * FROM {staged.table})").fetchall()
    except duckdb.Error as e:
        return EtlError(f"{staged.read_error} : {reader_reason(e)}", file=staged.path.name, step="read")
    return None


# --- XLSX ------------------------------------------------------------------------------------------


def _cell_text(value: object, decimal: str = ".") -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):  # a number cell: written with the file's decimal mark, no grouping
        return repr(int(value)) if float(value).is_integer() else repr(float(value)).replace(".", decimal)
    text = str(value)
    return text if text.strip() else None


def _sheet_rows(wb, name: str) -> list[list]:
    # keep leading empty rows so row numbers are those Excel shows
    return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _not_a_workbook(path: Path) -> EtlError | None:
    """Why a file named .xlsx is not an Excel workbook (an XLSX is a ZIP archive), if it is not."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"PK\x03\x04"):
        return None
    if not head:
        what = "le fichier est vide (0 octet)"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        what = ("c'est un classeur Excel 97-2003 (.xls) ou un fichier chiffré par mot de passe ; enregistrez-le "
                "sans mot de passe au format « Classeur Excel (.xlsx) »")
    elif b"\x00" not in head:
        what = ("son contenu est du texte (un CSV renommé ?) ; donnez-lui l'extension .csv ou enregistrez-le "
                "au format « Classeur Excel (.xlsx) »")
    else:
        what = "son contenu n'est pas celui d'un classeur .xlsx ; enregistrez-le au format « Classeur Excel (.xlsx) »"
    return EtlError(f"ce fichier n'est pas un classeur Excel : {what}", file=path.name, step="read")


def stage_xlsx(con: duckdb.DuckDBPyConnection, path: Path, table: str,
               contract: Contract | None = None) -> StagedFile:
    from python_calamine import CalamineWorkbook

    refused = _not_a_workbook(path)
    if refused is not None:
        raise refused
    try:
        wb = CalamineWorkbook.from_path(str(path))
        data_by_sheet = {name: _sheet_rows(wb, name) for name in wb.sheet_names}
    except Exception as e:  # calamine raises its own error types for damaged files
        raise EtlError(f"classeur XLSX illisible : {e}", file=path.name, step="read") from e
    if contract is None:
        contract = _recognise_workbook(path, data_by_sheet)
    accepted = _accepted_names(contract)
    required = set(contract.required_columns)
    sheets = []
    for name, data in data_by_sheet.items():
        rows = [[("" if v is None else str(v)) for v in r] for r in data[:HEADER_SCAN_LINES]]
        idx = _find_header(rows, contract)
        hit = {accepted.get(normalise_header(c)) for c in rows[idx]} & required if rows else set()
        # A sheet naming at least half of the required columns is meant as data (and checked as such).
        if rows and len(hit) * 2 >= len(required):
            sheets.append((name, idx, rows[idx]))
    if not sheets:
        raise UnknownSourceError(
            f"aucune feuille ne contient l'en-tête de la source {contract.name} ; feuilles trouvées : "
            + ", ".join(wb.sheet_names),
            file=path.name,
        )
    raw: dict[str, list[object]] = {c.name: [] for c in contract.columns}
    lines: list[int] = []
    sheet_names: list[str] = []
    det = None
    for name, idx, header in sheets:
        positions, sheet_det = map_header(contract, header, f"{path.name} [{name}]")
        det = det or sheet_det
        for offset, row in enumerate(data_by_sheet[name][idx + 1:], start=idx + 2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            for col in contract.columns:
                i = positions.get(col.name)
                raw[col.name].append(row[i] if i is not None and i < len(row) else None)
            lines.append(offset)
            sheet_names.append(name)
    assert det is not None
    det.format = "xlsx"
    numeric = [c.name for c in contract.columns if c.type in ("integer", "decimal", "amount_eur")]
    # Only numbers typed as TEXT tell the decimal mark ("77 000 000,00"); number cells are rendered with it.
    sample = [[v if isinstance(v, str) else "" for v in (raw[n][i] for n in numeric)]
              for i in range(min(len(lines), 5000))]
    det.decimal = _detect_decimal(sample, list(range(len(numeric))))
    columns = {k: [_cell_text(v, det.decimal) for v in values] for k, values in raw.items()}
    det.sheets = [s[0] for s in sheets]
    det.header_line = sheets[0][1] + 1
    skipped = [s for s in wb.sheet_names if s not in det.sheets]
    if skipped:
        det.notes.append("feuilles sans données ignorées : " + ", ".join(skipped))
    arrow = pa.table({**{k: pa.array(v, pa.string()) for k, v in columns.items()},
                      "__line": pa.array(lines, pa.int64()), "__sheet": pa.array(sheet_names, pa.string())})
    con.register(f"{table}_arrow", arrow)
    con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM {table}_arrow")
    con.unregister(f"{table}_arrow")
    return StagedFile(path, contract, det, table, len(lines))


def _recognise_workbook(path: Path, data_by_sheet: dict[str, list[list]]) -> Contract:
    """By the file name, else by the first sheet whose header names a source (a Lisez-moi may come first)."""
    try:
        return recognise(path)
    except UnknownSourceError as first:
        for rows in data_by_sheet.values():
            text_rows = [[("" if v is None else str(v)) for v in r] for r in rows[:HEADER_SCAN_LINES]]
            if not text_rows:
                continue
            try:
                return recognise(path, text_rows[_find_header(text_rows, None)])
            except UnknownSourceError:
                continue
        raise first


def stage_file(con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path,
               contract: Contract | None = None, scan: FileScan | None = None) -> StagedFile:
    """Stage any supported file; raise EtlError with the file name on anything unreadable."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return stage_csv(con, path, table, workdir, contract, scan)
    if suffix in XLSX_SUFFIXES:
        return stage_xlsx(con, path, table, contract)
    raise EtlError(
        f"format non pris en charge '{suffix}' (attendu : {', '.join(sorted(SUPPORTED_SUFFIXES))})", file=path.name
    )
