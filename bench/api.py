"""python -m bench api [--scale S] [--requests N]: latency of the data API, in process (Flask test client).

The case the analysts' issue names: one indicator × 18 régions × every month (`/api/v1/tidy?ids=USE-01&
levels=region`, ~60 months each), in JSON and CSV, plus one indicator's values with its breakdown by région.
The first request of each URL (cold: the engine computes) is reported apart; the p50/p95 are over the
repeated requests (warm: the engine's cache answers, as after the dashboard's warm-up). The request Scope is
set by a before_request hook, as the sign-in gate will: national, then one région (53).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import table
from bench.indicators import warehouse_for

TODAY = "2026-11-28"
URLS = ("/api/v1/tidy?ids=USE-01&levels=region", "/api/v1/tidy?ids=USE-01&levels=region&format=csv",
        "/api/v1/values/USE-01?breakdown=region", "/api/v1/values")


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench api")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--requests", type=int, default=40, help="requêtes répétées par adresse (défaut 40)")
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "segur-bench")
    args = p.parse_args(argv)
    wh = warehouse_for(args.scale, args.workdir)

    from dashboard import create_app
    from dashboard.access import set_scope
    from indicators.scope import Scope
    from settings import load_settings

    settings = load_settings({"SEGUR_DATA_DIR": str(wh.parent), "SEGUR_TODAY": TODAY, "SEGUR_WARMUP": "off"})
    app = create_app(settings)
    who = {"scope": Scope.system()}
    app.server.before_request(lambda: set_scope(who["scope"]))
    client = app.server.test_client()
    rows = []
    for label, scope in (("national", Scope.system()), ("région 53", Scope.of(1, "b", "b", ["lecteur"], ["53"]))):
        who["scope"] = scope
        for url in URLS:
            t0 = time.perf_counter()
            resp = client.get(url)
            cold = time.perf_counter() - t0
            assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
            size = len(resp.get_data())
            times = []
            for _ in range(args.requests):
                t0 = time.perf_counter()
                client.get(url).get_data()
                times.append(time.perf_counter() - t0)
            lines = resp.get_json()["meta"].get("rows", "") if resp.is_json else resp.get_data().count(b"\n") - 1
            rows.append((label, url.removeprefix("/api/v1"), lines, f"{size / 1024:.0f} Ko", f"{cold * 1000:.0f}",
                         f"{statistics.median(times) * 1000:.0f}", f"{_p(times, 0.95) * 1000:.0f}"))
    print(f"API de données, échelle {args.scale:g}, {args.requests} requêtes répétées par adresse (ms)")
    print(table(rows, ("périmètre", "adresse", "lignes", "taille", "1re", "p50", "p95")))
    return 0
