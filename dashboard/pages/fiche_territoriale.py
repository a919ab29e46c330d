"""Fiche territoriale: every indicator tracked by région, for one région, against its target and the nation.

Each indicator's row comes from the same engine call as the Territoires map (the breakdown by région for
the view's non-territorial filters): value, territorial target, progress, status, gap to the national
value, trend. The sparkline needs the région's own series: a second call filtered on the région, which
the engine answers from the breakdown it already holds.
"""

from __future__ import annotations

from dataclasses import replace

import dash
import dash_mantine_components as dmc
import pandas as pd
from dash import dcc, html

from dashboard import ids
from dashboard.access import current_scope
from dashboard.components import page_header, simple_table, status_badge
from dashboard.components.export_menu import table_with_export, unit_kind
from dashboard.components.indicator_format import fmt_points, fmt_trend, fmt_value, unit_noun
from dashboard.components.territory_ranking import (
    gap_unit_of,
    ranking_frame,
    ranking_headers,
    ranking_table,
    right_align,
)
from dashboard.components.territory_view import (
    KEY_INDICATORS,
    breakdown,
    filters_text,
    national_filters,
    territorial_indicators,
    unsupported_filters,
)
from dashboard.context import current
from dashboard.figures.svg_sparkline import sparkline_svg, svg_data_uri
from dashboard.figures.territory_map import territory_label
from dashboard.format import MISSING, fmt_month
from dashboard.i18n import t
from dashboard.pagekit import PageRequest, view

SPARK_MONTHS = 24
KEY_COUNT = 3


def _title(region_code: str | None = None, **_: object) -> str:
    """The browser tab's title: the région's name when the code is known."""
    try:
        regions = current().reference.regions
    except (RuntimeError, KeyError):  # outside a request
        regions = {}
    shown = region_code in regions and current_scope().allows_region(region_code)
    name = regions[region_code].label_fr if shown else ""
    return f"Fiche territoriale {name} — Ségur numérique".replace("  ", " ")


dash.register_page(__name__, path_template="/territoires/<region_code>", name="Fiche territoriale", title=_title)


def unknown_region(code: str, page: PageRequest) -> list:
    """A clear message (not an error page) listing the codes that exist."""
    lang = page.lang
    codes = ", ".join(f"{c} {r.label(lang)}" for c, r in sorted(page.reference.regions.items())
                      if page.scope.allows_region(c))
    return [page_header(t("fiche.unknown.title", lang)),
            dmc.Alert(t("fiche.unknown.body", lang, code=code, codes=codes), title=t("fiche.unknown.title", lang),
                      color="warningDsfr", variant="light", className="fiche-unknown"),
            html.P(dcc.Link(t("fiche.back_map", lang), href=page.href("/territoires")))]


def sparkline(result, lang: str) -> html.Img | str:
    points = [p for p in result.series if p.value is not None][-SPARK_MONTHS:]
    svg = sparkline_svg([p.value for p in points])
    if svg is None:
        return t("fiche.sparkline.none", lang)
    unit = result.indicator.unit
    alt = t("fiche.sparkline.alt", lang, start=fmt_month(points[0].period, lang),
            start_value=fmt_value(points[0].value, unit, lang), end=fmt_month(points[-1].period, lang),
            end_value=fmt_value(points[-1].value, unit, lang))
    return html.Img(src=svg_data_uri(svg), alt=alt, title=alt, width=120, height=28, className="sparkline")


def indicator_row(ind, code: str, page: PageRequest) -> dict:
    """One indicator for the région: formatted cells, and the status for the summary."""
    lang, state = page.lang, page.state
    name = dcc.Link(f"{ind.id} — {ind.label.en if lang == 'en' else ind.label.fr}",
                    href=page.href(f"/indicateurs/{ind.id}"))
    missing = unsupported_filters(ind, state)
    result = None if missing else breakdown(page.engine, ind.id, state, page.filters, "region")
    if missing or result.not_applicable:
        why = t("terr.not_available.hint", lang, filters=filters_text(missing, state, page.reference)) if missing \
            else (result.reason_en if lang == "en" else result.reason_fr)
        na = html.Span(t("fiche.not_available", lang), title=why, className="fiche-na")
        return {"status_key": None, "indicator": name, "value": na, "target": MISSING, "national": MISSING,
                "gap": MISSING, "status": status_badge("no_data", lang, t("fiche.not_available", lang)),
                "trend": MISSING, "sparkline": MISSING, "raw": {"unit": ind.unit, "sparkline": MISSING}}
    row = next((r for r in result.breakdown or [] if r.key == code), None)
    trend_line = t("fiche.sparkline.none", lang)
    if row is not None:  # no row: nothing recorded for the région (a flat line of zeros would mislead)
        own = page.engine.compute(ind.id, state.as_of, replace(national_filters(page.filters), region=code),
                                  with_forecast=False)
        trend_line = sparkline(own, lang)
    unit = ind.unit
    national = result.current.value if result.current else None
    badge = status_badge(row.status if row else "no_data", lang)
    if row is not None:
        badge.title = row.reason_en if lang == "en" else row.reason_fr
    return {
        "status_key": row.status if row else "no_data", "indicator": name,
        "value": fmt_value(row.value if row else None, unit, lang, noun=True),
        "target": fmt_value(row.target if row else None, unit, lang, noun=True),
        "national": fmt_value(national, unit, lang, noun=True),
        "gap": row.gap_text(lang) if row else fmt_points(None, lang), "status": badge,
        "trend": fmt_trend(row.trend if row else None, unit, lang), "sparkline": trend_line,
        # the export's values: numbers as numbers (the unit gives their Excel format), the sparkline as its words
        "raw": {"unit": unit, "value": row.value if row else None, "target": row.target if row else None,
                "national": national, "gap": row.shown_gap if row else None, "trend": row.trend if row else None,
                "sparkline": getattr(trend_line, "alt", trend_line)},
    }


def indicators_section(code: str, label: str, page: PageRequest) -> html.Section:
    lang = page.lang
    rows = [indicator_row(ind, code, page) for ind in territorial_indicators(page.engine.catalogue, "region")]
    statuses = [r.pop("status_key") for r in rows]
    raws = [r.pop("raw") for r in rows]
    df = pd.DataFrame(rows)
    raw = pd.DataFrame([{k: r.get(k) for k in ("value", "target", "national", "gap", "trend", "sparkline")}
                        for r in raws], index=df.index)
    units = [r["unit"] for r in raws]
    kinds = {col: [unit_kind(v, u) for v, u in zip(raw[col], units, strict=True)] for col in ("value", "target",
                                                                                            "national")}
    kinds["trend"] = ["number" if u == "pct" else unit_kind(v, u) for v, u in zip(raw["trend"], units, strict=True)]
    headers = {"indicator": t("fiche.col.indicator", lang), "value": t("fiche.col.value", lang),
               "target": t("fiche.col.target", lang), "national": t("fiche.col.national", lang),
               "gap": t("terr.col.gap", lang), "status": t("terr.col.status", lang),
               "trend": t("terr.col.trend", lang), "sparkline": t("fiche.col.sparkline", lang)}
    title = t("fiche.indicators.title", lang)
    table = table_with_export(df, lang, title, headers=headers, raw=raw, raw_formats={"gap": "number"},
                              cell_kinds=kinds, scope={"region": code, "departement": None},
                              table=right_align(simple_table(df, lang, headers=headers,
                                                                               caption=title), [1, 2, 3, 4, 6]))
    summary = t("fiche.indicators.summary", lang, region=label, total=sum(s is not None for s in statuses),
                off=statuses.count("off_track"), watch=statuses.count("watch"), on=statuses.count("on_track"))
    return html.Section([html.H2(t("fiche.indicators.title", lang)), html.P(summary), table],
                        className="page-section fiche-indicators", id=ids.FICHE_INDICATORS)


def departements_section(code: str, page: PageRequest) -> html.Section | None:
    """The région's départements ranked on the first KEY_COUNT key indicators available for the view."""
    lang, state, catalogue = page.lang, page.state, page.engine.catalogue
    known = {i.id: i for i in territorial_indicators(catalogue, "departement")}
    scope = {d.code for d in page.reference.departements_of(code)}
    blocks = []
    for ind_id in KEY_INDICATORS:
        ind = known.get(ind_id)
        if ind is None or unsupported_filters(ind, state) or len(blocks) == KEY_COUNT:
            continue
        result = breakdown(page.engine, ind_id, state, page.filters, "departement")
        rows = [r for r in result.breakdown or [] if r.key in scope]
        if result.not_applicable or not rows:
            continue
        name = ind.label.en if lang == "en" else ind.label.fr
        title = t("fiche.departements.title", lang, indicator=f"{ind_id} — {name}")
        unit = ind.unit
        noun_free = unit in ("pct", "EUR", "jours")
        headers = ranking_headers("departement", "" if noun_free else unit_noun(unit, lang), lang, gap_unit_of(rows))
        df = ranking_frame(rows, "departement", unit, page.reference, lang, badges=True)
        valued = [r for r in rows if r.progress_raw is not None] or rows
        summary = t("fiche.departements.summary", lang, off=sum(r.status == "off_track" for r in rows),
                    total=len(rows), best=territory_label(valued[0].key, "departement", page.reference, lang),
                    worst=territory_label(valued[-1].key, "departement", page.reference, lang))
        see = state.replace(region=code, departement=None).href("/territoires", {"indicateur": ind_id,
                                                                              "niveau": "departement"})
        blocks.append(html.Div([html.H3(title), html.P(summary), ranking_table(df, unit, headers, lang, title, {"region": code, "departement": None},
                                                                             gap_unit_of(rows)),
                                html.P(dcc.Link(t("fiche.see_map", lang), href=see))], className="fiche-ranking"))
    if not blocks:
        return None
    return html.Section(blocks, className="page-section fiche-departements", id=ids.FICHE_DEPARTEMENTS)


@view()
def layout(page: PageRequest):
    """The région's indicators, its départements on key indicators, and links back to the map."""
    lang, state = page.lang, page.state
    code = (page.extra.get("region_code") or "").strip()
    if code not in page.reference.regions:
        return unknown_region(code, page)
    if not page.scope.allows_region(code):  # the path names the région: asked of the scope like the URL's
        return [page_header(t("access.denied_title", lang)),
                html.Div(dmc.Alert(t("access.region_denied", lang), color="errorDsfr", variant="light"), role="alert")]
    label = page.reference.label("regions", code, lang)
    month = fmt_month(state.as_of or page.engine.latest_month(), lang)
    here = state.replace(region=code, departement=None)
    links = html.Nav([
        dcc.Link(t("fiche.back_map", lang), href=page.href("/territoires")),
        dcc.Link(t("fiche.departements_map", lang, region=label), href=here.href("/territoires",
                                                                                  {"niveau": "departement"})),
        dcc.Link(t("fiche.national_map", lang), href=state.replace(region=None, departement=None).href(
            "/territoires")),
    ], className="fiche-links", **{"aria-label": t("fiche.back_map", lang)})
    return [page_header(t("fiche.title", lang, region=label), t("fiche.lead", lang, month=month)), links,
            indicators_section(code, label, page), departements_section(code, page)]
