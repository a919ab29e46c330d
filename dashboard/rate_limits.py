"""Rates of heavy requests (exports, images, packs, extracts), per signed-in person and for everybody, with the
`limits` library (sliding window counters). `SEGUR_RATE_STORAGE` says where the counters live: appstate:// (the
default) in the app-state database, so every worker and every app instance on that database counts together
(appstate/rate_store.py); memory:// per process; or any storage URI `limits` knows (redis://…). Concurrency and
disk are dashboard/job_limits.py. If the counters cannot be read (database down), the request is let through
and the failure logged: the limiter never takes the exports down with it.

`check("export")` is called where the work starts, after the sign-in layer resolved the request's Scope.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

import flask
from limits import parse
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

import appstate.rate_store  # noqa: F401 - registers the appstate:// storage with `limits`
from dashboard.access import current_scope
from dashboard.job_limits import owner_key

EXTENSION = "segur-rates"
log = logging.getLogger(__name__)


class RateLimited(Exception):
    """Too many heavy requests; the message (French) says when to retry."""


class Rates:
    def __init__(self, per_person: str, overall: str, storage_uri: str = "memory://", app_db: str = "") -> None:
        self.per_person, self.overall = parse(per_person), parse(overall)
        self.texts = (per_person, overall)
        options = {"url": app_db} if urlsplit(storage_uri).scheme == "appstate" else {}
        options["wrap_exceptions"] = True
        self.limiter = SlidingWindowCounterRateLimiter(storage_from_string(storage_uri, **options))

    def check(self, who: str, kind: str) -> None:
        """Count one request of `kind` for `who`; RateLimited when a limit is reached. Each hit is atomic in the
        storage, so across processes the n+1-th request is refused (only a request that loses the race for the
        overall place after taking its personal one is counted once for nothing)."""
        try:
            self._count(who, kind)
        except StorageError:
            log.exception("rate counters unavailable (%s): request let through", kind)

    def _count(self, who: str, kind: str) -> None:
        mine, everybody = (self.per_person, kind, who), (self.overall, kind, "*")
        for step in (self.limiter.test, self.limiter.hit):  # test both first: a refusal costs no allowance
            if not step(*mine):
                raise RateLimited(f"Trop de demandes d'export en peu de temps (au plus {_words(self.texts[0])} "
                                  f"par personne) ; réessayez dans {self._wait(*mine)}.")
            if not step(*everybody):
                raise RateLimited(f"Le serveur reçoit trop de demandes d'export (au plus {_words(self.texts[1])} "
                                  f"pour tous) ; réessayez dans {self._wait(*everybody)}.")

    def _wait(self, limit, *keys: str) -> str:
        seconds = max(1, int(self.limiter.get_window_stats(limit, *keys).reset_time - time.time()) + 1)
        return f"{seconds} s"


def _words(text: str) -> str:
    count, _, unit = text.partition("/")
    units = {"second": "seconde", "minute": "minute", "hour": "heure", "day": "jour"}
    return f"{count.strip()} par {units.get(unit.strip(), unit.strip())}"


def install(server: flask.Flask, per_person: str, overall: str, storage_uri: str) -> None:
    """The app's rates (appstate:// counts in the app-state database of the app's settings)."""
    from dashboard.context import EXTENSION as CONTEXT

    context = server.extensions.get(CONTEXT)
    server.extensions[EXTENSION] = Rates(per_person, overall, storage_uri, context.settings.app_db if context else "")

    def limited():  # the reports' export routes (a blueprint's hooks run after the app's: the Scope is set)
        try:
            check("export")
        except RateLimited as e:
            return flask.Response(f"Export impossible : {e}\n", status=429, mimetype="text/plain")
        return None

    server.before_request_funcs.setdefault("exports", []).append(limited)


def check(kind: str) -> None:
    """RateLimited when the request's person (or everybody) asked for too much heavy work of `kind` lately."""
    rates = flask.current_app.extensions.get(EXTENSION) if flask.has_app_context() else None
    if rates is not None:
        rates.check(owner_key(current_scope().login), kind)
