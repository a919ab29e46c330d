"""What a page needs from the running app (settings, warehouse, reference data), kept on the Flask app.

Not a module global: two apps in one process (tests) each have their own context.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

import flask

from dashboard.reference import Reference, load_reference
from dashboard.warehouse import Warehouse
from settings import Settings

EXTENSION = "segur"


@dataclass(frozen=True)
class SnapshotView:
    """A committee snapshot opened for reading: its engine (over its own warehouse copy) and its description."""

    raw_engine: object  # indicators.compute.Engine over the snapshot's frozen warehouse (shared caches)
    meta: object  # reports.snapshot.SnapshotMeta

    @property
    def engine(self):
        """The frozen engine cut to the request's scope (`indicators.scoped.ScopedEngine`)."""
        from dashboard.access import current_scope
        from indicators.scoped import scoped

        return scoped(self.raw_engine, current_scope())

    @property
    def warehouse(self) -> Warehouse:
        return self.engine.db

    @property
    def as_of(self) -> str:
        """The month the committee figures are at (YYYY-MM)."""
        return f"{self.meta.as_of:%Y-%m}"

    def months(self) -> list[str]:
        """The snapshot's months up to its as-of month, newest first."""
        return [m for m in self.warehouse.months() if m <= self.as_of]


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    warehouse: Warehouse
    reference: Reference
    _engines: dict = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _snapshots: dict = field(default_factory=dict, repr=False, compare=False)
    _snapshot_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def engine(self, snapshot_id: str | None = None):
        """The indicator engine over the live warehouse, or over a committee snapshot when `snapshot_id` is given,
        cut to the request's scope (`indicators.scoped.ScopedEngine`: the server's own scope outside a request).

        Raises indicators.catalog.CatalogueError when indicators.yaml is invalid: pages show the problems;
        reports.snapshot.SnapshotError (French message) for an unknown or unreadable snapshot."""
        from dashboard.access import current_scope
        from indicators.catalog import load_catalogue
        from indicators.compute import Engine
        from indicators.scoped import scoped

        if snapshot_id:
            return self.snapshot(snapshot_id).engine
        with self._lock:
            catalogue = load_catalogue(self.settings.indicators)  # cached by content: edits are picked up
            engine = self._engines.get("live")
            if engine is None or engine.catalogue.sha256 != catalogue.sha256:
                engine = Engine(self.warehouse, catalogue, today=self.today())
                self._engines["live"] = engine
        return scoped(engine, current_scope())

    def snapshot(self, snapshot_id: str) -> SnapshotView:
        """The frozen view of a committee snapshot, opened once per process (its files never change)."""
        from reports.snapshot import open_snapshot

        with self._lock:
            cached = self._snapshots.get(snapshot_id)
        if cached is not None:
            return cached
        with self._snapshot_lock:  # opening parses the catalogue (~0.3 s): once, even under concurrent requests
            cached = self._snapshots.get(snapshot_id)
            if cached is None:
                engine, meta = open_snapshot(self.settings, snapshot_id)
                cached = SnapshotView(engine, meta)
                with self._lock:
                    self._snapshots[snapshot_id] = cached
            return cached

    def forget_snapshot(self, snapshot_id: str) -> None:
        """Drop a cached snapshot (after its deletion)."""
        with self._lock:
            self._snapshots.pop(snapshot_id, None)

    @classmethod
    def build(cls, settings: Settings) -> AppContext:
        return cls(settings, Warehouse(settings.warehouse), load_reference(settings.reference_dir))

    def sessions(self):
        """Sessions on the app-state database (comments, météo, decisions), migrated on first use (cached per URL)."""
        from appstate.db import session_factory

        return session_factory(self.settings.app_db)

    def today(self) -> date:
        """Today, or SEGUR_TODAY when set (demo data and freshness are computed against it)."""
        return date.fromisoformat(self.settings.today) if self.settings.today else date.today()

    def default_month(self) -> str | None:
        """The as-of month a view or a freeze takes when none is chosen: the last month of published monthly data
        (not after today), as YYYY-MM; None without a warehouse."""
        if not self.warehouse.available():
            return None
        return f"{self.engine().latest_month():%Y-%m}"

    def months(self, snapshot_id: str | None = None) -> list[str]:
        """Published months, newest first ([] without a warehouse); a snapshot's months up to its as-of month."""
        if snapshot_id:
            try:
                return self.snapshot(snapshot_id).months()
            except ValueError:  # SnapshotError: the page says why; the selectors just stay empty
                return []
        return self.warehouse.months() if self.warehouse.available() else []


def install(server: flask.Flask, ctx: AppContext) -> None:
    server.extensions[EXTENSION] = ctx


def current() -> AppContext:
    """The context of the app serving the current request."""
    return flask.current_app.extensions[EXTENSION]
