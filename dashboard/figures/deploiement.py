"""Deployment figures: the funnel of one couloir × vague and the orders per month with the SONS deadlines."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.axes import colon, iso
from dashboard.format import fmt_count, fmt_date, fmt_month, fmt_percent
from dashboard.i18n import t
from dashboard.theme import BLEU_FRANCE, GREY_MUTED, SUCCESS, WARNING

Label = Callable[[str], str]
STAGE_COLORS = {"ordered": BLEU_FRANCE, "installed": "#417DC4", "validated": SUCCESS, "in_use": "#00806B"}


def funnel_stages(row: dict, usage_shown: bool) -> pd.DataFrame:
    """The site stages of a funnel row: stage, sites, rate from the previous stage (en usage only when
    it is measured for the whole row)."""
    stages = [("ordered", row["ordered"], None), ("installed", row["installed"], row["install_rate"]),
              ("validated", row["validated"], row["validation_rate"])]
    if usage_shown:
        stages.append(("in_use", row["in_use"], row["usage_rate"]))
    return pd.DataFrame(stages, columns=["stage", "sites", "rate"])


def funnel_figure(stages: pd.DataFrame, lang: str, referenced: str, usage_note: str | None) -> go.Figure:
    """A funnel of sites (commandé → installé → validé → en usage) with the count and the conversion rate
    from the previous stage; the référencé stage (solutions, another unit) and a "non mesuré" note are
    written above and below it."""
    labels = [t(f"deploiement.stage.{s}", lang) for s in stages["stage"]]
    texts = [fmt_count(v, lang, compact=False) + ("" if r is None or r != r else f" ({fmt_percent(r, lang)})")
             for v, r in zip(stages["sites"], stages["rate"], strict=True)]
    fig = go.Figure(go.Funnel(
        y=labels, x=stages["sites"], text=texts, textinfo="text", textposition="inside",
        marker=dict(color=[STAGE_COLORS[s] for s in stages["stage"]]), connector=dict(line=dict(color=GREY_MUTED)),
        hovertext=[f"{lb}{colon(lang)}{tx}" for lb, tx in zip(labels, texts, strict=True)], hoverinfo="text",
        textfont=dict(color="white", size=15)))
    fig.add_annotation(text=referenced, xref="paper", yref="paper", x=0, y=1.0, xanchor="left", yanchor="bottom",
                       showarrow=False, font=dict(size=15))
    if usage_note:
        fig.add_annotation(text=usage_note, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                           showarrow=False, font=dict(size=14, color=WARNING))
    fig.update_layout(height=340, margin=dict(l=12, r=12, t=44, b=44 if usage_note else 12), showlegend=False)
    return fig


def deadline_groups(deadlines: pd.DataFrame, dispositif_label: Label) -> pd.DataFrame:
    """SONS window closing dates in the view, one row per date with the dispositifs that close then."""
    if deadlines.empty:
        return pd.DataFrame(columns=["close_date", "dispositifs"])
    grouped = deadlines.groupby("close_date")["dispositif_code"].apply(
        lambda codes: ", ".join(dispositif_label(c) for c in sorted(codes)))
    return grouped.rename("dispositifs").reset_index().sort_values("close_date", ignore_index=True)


def orders_figure(orders: pd.DataFrame, deadlines: pd.DataFrame, lang: str) -> go.Figure:
    """Orders placed, installed and validated per month, with a dotted line at each SONS window closing
    date (hover: the dispositifs that close)."""
    fig = go.Figure()
    months = [iso(m) for m in orders["month"]]
    for stage in ("ordered", "installed", "validated"):
        name = t(f"deploiement.orders.{stage}", lang)
        fig.add_trace(go.Scatter(
            x=months, y=orders[stage], name=name, mode="lines", line=dict(color=STAGE_COLORS[stage], width=2.5),
            hovertext=[f"{fmt_month(m, lang)} — {name}{colon(lang)}{fmt_count(v, lang, compact=False)}"
                       for m, v in zip(orders["month"], orders[stage], strict=True)], hoverinfo="text"))
    top = float(orders[["ordered", "installed", "validated"]].to_numpy().max()) if len(orders) else 1.0
    if len(deadlines):
        for d in deadlines["close_date"]:
            fig.add_shape(type="line", x0=iso(d), x1=iso(d), xref="x", yref="paper", y0=0, y1=1,
                          line=dict(color=GREY_MUTED, width=1.5, dash="dot"))
        fig.add_trace(go.Scatter(
            x=[iso(d) for d in deadlines["close_date"]], y=[top * 1.04] * len(deadlines), mode="markers",
            marker=dict(symbol="triangle-down", size=12, color=WARNING), name=t("deploiement.orders.deadline", lang),
            hovertext=[t("deploiement.orders.deadline_hover", lang, date=fmt_date(d, lang), dispositifs=names)
                       for d, names in zip(deadlines["close_date"], deadlines["dispositifs"], strict=True)],
            hoverinfo="text"))
    fig.update_yaxes(title=dict(text=t("deploiement.orders.axis", lang)), rangemode="tozero",
                     tickformat=",d")
    fig.update_xaxes(type="date")
    fig.update_layout(height=420, hovermode="closest", margin=dict(l=12, r=12, t=40, b=12))
    return fig
