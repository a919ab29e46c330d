"""The simulated people of `python -m bench load`, kept cheap so that they do not distort what they measure.

They run in their own processes (the GIL of one Python process would queue 200 people's threads behind each
other and count that wait as server time), send request bodies serialised once beforehand, read each answer
whole but never parse it (the status line and one header are all they need), and keep their HTTP connection
open between requests as a browser does (reopened when the server closed it during a think time). Each
process reports its timings and its own CPU time, so the bench can say what the clients cost.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import threading
import time
from dataclasses import dataclass, field

CACHE_HEADER = "X-Segur-Cache"


@dataclass
class Results:
    """What one client process measured: seconds per kind, errors per kind, cache hits per kind, its CPU."""

    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    cpu_s: float = 0.0
    codes: dict[str, int] = field(default_factory=dict)  # non-200 answers by status ("0": no answer)

    def merge(self, other: Results) -> None:
        for kind, values in other.times.items():
            self.times.setdefault(kind, []).extend(values)
        for name in ("errors", "hits", "codes"):
            mine = getattr(self, name)
            for kind, n in getattr(other, name).items():
                mine[kind] = mine.get(kind, 0) + n
        self.cpu_s += other.cpu_s


@dataclass(frozen=True)
class Plan:
    """Everything a client process needs: where, who, how long, and the views as ready-made bodies."""

    host: str
    port: int
    cookie: str
    origin: str
    views: list[list[tuple[str, bytes]]]  # per view: (kind, JSON body) in the order a browser sends them
    seconds: float
    think: tuple[float, float]
    arrive_s: float = 0.5  # people arrive spread evenly over these first seconds


class _Connection:
    """One keep-alive HTTP connection; reopened once when the server closed it while the person was thinking."""

    def __init__(self, plan: Plan) -> None:
        self.plan, self.conn = plan, None
        self.headers = {"Cookie": plan.cookie, "Origin": plan.origin, "Content-Type": "application/json"}

    def post(self, path: str, body: bytes) -> tuple[int, str | None]:
        for attempt in (0, 1):
            fresh = self.conn is None
            if fresh:
                self.conn = http.client.HTTPConnection(self.plan.host, self.plan.port, timeout=120)
            try:
                self.conn.request("POST", path, body, self.headers)
                resp = self.conn.getresponse()
                resp.read()
                if resp.will_close:
                    self.close()
                return resp.status, resp.getheader(CACHE_HEADER)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if fresh or attempt:  # a new connection that fails is a real error
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _person(plan: Plan, seed: int, start_delay: float, out: Results, lock: threading.Lock) -> None:
    rng, pause = random.Random(seed), threading.Event()
    pause.wait(start_delay)
    until = time.monotonic() + plan.seconds - start_delay
    conn = _Connection(plan)
    try:
        while time.monotonic() < until:
            for kind, body in rng.choice(plan.views):
                t0 = time.perf_counter()
                try:
                    status, cache = conn.post("/_dash-update-component", body)
                except (OSError, http.client.HTTPException):
                    status, cache = 0, None
                    conn.close()
                elapsed = time.perf_counter() - t0
                with lock:
                    out.times.setdefault(kind, []).append(elapsed)
                    if status != 200:
                        out.errors[kind] = out.errors.get(kind, 0) + 1
                        out.codes[str(status)] = out.codes.get(str(status), 0) + 1
                    if cache == "hit":
                        out.hits[kind] = out.hits.get(kind, 0) + 1
            pause.wait(rng.uniform(*plan.think))
    finally:
        conn.close()


def _process(plan: Plan, seeds: list[int], delays: list[float], queue) -> None:
    out, lock = Results(), threading.Lock()
    threads = [threading.Thread(target=_person, args=(plan, s, d, out, lock), daemon=True)
               for s, d in zip(seeds, delays, strict=True)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=plan.seconds + 180)
    cpu = os.times()
    out.cpu_s = cpu.user + cpu.system
    queue.put(json.dumps({"times": out.times, "errors": out.errors, "hits": out.hits, "cpu_s": out.cpu_s,
                          "codes": out.codes}))


def run_people(plan: Plan, users: int, processes: int) -> Results:
    """`users` people over `processes` processes for `plan.seconds`; their arrivals spread over `plan.arrive_s`.
    Returns the merged results, `cpu_s` being the client processes' CPU time."""
    mp = multiprocessing.get_context("spawn")
    queue = mp.Queue()
    delays = [plan.arrive_s * i / max(users, 1) for i in range(users)]
    procs = []
    for p in range(processes):
        mine = list(range(p, users, processes))
        procs.append(mp.Process(target=_process, args=(plan, mine, [delays[i] for i in mine], queue), daemon=True))
    for proc in procs:
        proc.start()
    merged = Results()
    for _ in procs:
        data = json.loads(queue.get(timeout=plan.seconds + 300))
        merged.merge(Results(data["times"], data["errors"], data["hits"], data["cpu_s"], data["codes"]))
    for proc in procs:
        proc.join(timeout=30)
    return merged
