"""Rates of heavy requests (exports, images, packs, extracts), per signed-in person and for everybody, with the
`limits` library (moving windows; `SEGUR_RATE_STORAGE`: memory:// per process by default, or any storage URI
`limits` knows, e.g. a shared redis:// for several servers). Concurrency and disk are dashboard/job_limits.py.

`check("export")` is called where the work starts, after the sign-in layer resolved the request's Scope.
"""

from __future__ import annotations

import threading

import flask
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from dashboard.access import current_scope
from dashboard.job_limits import owner_key

EXTENSION = "segur-rates"
_lock = threading.Lock()


class RateLimited(Exception):
    """Too many heavy requests; the message (French) says when to retry."""


class Rates:
    def __init__(self, per_person: str, overall: str, storage_uri: str = "memory://") -> None:
        self.per_person, self.overall = parse(per_person), parse(overall)
        self.texts = (per_person, overall)
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def check(self, who: str, kind: str) -> None:
        """Count one request of `kind` for `who`; RateLimited (nothing counted) when a limit is reached."""
        if not self.limiter.test(self.per_person, kind, who):
            raise RateLimited(f"Trop de demandes d'export en peu de temps (au plus {_words(self.texts[0])} par "
                              f"personne) ; réessayez dans {self._wait(self.per_person, kind, who)}.")
        if not self.limiter.test(self.overall, kind, "*"):
            raise RateLimited(f"Le serveur reçoit trop de demandes d'export (au plus {_words(self.texts[1])} "
                              f"pour tous) ; réessayez dans {self._wait(self.overall, kind, '*')}.")
        self.limiter.hit(self.per_person, kind, who)
        self.limiter.hit(self.overall, kind, "*")

    def _wait(self, limit, *keys: str) -> str:
        import time

        seconds = max(1, int(self.limiter.get_window_stats(limit, *keys).reset_time - time.time()) + 1)
        return f"{seconds} s"


def _words(text: str) -> str:
    count, _, unit = text.partition("/")
    units = {"second": "seconde", "minute": "minute", "hour": "heure", "day": "jour"}
    return f"{count.strip()} par {units.get(unit.strip(), unit.strip())}"


def install(server: flask.Flask, per_person: str, overall: str, storage_uri: str) -> None:
    server.extensions[EXTENSION] = Rates(per_person, overall, storage_uri)

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
