"""Cross-site request forgery: a state-changing request must come from this site's own pages.

Browsers send `Origin` on every cross-site POST (and `Sec-Fetch-Site`); a request whose origin is neither
this host nor a trusted origin is refused with 403 before any view or callback runs, so it writes nothing.
Combined with the SameSite=Lax session cookie this is the OWASP "verify origin with standard headers"
defence; Dash callbacks (POST /_dash-update-component) are covered like every other route.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import flask

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed(request: flask.Request, trusted: tuple[str, ...] = ()) -> bool:
    """True when the request may change state as far as its origin goes."""
    if request.method not in UNSAFE_METHODS:
        return True
    if request.environ.get("segur.internal") is True:  # the server's own warm-up client (dashboard.access)
        return True
    own = {request.host_url.rstrip("/").lower(), *(o.lower() for o in trusted)}
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.lower() != "null" and origin.rstrip("/").lower() in own
    referer = request.headers.get("Referer")
    if referer:
        return _origin_of(referer) in own
    # No Origin, no Referer: not a browser page (a script with its own cookie), unless the browser says so.
    return request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")


def install(server: flask.Flask, trusted: tuple[str, ...] = ()) -> None:
    @server.before_request
    def _check_origin():
        if allowed(flask.request, trusted):
            return None
        from dashboard.auth.gate import deny

        return deny(403, "cross_origin")
