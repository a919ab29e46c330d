"""Budget figures: consumption against the envelope with the programme calendar, payment lag, money at risk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures.axes import colon, iso, millions_axis
from dashboard.format import fmt_date, fmt_days, fmt_eur, fmt_month, fmt_number
from dashboard.i18n import t
from dashboard.theme import BLEU_FRANCE, ERROR, GREY_MUTED, INFO, ROUGE_MARIANNE, SUCCESS, WARNING

Label = Callable[[str], str]
REASON_COLORS = {"window": ERROR, "target": WARNING, "not_validated": INFO}
DAY_MS = 86_400_000


def calendar_rows(calendar: pd.DataFrame, dispositif_label: Label, lang: str) -> pd.DataFrame:
    """One lane per SONS vague and per usage dispositif; each window keeps its own dates.

    Columns: lane, dispositif_code, funding_window, label, open_date, close_date (lanes in time order)."""
    rows = []
    for r in calendar.itertuples(index=False):
        lane = (t("budget.calendar.sons", lang, vague=r.vague) if r.kind == "equipement"
                else dispositif_label(r.dispositif_code))
        label = dispositif_label(r.dispositif_code)
        if r.funding_window:
            label = f"{label} — {t('budget.calendar.window', lang, n=r.funding_window)}"
        rows.append((lane, r.dispositif_code, int(r.funding_window), label, r.open_date, r.close_date))
    out = pd.DataFrame(rows, columns=["lane", "dispositif_code", "funding_window", "label", "open_date", "close_date"])
    if out.empty:
        return out
    first = out.groupby("lane")["open_date"].min().sort_values(kind="stable")
    out["order"] = out["lane"].map({lane: i for i, lane in enumerate(first.index)})
    return out.sort_values(["order", "funding_window", "open_date"], ignore_index=True).drop(columns="order")


def consumption_figure(series: pd.DataFrame, lanes: pd.DataFrame, lang: str, pnrr_end: date) -> go.Figure:
    """Cumulative committed and paid per month (M€) against the cumulative envelope, and below it the
    programme calendar (one lane per SONS vague / usage dispositif); a red line marks the end of PNRR money."""
    n_lanes = max(lanes["lane"].nunique(), 1) if len(lanes) else 1
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        row_heights=[0.68, 0.32])
    months = [iso(m) for m in series["month"]]
    for col, key, color, dash, shape in (("envelope_cum_eur", "budget.series.envelope", GREY_MUTED, "dash", "hv"),
                                         ("committed_cum_eur", "budget.series.committed", BLEU_FRANCE, None, "linear"),
                                         ("paid_cum_eur", "budget.series.paid", SUCCESS, None, "linear")):
        name = t(key, lang)
        fig.add_trace(go.Scatter(
            x=months, y=series[col] / 1e6, name=name, mode="lines", line=dict(color=color, width=3, dash=dash,
                                                                              shape=shape),
            hovertext=[f"{fmt_month(m, lang)} — {name}{colon(lang)}{fmt_eur(v, lang)}" for m, v in zip(series["month"],
                                                                                         series[col], strict=True)],
            hoverinfo="text"), row=1, col=1)
    windows = lanes[lanes["funding_window"] == 0]
    funding = lanes[lanes["funding_window"] > 0]
    for part, key, color, width in ((windows, "budget.calendar.dispositif_window", BLEU_FRANCE, 0.7),
                                    (funding, "budget.calendar.funding_windows", WARNING, 0.35)):
        if part.empty:
            continue
        fig.add_trace(go.Bar(
            y=part["lane"], base=[iso(d) for d in part["open_date"]],
            x=[(pd.Timestamp(c) - pd.Timestamp(o)).days * DAY_MS for o, c in zip(part["open_date"], part["close_date"],
                                                                               strict=True)],
            orientation="h", width=width, marker=dict(color=color, opacity=0.45 if width > 0.5 else 0.9,
                                                      line=dict(color=color if width > 0.5 else "white", width=1.5)),
            name=t(key, lang), hovertext=[f"{lb}{colon(lang)}{fmt_date(o, lang)} → {fmt_date(c, lang)}" for lb, o, c in zip(
                part["label"], part["open_date"], part["close_date"], strict=True)], hoverinfo="text"),
            row=2, col=1)
    end = iso(pnrr_end)
    fig.add_shape(type="line", xref="x", yref="paper", x0=end, x1=end, y0=0, y1=1,
                  line=dict(color=ROUGE_MARIANNE, width=2, dash="dot"))
    fig.add_annotation(x=end, xref="x", y=1.0, yref="paper", text=t("budget.calendar.pnrr_end", lang),
                       showarrow=False, xanchor="right", yanchor="top", font=dict(color=ROUGE_MARIANNE, size=13),
                       bgcolor="rgba(255,255,255,0.85)")
    fig.update_yaxes(rangemode="tozero", **millions_axis(lang), row=1, col=1)
    fig.update_yaxes(autorange="reversed", showgrid=False, tickfont=dict(size=13), row=2, col=1)
    fig.update_xaxes(type="date", range=[iso(min(lanes["open_date"].min(), series["month"].min()))
                                         if len(lanes) and len(series) else None, "2027-03-01"])
    fig.update_layout(barmode="overlay", height=430 + 26 * n_lanes, hovermode="closest",
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, xanchor="left"),
                      margin=dict(l=12, r=12, t=40, b=12))
    return fig


def lag_figure(lag: pd.DataFrame, dispositif_label: Label, lang: str) -> go.Figure:
    """Days from commitment to balance / lump sum per dispositif: box from the 10th to the 90th
    percentile, quartiles and median (precomputed: no raw points are sent to the browser)."""
    lag = lag.sort_values("median", ascending=True)
    names = [dispositif_label(c) for c in lag["dispositif_code"]]
    hover = [t("budget.lag.hover", lang, name=n, median=fmt_days(r.median, lang), p25=fmt_days(r.p25, lang),
               p75=fmt_days(r.p75, lang), p10=fmt_days(r.p10, lang), p90=fmt_days(r.p90, lang),
               n=fmt_number(r.commitments, lang, decimals=0))
             for n, r in zip(names, lag.itertuples(index=False), strict=True)]
    fig = go.Figure(go.Box(
        y=names, q1=lag["p25"], median=lag["median"], q3=lag["p75"], lowerfence=lag["p10"], upperfence=lag["p90"],
        orientation="h", marker=dict(color=BLEU_FRANCE), line=dict(color=BLEU_FRANCE), fillcolor="#CACAFB",
        name=t("budget.lag.series", lang), hovertext=hover, hoverinfo="text", showlegend=False))
    fig.update_xaxes(title=dict(text=t("budget.lag.axis", lang)), rangemode="tozero")
    fig.update_layout(height=max(260, 40 + 34 * len(lag)), margin=dict(l=12, r=24, t=16, b=12))
    return fig


def risk_figure(risk: pd.DataFrame, category: str, label: Label, lang: str) -> go.Figure:
    """Money at risk per category (région or dispositif), stacked by reason, largest at the top."""
    totals = risk.groupby(category, dropna=False)["at_risk_eur"].sum().sort_values()
    names = [label(c) for c in totals.index]
    fig = go.Figure()
    for reason, color in REASON_COLORS.items():
        part = risk[risk["reason"] == reason].groupby(category, dropna=False)["at_risk_eur"].sum()
        values = [float(part.get(c, 0.0)) for c in totals.index]
        if not any(values):
            continue
        reason_label = t(f"budget.reason.{reason}", lang)
        fig.add_trace(go.Bar(
            y=names, x=[v / 1e6 for v in values], orientation="h", name=reason_label, marker=dict(color=color),
            hovertext=[f"{n} — {reason_label}{colon(lang)}{fmt_eur(v, lang)}" for n, v in zip(names, values, strict=True)],
            hoverinfo="text"))
    fig.update_xaxes(**millions_axis(lang))
    fig.update_layout(barmode="stack", height=max(300, 90 + 28 * len(totals)),
                      legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, xanchor="left", traceorder="normal"),
                      margin=dict(l=12, r=24, t=56, b=12))
    return fig
