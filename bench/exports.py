"""python -m bench exports [--scale S] [--extract-scale S]: time and peak memory of the exports.

Each case runs in its own process (peak RSS measured honestly; wall time includes the interpreter's start,
CPU time says what the case costs when the machine is busy): the workbook of the national view and of
one région (at --scale), a ≥ 1 000 000-row extract of fact_funding_event in XLSX, CSV and Parquet (at
--extract-scale: 936 717 rows at scale 1, ~1,03 M at 1.1), and our XLSX writer against
pandas.DataFrame.to_excel and openpyxl's write-only mode on the same rows (--compare-rows, 200 000 by
default: pandas and openpyxl would take minutes on a million).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench.common import run_child, table
from bench.indicators import warehouse_for

TODAY = "2026-11-28"
AS_OF = "2026-10"
TABLE = "fact_funding_event"
GOALS = {"workbook-national": (10, None), "extract-xlsx": (60, 600), "extract-csv": (5, None),
         "extract-parquet": (5, None)}


def _rows_in(wh: Path) -> int:
    import duckdb

    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
    finally:
        con.close()


def _case(name: str, args: list[str], env: dict[str, str], out: Path, rows: int | str) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, rss, proc = run_child(args, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime  # robust to a busy machine
    goal_s, goal_mb = GOALS.get(name, (None, None))
    ok = (goal_s is None or seconds < goal_s) and (goal_mb is None or rss < goal_mb)
    goal = " ; ".join(x for x in (f"< {goal_s} s" if goal_s else "", f"< {goal_mb} Mo" if goal_mb else "") if x)
    return {"case": name, "rows": rows, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "peak_rss_mb": round(rss),
            "file_mb": round(out.stat().st_size / 2**20, 1), "goal": goal or "—",
            "ok": ("oui" if ok else "NON") if goal else "—",
            "inner_seconds": float(proc.stdout) if proc.stdout.strip().replace(".", "", 1).isdigit() else None}


def compare_writer(kind: str, wh: Path, rows: int, out: Path) -> float:
    """One writer on the first `rows` rows of the table (run inside a child process)."""
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute("ATTACH ? AS wh (READ_ONLY)", [str(wh)])
    con.execute("USE wh")
    rel = con.sql(f"SELECT * FROM {TABLE} LIMIT {int(rows)}")
    t0 = time.perf_counter()
    if kind == "ours":
        from reports.xlsx_stream import XlsxStream

        reader = rel.to_arrow_reader(32_768)
        with open(out, "wb") as fh:
            writer = XlsxStream(fh, TABLE, reader.schema)
            for batch in reader:
                writer.write_batch(batch)
            writer.close()
    elif kind == "pandas":
        rel.df().to_excel(out, index=False)
    elif kind == "openpyxl":
        from openpyxl import Workbook

        from reports.xlsx import safe_cell

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(TABLE)
        reader = rel.to_arrow_reader(32_768)
        ws.append([f.name for f in reader.schema])
        for batch in reader:
            for row in zip(*(c.to_pylist() for c in batch.columns), strict=True):
                ws.append([safe_cell(v, ws) for v in row])
        wb.save(out)
    return time.perf_counter() - t0


def bench(scale: float, extract_scale: float, compare_rows: int, workdir: Path) -> list[dict]:
    out_dir = Path(tempfile.mkdtemp(prefix="segur-bench-exports-"))
    results = []
    wh = warehouse_for(scale, workdir)
    env = {"SEGUR_DATA_DIR": str(wh.parent), "SEGUR_TODAY": TODAY, "SEGUR_WAREHOUSE": ""}
    for name, extra in (("workbook-national", []), ("workbook-region-11", ["--region", "11"])):
        out = out_dir / f"{name}.xlsx"
        results.append(_case(name, ["-m", "reports", "excel", "--out", str(out), "--as-of", AS_OF, *extra], env,
                             out, "—"))
    big = warehouse_for(extract_scale, workdir)
    rows = _rows_in(big)
    env = {"SEGUR_DATA_DIR": str(big.parent), "SEGUR_TODAY": TODAY, "SEGUR_WAREHOUSE": ""}
    for fmt in ("xlsx", "csv", "parquet"):
        out = out_dir / f"extract.{fmt}"
        results.append(_case(f"extract-{fmt}", ["-m", "reports", "extract", TABLE, "--format", fmt, "--out",
                                                str(out)], env, out, rows))
    for kind in ("ours", "pandas", "openpyxl"):
        out = out_dir / f"compare-{kind}.xlsx"
        results.append(_case(f"writer-{kind}", ["-m", "bench.exports", "--case", kind, "--warehouse", str(big),
                                                "--rows", str(compare_rows), "--out", str(out)], {}, out,
                             compare_rows))
    print(f"(fichiers dans {out_dir})")
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench exports")
    p.add_argument("--scale", type=float, default=1.0, help="échelle des données pour les classeurs")
    p.add_argument("--extract-scale", type=float, default=1.1, help="échelle pour l'extrait d'un million de lignes")
    p.add_argument("--compare-rows", type=int, default=200_000)
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "segur-bench")
    p.add_argument("--json", action="store_true")
    p.add_argument("--case", choices=("ours", "pandas", "openpyxl"), help=argparse.SUPPRESS)
    p.add_argument("--warehouse", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.case:  # inside a child process
        print(f"{compare_writer(args.case, args.warehouse, args.rows, args.out):.2f}")
        return 0
    results = bench(args.scale, args.extract_scale, args.compare_rows, args.workdir)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    print(table([tuple(v for k, v in r.items() if k != "inner_seconds") for r in results],
                ("cas", "lignes", "secondes", "CPU s", "pic RSS Mo", "fichier Mo", "objectif", "atteint")))
    by = {r["case"].removeprefix("writer-"): r["inner_seconds"] for r in results if r["inner_seconds"]}
    print(f"\nÉcrivains XLSX sur les mêmes {args.compare_rows} lignes (écriture seule) : le nôtre {by['ours']:.1f} s, "
          f"pandas.to_excel {by['pandas']:.1f} s ({by['pandas'] / by['ours']:.0f}× plus lent), openpyxl write-only "
          f"{by['openpyxl']:.1f} s ({by['openpyxl'] / by['ours']:.0f}× plus lent).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
