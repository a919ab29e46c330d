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
class AppContext:
    settings: Settings
    warehouse: Warehouse
    reference: Reference
    _engines: dict = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def engine(self):
        """The indicator engine over the live warehouse (one per app; it caches per published file).

        Raises indicators.catalog.CatalogueError when indicators.yaml is invalid: pages show the problems."""
        from indicators.catalog import load_catalogue
        from indicators.compute import Engine

        with self._lock:
            catalogue = load_catalogue(self.settings.indicators)  # cached by content: edits are picked up
            engine = self._engines.get("live")
            if engine is None or engine.catalogue.sha256 != catalogue.sha256:
                engine = Engine(self.warehouse, catalogue, today=self.today())
                self._engines["live"] = engine
            return engine

    @classmethod
    def build(cls, settings: Settings) -> AppContext:
        return cls(settings, Warehouse(settings.warehouse), load_reference(settings.reference_dir))

    def today(self) -> date:
        """Today, or SEGUR_TODAY when set (demo data and freshness are computed against it)."""
        return date.fromisoformat(self.settings.today) if self.settings.today else date.today()

    def months(self) -> list[str]:
        """Published months, newest first ([] without a warehouse)."""
        return self.warehouse.months() if self.warehouse.available() else []


def install(server: flask.Flask, ctx: AppContext) -> None:
    server.extensions[EXTENSION] = ctx


def current() -> AppContext:
    """The context of the app serving the current request."""
    return flask.current_app.extensions[EXTENSION]
