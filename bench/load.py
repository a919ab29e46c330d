"""python -m bench load: simulated people browsing the dashboard served by gunicorn with the repo's
gunicorn.conf.py, then the same with slow clients downloading a large prepared file.

A view is what a browser asks when a person opens a page or changes a filter: the page router's callback
(the whole page), the shell's translation callback and the "Exporter la vue" link callback, for a page and a
filter drawn from realistic ones; then a think time. Prints requests, errors, p50/p95/p99 per kind,
throughput, server RSS (master + workers), worker restarts and timeouts.

    python -m bench load --users 50 --seconds 60 --think 0.5 2
    python -m bench load --users 200 --seconds 60 --think 10 10
    python -m bench load --users 20 --seconds 40 --slow 2 --slow 10      # slow-client scenario
    python -m bench load --no-cache …                                     # the same without the response cache

`--think MIN MAX`: each think time is drawn uniformly between MIN and MAX seconds (`--think 10 10`: always 10 s).
The simulated people run in separate processes (bench/load_client.py) whose CPU time is printed too.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import socket
import statistics
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import requests

from bench.common import table
from bench.dashboard import FILTERS, PAGES
from bench.indicators import warehouse_for
from bench.load_client import Plan, Results, run_people
from dashboard.warmup import router_payload
from serving.launch import GunicornServer, sign_in

SHELL_PARTS = ("skip-link", "header-title")


def _outputs_of(output: str) -> list[dict] | dict:
    """The `outputs` a browser sends for a callback's output string (`..a.p...b.q..` or `a.p`)."""
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    outs = [{"id": i, "property": p} for i, _, p in (part.rpartition(".") for part in parts)]
    return outs if output.startswith("..") else outs[0]


def _shell_payload(output: str, path: str, search: str) -> dict:
    return {"output": output, "outputs": _outputs_of(output), "inputs": [
        {"id": "url", "property": "pathname", "value": path}, {"id": "url", "property": "search", "value": search}],
        "changedPropIds": ["url.pathname", "url.search"], "state": []}


def _link_payload(output: str, search: str) -> dict:
    return {"output": output, "outputs": _outputs_of(output), "inputs": [
        {"id": "url", "property": "search", "value": search}],
            "changedPropIds": ["url.search"], "state": []}


class Recorder:
    """What the slow clients (threads of the bench itself) measured; the people's results are merged in."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.hits: dict[str, int] = defaultdict(int)
        self.client_cpu_s = 0.0
        self.codes: dict[str, int] = defaultdict(int)

    def merge(self, people: Results) -> None:
        with self.lock:
            for kind, values in people.times.items():
                self.times[kind].extend(values)
            for kind, n in people.errors.items():
                self.errors[kind] += n
            for kind, n in people.hits.items():
                self.hits[kind] += n
            self.client_cpu_s += people.cpu_s
            for code, n in people.codes.items():
                self.codes[code] += n


def _outputs(base: str, cookie: str) -> tuple[str, str]:
    deps = requests.get(base + "/_dash-dependencies", headers={"Cookie": cookie}, timeout=30).json()
    shell = next(d["output"] for d in deps if "header-title" in d["output"] and "footer" in d["output"])
    link = next(d["output"] for d in deps if "export-view-link" in d["output"])
    return shell, link


def views(outputs: tuple[str, str]) -> list[list[tuple[str, bytes]]]:
    """Every (page, filter) view as the three bodies a browser sends for it, serialised once."""
    shell, link = outputs
    out = []
    for path in PAGES.values():
        for search in FILTERS:
            out.append([(kind, json.dumps(body).encode()) for kind, body in (
                ("page", router_payload(path, search)), ("shell", _shell_payload(shell, path, search)),
                ("link", _link_payload(link, search)))])
    return out


def slow_download(base: str, path: str, until: float, rate_bps: int, rec: Recorder, cookie: str) -> None:
    """A client reading a large file at `rate_bps` (small receive window, paced reads), again and again."""
    host, port = base.removeprefix("http://").split(":")
    chunk, pause = 64 * 1024, threading.Event()
    while time.monotonic() < until:
        t0 = time.perf_counter()
        got, status = 0, 0
        try:
            with socket.create_connection((host, int(port)), timeout=120) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, chunk)
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
                             "Connection: close\r\n\r\n".encode())
                while time.monotonic() < until:
                    piece = sock.recv(chunk)
                    if not piece:
                        break
                    if not got:
                        status = int(piece.split(b" ", 2)[1]) if piece.startswith(b"HTTP/") else 0
                    got += len(piece)
                    pause.wait(len(piece) / rate_bps)
        except (OSError, ValueError):
            status = 0
        kind = "slow download" if status == 200 else f"slow download refusé ({status or 'coupé'})"
        with rec.lock:
            rec.times[kind].append(time.perf_counter() - t0)
            if status not in (200, 503):
                rec.errors[kind] += 1
        if status == 503:  # "réessayez dans une minute": a patient client waits a little before trying again
            pause.wait(5)


def _pct(values: list[float], q: int) -> float:
    return values[0] if len(values) == 1 else statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(rec: Recorder, seconds: float) -> list[tuple]:
    rows = []
    for kind, values in sorted(rec.times.items()):
        ms = [v * 1000 for v in values]
        hits = f"{100 * rec.hits.get(kind, 0) / len(values):.0f} %" if not kind.startswith("slow") else "—"
        rows.append((kind, len(values), rec.errors.get(kind, 0), f"{_pct(ms, 50):.0f}", f"{_pct(ms, 95):.0f}",
                     f"{_pct(ms, 99):.0f}", f"{len(values) / seconds:.1f}", hits))
    return rows


def run(server: GunicornServer, cookie: str, users: int, seconds: float, think: tuple[float, float], slow: int = 0,
        slow_path: str = "", rate_bps: int = 1 << 20, processes: int = 1, arrive_s: float = 0.5,
        ) -> tuple[Recorder, float, float, float]:
    """One scenario: (recorder, peak server RSS in MiB, seconds, server CPU seconds)."""
    rec = Recorder()
    host, port = server.url.removeprefix("http://").split(":")
    plan = Plan(host, int(port), cookie, server.url, views(_outputs(server.url, cookie)), seconds, think, arrive_s)
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=slow_download, args=(server.url, slow_path, until, rate_bps, rec, cookie),
                                daemon=True) for _ in range(slow)]
    peak = [0.0]
    stop = threading.Event()

    def sample():
        while not stop.wait(0.5):
            peak[0] = max(peak[0], server.rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu0, t0 = server_cpu_s(server), time.monotonic()
    for th in threads:
        th.start()
    rec.merge(run_people(plan, users, processes))
    for th in threads:
        th.join(timeout=seconds + 180)
    stop.set()
    return rec, max(peak[0], server.rss_mb()), time.monotonic() - t0, server_cpu_s(server) - cpu0


def server_cpu_s(server: GunicornServer) -> float:
    """CPU seconds used so far by the master and its workers (living ones)."""
    import psutil

    try:
        master = psutil.Process(server.proc.pid)
        return sum(sum(p.cpu_times()[:2]) for p in (master, *master.children(recursive=True)))
    except psutil.Error:
        return 0.0


LOGIN = "bench.load"  # every simulated person signs in as this national account (one session cookie)


def _big_job(jobs: Path, size_mb: int) -> str:
    from dashboard.jobs import Job

    jobs.mkdir(parents=True, exist_ok=True)
    job = Job(uuid.uuid4().hex, "fact_funding_event", "csv", "gros.csv", status="done", owner=LOGIN)
    block = os.urandom(1 << 20)
    with open(jobs / f"{job.id}.csv", "wb") as fh:
        for _ in range(size_mb):
            fh.write(block)
    (jobs / f"{job.id}.json").write_text(json.dumps(dataclasses.asdict(job)))
    return f"/exports/jobs/{job.id}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench load")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--think", type=float, nargs=2, default=(0.5, 2.0), metavar=("MIN", "MAX"))
    ap.add_argument("--slow", type=int, action="append", default=[],
                    help="also run with this many slow clients (1 MB/s) reading a large file (repeatable)")
    ap.add_argument("--file-mb", type=int, default=110)
    ap.add_argument("--warmup", default="full", choices=("full", "regions", "national", "off"))
    ap.add_argument("--sync", action="store_true",
                    help="for comparison: gunicorn's sync workers (one request at a time per process), same config else")
    ap.add_argument("--clients", type=int, default=0,
                    help="processes running the simulated people (default: 1 per 50 people, at most 4)")
    ap.add_argument("--arrive", type=float, default=None, metavar="S",
                    help="people arrive spread over the first S seconds (default: the shortest think time)")
    ap.add_argument("--no-cache", action="store_true",
                    help="for comparison: the server without its response cache (SEGUR_RESPONSE_CACHE_MB=0)")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "segur-bench")
    args = ap.parse_args(argv)
    wh = warehouse_for(args.scale, args.workdir)
    jobs = Path(tempfile.mkdtemp(prefix="segur-bench-jobs-"))
    slow_path = _big_job(jobs, args.file_mb) if args.slow else ""
    env = {"SEGUR_DATA_DIR": str(wh.parent), "SEGUR_TODAY": "2026-11-28", "SEGUR_WARMUP": args.warmup,
           "SEGUR_JOBS_DIR": str(jobs)}
    if args.no_cache:
        env["SEGUR_RESPONSE_CACHE_MB"] = "0"
    arrive = args.think[0] if args.arrive is None else args.arrive
    processes = args.clients or max(1, min(4, (args.users + 49) // 50))
    log = jobs / "gunicorn.log"
    extra: tuple[str, ...] = ()
    if args.sync:
        env["SEGUR_THREADS"] = "1"  # gunicorn turns sync into gthread when threads > 1
        extra = ("--worker-class", "sync")
    with GunicornServer(env, log, extra) as server:
        from settings import load_settings

        cookie = sign_in(server.url, load_settings({"SEGUR_DATA_DIR": str(wh.parent)}).app_db, LOGIN)
        _wait_warm(server.url, cookie)
        scenarios = [(f"{args.users} personnes, réflexion {args.think[0]:g}–{args.think[1]:g} s", 0)]
        scenarios += [(f"{args.users} personnes + {n} clients lents à 1 Mo/s", n) for n in args.slow]
        for title, slow in scenarios:
            before, load_before = len(server.worker_pids()), os.getloadavg()[0]
            rec, rss, elapsed, server_cpu = run(server, cookie, args.users, args.seconds, tuple(args.think), slow,
                                                slow_path, processes=processes, arrive_s=arrive)
            timeouts = server.text().count("WORKER TIMEOUT")
            kind = "sync, 1 fil" if args.sync else f"gthread × {os.environ.get('SEGUR_THREADS', '8')} fils"
            cache = "sans cache de réponses" if args.no_cache else "cache de réponses"
            print(f"\n{title} (arrivées étalées sur {arrive:g} s) — {elapsed:.0f} s, gunicorn.conf.py "
                  f"({os.environ.get('SEGUR_WORKERS', '2')} processus "
                  f"{kind}, {cache}), échelle {args.scale:g}, charge machine {load_before:.1f} avant, "
                  f"{os.getloadavg()[0]:.1f} après (1 min)")
            print(table(report(rec, elapsed), ("requête", "nombre", "erreurs", "p50 ms", "p95 ms", "p99 ms", "par s",
                                               "servies du cache")))
            views = len(rec.times.get("page", ()))
            print(f"vues : {views / elapsed:.1f} par s ; CPU serveur {server_cpu:.1f} s "
                  f"({1000 * server_cpu / max(views, 1):.0f} ms par vue) ; CPU des {args.users} personnes simulées "
                  f"({processes} processus) {rec.client_cpu_s:.1f} s ({100 * rec.client_cpu_s / elapsed:.0f} % d'un cœur)")
            if rec.codes:
                print("réponses en erreur : " + ", ".join(f"{n} × {'sans réponse' if c == '0' else c}"
                                                         for c, n in sorted(rec.codes.items())))
            print(f"RSS serveur (pic) : {rss:.0f} Mo ; processus redémarrés : {len(server.worker_pids()) - before} ; "
                  f"« WORKER TIMEOUT » dans le journal : {timeouts}")
    return 0


def _wait_warm(base: str, cookie: str, timeout_s: float = 900) -> None:
    deadline, pause = time.monotonic() + timeout_s, threading.Event()
    while time.monotonic() < deadline:
        try:
            status = requests.get(base + "/api/warmup", headers={"Cookie": cookie}, timeout=10).json()
            if status["state"] in ("done", "off"):
                return
        except (requests.RequestException, ValueError, KeyError):
            pass
        pause.wait(1)
