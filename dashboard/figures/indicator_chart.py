"""An indicator over time: actual values, the target trajectory (dashed), milestones and the forecast band.

Pure: an `indicators.compute.IndicatorResult` in, a Plotly figure (and the same data as a DataFrame,
its table twin) out. Values are scaled for the axis (M€, millions) and every hover text is formatted
by dashboard.format, so a reader never sees a raw float.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard.components.export_menu import grain_kind, unit_kind
from dashboard.components.indicator_common import fmt_axis_value, fmt_period, fmt_progress, fmt_value, unit_label
from dashboard.components.table import export_as
from dashboard.format import fmt_date
from dashboard.i18n import t
from dashboard.theme import BLEU_FRANCE, GREY_MUTED, GREY_TEXT, ROUGE_MARIANNE, WARNING, status_style

BAND_FILL = "rgba(0, 0, 145, 0.14)"
MILESTONE_COLORS = {"reached": "#18753C", "missed": ROUGE_MARIANNE, "due_soon": WARNING, "upcoming": GREY_TEXT}
TRACE_ACTUAL, TRACE_TARGET, TRACE_MILESTONES = "actual", "target", "milestones"
TRACE_BAND_LOW, TRACE_BAND_HIGH, TRACE_FORECAST = "forecast_low", "forecast_band", "forecast"


@dataclass(frozen=True)
class AxisScale:
    divisor: float
    title: str


def axis_scale(unit: str, largest: float, lang: str) -> AxisScale:
    """Plot euros in M€ and large counts in millions: the axis title says which."""
    if unit == "pct":
        return AxisScale(1.0, "%")
    if unit == "EUR":
        return AxisScale(1e6, "M€") if largest >= 1e6 else AxisScale(1.0, "€")
    noun = unit_label(unit, lang)
    if largest >= 1e6:
        return AxisScale(1e6, t("chart.millions_of", lang, unit=noun) if noun else t("chart.millions", lang))
    return AxisScale(1.0, noun or t("chart.count", lang))


def _largest(result) -> float:
    values = [abs(v) for p in result.series for v in (p.value, p.target) if v is not None]
    values += [abs(m.value) for m in result.milestones]
    if result.forecast:
        values += [abs(hi) for _, _, _, hi in forecast_path(result.forecast) if hi is not None]
    return max(values, default=0.0)


def _trajectory(result) -> list[tuple]:
    """(date, target) along the observed periods, then the milestones still ahead (the final target last)."""
    points = [(p.period_end, p.target) for p in result.series if p.target is not None]
    last = points[-1][0] if points else None
    points += [(m.date, m.value) for m in result.milestones if last is None or m.date > last]
    return points


def forecast_path(forecast) -> list[tuple]:
    """The forecast months up to the final target date (the engine looks further to say "not before")."""
    if forecast is None:
        return []
    return [step for step in forecast.path if step[0] <= forecast.target_date]


def indicator_figure(result, lang: str, height: int = 460) -> go.Figure:
    """The series chart of an indicator result (with its forecast when it has one)."""
    ind = result.indicator
    unit = ind.unit
    scale = axis_scale(unit, _largest(result), lang)
    d = scale.divisor
    grain = result.grain
    fig = go.Figure()

    forecast = result.forecast
    observed = [p for p in result.series if p.value is not None]
    path = forecast_path(forecast)
    if path and observed:
        last = observed[-1]
        xs = [last.period_end] + [m for m, _, _, _ in path]
        point = [last.value] + [p for _, p, _, _ in path]
        low = [last.value] + [lo for _, _, lo, _ in path]
        high = [last.value] + [hi for _, _, _, hi in path]
        band_hover = [t("chart.hover.band", lang, month=fmt_date(x, lang), low=fmt_value(lo, unit, lang),
                        high=fmt_value(hi, unit, lang)) for x, lo, hi in zip(xs, low, high, strict=True)]
        fig.add_trace(go.Scatter(x=xs, y=[v / d for v in low], mode="lines", line=dict(width=0), name=TRACE_BAND_LOW,
                                 showlegend=False, hoverinfo="skip", meta=TRACE_BAND_LOW))
        fig.add_trace(go.Scatter(x=xs, y=[v / d for v in high], mode="lines", line=dict(width=0), fill="tonexty",
                                 fillcolor=BAND_FILL, name=t("chart.legend.band", lang), meta=TRACE_BAND_HIGH, legendrank=5,
                                 hovertext=band_hover, hoverinfo="text"))
        fig.add_trace(go.Scatter(
            x=xs, y=[v / d for v in point], mode="lines", line=dict(color=BLEU_FRANCE, width=2, dash="dot"),
            name=t("chart.legend.forecast", lang), meta=TRACE_FORECAST, hoverinfo="text", legendrank=4,
            hovertext=[t("chart.hover.forecast", lang, month=fmt_date(x, lang), value=fmt_value(v, unit, lang))
                       for x, v in zip(xs, point, strict=True)]))

    traj = _trajectory(result)
    if traj:
        fig.add_trace(go.Scatter(
            x=[x for x, _ in traj], y=[v / d for _, v in traj], mode="lines",
            line=dict(color=GREY_MUTED, width=2, dash="dash"), name=t("chart.legend.target", lang), legendrank=2,
            meta=TRACE_TARGET, hoverinfo="text",
            hovertext=[t("chart.hover.target", lang, date=fmt_date(x, lang), value=fmt_value(v, unit, lang))
                       for x, v in traj]))

    fig.add_trace(go.Scatter(
        x=[p.period_end for p in result.series], y=[None if p.value is None else p.value / d for p in result.series],
        mode="lines+markers" if len(observed) <= 24 else "lines", line=dict(color=BLEU_FRANCE, width=3),
        marker=dict(size=7, color=BLEU_FRANCE), name=t("chart.legend.actual", lang), meta=TRACE_ACTUAL, legendrank=1,
        hoverinfo="text", connectgaps=False,
        hovertext=[t("chart.hover.actual", lang, period=fmt_period(p.period, grain, lang),
                     value=fmt_value(p.value, unit, lang), target=fmt_value(p.target, unit, lang),
                     status=f"{status_style(p.status).icon} {status_style(p.status).label(lang)}")
                   for p in result.series]))

    if result.milestones:
        ms = result.milestones
        fig.add_trace(go.Scatter(
            x=[m.date for m in ms], y=[m.value / d for m in ms], mode="markers+text",
            marker=dict(symbol="diamond", size=14, color=[MILESTONE_COLORS.get(m.state, GREY_TEXT) for m in ms],
                        line=dict(color="white", width=1.5)),
            text=[t("chart.milestone_text", lang, value=fmt_axis_value(m.value, unit, lang),
                    month=fmt_period(m.date, "month", lang)) for m in ms],
            textposition=[_label_position(m, i == len(ms) - 1, ind.direction) for i, m in enumerate(ms)], textfont=dict(size=13, color=GREY_TEXT),
            name=t("chart.legend.milestones", lang), meta=TRACE_MILESTONES, hoverinfo="text", legendrank=3,
            hovertext=[t("chart.hover.milestone", lang, label=milestone_label(m, lang), date=fmt_date(m.date, lang),
                         value=fmt_value(m.value, unit, lang), state=t(f"milestone.{m.state}", lang)) for m in ms]))

    fig.update_layout(
        template="segur", height=height, hovermode="closest", margin=dict(l=12, r=24, t=56, b=12),
        yaxis=dict(title=dict(text=scale.title), rangemode="tozero" if unit != "pct" else "normal",
                   tickformat=",.0f" if d == 1 and unit != "pct" else None),
        xaxis=dict(type="date"),
        legend=dict(traceorder="normal"),
    )
    return fig


def _label_position(m, last: bool, direction: str) -> str:
    """Below the marker when the actual line passes above it (and the reverse), so the text stays clear;
    the last milestone's text goes to its left, inside the plot."""
    above = m.actual is not None and (m.actual > m.value)
    vertical = "bottom" if above else "top"
    return f"{vertical} {'left' if last else 'center'}"


def milestone_label(m, lang: str) -> str:
    label = m.label_en if lang == "en" else m.label_fr
    return label or t("chart.legend.milestones", lang)


def series_table(result, lang: str) -> tuple[pd.DataFrame, dict, dict]:
    """The chart's twin: one row per period (value, target at that date, progress, status).

    Returns the frame (raw values), the column headers and the formatters, for `chart_with_table`.
    """
    unit, grain = result.indicator.unit, result.grain
    df = pd.DataFrame({
        "period": [p.period for p in result.series],
        "value": [p.value for p in result.series],
        "target": [p.target for p in result.series],
        "progress": [p.progress for p in result.series],
        "status": [p.status for p in result.series],
    }, columns=["period", "value", "target", "progress", "status"])
    if any(getattr(p, "carried", False) for p in result.series):  # a stock carried forward is said so
        df["note"] = ["carried" if getattr(p, "carried", False) else "" for p in result.series]
    headers = {k: t(f"ind.col.{k}", lang) for k in df.columns}
    # Each formatter is tagged with how the "Exporter" menu writes its column: periods as dates, values in the
    # unit's number format, progress as a percentage, the status in words (not its code).
    largest = max((abs(v) for v in df["value"].tolist() + df["target"].tolist() if v is not None and v == v),
                  default=None)
    value_kind = unit_kind(largest, unit)
    formats = {
        "note": lambda v, lg: t("ind.note.carried", lg) if v == "carried" else "",
        "period": export_as(grain_kind(grain), lambda v, lg: fmt_period(v, grain, lg)),
        "value": export_as(value_kind, lambda v, lg: fmt_value(_num(v), unit, lg)),
        "target": export_as(value_kind, lambda v, lg: fmt_value(_num(v), unit, lg)),
        "progress": export_as("percent", lambda v, lg: fmt_progress(_num(v), lg)),
        "status": export_as("status", lambda v, lg: f"{status_style(v).icon} {status_style(v).label(lg)}"),
    }
    return df, headers, formats


def forecast_table(forecast, unit: str, lang: str) -> tuple[pd.DataFrame, dict, dict]:
    """The forecast path as a table: month, point forecast, 80 % interval."""
    df = pd.DataFrame(forecast_path(forecast), columns=["month", "point", "low", "high"])
    headers = {k: t(f"ind.forecast.col.{k}", lang) for k in df.columns}
    largest = max((abs(v) for v in df[["point", "low", "high"]].to_numpy().ravel().tolist() if v == v), default=None)
    value = export_as(unit_kind(largest, unit), lambda v, lg: fmt_value(_num(v), unit, lg))
    return df, headers, {"month": "month", "point": value, "low": value, "high": value}


def _num(v) -> float | None:
    return None if v is None or v != v else float(v)
