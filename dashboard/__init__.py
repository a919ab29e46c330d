"""The Dash app: `create_app(settings)` builds it; pages live in dashboard/pages/ (one file per page)."""

from __future__ import annotations

import hashlib

import plotly.io as pio
from dash import Dash

from dashboard import (
    api,
    auth,
    callbacks,
    guards,
    rate_limits,
    response_cache,
    routes,
    routes_committee,
    routes_exports,
    shell,
)
from dashboard.components import identity
from dashboard.context import AppContext, install
from dashboard.i18n import t
from dashboard.theme import register_plotly_template
from reports import renderer
from settings import Settings, load_settings

# French first: <html lang="fr"> from the first byte (a clientside callback switches it with the toggle).
# Dash's scripts sit bare in <body>: the shell's own <footer> is the page's one contentinfo landmark.
INDEX_STRING = """<!DOCTYPE html>
<html lang="fr">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        {%config%}
        {%scripts%}
        {%renderer%}
    </body>
</html>"""


def create_app(settings: Settings | None = None) -> Dash:
    """A Dash app over the published warehouse of `settings`: offline, French first, signed-in (dashboard/auth)."""
    settings = settings or load_settings()
    register_plotly_template()
    pio.templates.default = "segur"
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="pages",
        assets_folder="assets",
        serve_locally=True,
        external_stylesheets=[],
        external_scripts=[],
        suppress_callback_exceptions=True,
        title=t("app.title"),
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = INDEX_STRING
    install(app.server, AppContext.build(settings))
    guards.register(app.server, settings)  # body, URL and asset limits: French 4xx, no traceback
    renderer.shared(settings.image_idle_s)
    rate_limits.install(app.server, settings.rate_per_person, settings.rate_overall, settings.rate_storage)
    app.layout = shell.layout()
    callbacks.register(app)
    identity.register(app)  # header: who is signed in, sign-out
    routes.register(app.server)
    routes_exports.register(app.server)  # --- exports --- /exports/… (reports.routes) + /exports/jobs/<id>
    routes_committee.register(app.server)  # comité: pack downloads
    api.register(app.server)  # /api/v1/… read-only data API (dashboard/api/)
    auth.install(app, settings)  # the CSP hashes every inline script registered above
    # once for every page and callback (wraps Dash's callback view: the gate has run): dashboard/response_cache.py
    response_cache.install(app, settings.response_cache_mb, settings.response_cache_ttl_s,
                           settings.response_dir, hashlib.sha256(repr(settings).encode()).hexdigest())
    return app
