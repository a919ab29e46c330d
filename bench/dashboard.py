"""python -m bench dashboard [--scale S]: server-side latency of the main pages' callbacks over varied
filters (p50/p95, first hit and repeated), time to a fully rendered overview in Chromium, worker RSS."""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

from bench.common import ROOT, table
from bench.indicators import warehouse_for
from dashboard.warmup import router_payload

PAGES = {
    "vue d'ensemble": "/",
    "indicateur": "/indicateurs/CIT-01",
    "territoires": "/territoires",
    "budget": "/budget",
}
FILTERS = ["", "?region=11", "?region=44", "?region=93&as_of=2025-06", "?as_of=2024-12", "?couloir=biologie",
           "?region=84&departement=69", "?region=32&vague=1", "?dispositif=SUNES-V1", "?as_of=2026-03&region=53",
           "?lang=en", "?region=04"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, warmup: str = "full") -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "SEGUR_DATA_DIR": str(data_dir), "PORT": str(port), "SEGUR_TODAY": "2026-11-28",
           "SEGUR_WARMUP": warmup}
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if requests.get(base + "/", timeout=2).status_code == 200:
                return proc, base
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("le serveur du tableau de bord n'a pas démarré")


def wait_for_warmup(base: str, timeout_s: float = 900) -> dict:
    """Wait until the server has warmed its common views (dashboard/warmup.py); its report."""
    deadline = time.monotonic() + timeout_s
    while True:
        status = requests.get(base + "/api/warmup", timeout=10).json()
        if status["state"] in ("done", "off") or time.monotonic() > deadline:
            return status
        time.sleep(0.5)


def callback_latencies(base: str) -> list[tuple]:
    session = requests.Session()
    rows = []
    for name, path in PAGES.items():
        first, again = [], []
        for search in FILTERS:
            for bucket in (first, again):
                t0 = time.perf_counter()
                r = session.post(base + "/_dash-update-component", json=router_payload(path, search), timeout=120)
                bucket.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    raise SystemExit(f"{path}{search} : HTTP {r.status_code}")
        rows.append((name, len(FILTERS), *(_ms(v) for v in (_p(first, 50), _p(first, 95), _p(again, 50),
                                                              _p(again, 95)))))
    return rows


def _p(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def browser_overview(base: str) -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        times = []
        for search in ("?region=27&couloir=biologie", "?region=75&couloir=biologie", "?region=76&couloir=biologie"):
            # views the warm-up does not compute: measured cold
            t0 = time.perf_counter()
            page.goto(base + "/" + search, wait_until="networkidle")
            page.wait_for_selector("main h1", timeout=60000)
            times.append(time.perf_counter() - t0)
        browser.close()
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench dashboard")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--warmup", choices=("full", "regions", "national", "off"), default="full",
                    help="SEGUR_WARMUP of the server (off: every view is measured cold)")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "segur-bench")
    args = ap.parse_args(argv)
    wh = warehouse_for(args.scale, args.workdir)
    proc, base = start_server(wh.parent, args.warmup)
    try:
        warm = wait_for_warmup(base)
        rows = callback_latencies(base)
        rendered = browser_overview(base)
        rss = psutil.Process(proc.pid).memory_info().rss / 2**20
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    if warm["state"] == "done":
        print(f"préchauffage ({args.warmup}) : {warm['views']} vues en {warm['seconds']:.1f} s après le démarrage")
    else:
        print(f"préchauffage : {warm['state']}")
    print(f"échelle {args.scale:g} — latence des callbacks (routeur de pages, ms), {len(FILTERS)} combinaisons de filtres :")
    print(table(rows, ("page", "vues", "p50 1er appel", "p95 1er appel", "p50 répété", "p95 répété")))
    print(f"\nVue d'ensemble entièrement affichée dans Chromium (médiane de 3 vues nouvelles) : {rendered:.2f} s")
    print(f"RSS du processus serveur après le banc : {rss:.0f} Mo")
    return 0
