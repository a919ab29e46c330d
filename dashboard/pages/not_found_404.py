"""Page introuvable / Page not found (Dash's router uses the module named not_found_404)."""

from __future__ import annotations

import dash
from dash import html

from dashboard.components import page_header
from dashboard.pagekit import PageRequest, view

dash.register_page(__name__, path="/404", name="Page introuvable", title="Page introuvable — Ségur numérique")


def _requested_path() -> str:
    try:
        return dash.ctx.inputs.get("_pages_location.pathname") or ""
    except Exception:  # noqa: BLE001 - outside a callback (tests)
        return ""


@view(needs_warehouse=False)
def layout(page: PageRequest):
    return [
        page_header(page.t("notfound.title")),
        html.P(page.t("notfound.body", path=_requested_path())),
        html.P(html.A(page.t("notfound.back"), href=page.href("/"))),
    ]
