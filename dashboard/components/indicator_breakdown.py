"""The indicator page's breakdown: a table (value, target, progress, status, gap to the view in points)
and, by région or département, the tile map coloured by progress (with its own table twin)."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import ids
from dashboard.components.chart import chart_with_table
from dashboard.components.export_menu import table_with_export
from dashboard.components.indicator_common import (
    TERRITORY_TABLES,
    dimension_label,
    fmt_axis_value,
    fmt_progress,
    key_label,
    unit_label,
)
from dashboard.components.status import status_badge
from dashboard.components.tilemap import tile_map_caption
from dashboard.figures.indicator_map import progress_map
from dashboard.theme import status_style
from indicators import fmt
from indicators.fmt import gap_unit_label

MISSING_KEYS = {"", "None", "nan", "NaN", "<NA>"}


def row_label(dim: str, row, page) -> str:
    if row.key in MISSING_KEYS:
        return page.t("ind.breakdown.unknown_key")
    return key_label(dim, row.key, row.label, page.reference, page.lang)


def breakdown_frame(rows, dim: str, page) -> pd.DataFrame:
    """One row per key, raw values (for tests and the table twin)."""
    return pd.DataFrame([{
        "key": row_label(dim, r, page), "value": r.value, "target": r.target, "progress": r.progress,
        "status": r.status, "gap": r.gap_points if r.gap is None else r.gap,
    } for r in rows], columns=["key", "value", "target", "progress", "status", "gap"])


def breakdown_table(rows, dim: str, unit: str, page) -> html.Div:
    lang = page.lang
    df = breakdown_frame(rows, dim, page)
    gap_unit = rows[0].gap_unit if rows else "progress_points"
    df["status"] = [status_badge(s, lang) for s in df["status"]]
    noun = unit_label(unit, lang)
    in_unit = (lambda h: f"{h} ({noun})") if noun and unit not in ("pct", "EUR", "jours") else (lambda h: h)  # noqa: E731
    headers = {"key": dimension_label(dim, lang), "value": in_unit(page.t("ind.col.value")),
               "target": in_unit(page.t("ind.col.target")),
               "progress": page.t("ind.col.progress"), "status": page.t("ind.col.status"),
               "gap": page.t("ind.col.gap") + (f" ({gap_unit_label(gap_unit, lang)})"
                                               if gap_unit_label(gap_unit, lang) else "")}
    num = lambda f: (lambda v, lg: f(None if v is None or v != v else float(v), lg))  # noqa: E731
    formats = {"key": "text", "value": num(lambda v, lg: fmt_axis_value(v, unit, lg)),
               "target": num(lambda v, lg: fmt_axis_value(v, unit, lg)), "progress": num(fmt_progress),
               "gap": num(lambda v, lg: fmt.gap(v, gap_unit, lg))}

    caption = page.t("ind.breakdown.caption", dim=dimension_label(dim, lang).lower())
    return table_with_export(df, lang, caption, headers=headers, formats=formats,
                             raw_formats={"progress": "percent", "gap": "number"})


def _summary(rows, dim: str, page) -> str:
    behind = [r for r in rows if r.status == "off_track"]
    worst = min((r for r in rows if r.gap_points is not None), key=lambda r: r.gap_points, default=None)
    text = page.t("ind.breakdown.summary", n=len(rows), dim=dimension_label(dim, page.lang).lower(),
                  off=len(behind))
    if worst is not None and worst.gap_points < 0:
        text += " " + page.t("ind.breakdown.worst", label=row_label(dim, worst, page),
                             gap=fmt.gap(worst.gap_points if worst.gap is None else worst.gap, worst.gap_unit,
                                         page.lang))
    return text


def territory_map(rows, dim: str, page):
    """The tile map of a territory breakdown, with a short table twin (territory, progress, status)."""
    lang = page.lang
    fig = progress_map(rows, dim, lang, page.reference, height=600 if dim == "departement" else 560)
    twin = pd.DataFrame({"key": [row_label(dim, r, page) for r in rows],
                         "progress": [r.progress for r in rows],
                         "status": [f"{status_style(r.status).icon} {status_style(r.status).label(lang)}"
                                    for r in rows]})
    headers = {"key": dimension_label(dim, lang), "progress": page.t("ind.col.progress"),
               "status": page.t("ind.col.status")}
    summary = tile_map_caption(dim, lang) + " " + page.t("ind.map.summary")
    return chart_with_table(fig, twin, summary, lang, title=page.t("ind.map.title"), headers=headers,
                            formats={"progress": lambda v, lg: fmt_progress(None if v != v else v, lg)},
                            graph_id=ids.IND_MAP)


def breakdown_section(result, controls, page) -> html.Section:
    dim = result.breakdown_dim
    title = html.H2(page.t("ind.breakdown.title", dim=dimension_label(dim, page.lang).lower()) if dim
                    else page.t("ind.breakdown.title_none"))
    if not dim or result.breakdown is None:
        return html.Section([title, controls, html.P(page.t("ind.breakdown.unavailable"))],
                            id=ids.IND_BREAKDOWN, className="page-section")
    rows = result.breakdown
    if not rows:
        return html.Section([title, controls, html.P(page.t("ind.breakdown.empty"))],
                            id=ids.IND_BREAKDOWN, className="page-section")
    table = html.Div(breakdown_table(rows, dim, result.indicator.unit, page), className="breakdown-table")
    body = html.Div([territory_map(rows, dim, page), table], className="breakdown-grid") \
        if dim in TERRITORY_TABLES else table
    return html.Section([title, controls, html.P(_summary(rows, dim, page), className="section-lead"), body],
                        id=ids.IND_BREAKDOWN, className="page-section")
