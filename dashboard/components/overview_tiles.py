"""The overview's objective cards and indicator tiles (pure builders over OverviewData)."""

from __future__ import annotations

import dash_mantine_components as dmc
from dash import html

from dashboard import ids
from dashboard.components.indicator_common import (
    fmt_period,
    fmt_progress,
    fmt_value,
    freshness_badge,
    progress_bar,
    unavailable_detail,
)
from dashboard.components.meteo import meteo_block
from dashboard.components.overview_data import OverviewData
from dashboard.components.status import status_badge
from dashboard.figures.sparkline import sparkline_values
from dashboard.figures.svg_sparkline import sparkline_svg, svg_data_uri
from dashboard.format import fmt_number
from dashboard.theme import STATUSES

SPARK_SIZE = (130, 44)  # px: the tile's trend box


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def objective_anchor(objective_id: str) -> str:
    return f"objectif-{objective_id.lower()}"


def _counts(obj, data: OverviewData, page) -> str:
    """`3 en bonne voie, 1 en retard, 2 non disponibles pour ce filtre`: indicators the view cannot show are
    not "no data" (the roll-up counts them so), they are named as such."""
    counts = dict(obj.counts)
    unavailable = sum(1 for i in obj.weights if not data.available(i))
    counts["no_data"] = counts.get("no_data", 0) - unavailable
    parts = [page.t("objectives.count", n=fmt_number(counts[k], page.lang, decimals=0),
                    status=STATUSES[k].label(page.lang).lower()) for k in STATUSES if counts.get(k, 0) > 0]
    if unavailable:
        parts.append(page.t("objectives.count_na", n=fmt_number(unavailable, page.lang, decimals=0)))
    return ", ".join(parts)


def objective_card(obj, data: OverviewData, page) -> html.Article:
    label = obj.label_en if page.lang == "en" else obj.label_fr
    return html.Article([
        html.H3(html.A(label, href=f"#{objective_anchor(obj.id)}", className="objective-link"),
                className="objective-title"),
        progress_bar(obj.progress, None, obj.status, page.lang, page.t("objectives.progress_label", label=label)),
        html.Div(status_badge(obj.status, page.lang), className="objective-status"),
        meteo_block(page, "objective", obj.id),  # comité : the météo beside the computed status (components/meteo.py)
        html.P(_counts(obj, data, page), className="objective-counts"),
    ], className=f"objective-card status-border-{obj.status}", **{"data-objective": obj.id})


def objectives_section(data: OverviewData, page) -> html.Section:
    return html.Section([
        html.H2(page.t("objectives.title")),
        html.P(page.t("objectives.lead"), className="section-lead"),
        html.Div([objective_card(o, data, page) for o in data.objectives], className="objective-grid"),
    ], id=ids.OVERVIEW_OBJECTIVES, className="page-section")


def _spark(result, page) -> html.Img | None:
    """The trend as a small SVG image travelling with the page: a filter change redraws two dozen tiles, and a
    Plotly graph per tile cost the browser ~20 ms each (docs/performance.md)."""
    points = sparkline_values(result.series)
    if len(points) < 2:
        return None
    unit = result.indicator.unit
    label = page.t("tile.spark_label", n=len(points), first=fmt_period(points[0][0], result.grain, page.lang),
                   last=fmt_period(points[-1][0], result.grain, page.lang),
                   start=fmt_value(points[0][1], unit, page.lang), end=fmt_value(points[-1][1], unit, page.lang))
    svg = sparkline_svg([v for _, v in points], *SPARK_SIZE, stroke_width=2.5, end_radius=3.5)
    width, height = SPARK_SIZE
    return html.Img(src=svg_data_uri(svg), alt=label, width=width, height=height, className="tile-spark")


def indicator_tile(ind, result, av, page) -> html.Article:
    """One indicator: value and period, target at this date, progress, status, trend, freshness; links to its page."""
    lang = page.lang
    label = ind.label.en if lang == "en" else ind.label.fr
    head = [html.P(ind.id, className="tile-id"),
            html.H4(dmc.Anchor(label, href=page.href(f"/indicateurs/{ind.id}"), className="tile-link",
                               underline="hover"), className="tile-title")]
    if not av.available or result is None:
        body = [html.P(page.t("ind.na.short"), className="tile-value tile-na"),
                html.P(_sentence(unavailable_detail(av, lang)), className="tile-detail")]
        return html.Article(head + body, className="indicator-tile tile-unavailable", **{"data-indicator": ind.id})
    cur = result.current
    body = [
        html.P([html.Span(fmt_value(cur.value if cur else None, ind.unit, lang), className="tile-value"),
                html.Span(fmt_period(cur.period, result.grain, lang) if cur else page.t("tile.no_value"),
                          className="tile-period")], className="tile-figure"),
        html.P(page.t("tile.target_now", target=fmt_value(cur.target if cur else None, ind.unit, lang)),
               className="tile-detail"),
        progress_bar(cur.progress if cur else None, cur.expected if cur else None, result.status, lang,
                     page.t("tile.progress_label", label=label,
                            pct=fmt_progress(cur.progress if cur else None, lang))),
        html.Div([status_badge(result.status, lang), _spark(result, page)], className="tile-status-row"),
        html.Div(freshness_badge(result.freshness, lang), className="tile-fresh"),
    ]
    return html.Article(head + body, className=f"indicator-tile status-border-{result.status}",
                        **{"data-indicator": ind.id, "data-status": result.status})


def tiles_section(data: OverviewData, catalogue, page) -> html.Section:
    """Tiles grouped by objective (in catalogue order); indicators outside every objective come last."""
    groups, seen = [], set()
    for obj in catalogue.objectives:
        inds = [i for i in catalogue.indicators if i.id in obj.weights]
        seen.update(i.id for i in inds)
        label = obj.label.en if page.lang == "en" else obj.label.fr
        groups.append((objective_anchor(obj.id), label, inds))
    rest = [i for i in catalogue.indicators if i.id not in seen]
    if rest:
        groups.append(("objectif-autres", page.t("tiles.others"), rest))
    sections = [html.Section([
        html.H3(label, className="tile-group-title"),
        html.Div([indicator_tile(i, data.results.get(i.id), data.availability[i.id], page) for i in inds],
                 className="tile-grid"),
    ], id=anchor, className="tile-group") for anchor, label, inds in groups]
    return html.Section([html.H2(page.t("tiles.title")), *sections], id=ids.OVERVIEW_TILES,
                        className="page-section")
