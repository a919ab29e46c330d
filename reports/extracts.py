"""Data extracts: the rows of one fact table, filtered by the view, as XLSX, CSV (French Excel) or Parquet.

Rows stream from DuckDB in Arrow batches, so memory stays flat whatever the size. The query is a
SQLAlchemy Core statement over the declared tables: filter values are bound parameters, never formatted
into SQL. `plan_extract` validates and counts before any byte is produced (a web route can still answer
400); `write_extract` writes a file atomically, reporting exact progress (rows written of the COUNT's
total) to an optional callback; `iter_extract` yields bytes for a streamed download.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
from duckdb_engine import Dialect as DuckDBDialect
from sqlalchemy import func, select

from indicators.compute import month_end, parse_month
from indicators.query import ViewFilters
from indicators.tables import CONTRACT_OF_TABLE, FACTS, dim_departement
from reports.extract_context import contract_columns, file_metadata, filters_text, sheets
from reports.formats import TABLE_FORMATS, TableOptions
from reports.writers import MAX_XLSX_DATA_ROWS

# The formats an extract can be written in → media type, derived from the one registry (reports/formats.py).
FORMATS = {name: f.mimetype for name, f in TABLE_FORMATS.items()}
BATCH_ROWS = 32_768
PARQUET_BATCH_ROWS = 122_880  # one Parquet row group per batch: DuckDB's own row group size
_QMARK = DuckDBDialect(paramstyle="qmark")
_FILTER_COLUMN = {"departement": "departement_code", "couloir": "couloir_code", "dispositif": "dispositif_code",
                  "vague": "vague"}
_YEAR_COLUMNS = ("year", "reference_year")


Progress = Callable[[int, int], None]  # (data rows written so far, rows the extract will hold)


class ExtractError(ValueError):
    """Bad input for an extract (unknown table or format, no warehouse): the message is for the user."""


class ExtractTooLarge(ExtractError):
    """More rows than an Excel sheet holds."""


@dataclass(frozen=True)
class ExtractInfo:
    rows: int
    bytes: int
    seconds: float
    applied: dict[str, str] = field(default_factory=dict)  # filters the table could honour
    ignored: dict[str, str] = field(default_factory=dict)  # filters it has no column for
    truncated: bool = False


@dataclass
class ExtractPlan:
    """A validated extract: its query, its row count, and how to produce its bytes."""

    warehouse_path: Path
    table: str
    fmt: str
    sql: str
    params: list
    rows: int
    applied: dict[str, str]
    ignored: dict[str, str]
    csv_sep: str = ";"
    decimal_comma: bool = True
    limit: int | None = None  # XLSX: rows written before the closing note (truncated extract)
    lineage: bool = False

    @property
    def truncated(self) -> bool:
        return self.limit is not None

    @property
    def rows_out(self) -> int:
        """The data rows the file will hold (a truncated XLSX stops at its limit)."""
        return min(self.rows, self.limit) if self.limit is not None else self.rows

    def pieces(self) -> Iterator[tuple[bytes, int]]:
        """The file's bytes, batch by batch, each with the data rows written so far."""
        con = _connect(self.warehouse_path)
        try:
            batch_rows = PARQUET_BATCH_ROWS if self.fmt == "parquet" else BATCH_ROWS
            reader = con.sql(self.sql, params=self.params).to_arrow_reader(batch_rows)
            yield from TABLE_FORMATS[self.fmt].render(reader, self.options())
        finally:
            con.close()

    def options(self) -> TableOptions:
        """How the file is written: the data sheet, then Contexte and Dictionnaire (XLSX), or the same as Parquet
        metadata, from the source contract."""
        contract = CONTRACT_OF_TABLE[self.table]
        columns = contract_columns(contract, self.lineage)
        facts = [("Table", f"{self.table} ({contract.title_fr})"), ("Producteur", contract.producer),
                 ("Source", contract.description_fr), ("Mois de situation", self.applied.get("as_of", "toutes les lignes")),
                 ("Filtres", filters_text(self.applied, self.ignored)), ("Lignes", self.rows_out)]
        if self.truncated:
            facts.append(("Attention", f"extrait tronqué : {self.rows_out} lignes sur {self.rows}"))
        title = f"Extrait « {contract.title_fr} »"
        return TableOptions(contract.name[:31], self.rows, self.limit, self.csv_sep, self.decimal_comma,
                            {c.name: c.metadata() for c in columns}, sheets=sheets(title, facts, columns),
                            file_metadata=file_metadata(title, facts))

    def chunks(self) -> Iterator[bytes]:
        """The file's bytes, batch by batch: for a streamed download."""
        with closing(self.pieces()) as pieces:
            for data, _ in pieces:
                yield data

    def write(self, out_path, progress: Progress | None = None) -> int:
        """Write the file atomically (a partial file never takes its name); returns its size in bytes.

        `progress(rows written, rows_out)` is called after each piece that adds rows, with strictly increasing
        counts ending at rows_out (CSV's header and an empty extract report 0).
        """
        out = Path(out_path)
        tmp = out.with_name(f".{out.name}.partial")
        reported = -1
        try:
            with open(tmp, "wb") as fh, closing(self.pieces()) as pieces:
                for data, rows in pieces:
                    fh.write(data)
                    if progress is not None and rows > reported:
                        fh.flush()  # the size on disk is what a quota counts
                        progress(rows, self.rows_out)
                        reported = rows
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
        return out.stat().st_size


def extract_tables() -> list[str]:
    """The tables an extract may name (one per source contract)."""
    return sorted(CONTRACT_OF_TABLE)


def _connect(warehouse_path: Path) -> duckdb.DuckDBPyConnection:
    # A private in-memory database with the published file attached read-only: never the stale instance
    # another connection of this process may still hold on a previous generation of the file.
    con = duckdb.connect(":memory:", config={"threads": 2})
    con.execute("ATTACH ? AS wh (READ_ONLY)", [str(warehouse_path)])
    con.execute("USE wh")
    return con


def _statement(table: str, filters: ViewFilters, as_of: date | None, lineage: bool = False):
    t = FACTS[table]
    contract = CONTRACT_OF_TABLE[table]
    where, applied, ignored = [], {}, {}
    if as_of is not None:
        year_col = next((c for c in _YEAR_COLUMNS if c in t.c), None)
        if contract.period_column and contract.period_column not in _YEAR_COLUMNS:
            where.append(t.c[contract.period_column] <= month_end(as_of))
            applied["as_of"] = as_of.isoformat()[:7]
        elif year_col:  # a yearly period (envelopes, populations): the years up to the as-of month's
            where.append(t.c[year_col] <= as_of.year)
            applied["as_of"] = as_of.isoformat()[:7]
    for dim, code in filters.items():
        col = "region_code" if dim == "region" else _FILTER_COLUMN[dim]
        if col in t.c:
            where.append(t.c[col] == code)
        elif dim == "region" and "departement_code" in t.c:
            deps = select(dim_departement.c.departement_code).where(dim_departement.c.region_code == code)
            where.append(t.c.departement_code.in_(deps))
        else:
            ignored[dim] = code
            continue
        applied[dim] = code
    columns = [t.c[c] for c in (*contract.column_names, *(("file_id", "run_id") if lineage else ()))]
    return select(*columns).where(*where), applied, ignored


def _compile(stmt) -> tuple[str, list]:
    compiled = stmt.compile(dialect=_QMARK, compile_kwargs={"render_postcompile": True})
    return str(compiled), [compiled.params[name] for name in (compiled.positiontup or [])]


def plan_extract(warehouse_path, table: str, fmt: str, filters: ViewFilters | None = None,
                 as_of: str | date | None = None, csv_sep: str = ";", decimal_comma: bool = True,
                 max_rows: int | None = None, truncate: bool = False, lineage: bool = False) -> ExtractPlan:
    """Validate and count an extract; raise ExtractError (French message) for bad input.

    The columns are the source contract's; `lineage` adds file_id (SHA-256 of the source file, see the
    workbook's Provenance sheet) and run_id (the load run) to every row.

    XLSX beyond `max_rows` rows (default: what an Excel sheet holds): ExtractTooLarge, or with `truncate`
    the first rows and a closing note.
    """
    max_rows = max_rows or MAX_XLSX_DATA_ROWS
    if table not in CONTRACT_OF_TABLE:
        raise ExtractError(f"table inconnue « {table} » (tables disponibles : {', '.join(extract_tables())})")
    if fmt not in FORMATS:
        raise ExtractError(f"format inconnu « {fmt} » (formats : {', '.join(FORMATS)})")
    if len(csv_sep) != 1 or csv_sep in '"\r\n':
        raise ExtractError(f"séparateur CSV invalide « {csv_sep} » (un caractère, par exemple ; ou ,)")
    path = Path(warehouse_path)
    if not path.exists():
        raise ExtractError(f"aucun entrepôt publié ({path}) : lancez `python -m etl demo && python -m etl load`")
    try:
        as_of_m = parse_month(as_of)
    except ValueError as e:
        raise ExtractError(f"mois de situation invalide « {as_of} » (attendu : AAAA-MM)") from e
    stmt, applied, ignored = _statement(table, filters or ViewFilters(), as_of_m, lineage)
    sql, params = _compile(stmt)
    con = _connect(path)
    try:
        count_sql, count_params = _compile(select(func.count()).select_from(stmt.subquery()))
        rows = con.execute(count_sql, count_params).fetchone()[0]
    finally:
        con.close()
    limit = None
    if fmt == "xlsx" and rows > max_rows:
        if not truncate:
            raise ExtractTooLarge(
                f"l'extrait compte {rows:,} lignes : une feuille Excel en contient au plus {max_rows:,}. "
                "Choisissez le format CSV ou Parquet, ou restreignez les filtres.".replace(",", "\u202f"))
        limit = max_rows - 1  # the last row is the note
    return ExtractPlan(path, table, fmt, sql, params, rows, applied, ignored, csv_sep, decimal_comma, limit, lineage)


def iter_extract(warehouse_path, table: str, fmt: str, filters: ViewFilters | None = None,
                 as_of: str | date | None = None, csv_sep: str = ";", decimal_comma: bool = True,
                 **kwargs) -> Iterator[bytes]:
    """The extract's bytes in chunks (validated now, produced lazily): for a streamed HTTP response."""
    return plan_extract(warehouse_path, table, fmt, filters, as_of, csv_sep, decimal_comma, **kwargs).chunks()


def write_extract(warehouse_path, table: str, fmt: str, out_path, filters: ViewFilters | None = None,
                  as_of: str | date | None = None, csv_sep: str = ";", decimal_comma: bool = True,
                  progress: Progress | None = None, **kwargs) -> ExtractInfo:
    """Write the extract to `out_path` (atomically: a partial file never takes its name).

    `progress(rows written, total)`: called after each batch, see ExtractPlan.write; the total is the
    COUNT of the same filtered query (at most an Excel sheet's rows for a truncated XLSX).
    """
    t0 = time.perf_counter()
    plan = plan_extract(warehouse_path, table, fmt, filters, as_of, csv_sep, decimal_comma, **kwargs)
    size = plan.write(out_path, progress)
    return ExtractInfo(plan.rows_out, size, time.perf_counter() - t0, plan.applied, plan.ignored, plan.truncated)
