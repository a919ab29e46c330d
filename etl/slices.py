"""The (source, producer, period) slices of the warehouse: which file holds each period, and the volume guard.

A delivery replaces exactly the periods it contains (etl/load.py), for a source several producers deliver only
its producer's rows of them. `source_period` records, at every publish, how many rows and what total each file
holds in each period of each source; the figures published before a run (`published_period`, a temporary
copy) are what the guard compares a delivery with: a slice whose row count or total falls by more than its
contract's tolerance is a shrink, refused unless accepted. `etl check` makes the same comparison with the
figures of the files it checks (`checked_period`), publishing nothing.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
from babel.numbers import format_decimal, format_percent

from etl.errors import EtlError
from etl.report import RunReport
from etl.sources import CONTRACTS, Contract
from settings import Settings

PUBLISHED = "published_period"
DELIVERED = "delivered_period"
CHECKED = "checked_period"
PERIOD_COLUMNS = "source, period, file_id, rows_count, total, producer"
MAX_PERIODS_NAMED = 12


def _total_sql(c: Contract) -> str:
    return f'CAST(sum("{c.total_column}") AS DECIMAL(38, 2))' if c.total_column else "NULL::DECIMAL(38, 2)"


def rebuild(con: duckdb.DuckDBPyConnection, sources: Iterable[str]) -> None:
    """Recompute the `source_period` rows of these sources from their fact tables."""
    for name in sources:
        c = CONTRACTS[name]
        con.execute("DELETE FROM source_period WHERE source = ?", [name])
        # each file's producer, from its lineage (a file of a warehouse older than producers: none, '')
        con.execute(f"INSERT INTO source_period ({PERIOD_COLUMNS}) SELECT ?, g.period, g.file_id, g.n, g.t, "
                    f"coalesce(s.producer, '') FROM ({_per_file(c)}) g LEFT JOIN source_file s USING (file_id)",
                    [name])


def _per_file(c: Contract, database: str = "") -> str:
    """SQL of a source's rows and total per (period, file), from its fact table (in `database`, if given)."""
    table = f"{database}.{c.table}" if database else c.table
    return (f"SELECT {c.period_sql()} AS period, file_id, count(*) AS n, {_total_sql(c)} AS t FROM {table} "
            "GROUP BY period, file_id")


def snapshot_published(con: duckdb.DuckDBPyConnection) -> None:
    """Keep, for this run, the per-period figures as published (the warehouse copied in, before any delivery).

    A warehouse published before `source_period` existed has none: they are computed from its facts first."""
    present = {r[0] for r in con.execute("SELECT DISTINCT source FROM source_period").fetchall()}
    rebuild(con, [n for n in CONTRACTS if n not in present])
    con.execute(f"CREATE OR REPLACE TEMP TABLE {PUBLISHED} AS SELECT * FROM source_period")
    _delivered_table(con)


def _delivered_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {DELIVERED} (source VARCHAR, period VARCHAR, file_id VARCHAR, "
                "producer VARCHAR)")


def snapshot_for_check(con: duckdb.DuckDBPyConnection, warehouse: Path | None) -> None:
    """`etl check`: the published per-period figures (computed from the facts of a warehouse older than
    `source_period`; none without a warehouse), and empty tables for the slices of the files checked."""
    if warehouse is not None:
        _copy_published(con, warehouse)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {PUBLISHED} AS SELECT * FROM source_period")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {CHECKED} AS SELECT * FROM source_period LIMIT 0")
    _delivered_table(con)


def _copy_published(con: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    con.execute("ATTACH ? AS pub (READ_ONLY)", [str(warehouse)])
    try:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'pub'").fetchall()}
        has_producer = con.execute("SELECT count(*) FROM duckdb_columns() WHERE database_name = 'pub' AND "
                                   "table_name = 'source_period' AND column_name = 'producer'").fetchone()[0]
        present = set()
        if "source_period" in tables:
            producer = "producer" if has_producer else "''"
            con.execute(f"INSERT INTO source_period ({PERIOD_COLUMNS}) SELECT source, period, file_id, rows_count, "
                        f"total, {producer} FROM pub.source_period")
            present = {r[0] for r in con.execute("SELECT DISTINCT source FROM source_period").fetchall()}
        for c in CONTRACTS.values():
            if c.name not in present and c.table in tables:
                con.execute(f"INSERT INTO source_period ({PERIOD_COLUMNS}) SELECT ?, period, file_id, n, t, '' "
                            f"FROM ({_per_file(c, 'pub')})", [c.name])
    finally:
        con.execute("DETACH pub")


def record_checked(con: duckdb.DuckDBPyConnection, contract: Contract, valid: str, file_id: str,
                   producer: str) -> None:
    """The slices a checked file would replace, and its figures in them (`valid`: its rows without problem)."""
    con.execute(f"INSERT INTO {CHECKED} ({PERIOD_COLUMNS}) SELECT ?, {contract.period_sql()} AS period, ?, count(*), "
                f"{_total_sql(contract)}, ? FROM {valid} GROUP BY period", [contract.name, file_id, producer])
    con.execute(f"INSERT INTO {DELIVERED} SELECT DISTINCT source, period, file_id, producer FROM {CHECKED} "
                "WHERE file_id = ? AND source = ?", [file_id, contract.name])


def checked_shrinks(con: duckdb.DuckDBPyConnection) -> list[Shrink]:
    """What the guard of a load of the checked files would find: their slices as they would be published."""
    con.execute(f"DELETE FROM source_period p WHERE EXISTS (SELECT 1 FROM {DELIVERED} d WHERE d.source = p.source "
                "AND d.period = p.period AND d.producer = p.producer)")
    con.execute(f"INSERT INTO source_period ({PERIOD_COLUMNS}) SELECT {PERIOD_COLUMNS} FROM {CHECKED}")
    return find_shrinks(con)


def mark_superseded(con: duckdb.DuckDBPyConnection, sources: Iterable[str]) -> None:
    """A file that no longer holds any row is superseded by the file now holding its last period."""
    for name in sources:
        gone = con.execute(
            f"SELECT f.file_id, max(p.period), coalesce(f.producer, '') FROM source_file f JOIN {PUBLISHED} p "
            "USING (file_id) WHERE f.source = ? AND f.superseded_by IS NULL AND f.file_id NOT IN "
            "(SELECT file_id FROM source_period WHERE source = ?) GROUP BY ALL", [name, name]).fetchall()
        for file_id, last_period, producer in gone:
            by = con.execute("SELECT min(file_id) FROM source_period WHERE source = ? AND period = ? AND producer = ?",
                             [name, last_period, producer]).fetchone()[0]
            con.execute("UPDATE source_file SET superseded_by = ? WHERE file_id = ?", [by, file_id])


@dataclass(frozen=True)
class Shrink:
    """A period a delivery replaces with fewer rows, or a smaller total, than the published version."""

    source: str
    period: str
    producer: str
    rows_before: int
    rows_after: int
    total_before: float | None
    total_after: float | None
    tolerance: float

    def describe(self) -> str:
        who = f" ({self.producer})" if self.producer else ""
        text = f"{self.period}{who} : {_n(self.rows_before)} → {_n(self.rows_after)} lignes ({_drop(self.rows_before, self.rows_after)})"
        if self.total_before is not None and self.total_after is not None and self.total_after != self.total_before:
            total = CONTRACTS[self.source].total_column
            text += (f", total {total} {_n(self.total_before)} → {_n(self.total_after)} "
                     f"({_drop(self.total_before, self.total_after)})")
        return text

    def to_dict(self) -> dict:
        return asdict(self)


def _n(value: float) -> str:
    return format_decimal(value, format="#,##0.##", locale="fr_FR")


def _drop(before: float, after: float) -> str:
    return format_percent((after - before) / before, format="+#,##0\u00a0%;-#,##0\u00a0%", locale="fr_FR")


def find_shrinks(con: duckdb.DuckDBPyConnection) -> list[Shrink]:
    """The published periods this run's deliveries replace with a fall beyond their source's tolerance."""
    rows = con.execute(
        f"WITH before AS (SELECT source, producer, period, sum(rows_count) AS n, sum(total) AS t FROM {PUBLISHED} "
        "GROUP BY ALL), after AS (SELECT source, producer, period, sum(rows_count) AS n, sum(total) AS t "
        "FROM source_period GROUP BY ALL) "
        f"SELECT d.source, d.period, d.producer, b.n, coalesce(a.n, 0), b.t, a.t FROM (SELECT DISTINCT source, "
        f"producer, period FROM {DELIVERED}) d JOIN before b USING (source, producer, period) LEFT JOIN after a "
        "USING (source, producer, period) ORDER BY d.source, d.period, d.producer").fetchall()
    found = []
    for source, period, producer, n_before, n_after, t_before, t_after in rows:
        tol = CONTRACTS[source].shrink_tolerance
        fewer = n_after < n_before * (1 - tol)
        smaller = t_before is not None and t_before > 0 and (t_after or 0) < float(t_before) * (1 - tol)
        if fewer or smaller:
            found.append(Shrink(source, period, producer, int(n_before), int(n_after),
                                None if t_before is None else float(t_before),
                                None if t_after is None else float(t_after), tol))
    return found


def shrink_message(shrinks: list[Shrink], accepted: bool, checking: bool = False) -> str:
    """The French explanation of a refused (or deliberately accepted) shrinking delivery, per source."""
    lines = []
    for source in dict.fromkeys(s.source for s in shrinks):
        mine = [s for s in shrinks if s.source == source]
        named = " ; ".join(s.describe() for s in mine[:MAX_PERIODS_NAMED])
        if len(mine) > MAX_PERIODS_NAMED:
            named += f" ; … et {len(mine) - MAX_PERIODS_NAMED} autre(s) période(s)"
        tolerance = format_percent(mine[0].tolerance, locale="fr_FR")
        lines.append(f"{source} : la livraison fait baisser {len(mine)} période(s) publiée(s) de plus de "
                     f"{tolerance} (tolérance de la source) — {named}.")
    several = any(CONTRACTS[s.source].several_producers for s in shrinks)
    if checking:
        lines.append("Un chargement de ces fichiers serait refusé (rien n'est publié par une vérification). Si la "
                     "baisse est voulue, chargez-les avec --accept-shrink ; sinon demandez au producteur le fichier "
                     "complet, ou vérifiez ensemble les fichiers de tous les producteurs de ces périodes.")
    elif accepted:
        lines.append("Baisse acceptée délibérément (--accept-shrink) : consignée dans le rapport d'exécution et le "
                     "journal d'audit.")
    else:
        lines.append("Rien n'a été publié. Si la baisse est voulue (données retirées ou corrigées à la source), "
                     "relancez avec --accept-shrink ; sinon demandez au producteur le fichier complet, ou chargez "
                     "ensemble les fichiers de tous les producteurs de ces périodes (ils forment une seule livraison)"
                     + (", ou nommez le producteur de chaque fichier (--producteur, ou un dossier par producteur) : "
                        "sa livraison ne remplace alors que ses propres lignes" if several else "") + ".")
    return "\n".join(lines)


def provenance(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Which file holds each period of each source (rows, total), oldest period first."""
    has_producer = con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'source_period' AND "
                               "column_name = 'producer'").fetchone()[0]
    who = "p.producer" if has_producer else "''"  # a warehouse published before producers
    rows = con.execute(
        f"SELECT p.source, p.period, f.file_name, p.file_id, p.rows_count, p.total, {who} AS producer "
        "FROM source_period p "
        "LEFT JOIN source_file f USING (file_id) ORDER BY p.source, p.period, producer, f.file_name").fetchall()
    return [{"source": s, "period": per, "file": name, "file_id": fid, "rows": n,
             "total": None if t is None else float(t), "producer": who} for s, per, name, fid, n, t, who in rows]


def guard_volumes(con: duckdb.DuckDBPyConnection, report: RunReport, accept_shrink: bool,
                  author: str | None) -> None:
    """Record in the report the published periods this run shrinks beyond tolerance, and whether accepted."""
    shrinks = find_shrinks(con)
    if not shrinks:
        return
    report.shrinks = [s.to_dict() for s in shrinks]
    report.message = shrink_message(shrinks, accepted=accept_shrink)
    if accept_shrink:
        report.shrink_accepted_by = author or getpass.getuser()


def journal_accepted_shrink(settings: Settings, report: RunReport) -> None:
    """One audit event for a deliberately accepted shrink (who, which run, which periods)."""
    from appstate.audit import record_event
    from appstate.db import session_factory

    try:
        with session_factory(settings.app_db).begin() as session:
            record_event(session, report.shrink_accepted_by or getpass.getuser(), "etl.accept_shrink", "load_run",
                         report.run_id, {"shrinks": report.shrinks, "files": [f.file for f in report.files]})
    except Exception as e:  # the app-state database is down or unwritable: do not publish unrecorded
        raise EtlError(f"journal d'audit impossible à écrire ({type(e).__name__} : {e}) : la baisse acceptée "
                       "n'a pas été publiée") from e

