"""Indicateur: one indicator for the view — series with target trajectory, milestones and forecast, breakdown
(table and tile map), definition, and "Expliquer ce chiffre" (inputs, SQL, source files, load runs).

Page parameters in the URL: `grain` (month, quarter, year) and `by` (a dimension of the indicator).
"""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import html

from dashboard import ids
from dashboard.components import messages_alert, page_header
from dashboard.components.comments import comments_section
from dashboard.components.indicator_breakdown import breakdown_section
from dashboard.components.indicator_common import availability, scope_text, unavailable_detail
from dashboard.components.indicator_controls import by_choices, grain_choices, parse_params
from dashboard.components.indicator_definition import definition_panel, explain_panel
from dashboard.components.indicator_series import forecast_panel, key_figures, series_chart
from dashboard.components.meteo import meteo_block
from dashboard.format import fmt_month
from dashboard.pagekit import PageRequest, view
from indicators.explain import explain
from indicators.query import ViewFilters


def _title(indicator_id: str | None = None, **_: object) -> str:
    return f"{indicator_id or 'Indicateur'} — Ségur numérique"


dash.register_page(__name__, path_template="/indicateurs/<indicator_id>", name="Indicateur", title=_title,
                   order=1)


def find_indicator(catalogue, raw_id: str):
    wanted = (raw_id or "").strip().upper()
    return next((i for i in catalogue.indicators if i.id == wanted), None)


def unknown_indicator(raw_id: str, page: PageRequest) -> list:
    """A clear message and the list of valid ids (links), instead of an error."""
    catalogue = page.engine.catalogue
    links = [html.Li([dmc.Anchor(i.id, href=page.href(f"/indicateurs/{i.id}")), " — ",
                      i.label.en if page.lang == "en" else i.label.fr]) for i in catalogue.indicators]
    return [
        page_header(page.t("ind.unknown.title")),
        dmc.Alert(page.t("ind.unknown.body", value=(raw_id or "")[:60]), title=page.t("ind.unknown.title"),
                  color="warningDsfr", variant="light", className="state-messages", id=ids.IND_UNKNOWN),
        html.H2(page.t("ind.unknown.valid")),
        html.Ul(links, className="indicator-index"),
    ]


def _header(ind, page: PageRequest, as_of) -> list:
    label = ind.label.en if page.lang == "en" else ind.label.fr
    context = page.t("ind.context", id=ind.id, month=fmt_month(as_of, page.lang),
                     scope=scope_text(page.state, page.reference, page.lang))
    return [
        html.P(dmc.Anchor(page.t("ind.back"), href=page.href("/indicateurs")), className="back-link"),
        page_header(label, ind.description.en if page.lang == "en" else ind.description.fr),
        html.P(context, className="page-context"),
    ]


@view()
def layout(page: PageRequest):
    engine = page.engine
    raw_id = page.extra.get("indicator_id", "")
    ind = find_indicator(engine.catalogue, raw_id)
    if ind is None:
        return unknown_indicator(raw_id, page)
    params = parse_params(ind, page.extra, page.lang, page.filters)
    as_of = page.state.as_of_date or engine.latest_month()
    parts = [messages_alert(params.messages, page.lang), *_header(ind, page, as_of)]
    av = availability(ind, None, page.filters)
    result = engine.compute(ind.id, as_of, page.filters, breakdown=params.by, grain=params.grain) \
        if av.available else None
    av = availability(ind, result, page.filters)
    if not av.available:
        national = engine.compute(ind.id, as_of, ViewFilters(), grain=params.grain, with_forecast=False)
        detail = unavailable_detail(av, page.lang)
        parts += [dmc.Alert(detail[:1].upper() + detail[1:], title=page.t("ind.na.title"), color="infoDsfr",
                            variant="light", className="state-messages", id=ids.IND_UNAVAILABLE),
                  definition_panel(national, page)]
        return parts
    explanation = explain(engine, ind.id, as_of, page.filters)
    parts += [
        html.Div([  # the chart first, the figures and the forecast beside it: both above the fold on a projector
            html.Div([
                html.Section([html.H2(page.t("ind.series.title")), grain_choices(ind, params, page, ids.IND_GRAIN),
                              series_chart(result, page)], id=ids.IND_SERIES),
                explain_panel(explanation, result, page),
            ], className="series-main"),
            html.Div([key_figures(result, page),
                      meteo_block(page, "indicator", ind.id, result.status),  # comité : météo beside the status
                      forecast_panel(result, page)], className="series-side"),
        ], className="series-grid"),
        breakdown_section(result, by_choices(ind, params, page, ids.IND_BY), page),
        definition_panel(result, page),
    ]
    parts.append(comments_section(page, ind.id))  # comité : commentaires (dashboard/components/comments.py)
    return parts
