"""Territoires: which région (or département) is behind on an indicator — map, ranking and dispersion.

Page parameters live in the URL next to the global filters: `indicateur` (an indicator broken down by
territory), `niveau` (region | departement) and `mesure` (statut | progression | valeur). The selectors
write the URL; Dash's router re-renders the page from it. One engine call (the breakdown at the chosen
level) feeds the map, the ranking and the dispersion.
"""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
import pandas as pd
from dash import Input, Output, State, html, no_update

from dashboard import ids
from dashboard.components import chart_with_table, kpi_tile, messages_alert, page_header
from dashboard.components.export_menu import grid_export, unit_kind
from dashboard.components.indicator_format import fmt_progress, fmt_value, unit_noun
from dashboard.components.territory_ranking import (
    gap_unit_of,
    ranking_formats,
    ranking_frame,
    ranking_grid,
    ranking_headers,
)
from dashboard.components.territory_view import (
    LEVELS,
    MEASURES,
    MapParams,
    breakdown,
    filters_text,
    parse_params,
    scope_codes,
    scope_region,
    selection_search,
    territorial_indicators,
    unsupported_filters,
)
from dashboard.context import current
from dashboard.figures.dispersion import Point, dispersion, dispersion_figure
from dashboard.figures.territory_map import territory_figure, territory_label
from dashboard.format import fmt_month, fmt_number
from dashboard.i18n import t
from dashboard.pagekit import PageRequest, view
from dashboard.state import ViewState, extra_params, parse_search, parse_view_state
from indicators.territory import is_additive

dash.register_page(__name__, path="/territoires", name="Territoires", title="Territoires — Ségur numérique", order=3)


def fiche_href(state: ViewState, region: str) -> str:
    """The fiche of a région, the view's other filters kept (the région filter becomes that région)."""
    return state.replace(region=region, departement=None).href(f"/territoires/{region}")


def _segmented(control_id: str, label: str, value: str, data: list[dict]) -> html.Div:
    label_id = f"{control_id}-label"
    return html.Div([html.Span(label, id=label_id, className="terr-control-label"),
                     dmc.SegmentedControl(id=control_id, value=value, data=data, color="bleuFrance",
                                          **{"aria-labelledby": label_id})], className="terr-control")


def selectors(params: MapParams, choices: list, lang: str) -> html.Div:
    by_dep = "departement" in next(i for i in choices if i.id == params.indicator).dimensions
    return html.Div([
        dmc.Select(id=ids.TERR_INDICATOR, label=t("terr.indicator", lang), value=params.indicator,
                   data=[{"value": i.id, "label": f"{i.id} — {i.label.en if lang == 'en' else i.label.fr}"}
                         for i in choices],
                   searchable=True, allowDeselect=False, nothingFoundMessage=t("filter.nothing_found", lang),
                   comboboxProps={"withinPortal": True}, maxDropdownHeight=360, className="terr-indicator"),
        _segmented(ids.TERR_LEVEL, t("terr.level", lang), params.level,
                   [{"value": lv, "label": t(f"terr.level.{lv}", lang), "disabled": lv == "departement" and not by_dep}
                    for lv in LEVELS]),
        _segmented(ids.TERR_MEASURE, t("terr.measure", lang), params.measure,
                   [{"value": m, "label": t(f"terr.measure.{m}", lang)} for m in MEASURES]),
    ], className="terr-selectors")


def unavailable(title: str, text: str) -> dmc.Alert:
    return dmc.Alert(text, title=title, color="warningDsfr", variant="light", className="terr-unavailable")


def map_summary(rows: list, basis: str, unit: str, level: str, month: str, page: PageRequest) -> str:
    lang = page.lang
    valued = [r for r in rows if (r.value if basis == "value" else r.progress_raw) is not None]
    if not valued:
        return t("terr.map.summary_empty", lang, month=month)

    def shown(r) -> str:
        return fmt_value(r.value, unit, lang) if basis == "value" else fmt_progress(r.progress_raw, lang)

    best, worst = valued[0], valued[-1]  # the engine's order: furthest ahead of its target first
    return t("terr.map.summary", lang, month=month, units=t(f"terr.units.{level}", lang), total=len(rows),
             off=sum(r.status == "off_track" for r in rows), watch=sum(r.status == "watch" for r in rows),
             best=territory_label(best.key, level, page.reference, lang), best_value=shown(best),
             worst=territory_label(worst.key, level, page.reference, lang), worst_value=shown(worst))


def dispersion_block(rows: list, basis: str, ind, level: str, page: PageRequest) -> html.Section:
    lang, unit = page.lang, ind.unit
    points = [Point(territory_label(r.key, level, page.reference, lang),
                    r.value if basis == "value" else r.progress_raw, r.status) for r in rows]
    stats = dispersion(points, ind.direction if basis == "value" else "up")
    units = t(f"terr.units.{level}", lang)
    lead = t(f"terr.dispersion.basis_{basis}", lang, units=units)
    title = t("terr.dispersion.title", lang)
    if stats.n < 2:
        return html.Section([html.H2(title), html.P(lead), html.P(t("terr.dispersion.empty", lang))],
                            className="page-section terr-dispersion", id=ids.TERR_DISPERSION)

    def fmt(v) -> str:
        return fmt_value(v, unit, lang) if basis == "value" else fmt_progress(v, lang)

    table = pd.DataFrame({
        "statistic": [t(f"terr.stat.{k}", lang) for k in ("n", "min", "q1", "median", "q3", "max", "std", "ratio",
                                                           "off_track")],
        "value": [fmt_number(stats.n, lang, decimals=0), *(fmt(v) for v in (stats.minimum, stats.q1, stats.median,
                                                                              stats.q3, stats.maximum, stats.std)),
                  fmt_number(stats.ratio, lang, decimals=2), f"{stats.off_track} / {stats.total}"],
    })
    # The same rows as numbers for the export: the count, the values in the unit (or progress), the spread ratio;
    # "3 / 18" stays text.
    spread = (stats.minimum, stats.q1, stats.median, stats.q3, stats.maximum, stats.std)
    kinds = (["int"] + [unit_kind(v, unit) if basis == "value" else "percent" for v in spread]
             + ["number", "text"])
    raw = pd.DataFrame({"value": pd.Series([stats.n, *spread, stats.ratio, f"{stats.off_track} / {stats.total}"],
                                           dtype=object)})
    summary = t("terr.dispersion.summary", lang, min=fmt(stats.minimum), max=fmt(stats.maximum),
                median=fmt(stats.median), std=fmt(stats.std), off=stats.off_track, units=units, n=stats.total)
    fig = dispersion_figure(points, stats, fmt, lang, tickformat=".0%" if basis == "progress" else None)
    return html.Section([
        html.H2(title), html.P(lead),
        chart_with_table(fig, table, summary, lang, title=t("terr.dispersion.chart", lang, units=units),
                         headers={"statistic": t("terr.stat.statistic", lang), "value": t("terr.stat.value", lang)},
                         open_table=True, raw=raw, cell_kinds={"value": kinds}),
    ], className="page-section terr-dispersion", id=ids.TERR_DISPERSION)


def national_tile(result, ind, page: PageRequest) -> html.Section:
    lang, cur = page.lang, result.current
    return kpi_tile(t("terr.kpi.national", lang, indicator=result.label(lang)),
                    fmt_value(cur.value if cur else None, ind.unit, lang, noun=True), lang, status=result.status,
                    target=fmt_value(cur.target, ind.unit, lang, noun=True) if cur and cur.target is not None else None,
                    detail=result.reason_en if lang == "en" else result.reason_fr,
                    href=page.href(f"/indicateurs/{ind.id}"))


def region_tile(region: str, ind, page: PageRequest) -> html.Section | None:
    """The filtered région's own figure (a row of the breakdown by région: one more call, shared with the
    région map)."""
    lang = page.lang
    result = breakdown(page.engine, ind.id, page.state, page.filters, "region")
    row = next((r for r in result.breakdown or [] if r.key == region), None)
    if row is None:
        return None
    return kpi_tile(f"{result.label(lang)} — {page.reference.label('regions', region, lang)}",
                    fmt_value(row.value, ind.unit, lang, noun=True), lang, status=row.status,
                    target=fmt_value(row.target, ind.unit, lang, noun=True) if row.target is not None else None,
                    detail=t("terr.hover.gap", lang, value=row.gap_text(lang)),
                    note=row.reason_en if lang == "en" else row.reason_fr, href=fiche_href(page.state, region))


@view()
def layout(page: PageRequest):
    """Selectors, then the national figure, the map and the dispersion side by side, then the ranking."""
    lang, engine, state = page.lang, page.engine, page.state
    params, problems = parse_params(page.extra, engine.catalogue, state, page.reference)
    if params is None:
        return [page_header(t("terr.title", lang)), html.P(t("terr.none", lang))]
    ind = engine.catalogue.indicator(params.indicator)
    choices = territorial_indicators(engine.catalogue)
    head = [messages_alert(problems, lang), selectors(params, choices, lang)]
    missing = unsupported_filters(ind, state)
    result = None if missing else breakdown(engine, ind.id, state, page.filters, params.level)
    month = fmt_month(result.as_of if result else state.as_of or engine.latest_month(), lang)
    header = page_header(t("terr.title", lang), t("terr.lead", lang, month=month))
    if missing or result.not_applicable:
        text = t("terr.not_available.hint", lang, filters=filters_text(missing, state, page.reference)) if missing \
            else (result.reason_en if lang == "en" else result.reason_fr)
        return [header, *head, unavailable(t("terr.not_available.title", lang), text)]
    if not result.breakdown:
        return [header, *head, html.P(t("terr.no_breakdown", lang, level=t(f"map.level.{params.level}", lang)))]

    level, unit = params.level, ind.unit
    scope = scope_codes(level, state, page.reference)
    rows = [r for r in result.breakdown if scope is None or r.key in scope]
    basis = "progress" if is_additive(ind) else "value"  # volumes follow population; rates compare
    fig = territory_figure(result.breakdown, level, params.measure, unit, lang, reference=page.reference,
                           scope=scope, geojson_path=page.settings.geojson)
    gap_unit = gap_unit_of(rows)
    headers = ranking_headers(level, unit_noun(unit, lang) if unit not in ("pct", "EUR", "jours") else "", lang,
                              gap_unit)
    twin = ranking_frame(rows, level, unit, page.reference, lang)
    title = t("terr.map.title", lang, measure=t(f"terr.measure.{params.measure}", lang),
              level=t(f"map.level.{level}", lang))
    scope_note = [html.P(t("terr.scope.region", lang, region=page.reference.label(
        "regions", scope_region(state, page.reference), lang)), className="terr-scope")] if scope else []
    map_block = chart_with_table(fig, twin[["territory", "value", "target", "progress", "status"]],
                                 map_summary(rows, basis, unit, level, month, page), lang, title=title,
                                 headers=headers, formats=ranking_formats(unit, gap_unit), graph_id=ids.TERR_MAP)
    grid_df = ranking_frame(rows, level, unit, page.reference, lang,
                            territory_href=(lambda code: fiche_href(state, code)) if level == "region" else None,
                            region_href=(lambda code: fiche_href(state, code)) if level == "departement" else None)
    return [
        header, *head,
        html.Section([
            html.H2(t("terr.top_title", lang), className="visually-hidden"),  # the map's h3 sits under an h2
            html.Div([*scope_note, map_block], className="terr-map"),
            html.Div([html.Div([tile for tile in (national_tile(result, ind, page), region_tile(
                scope_region(state, page.reference), ind, page) if scope else None) if tile is not None],
                               className="terr-kpis"),
                      dispersion_block(rows, basis, ind, level, page)], className="terr-side"),
        ], className="terr-top"),
        html.Section([html.H2(t("terr.ranking.title", lang)), html.P(t("terr.ranking.lead", lang)),
                      grid_export(ranking_grid(grid_df, ids.TERR_RANKING_GRID, unit, headers, lang, gap_unit), lang,
                                  f"{t('terr.ranking.title', lang)} — {ind.id}")],
                     className="page-section terr-ranking"),
    ]


@dash.callback(
    Output(ids.URL, "search", allow_duplicate=True),
    Input(ids.TERR_INDICATOR, "value"), Input(ids.TERR_LEVEL, "value"), Input(ids.TERR_MEASURE, "value"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def select(indicator, level, measure, search):
    """A selector changed: write it into the URL (the router re-renders the page from it).

    Dash also calls this when the page's controls appear; they then show what the URL says, so nothing
    differs and the URL is left alone (no second rendering).
    """
    context = current()
    query = parse_search(search)
    state, _ = parse_view_state(query, context.reference, context.months())
    shown, _ = parse_params(extra_params(query), context.engine().catalogue, state, context.reference)
    new = selection_search(search, MapParams(indicator, level, measure), shown) if shown else None
    return new or no_update
