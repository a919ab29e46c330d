"""Compute the views people open first, in the background, as soon as a warehouse is published.

On Monday morning every director opens the national overview, the budget and their région: each of these
costs a few hundred milliseconds of queries the first time after a publish, nothing afterwards (the
engine and page caches are kept per published version). A daemon thread per serving process watches the
published version and, when it changes, renders those views through the app itself (the same Dash
callback a browser calls), so the caches are filled before anyone asks.

`SEGUR_WARMUP`: `full` (the default: national views, then each région's and each couloir's overview and
budget — directors ask which région or couloir is behind), `regions` (without the couloirs), `national`, or
`off`. `GET /api/warmup` says where it stands (JSON), for the benchmark and for operators.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from dataclasses import dataclass, field

import flask

from dashboard.context import AppContext

log = logging.getLogger(__name__)

MODES = ("full", "regions", "national", "off")
NATIONAL_PATHS = ("/", "/budget", "/territoires", "/indicateurs", "/deploiement")
REGIONAL_PATHS = ("/", "/budget")
POLL_SECONDS = 5.0
EXTENSION = "segur-warmup"
INTERNAL_ENVIRON = "segur.internal"  # dashboard.access: the request is the server's own (warm-up)


def router_payload(path: str, search: str) -> dict:
    """The request Dash's page router sends when the URL changes: what a browser asks for a page."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname", "_pages_location.search"],
        "state": [],
    }


def views(mode: str, regions: list[str], couloirs: list[str] = ()) -> list[tuple[str, str]]:
    """(path, query string) of the views to compute for a warm-up mode, most asked first."""
    if mode == "off":
        return []
    out = [(path, "") for path in NATIONAL_PATHS]
    if mode in ("regions", "full"):
        out += [(path, f"?region={code}") for code in regions for path in REGIONAL_PATHS]
    if mode == "full":
        out += [(path, f"?couloir={code}") for code in couloirs for path in REGIONAL_PATHS]
    return out


@dataclass
class WarmupStatus:
    mode: str
    state: str = "waiting"  # waiting (no warehouse yet) | running | done | off
    version: str | None = None  # the published version the caches were filled for
    views: int = 0
    failed: int = 0
    seconds: float | None = None
    pid: int = field(default_factory=os.getpid)

    def as_dict(self) -> dict:
        return {"mode": self.mode, "state": self.state, "version": self.version, "views": self.views,
                "failed": self.failed, "seconds": self.seconds, "pid": self.pid}


class Warmer:
    """One per serving process: watches the published version, warms the views for each new one."""

    def __init__(self, server: flask.Flask, ctx: AppContext, mode: str, poll_seconds: float = POLL_SECONDS) -> None:
        self.server = server
        self.ctx = ctx
        self.status = WarmupStatus(mode, state="off" if mode == "off" else "waiting")
        self.poll_seconds = poll_seconds
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._warm_lock = threading.Lock()  # one warm-up at a time (the watcher, or a direct call)
        self._local = threading.local()  # set while this thread sends the warm-up's own requests

    @property
    def warming_here(self) -> bool:
        return getattr(self._local, "warming", False)

    def ensure_started(self) -> None:
        """Start the watcher in this process (once; again in a forked worker, whose threads did not survive)."""
        if self.status.mode == "off":
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and self.status.pid == os.getpid():
                return
            self.status.pid = os.getpid()
            self._thread = threading.Thread(target=self._watch, name="segur-warmup", daemon=True)
            self._thread.start()

    def _watch(self) -> None:
        while True:
            try:
                self.warm_if_new()
            except Exception:  # never let the watcher die: the next publish gets another chance
                log.exception("warm-up failed")
            time.sleep(self.poll_seconds)

    def warm_if_new(self) -> bool:
        """Warm the views when the published version changed since the last warm-up. True if it ran."""
        with self._warm_lock:
            version = self.ctx.warehouse.version()
            if version is None or str(version) == self.status.version:
                return False
            self._local.warming = True
            try:
                self.warm(str(version))
            finally:
                self._local.warming = False
            return True

    def warm(self, version: str) -> None:
        reference = self.ctx.reference
        targets = views(self.status.mode, list(reference.regions), list(reference.couloirs))
        self.status.state, self.status.views, self.status.failed = "running", 0, 0
        started = time.perf_counter()
        gc.unfreeze()  # the previous publish's objects: collectable again (cycles included) now they are dropped
        client = self.server.test_client()
        # The server's own requests (never an HTTP client's: a WSGI key no header can set) compute the
        # shared caches with the server's scope; what any person is then shown is cut to their own scope.
        client.environ_base[INTERNAL_ENVIRON] = True
        for path, search in targets:
            response = client.post("/_dash-update-component", json=router_payload(path, search))
            if response.status_code == 200:
                self.status.views += 1
            else:
                self.status.failed += 1
                log.warning("warm-up of %s%s: HTTP %s", path, search, response.status_code)
        # What the warm-up built stays until the next publish: keep it out of the collector's full passes
        # (a full pass over a few hundred MB of cached frames is a pause of tens of milliseconds in a request).
        gc.collect()
        gc.freeze()
        self.status.seconds = round(time.perf_counter() - started, 2)
        self.status.version, self.status.state = version, "done"
        log.info("warm-up of %d views in %.1f s", self.status.views, self.status.seconds)


def install(server: flask.Flask, ctx: AppContext, mode: str) -> Warmer:
    """Attach a warmer to the app: it starts with the first request of each serving process, and
    `GET /api/warmup` reports on it. An unknown mode is a ValueError saying which modes exist."""
    if mode not in MODES:
        raise ValueError(f"SEGUR_WARMUP={mode!r} : valeur inconnue ; attendu : {', '.join(MODES)}")
    warmer = Warmer(server, ctx, mode)
    server.extensions[EXTENSION] = warmer

    @server.before_request
    def _start_warmer() -> None:
        if not warmer.warming_here:  # the warm-up's own requests do not start another watcher
            warmer.ensure_started()

    @server.get("/api/warmup")
    def warmup_status():
        return flask.jsonify(warmer.status.as_dict())

    return warmer
