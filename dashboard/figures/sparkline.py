"""A trend sparkline: a small line with no axes, for indicator tiles.

Returned as a plain Plotly figure dict: the overview draws two dozen of them and a validated
`go.Figure` (with its template deep-copied) costs ~40 ms each, a dict a few microseconds.
"""

from __future__ import annotations

from dashboard.theme import BLEU_FRANCE

SPARK_POINTS = 24


def sparkline_values(series, n: int = SPARK_POINTS) -> list[tuple]:
    """The last `n` points that have a value, as (period, value)."""
    points = [(p.period, p.value) for p in series if p.value is not None]
    return points[-n:]


def sparkline(points: list[tuple], height: int = 44) -> dict:
    """A line (its last point marked) filling its box: no axis, no grid, no hover, no margin."""
    xs = [p.isoformat() if hasattr(p, "isoformat") else p for p, _ in points]
    ys = [float(v) for _, v in points]
    data = [{"type": "scatter", "x": xs, "y": ys, "mode": "lines", "hoverinfo": "skip", "showlegend": False,
             "line": {"color": BLEU_FRANCE, "width": 2.5}}]
    if points:
        data.append({"type": "scatter", "x": xs[-1:], "y": ys[-1:], "mode": "markers", "hoverinfo": "skip",
                     "showlegend": False, "marker": {"color": BLEU_FRANCE, "size": 7}})
    hidden = {"visible": False, "fixedrange": True}
    return {"data": data, "layout": {
        "height": height, "margin": {"l": 2, "r": 6, "t": 4, "b": 4}, "xaxis": hidden, "yaxis": dict(hidden),
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)", "showlegend": False,
    }}
