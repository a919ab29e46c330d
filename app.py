"""Entry point: `python app.py` serves the dashboard; `gunicorn app:server -w 2` in production.

Serving processes warm the common views after each publish (dashboard/warmup.py, `SEGUR_WARMUP`)."""

import sys

from dashboard import create_app, warmup
from dashboard.context import current
from settings import load_settings

try:
    settings = load_settings()
    app = create_app(settings)
    server = app.server
    with server.app_context():
        warmer = warmup.install(server, current(), settings.warmup)
except ValueError as e:  # a bad setting (SEGUR_WARMUP, SEGUR_AUTH, the OIDC ones, the secret key): say so, no traceback
    sys.exit(f"erreur de configuration : {e}")

if __name__ == "__main__":
    warmer.ensure_started()
    app.run(host=settings.host, port=settings.port, debug=False)
