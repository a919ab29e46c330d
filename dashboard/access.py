"""The request's `Scope` (who asks, with which roles and régions), as resolved at the edge by dashboard.auth.

`dashboard.auth` sets `flask.g.scope` in a `before_request` hook (session cookie or API token) before any
page, callback or route runs; everything below calls `current_scope()` and never looks at the URL or the
session to decide who sees what. Outside a request (warm-up thread, CLI) the caller passes a Scope itself.
"""

from __future__ import annotations

import flask

from indicators.scope import Scope, ScopeDenied

NOBODY = Scope(None, "", "", frozenset(), frozenset())  # no role, no région: sees nothing, may do nothing
INTERNAL = Scope.system("serveur")


def current_scope() -> Scope:
    """The scope of the current request; nobody (no role, no région) when no identity was resolved.

    Outside a request (the warm-up thread computing shared caches, a CLI), the server's own scope."""
    if not flask.has_request_context():
        return INTERNAL
    scope = flask.g.get("scope")
    if scope is not None:
        return scope
    return INTERNAL if is_internal_request() else NOBODY


def is_internal_request() -> bool:
    """A request the server makes to itself (the warm-up's test client): the WSGI key `segur.internal` is
    set by that client only; no HTTP header can set it (headers arrive as HTTP_* keys)."""
    return flask.has_request_context() and flask.request.environ.get("segur.internal") is True


def set_scope(scope: Scope) -> None:
    """Called once per request by the edge (dashboard.auth) or by a test harness."""
    flask.g.scope = scope


def signed_author() -> str | None:
    """The identity a write is signed with (the signed-in login); None when nobody is signed in."""
    scope = current_scope()
    return scope.login if scope.signed_in and scope.login else None


def territory_parent(region: str | None, departement: str | None, reference) -> str | None:
    """The région a (région, département) pair belongs to (None for the national level)."""
    if departement:
        item = reference.departements.get(departement)
        return item.parent if item else f"?{departement}"
    return region


def check_territory(region: str | None, departement: str | None, reference) -> None:
    """ScopeDenied unless the request's person may read this territory's figures and comments.

    A regional person reads their région (and its départements) only: a forged callback payload naming
    another région, or the national level with every région's comments, is refused."""
    scope = current_scope()
    parent = territory_parent(region, departement, reference)
    if parent is None and scope.restricted and not scope.public:
        raise ScopeDenied("access.region_denied", region="national")
    scope.check_region(parent)


def may_comment(region: str | None, departement: str | None, reference) -> bool:
    """Whether the request's person may write a comment (or météo) on this territory."""
    return current_scope().can_comment(territory_parent(region, departement, reference))


def visible_territory(level: str, code: str, reference) -> bool:
    """Whether a map may draw this territory for the request's person (a regional person's map shows their
    région and its départements only: not even the outline or the name of another)."""
    scope = current_scope()
    if not scope.restricted:
        return True
    if level == "region":
        return scope.allows_region(code)
    item = reference.departements.get(code)
    return item is not None and scope.allows_region(item.parent)
