"""The request's `Scope` (who asks, with which roles and régions), as resolved at the edge by dashboard.auth.

`dashboard.auth` sets `flask.g.scope` in a `before_request` hook (session cookie or API token) before any
page, callback or route runs; everything below calls `current_scope()` and never looks at the URL or the
session to decide who sees what. Outside a request (warm-up thread, CLI) the caller passes a Scope itself.
"""

from __future__ import annotations

import flask

from indicators.scope import Scope

NOBODY = Scope(None, "", "", frozenset(), None)


def current_scope() -> Scope:
    """The scope of the current request; nobody (no role, sees nothing) when no identity was resolved."""
    if not flask.has_request_context():
        return NOBODY
    return flask.g.get("scope") or NOBODY


def set_scope(scope: Scope) -> None:
    """Called once per request by the edge (dashboard.auth) or by a test harness."""
    flask.g.scope = scope
