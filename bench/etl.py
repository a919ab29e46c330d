"""python -m bench etl [--scale S]: load time, rows/s, peak memory, and the ratio to DuckDB's read_csv floor."""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from bench.common import demo_dir, run_child, table
from etl.read import detect_encoding


def floor_seconds(files: list[Path]) -> tuple[float, float]:
    """DuckDB reading the same CSV files into tables with its own sniffer: the physical floor (wall, CPU s)."""
    encodings = ["latin-1" if detect_encoding(f) == "cp1252" else "utf-8" for f in files]
    con = duckdb.connect()
    t0, c0 = time.perf_counter(), time.process_time()
    for i, (f, enc) in enumerate(zip(files, encodings, strict=True)):
        con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv(?, encoding = ?, all_varchar = true)",
                    [str(f), enc])
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    con.close()
    return elapsed, cpu


def bench(scale: float, workdir: Path) -> dict:
    raw = demo_dir(scale, workdir)
    data = workdir / f"data-{scale:g}"
    if data.exists():
        import shutil

        shutil.rmtree(data)
    env = {"SEGUR_DATA_DIR": str(data)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, rss_mb, proc = run_child(["-m", "etl", "load", str(raw), "--json"], env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # CPU time: much less sensitive to the load than wall time
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    report = json.loads(proc.stdout)
    monthly_cpu = monthly_delivery_cpu(raw, workdir, env)
    csvs = sorted(raw.glob("*.csv"))
    # detection cost is part of our load, not of the floor; measure the floor after a warm cache
    floor, floor_cpu = floor_seconds(csvs)
    rows = report["rows_loaded"]
    # CPU over CPU is the ratio a loaded machine changes least (wall times stretch with the other processes)
    return {"scale": scale, "rows": rows, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "load_average": round(os.getloadavg()[0], 1), "rows_per_s": int(rows / seconds),
            "peak_rss_mb": round(rss_mb), "floor_seconds": round(floor, 2), "ratio": round(seconds / floor, 2),
            "floor_cpu_seconds": round(floor_cpu, 2), "cpu_ratio": round(cpu / floor_cpu, 2),
            "files": len(report["files"]), "monthly_cpu_seconds": round(monthly_cpu, 2)}


def monthly_delivery_cpu(raw: Path, workdir: Path, env: dict[str, str]) -> float:
    """CPU seconds of the usual monthly run on top of the warehouse just published: the last month of
    mes_documents sent again (same rows: it replaces its own period)."""
    source = next(raw.glob("mes_documents_*.csv"))
    with source.open("rb") as fh:
        lines = fh.read().splitlines(keepends=True)
    sep = b";" if b";" in lines[0] else b"," if b"," in lines[0] else b"\t"
    last = lines[-1].split(sep, 1)[0]
    month = workdir / "monthly" / "mes_documents_dernier_mois.csv"
    month.parent.mkdir(parents=True, exist_ok=True)
    month.write_bytes(lines[0] + b"".join(ln for ln in lines[1:] if ln.split(sep, 1)[0] == last))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run_child(["-m", "etl", "load", str(month), "--json"], env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench etl")
    p.add_argument("--scale", type=float, action="append")
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "segur-bench")
    args = p.parse_args(argv)
    results = [bench(s, args.workdir) for s in (args.scale or [1.0])]
    print(table([(r["scale"], r["files"], r["rows"], r["seconds"], r["cpu_seconds"], r["rows_per_s"],
                  r["peak_rss_mb"], r["floor_seconds"], r["ratio"], r["floor_cpu_seconds"], r["cpu_ratio"],
                  r["load_average"], r["monthly_cpu_seconds"]) for r in results],
                ("échelle", "fichiers", "lignes", "secondes", "CPU s", "lignes/s", "pic RSS Mo", "plancher read_csv s",
                 "ratio", "plancher CPU s", "ratio CPU", "charge", "livraison mensuelle CPU s")))
    return 0
