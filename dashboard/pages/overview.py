"""Vue d'ensemble — placeholder until the indicator engine lands (the lead replaces this page)."""

from __future__ import annotations

import dash
from dash import html

from dashboard.components import page_header
from dashboard.format import fmt_datetime, fmt_number
from dashboard.pagekit import PageRequest, view

dash.register_page(__name__, path="/", name="Vue d'ensemble", title="Ségur numérique — pilotage", order=0)


@view()
def layout(page: PageRequest):
    last = page.warehouse.query_one(
        "SELECT finished_at, rows_loaded FROM load_run ORDER BY finished_at DESC NULLS LAST LIMIT 1")
    published = []
    if last:
        published = [html.P(page.t("overview.published", when=fmt_datetime(last[0], page.lang),
                                   rows=fmt_number(last[1], page.lang, decimals=0)))]
    return [
        page_header(page.t("overview.title")),
        html.P(page.t("overview.placeholder")),
        *published,
        html.P(html.A(page.t("overview.see_data"), href=page.href("/donnees"))),
    ]
