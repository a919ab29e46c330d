"""The indicator page's key figures, its series chart (with table twin) and the forecast in words."""

from __future__ import annotations

from dash import html

from dashboard import ids
from dashboard.components.chart import chart_with_table
from dashboard.components.export_menu import table_with_export
from dashboard.components.indicator_common import (
    fmt_axis_value,
    fmt_period,
    fmt_points,
    fmt_value,
    freshness_badge,
    unit_label,
)
from dashboard.components.status import kpi_tile
from dashboard.figures.indicator_chart import forecast_table, indicator_figure, series_table
from dashboard.format import fmt_month, fmt_number
from dashboard.theme import status_style
from indicators import fmt
from indicators.forecast_text import method_words


def _big(value: float | None, unit: str, lang: str, signed: bool = False) -> list:
    """A key figure as its number (large) and its unit's noun (smaller, may wrap to the next line)."""
    number = fmt_axis_value(value, unit, lang)
    if signed and value is not None and value > 0:
        number = "+" + number
    noun = unit_label(unit, lang) if unit not in ("pct", "EUR", "jours") and value is not None else ""
    return [number] + ([" ", html.Span(noun, className="kpi-unit")] if noun else [])


def key_figures(result, page) -> html.Div:
    """The value (with status, target at this date and why), then the final target, the trend, the
    national value of a filtered view and the freshness, as a short description list."""
    ind, lang = result.indicator, page.lang
    cur = result.current
    reason = result.reason_en if lang == "en" else result.reason_fr
    period = fmt_period(cur.period, result.grain, lang) if cur else page.t("tile.no_value")
    value = kpi_tile(page.t("ind.kpi.value", period=period), _big(cur.value if cur else None, ind.unit, lang), lang,
                     status=result.status, detail=page.t("tile.target_now", target=fmt_value(
                         cur.target if cur else None, ind.unit, lang)), note=reason, tile_id=ids.IND_VALUE)
    final = ind.target.final
    final_value = result.milestones[-1].value if result.milestones else final.value
    facts = [(page.t("ind.kpi.final" if ind.target.has_target else "ind.kpi.reference"),
              page.t("ind.kpi.final_value", value=fmt_value(final_value, ind.unit, lang), month=fmt_month(final.date, lang)))]
    if result.trend is not None:
        trend = fmt_points(result.trend, lang) if ind.unit == "pct" else \
            ("+" if result.trend > 0 else "") + fmt_value(result.trend, ind.unit, lang)
        if result.trend_pct is not None and ind.unit != "pct":
            trend += " · " + page.t("ind.kpi.trend_pct", pct=fmt_number(result.trend_pct * 100, lang, "%",
                                                                        signed=True))
        facts.append((page.t("ind.kpi.trend"), trend))
    elif getattr(result, "trend_missing", False):  # the period before is missing: never a change against 0
        facts.append((page.t("ind.kpi.trend"), page.t("ind.kpi.trend_missing")))
    if result.national is not None:
        national = fmt_value(result.national.value, ind.unit, lang)
        if result.gap_points is not None:
            national += " · " + page.t("ind.kpi.gap", gap=fmt.gap(
                result.gap_points if result.gap is None else result.gap, result.gap_unit, lang))
        facts.append((page.t("ind.kpi.national"), national))
    facts.append((page.t("ind.kpi.freshness"), html.Span([
        freshness_badge(result.freshness, lang), " ",
        page.t("ind.kpi.last_period", date=fmt_period(result.freshness.last_period, "month", lang))])))
    dl = html.Dl([part for term, desc in facts for part in (html.Dt(term), html.Dd(desc))], className="key-facts")
    return html.Div([value, dl], className="key-figures")


def chart_summary(result, page) -> str:
    ind, lang, cur = result.indicator, page.lang, result.current
    label = result.label(lang)
    if cur is None:
        return page.t("ind.chart.summary_empty", label=label)
    style = status_style(result.status)
    return page.t("ind.chart.summary", label=label, value=fmt_value(cur.value, ind.unit, lang),
                  period=fmt_period(cur.period, result.grain, lang), status=style.label(lang).lower(),
                  target=fmt_value(cur.target, ind.unit, lang))


def series_chart(result, page):
    df, headers, formats = series_table(result, page.lang)
    return chart_with_table(indicator_figure(result, page.lang), df, chart_summary(result, page), page.lang,
                            title=page.t("ind.chart.title", grain=page.t(f"grain.{result.grain}").lower()),
                            headers=headers, formats=formats, graph_id=ids.IND_CHART)


def _pace(value: float | None, unit: str, lang: str, page) -> str:
    """A monthly change: a rate moves by points (`+1,2 pts par mois`), anything else in its unit."""
    if value is None:
        return "—"
    text = fmt_points(value, lang) if unit == "pct" else fmt_value(value, unit, lang)
    return page.t("ind.forecast.per_month", value=text)


def forecast_panel(result, page) -> html.Section:
    """The forecast sentence, the pace needed vs the pace observed, and the path as a table."""
    ind, lang, fc = result.indicator, page.lang, result.forecast
    if fc is None:
        reason = "ind.forecast.none_past" if result.current and result.current.period_end >= ind.target.final.date \
            else "ind.forecast.none"
        return html.Section([html.H3(page.t("ind.forecast.title")), html.P(page.t(reason))],
                            id=ids.IND_FORECAST, className="forecast-panel")
    df, headers, formats = forecast_table(fc, ind.unit, lang)
    noun = unit_label(ind.unit, lang)
    return html.Section([
        html.H3(page.t("ind.forecast.title")),
        html.P(fc.message_en if lang == "en" else fc.message_fr, className="forecast-message"),
        html.Dl([
            html.Dt(page.t("ind.forecast.needed")), html.Dd(_pace(fc.pace_needed_per_month, ind.unit, lang, page)
                                                           if fc.pace_needed_per_month is not None
                                                           else page.t("ind.forecast.needed_none")),
            *([html.Dt(page.t("ind.forecast.projected")),
               html.Dd(_pace(fc.projected_pace_per_month, ind.unit, lang, page))]
              if getattr(fc, "projected_pace_per_month", None) is not None else []),
            html.Dt(page.t("ind.forecast.recent")), html.Dd(_pace(fc.recent_pace_per_month, ind.unit, lang, page)),
            html.Dt(page.t("ind.forecast.at_target_date", month=fmt_month(fc.target_date, lang))),
            html.Dd(page.t("ind.forecast.interval", value=fmt_value(fc.projected_value, ind.unit, lang),
                           low=fmt_value(fc.low, ind.unit, lang), high=fmt_value(fc.high, ind.unit, lang))),
        ], className="forecast-facts"),
        html.Details([html.Summary(page.t("ind.forecast.see_path")),
                      table_with_export(df, lang, page.t("ind.forecast.caption", unit=noun or ind.unit),
                                        headers=headers, formats=formats)],
                     className="chart-data"),
        html.P(page.t("ind.forecast.method", method=method_words(fc.method, lang == "fr")), className="forecast-method"),
    ], id=ids.IND_FORECAST, className="forecast-panel")
