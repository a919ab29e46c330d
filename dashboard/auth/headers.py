"""Security headers on every response (flask-talisman), a CSP that Dash satisfies, no-store on data.

Dash's inline scripts (its renderer and the clientside callbacks) are allowed by their hashes
(`Dash.csp_hashes()`, computed once every callback is registered): no 'unsafe-inline' for scripts.
Styles keep 'unsafe-inline': Mantine and Plotly write style attributes and <style> tags at run time.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import flask
from dash import Dash
from flask_talisman import Talisman

CACHEABLE_PREFIXES = ("/assets/", "/_dash-component-suites/", "/auth/static/")


def content_security_policy(app: Dash, extra_form_action: tuple[str, ...] = ()) -> dict[str, str | list[str]]:
    return {
        "default-src": "'self'",
        "script-src": ["'self'", *app.csp_hashes()],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": "'self'",
        "worker-src": ["'self'", "blob:"],
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": ["'self'", *extra_form_action],
        "frame-ancestors": "'none'",
    }


def origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def install(app: Dash, *, behind_https: bool, extra_form_action: tuple[str, ...] = ()) -> Talisman:
    server = app.server
    talisman = Talisman(
        server,
        force_https=False,  # the reverse proxy redirects to HTTPS; the app may sit behind it on plain HTTP
        strict_transport_security=behind_https,
        session_cookie_secure=behind_https,
        session_cookie_http_only=True,
        frame_options="DENY",
        content_security_policy=content_security_policy(app, extra_form_action),
        referrer_policy="same-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )

    @server.after_request
    def _no_store(resp: flask.Response) -> flask.Response:
        # Figures, exports and packs must not stay in a shared browser's or a proxy's cache.
        if not flask.request.path.startswith(CACHEABLE_PREFIXES):
            resp.headers["Cache-Control"] = "no-store"
            resp.headers.pop("Expires", None)
        return resp

    return talisman
