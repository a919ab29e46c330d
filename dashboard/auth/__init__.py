"""Sign-in and web security, installed on the Dash app's Flask server by `dashboard.create_app`.

    install(app, settings)   secret key + session cookie, proxy headers, origin check, the gate (Scope per
                             request), security headers, and the /auth/… pages (local or OIDC)
"""

from __future__ import annotations

from datetime import timedelta

from dash import Dash
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.auth import gate, headers, origin, secret
from dashboard.auth.views import CONFIG, bp
from settings import Settings

SESSION_COOKIE = "segur_session"


def install(app: Dash, settings: Settings) -> None:
    server, access = app.server, settings.access
    server.secret_key = secret.load_or_create(settings.data_dir, access.secret_key)
    server.config.update(SESSION_COOKIE_NAME=SESSION_COOKIE, SESSION_COOKIE_HTTPONLY=True,
                         SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=access.behind_https,
                         PERMANENT_SESSION_LIFETIME=timedelta(hours=access.session_hours),
                         # the lifetime counts from the sign-in (session "iat"), not from the last request: the
                         # cookie is written when the session changes, not re-sent with every response
                         SESSION_REFRESH_EACH_REQUEST=False,
                         PREFERRED_URL_SCHEME="https" if access.behind_https else "http")
    if access.proxy_hops:
        hops = access.proxy_hops
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    server.extensions[CONFIG] = access
    origin.install(server, access.trusted_origins)
    gate.install(server, lifetime_s=access.session_hours * 3600, public_read=access.public_read == "national")
    extra_form_action: tuple[str, ...] = ()
    if access.auth == "oidc":
        from dashboard.auth import oidc  # registers its routes on the blueprint

        oidc.install(server, access)
        issuer = headers.origin_of(access.oidc_discovery_url)
        extra_form_action = (issuer,) if issuer else ()
    else:
        from dashboard.auth import oidc  # noqa: F401 - the routes exist (and redirect to the login page)
    server.register_blueprint(bp)
    headers.install(app, behind_https=access.behind_https, extra_form_action=extra_form_action)
