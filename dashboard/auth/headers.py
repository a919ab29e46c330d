"""Security headers on every response (flask-talisman), a CSP that Dash satisfies, no-store on data.

Dash's inline scripts (its renderer and the clientside callbacks) are allowed by their hashes
(`Dash.csp_hashes()`): no 'unsafe-inline' for scripts. The hashes are computed at the first response, after
Dash's own first-request setup (it adds the page-title clientside callback then), and kept.
Styles keep 'unsafe-inline': Mantine and Plotly write style attributes and <style> tags at run time.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import flask
from dash import Dash
from flask_talisman import Talisman

CACHEABLE_PREFIXES = ("/assets/", "/_dash-component-suites/", "/auth/static/")


def content_security_policy(app: Dash, extra_form_action: tuple[str, ...] = ()) -> str:
    policy = {
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
    return "; ".join(f"{k} {v if isinstance(v, str) else ' '.join(v)}" for k, v in policy.items())


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
        content_security_policy=None,  # written below, once Dash has registered every inline script
        referrer_policy="same-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )

    csp: list[str] = []

    @server.after_request
    def _csp_and_no_store(resp: flask.Response) -> flask.Response:
        if not csp:
            csp.append(content_security_policy(app, extra_form_action))
        resp.headers["Content-Security-Policy"] = csp[0]
        # Figures, exports and packs must not stay in a shared browser's or a proxy's cache.
        if not flask.request.path.startswith(CACHEABLE_PREFIXES):
            resp.headers["Cache-Control"] = "no-store"
            resp.headers.pop("Expires", None)
        return resp

    return talisman
