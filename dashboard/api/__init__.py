"""The read-only data API (`/api/v1/…`) on the dashboard's Flask server; `register(server)` mounts it."""

from __future__ import annotations

import flask

from dashboard.api.render import json_response
from dashboard.api.routes import ROUTES, api_bp


@api_bp.get("/openapi.json")
def openapi():
    from dashboard.api.openapi import spec

    return json_response(spec(flask.request.script_root + "/"))


def register(server: flask.Flask) -> None:
    server.register_blueprint(api_bp)


__all__ = ["ROUTES", "api_bp", "register"]
