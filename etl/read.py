"""Read a source file as it comes (CSV or XLSX, French conventions) into an all-text staging table.

Detection is reported, never silent: encoding, separator, decimal mark, header line, sheets.
Values stay text here; etl/validate.py parses and checks them with the contract.
"""

from __future__ import annotations

import codecs
import csv
import difflib
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
            parts.append("colonnes renommées " + ", ".join(f"{k}→{v}" for k, v in self.renamed.items()))
        if self.ignored_columns:
            parts.append("colonnes ignorées " + ", ".join(self.ignored_columns))
        parts += self.notes
        return "; ".join(parts)


@dataclass
class StagedFile:
    path: Path
    contract: Contract
    detected: Detected
    table: str  # staging table: one VARCHAR column per contract column + __line (+ __sheet)
    rows: int


def recognise(path: Path, header_cells: list[str] | None = None) -> Contract:
    """Which contract a file belongs to: by its name prefix, else by its header."""
    stem = normalise_header(path.stem)
    by_prefix = [c for c in CONTRACTS.values() if stem == c.name or stem.startswith(c.name + "_")]
    if by_prefix:
        return max(by_prefix, key=lambda c: len(c.name))
    if header_cells:
        found = {normalise_header(h) for h in header_cells}
        best, best_score = None, 0.0
        for contract in CONTRACTS.values():
            names = _accepted_names(contract)
            hit = {names[h] for h in found if h in names}
            score = len(hit & set(contract.required_columns)) / max(1, len(contract.required_columns))
            if score > best_score:
                best, best_score = contract, score
        if best is not None and best_score >= 0.8:
            return best
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
                hints.append(f"'{original}' pour '{m}' ?")
        msg = (
            f"colonne(s) obligatoire(s) manquante(s) pour la source {contract.name} : {', '.join(missing)} ; "
            f"colonnes trouvées : {', '.join(found) or '(aucune)'}"
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
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


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


_DECIMAL_COMMA = re.compile(r"^-?[0-9][0-9  .]*,[0-9]+$")
_DECIMAL_POINT = re.compile(r"^-?[0-9][0-9  ,]*\.[0-9]+$")


def _detect_decimal(rows: list[list[str]], numeric_idx: list[int]) -> str:
    comma = point = 0
    for row in rows:
        for i in numeric_idx:
            if i < len(row):
                v = row[i].strip()
                comma += bool(_DECIMAL_COMMA.match(v))
                point += bool(_DECIMAL_POINT.match(v))
    return "," if comma > point else "."


def _numeric_positions(contract: Contract, positions: dict[str, int]) -> list[int]:
    numeric = {"integer", "decimal", "amount_eur"}
    return [i for name, i in positions.items() if contract.column(name).type in numeric]


def _read_csv_head(path: Path, encoding: str, n: int = 200) -> list[str]:
    lines = []
    with path.open("r", encoding=encoding, newline="") as fh:
        for line in fh:
            lines.append(line.rstrip("\r\n"))
            if len(lines) >= n:
                break
    return lines


def stage_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path,
              contract: Contract | None = None) -> StagedFile:
    encoding = detect_encoding(path)
    head = _read_csv_head(path, encoding)
    if not any(line.strip() for line in head):
        raise EtlError("fichier vide : aucun en-tête ni aucune ligne", file=path.name)
    delimiter, head_rows, header_idx = _detect_layout(head, contract)
    header = head_rows[header_idx]
    contract = contract or recognise(path, header)
    positions, det = map_header(contract, header, path.name)
    det.format, det.encoding, det.delimiter = "csv", encoding, delimiter
    det.header_line = header_idx + 1
    det.decimal = _detect_decimal(head_rows[header_idx + 1:], _numeric_positions(contract, positions))
    readable = path if encoding in ("utf-8", "utf-8-sig") else _transcode(path, encoding, workdir)
    if readable is not path:
        det.notes.append("converti de cp1252 en UTF-8")
    names = [f"c{i}" for i in range(len(header))]
    select = ", ".join(
        f"{('c' + str(positions[c.name])) if c.name in positions else 'NULL'}::VARCHAR AS {c.name}"
        for c in contract.columns
    )
    try:
        con.execute(
            f"CREATE TEMP TABLE {table} AS SELECT {select}, "
            f"(ordinality + {header_idx + 1})::BIGINT AS __line, NULL::VARCHAR AS __sheet "
            "FROM read_csv(?, header = false, skip = ?, delim = ?, quote = '\"', all_varchar = true, "
            "null_padding = true, strict_mode = false, encoding = 'utf-8', auto_detect = false, "
            "columns = ?) WITH ORDINALITY",
            [str(readable), header_idx + 1, delimiter, {n: "VARCHAR" for n in names}],
        )
    except duckdb.Error as e:
        raise EtlError(f"lecture CSV impossible ({det.describe()}) : {e}", file=path.name, step="read") from e
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return StagedFile(path, contract, det, table, rows)


# --- XLSX ------------------------------------------------------------------------------------------


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if text.strip() else None


def stage_xlsx(con: duckdb.DuckDBPyConnection, path: Path, table: str,
               contract: Contract | None = None) -> StagedFile:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own error types for damaged files
        raise EtlError(f"classeur XLSX illisible : {e}", file=path.name, step="read") from e
    data_by_sheet = {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}
    if contract is None:
        try:
            contract = recognise(path)
        except UnknownSourceError:
            for rows in data_by_sheet.values():
                text_rows = [[("" if v is None else str(v)) for v in r] for r in rows[:HEADER_SCAN_LINES]]
                if text_rows:
                    contract = recognise(path, text_rows[_find_header(text_rows, None)])
                    break
            else:
                raise
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
    columns: dict[str, list[str | None]] = {c.name: [] for c in contract.columns}
    lines: list[int] = []
    sheet_names: list[str] = []
    det = None
    for name, idx, header in sheets:
        positions, sheet_det = map_header(contract, header, f"{path.name} [{name}]")
        det = det or sheet_det
        data = data_by_sheet[name]
        for offset, row in enumerate(data[idx + 1:], start=idx + 2):
            cells = [_cell_text(v) for v in row]
            if not any(cells):
                continue
            for col in contract.columns:
                i = positions.get(col.name)
                columns[col.name].append(cells[i] if i is not None and i < len(cells) else None)
            lines.append(offset)
            sheet_names.append(name)
    assert det is not None
    det.format = "xlsx"
    numeric = [c.name for c in contract.columns if c.type in ("integer", "decimal", "amount_eur")]
    # Numbers typed as text in a French workbook ("77 000 000,00") carry a decimal comma.
    sample = [[columns[n][i] or "" for n in numeric] for i in range(min(len(lines), 2000))]
    det.decimal = _detect_decimal(sample, list(range(len(numeric))))
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


def stage_file(con: duckdb.DuckDBPyConnection, path: Path, table: str, workdir: Path,
               contract: Contract | None = None) -> StagedFile:
    """Stage any supported file; raise EtlError with the file name on anything unreadable."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return stage_csv(con, path, table, workdir, contract)
    if suffix in XLSX_SUFFIXES:
        return stage_xlsx(con, path, table, contract)
    raise EtlError(
        f"format non pris en charge '{suffix}' (attendu : {', '.join(sorted(SUPPORTED_SUFFIXES))})", file=path.name
    )
