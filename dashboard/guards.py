"""Limits at the edge of every request, with French answers instead of tracebacks.

- the request body (Flask MAX_CONTENT_LENGTH, SEGUR_MAX_BODY_KB) → 413 with a sentence;
- the query string, and the URL a Dash callback receives (the page's pathname/search/href), are bounded
  (SEGUR_MAX_URL_CHARS) → 414 / 400: a 100 kB value is never echoed back into a page;
- an unknown `/_dash-component-suites/…` path is a 404, not a 500.
"""

from __future__ import annotations

import flask
from dash.exceptions import DependencyException
from werkzeug.exceptions import RequestEntityTooLarge

from settings import Settings

CALLBACK_PATH = "/_dash-update-component"
_URL_PROPS = {"pathname", "search", "href", "hash"}


def _text(message: str, status: int) -> flask.Response:
    return flask.Response(message + "\n", status=status, mimetype="text/plain")  # Flask adds the charset


def long_url_value(body: object, limit: int) -> int | None:
    """The length of the first URL property (pathname, search, href, hash) longer than `limit` among a Dash
    callback's inputs and states, else None."""
    if not isinstance(body, dict):
        return None
    for group in ("inputs", "state"):
        items: list = []
        for item in body.get(group) or []:
            items.extend(item if isinstance(item, list) else [item])
        for item in items:
            if isinstance(item, dict) and item.get("property") in _URL_PROPS:
                value = item.get("value")
                if isinstance(value, str) and len(value) > limit:
                    return len(value)
    return None


def register(server: flask.Flask, settings: Settings) -> None:
    server.config["MAX_CONTENT_LENGTH"] = settings.max_body_kb * 1024
    limit = settings.max_url_chars

    @server.before_request
    def bounded_request():
        request = flask.request
        if len(request.query_string) > limit:
            return _text(f"Adresse trop longue : {len(request.query_string)} caractères de paramètres "
                         f"(au plus {limit}). Repartez de la page d'accueil et choisissez les filtres.", 414)
        if request.method == "POST" and request.path == CALLBACK_PATH:
            length = long_url_value(request.get_json(silent=True), limit)
            if length is not None:
                return _text(f"Adresse trop longue : {length} caractères (au plus {limit}).", 400)
        return None

    @server.errorhandler(RequestEntityTooLarge)
    def too_large(_e):
        kb = settings.max_body_kb
        size = f"{kb // 1024} Mo" if kb >= 1024 else f"{kb} ko"
        return _text(f"Requête trop volumineuse (au plus {size}). Pour un grand "
                     "tableau, lancez une extraction depuis la page Données.", 413)

    @server.errorhandler(DependencyException)
    def unknown_asset(_e):
        return _text("Fichier introuvable.", 404)
