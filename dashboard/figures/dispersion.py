"""How far apart the territories are: summary statistics and a small box plot with every territory as a dot.

Quartiles are linear interpolations between order statistics (numpy's default, as in a spreadsheet's
QUARTILE.INC); the standard deviation is the population one (every territory is there, not a sample).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from dashboard.theme import BLEU_FRANCE, GREY_MUTED, status_style


@dataclass(frozen=True)
class Point:
    """One territory on the strip: its name, the number measured, its status."""

    label: str
    value: float | None
    status: str


@dataclass(frozen=True)
class Dispersion:
    n: int  # territories with a value
    minimum: float | None
    q1: float | None
    median: float | None
    q3: float | None
    maximum: float | None
    std: float | None
    ratio: float | None  # best / worst, in the indicator's direction; None when the worst is 0 or signs differ
    off_track: int  # territories off track (with or without a value)
    total: int  # territories in the view
    best: str | None
    worst: str | None


def dispersion(points: Sequence[Point], direction: str = "up") -> Dispersion:
    """Statistics of the values of `points` (missing values are left out; statuses all count)."""
    valued = [p for p in points if p.value is not None and not math.isnan(p.value)]
    off = sum(1 for p in points if p.status == "off_track")
    if not valued:
        return Dispersion(0, None, None, None, None, None, None, None, off, len(points), None, None)
    values = np.array([p.value for p in valued], dtype=float)
    q1, median, q3 = (float(q) for q in np.percentile(values, [25, 50, 75]))
    up = direction != "down"
    best = max(valued, key=lambda p: p.value) if up else min(valued, key=lambda p: p.value)
    worst = min(valued, key=lambda p: p.value) if up else max(valued, key=lambda p: p.value)
    ratio = None
    if worst.value and (best.value or 0) * worst.value > 0:
        ratio = best.value / worst.value
    return Dispersion(len(valued), float(values.min()), q1, median, q3, float(values.max()),
                      float(values.std(ddof=0)), ratio, off, len(points), best.label, worst.label)


def _jitter(i: int) -> float:
    """A fixed spread of the dots around the axis (reproducible, unlike random jitter)."""
    return ((i * 7) % 11 - 5) / 22


def dispersion_figure(points: Sequence[Point], stats: Dispersion, fmt: Callable[[float], str],
                      lang: str | None = "fr", *, axis_title: str = "", tickformat: str | None = None,
                      height: int = 220) -> go.Figure:
    """A horizontal box (quartiles of `stats`, whiskers to the extremes) and one dot per territory, coloured
    by status. The box is drawn from `stats`, so it shows exactly the figures of the table next to it.

    `fmt` formats a value for the hover; the status is written in the hover too (colour is not the only cue).
    """
    valued = [p for p in points if p.value is not None and not math.isnan(p.value)]
    xs = [float(p.value) for p in valued]  # type: ignore[arg-type]
    styles = [status_style(p.status) for p in valued]
    fig = go.Figure()
    if stats.n:
        fig.add_trace(go.Box(y=[0], q1=[stats.q1], median=[stats.median], q3=[stats.q3],
                             lowerfence=[stats.minimum], upperfence=[stats.maximum], orientation="h",
                             whiskerwidth=0.6, fillcolor="rgba(0,0,145,0.08)", line=dict(color=BLEU_FRANCE, width=1.5),
                             hoverinfo="skip", showlegend=False, width=0.7))
    fig.add_trace(go.Scatter(
        x=xs, y=[_jitter(i) for i in range(len(valued))], mode="markers", hoverinfo="text", showlegend=False,
        marker=dict(size=9, color=[s.color for s in styles], line=dict(color=GREY_MUTED, width=0.5)),
        hovertext=[f"<b>{p.label}</b><br>{fmt(p.value)}<br>{s.icon} {s.label(lang)}"  # type: ignore[arg-type]
                   for p, s in zip(valued, styles, strict=True)],
    ))
    fig.update_layout(
        template="segur", height=height, margin=dict(l=12, r=12, t=8, b=40), showlegend=False, dragmode=False,
        xaxis=dict(title=dict(text=axis_title), tickformat=tickformat, zeroline=False, fixedrange=True),
        yaxis=dict(visible=False, range=[-0.6, 0.6], fixedrange=True),
    )
    return fig
