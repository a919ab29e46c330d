"""Tests' identities: run code as a given person (the request scope the sign-in layer would resolve)."""

from __future__ import annotations

from contextlib import contextmanager

from dashboard.access import NOBODY, set_scope
from indicators.scope import ADMIN, ADMIN_DONNEES, CONTRIBUTEUR, LECTEUR, SECRETARIAT, Scope

SECRETARY = Scope.of(1, "c.martin@sante.gouv.fr", "C. Martin", [LECTEUR, CONTRIBUTEUR, SECRETARIAT], None)
READER = Scope.of(2, "l.durand@sante.gouv.fr", "L. Durand", [LECTEUR], None)
BRETAGNE = Scope.of(3, "a.le-gall@ars.sante.fr", "A. Le Gall", [LECTEUR, CONTRIBUTEUR], ["53"])
EVERYTHING = Scope.of(4, "test.admin", "test.admin", [LECTEUR, CONTRIBUTEUR, SECRETARIAT, ADMIN_DONNEES, ADMIN],
                      None)
__all__ = ["BRETAGNE", "EVERYTHING", "NOBODY", "READER", "SECRETARY", "as_person", "scope_hook"]


@contextmanager
def as_person(server, scope: Scope):
    """A request context of `server` (a Flask app) in which `scope` is the signed-in person."""
    with server.test_request_context():
        set_scope(scope)
        yield scope


def scope_hook(server, holder: dict) -> None:
    """Make every request of `server` run as `holder["scope"]` (set it before each request in a test)."""

    @server.before_request
    def _as_holder():
        if holder.get("scope") is not None:
            set_scope(holder["scope"])
