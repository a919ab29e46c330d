"""The edge of every request: who is asking (session → person → Scope, once), and may they ask at all.

The Scope of a signed-in person is kept per person (`ScopeCache`) for as long as the app-state version
(appstate/version.py, read once per request) does not move: a right granted or revoked, an account disabled,
on this instance or another one sharing the database, bumps it, so the next request reads the rights again.

Only the sign-in pages and the static assets are served to nobody; with `SEGUR_PUBLIC_READ=national` an
anonymous visitor reads as `Scope.public_reader()`. Anyone else gets the login page (a page in a browser)
or a 401/403 JSON answer (Dash callbacks, routes called by scripts).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from urllib.parse import urlencode

import flask

from appstate import users, version
from dashboard.access import INTERNAL, is_internal_request, set_scope
from dashboard.auth import session as auth_session
from dashboard.i18n import normalise_lang, t
from indicators.scope import Scope

ANONYMOUS_PREFIXES = ("/assets/", "/_dash-component-suites/", "/auth/")
ANONYMOUS_PATHS = frozenset({"/favicon.ico", "/_favicon.ico"})
LOGIN_PATH = "/auth/login"
PASSWORD_PATH = "/auth/password"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_anonymous_path(path: str) -> bool:
    return path in ANONYMOUS_PATHS or path.startswith(ANONYMOUS_PREFIXES)


def wants_page(request: flask.Request) -> bool:
    """A browser navigating (it can follow a redirect to the login page), not a callback or a script."""
    return (request.method in ("GET", "HEAD") and not request.path.startswith("/_dash")
            and "text/html" in (request.headers.get("Accept") or ""))


def safe_next(value: str | None) -> str:
    """A local path to return to after sign-in (never another site: no scheme, no //host)."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value or value.startswith(LOGIN_PATH):
        return "/"
    return value


def request_lang() -> str:
    return normalise_lang(flask.request.args.get("lang") or flask.session.get(auth_session.LANG) or "fr")


def deny(status: int, code: str, *, expired: bool = False) -> flask.Response:
    request = flask.request
    lang = request_lang()
    if status == 401 and wants_page(request):
        query = {"next": request.full_path.rstrip("?")}
        if expired:
            query["expired"] = "1"
        if lang != "fr":
            query["lang"] = lang
        return flask.redirect(f"{LOGIN_PATH}?{urlencode(query)}")
    message = t(f"auth.error.{code}", lang)
    if wants_page(request):
        from dashboard.auth.views import message_page

        return message_page(t("auth.denied.title", lang), message, status)
    resp = flask.jsonify(error=code, message=message, login_url=LOGIN_PATH)
    resp.status_code = status
    return resp


SCOPES = "segur-scopes"
_VERSION = "segur_app_state_version"


def app_state_version() -> int:
    """The app-state version for this request, read once (one query) the first time it is asked for."""
    from dashboard.context import current

    value = flask.g.get(_VERSION)
    if value is None:
        with current().sessions()() as session:
            value = version.read(session)
        setattr(flask.g, _VERSION, value)
    return value


class ScopeCache:
    """Resolved Scopes by user id, each valid for the app-state version it was read at (bounded, LRU)."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._items: OrderedDict[int, tuple[int, Scope]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, user_id: int, at_version: int) -> Scope | None:
        with self._lock:
            item = self._items.get(user_id)
            if item is None or item[0] != at_version:
                return None
            self._items.move_to_end(user_id)
            return item[1]

    def put(self, user_id: int, at_version: int, scope: Scope) -> None:
        with self._lock:
            self._items[user_id] = (at_version, scope)
            self._items.move_to_end(user_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def resolve(lifetime_s: float) -> tuple[Scope | None, auth_session.SessionInfo]:
    """The Scope of the signed-in person (None when nobody, expired, unknown or disabled).

    The version is read before the rights: a Scope kept is never older than the version it is kept for."""
    from dashboard.context import current

    info = auth_session.read(lifetime_s)
    if info.user_id is None:
        return None, info
    cache: ScopeCache | None = flask.current_app.extensions.get(SCOPES)
    at_version = app_state_version()
    scope = cache.get(info.user_id, at_version) if cache is not None else None
    if scope is None:
        with current().sessions()() as session:
            scope = users.scope_of(session, info.user_id)
        if scope is not None and cache is not None:
            cache.put(info.user_id, at_version, scope)
    return scope, info


TOKEN_PATHS = ("/api/", "/exports/")


def bearer_token(request: flask.Request) -> str | None:
    """The personal API token of `Authorization: Bearer …` on the data API and exports (None otherwise)."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer ") or not request.path.startswith(TOKEN_PATHS):
        return None
    return header[7:].strip() or None


def _token_gate(token: str) -> flask.Response | None:
    from appstate.api_tokens import scope_of_token
    from dashboard.context import current

    with current().sessions().begin() as session:
        version.bookkeeping(session)  # the token's last use and its daily journal row: no cached page shows them
        scope = scope_of_token(session, token)
    if scope is None:
        return deny(401, "token_invalid")
    if flask.request.method not in SAFE_METHODS:
        return deny(403, "read_only")
    if not scope.can_read:
        return deny(403, "no_rights")
    set_scope(scope)
    return None


def install(server: flask.Flask, *, lifetime_s: float, public_read: bool) -> None:
    server.extensions[SCOPES] = ScopeCache()

    @server.before_request
    def _gate():
        request = flask.request
        if is_anonymous_path(request.path):
            return None
        if is_internal_request():  # the server's own warm-up client (a WSGI key, never an HTTP header)
            set_scope(INTERNAL)
            return None
        token = bearer_token(request)
        if token is not None:  # a script with a personal API token: that person's rights, reading only
            return _token_gate(token)
        scope, info = resolve(lifetime_s)
        if scope is None:
            if info.user_id is not None or info.expired:
                auth_session.end()  # disabled, deleted or expired: the cookie no longer counts
            if public_read and not info.expired:
                set_scope(Scope.public_reader())
                if request.method not in SAFE_METHODS and not request.path.startswith("/_dash-"):
                    return deny(403, "read_only")
                return None
            return deny(401, "sign_in_required", expired=info.expired)
        if info.must_change_password:
            if wants_page(request):
                return flask.redirect(PASSWORD_PATH)
            return deny(403, "password_change_required")
        if not scope.can_read:
            return deny(403, "no_rights")
        set_scope(scope)
        return None
