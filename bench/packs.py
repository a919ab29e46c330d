"""python -m bench packs [--scale S] [--workers N]: wall time and peak memory of the committee packs.

Each pack is built in a fresh process (`run_child`: peak RSS includes the kaleido Chromium and the worker
processes): the national PDF, PPTX and XLSX (when reports.excel exists), then the 18 regional PDFs.
Goals: national PDF < 30 s; 18 regional PDFs < 3 min.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from bench.common import ROOT, run_child, table
from bench.indicators import TODAY, warehouse_for

GOALS = {"pdf": 30.0, "pdf-regions": 180.0}


class TreeCpu:
    """CPU seconds of this process and every descendant (Chromium, workers), sampled while they live."""

    def __init__(self) -> None:
        import psutil

        self.me = psutil.Process()
        self.seen: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        import psutil

        while not self.done.wait(0.1):
            for proc in self.me.children(recursive=True):
                try:
                    t = proc.cpu_times()
                    self.seen[proc.pid] = t.user + t.system
                except psutil.Error:
                    pass

    def total(self) -> float:
        self.done.set()
        self.thread.join()
        t = self.me.cpu_times()
        return t.user + t.system + sum(self.seen.values())


def child(argv: list[str]) -> int:
    """In the child process: build one pack (or the 18 regional ones) and print what was written as JSON."""
    p = argparse.ArgumentParser(prog="python -m bench.packs")
    p.add_argument("warehouse", type=Path)
    p.add_argument("format")
    p.add_argument("out", type=Path)
    p.add_argument("--all-regions", action="store_true")
    p.add_argument("--workers", type=int)
    args = p.parse_args(argv)
    from indicators.catalog import load_catalogue
    from indicators.compute import Engine
    from reports.pack import build_pack, build_regional_packs

    cpu = TreeCpu()
    t0 = time.perf_counter()
    engine = Engine(args.warehouse, load_catalogue(ROOT / "indicators.yaml"), today=TODAY)
    meta = SimpleNamespace(id="s-bench", label="COSUI banc d'essai", as_of=engine.latest_month(),
                           created_at=datetime.now(UTC), created_by="bench")
    if args.all_regions:
        paths = build_regional_packs(engine, meta, args.format, args.out, workers=args.workers)
    else:
        paths = [build_pack(engine, meta, args.format, args.out)]
    print(json.dumps({"seconds": time.perf_counter() - t0, "cpu_seconds": cpu.total(), "files": len(paths),
                      "bytes": sum(path.stat().st_size for path in paths)}))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench packs")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "segur-bench")
    p.add_argument("--workers", type=int, help="processes for the regional packs (default: one per core, ≤ 4)")
    p.add_argument("--cases", default="pdf,pptx,xlsx,pdf-regions",
                   help="cases to run, among pdf, pptx, xlsx, pdf-regions (default: all)")
    args = p.parse_args(argv)
    wanted = set(args.cases.split(","))
    wh = warehouse_for(args.scale, args.workdir)
    cases = [("PDF national", "pdf", []), ("PPTX national", "pptx", [])]
    if importlib.util.find_spec("reports.excel") is not None:
        cases.append(("XLSX national", "xlsx", []))
    workers = ["--workers", str(args.workers)] if args.workers else []
    cases.append(("18 PDF régionaux", "pdf-regions", ["--all-regions", *workers]))
    rows = []
    for name, key, extra in [c for c in cases if c[1] in wanted]:
        out = Path(tempfile.mkdtemp(prefix=f"packs-{key}-", dir=args.workdir))
        fmt = key.split("-")[0]
        load_before = os.getloadavg()[0]
        elapsed, peak_mb, result = run_child(["-m", "bench.packs", str(wh), fmt, str(out), *extra], {})
        built = json.loads(result.stdout.strip().splitlines()[-1])
        goal = GOALS.get(key)
        verdict = "—" if goal is None else ("oui" if elapsed < goal else "NON")
        rows.append((name, built["files"], f"{built['bytes'] / 2**20:.1f}", f"{elapsed:.1f}",
                     f"{built['cpu_seconds']:.1f}", f"{peak_mb:.0f}", f"{load_before:.1f}",
                     f"< {goal:.0f} s" if goal else "—", verdict))
    print(f"Dossiers du comité, échelle {args.scale:g}, {os.cpu_count()} cœurs (processus neuf par cas ; CPU : "
          "processus, Chromium et processus de travail ; mémoire : pic RSS de l'ensemble)")
    print(table(rows, ("cas", "fichiers", "Mo", "durée s", "CPU s", "pic Mo", "charge", "objectif", "atteint")))
    print("charge : moyenne de charge du système (1 min) au départ du cas ; au-delà du nombre de cœurs, la durée "
          "mesure aussi les autres processus de la machine.")
    return 0


if __name__ == "__main__":
    sys.exit(child(sys.argv[1:]))
