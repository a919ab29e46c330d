"""python -m bench indicators [--scale S]: every indicator × (nation + 18 régions), cold and warm, and the
ratio of the engine to hand-written DuckDB SQL giving the same numbers (the floor)."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.common import ROOT, demo_dir, run_child, table
from indicators.catalog import load_catalogue
from indicators.compute import Engine
from indicators.query import ViewFilters

TODAY = date(2026, 11, 28)

# Three reference indicators and the hand-written query that gives the same monthly values (national).
FLOOR_SQL = {
    "USE-01": """
        SELECT month, sum(n) OVER (ORDER BY month ROWS BETWEEN 11 PRECEDING AND CURRENT ROW)
        FROM (SELECT m.month, coalesce(sum(d.documents_count), 0) AS n
              FROM dim_month m LEFT JOIN fact_documents d ON d.month = m.month
              WHERE m.month BETWEEN DATE '2021-01-01' AND ? GROUP BY m.month) ORDER BY month""",
    "BUD-05": """
        SELECT month, sum(paid) OVER (ORDER BY month) FROM (
            SELECT m.month, coalesce(sum(e.amount_eur), 0) AS paid FROM dim_month m
            LEFT JOIN fact_funding_event e ON date_trunc('month', e.event_date) = m.month
                 AND e.event_type IN ('advance', 'balance', 'lump_sum')
            WHERE m.month BETWEEN DATE '2021-01-01' AND ? GROUP BY m.month) ORDER BY month""",
    "USE-05": """
        WITH firsts AS (
            SELECT beneficiary_id, event_type, min(date_trunc('month', event_date)) AS first_month
            FROM fact_funding_event WHERE dispositif_code = 'SUNES-V1' AND event_type IN ('lump_sum', 'commitment')
            GROUP BY beneficiary_id, event_type)
        SELECT m.month, 100.0 * count(*) FILTER (WHERE f.event_type = 'lump_sum')
                      / nullif(count(*) FILTER (WHERE f.event_type = 'commitment'), 0)
        FROM dim_month m LEFT JOIN firsts f ON f.first_month <= m.month
        WHERE m.month BETWEEN DATE '2021-01-01' AND ? GROUP BY m.month ORDER BY m.month""",
}
REGIONS = ["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94", "01", "02", "03", "04", "06"]


def warehouse_for(scale: float, workdir: Path) -> Path:
    data = workdir / f"data-{scale:g}"
    wh = data / "warehouse.duckdb"
    if not wh.exists():
        raw = demo_dir(scale, workdir)
        run_child(["-m", "etl", "load", str(raw)], {"SEGUR_DATA_DIR": str(data)})
    _add_missing_derived(wh)
    return wh


def _add_missing_derived(wh: Path) -> None:
    """A warehouse kept from a run of an older ETL gets the tables today's publish derives (etl/derived.py),
    built from its facts as a load would, rather than reloading every file."""
    import duckdb

    from etl.derived import DERIVED, build_derived

    with duckdb.connect(str(wh)) as con:
        present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if not set(DERIVED) <= present:
            build_derived(con)
            con.execute("CHECKPOINT")


def all_views(engine: Engine) -> float:
    t0 = time.perf_counter()
    for view in [ViewFilters(), *(ViewFilters(region=r) for r in REGIONS)]:
        for ind in engine.catalogue.indicators:
            engine.compute(ind.id, None, view, with_forecast=False)
    return time.perf_counter() - t0


def floor_ratio(wh: Path, catalogue, as_of: date) -> list[tuple]:
    rows = []
    end = date(as_of.year + (as_of.month == 12), as_of.month % 12 + 1, 1)
    shared = Engine(wh, catalogue, today=TODAY)
    con = shared.db  # the same read-only reader as the engine's
    for ind_id, sql in FLOOR_SQL.items():
        floor_times, engine_times, eval_times = [], [], []
        for _ in range(5):
            t0 = time.perf_counter()
            hand = con.query(sql, [as_of])
            floor_times.append(time.perf_counter() - t0)
            engine = Engine(wh, catalogue, today=TODAY)  # cold: no cached result
            engine.db = shared.db
            t0 = time.perf_counter()
            frame = engine.evaluate(catalogue.indicator(ind_id).measure, as_of, ViewFilters())
            eval_times.append(time.perf_counter() - t0)
            engine = Engine(wh, catalogue, today=TODAY)
            engine.db = shared.db
            t0 = time.perf_counter()
            result = engine.compute(ind_id, as_of, with_forecast=False)
            engine_times.append(time.perf_counter() - t0)
        ours = {p.period: p.value for p in result.series}
        def day(m):
            return m.date() if hasattr(m, "date") else m

        compared = [(ours[day(m)], float(v)) for m, v in hand
                    if day(m) < end and v is not None and ours.get(day(m)) is not None]
        same = bool(compared) and all(abs(a - b) <= 1e-6 * max(1.0, abs(b)) for a, b in compared)
        del frame
        f, e, c = statistics.median(floor_times), statistics.median(eval_times), statistics.median(engine_times)
        rows.append((ind_id, f"{f * 1000:.1f}", f"{e * 1000:.1f}", f"{e / f:.2f}", f"{c * 1000:.1f}", f"{c / f:.2f}",
                     "oui" if same else "NON"))
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench indicators")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "segur-bench")
    args = p.parse_args(argv)
    wh = warehouse_for(args.scale, args.workdir)
    catalogue = load_catalogue(ROOT / "indicators.yaml")
    engine = Engine(wh, catalogue, today=TODAY)
    n = len(catalogue.indicators) * (1 + len(REGIONS))
    cold = all_views(engine)
    warm = all_views(engine)
    print(f"échelle {args.scale:g} : {len(catalogue.indicators)} indicateurs × 19 territoires = {n} calculs")
    print(f"  à froid : {cold:.2f} s ({cold / n * 1000:.1f} ms par calcul)")
    print(f"  à chaud : {warm:.3f} s ({warm / n * 1000:.2f} ms par calcul)")
    as_of = engine.latest_month()
    print("\nRatio au plancher (requête DuckDB écrite à la main donnant les mêmes valeurs nationales, médiane de 5) :")
    print(table(floor_ratio(wh, catalogue, as_of),
                ("indicateur", "plancher ms", "mesure ms", "ratio mesure", "calcul complet ms", "ratio complet",
                 "mêmes valeurs")))
    return 0
