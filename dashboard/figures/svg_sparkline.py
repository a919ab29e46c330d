"""A tiny SVG sparkline for table cells: a line and its last point, no axis, served inline (data: URI).

One small image per row (or per overview tile) instead of a Plotly graph each: a page of twenty indicators
stays light to draw and to redraw on a filter change.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from urllib.parse import quote

from dashboard.theme import BLEU_FRANCE


def sparkline_svg(values: Sequence[float | None], width: int = 120, height: int = 28,
                  color: str = BLEU_FRANCE, stroke_width: float = 1.8, end_radius: float = 2.6) -> str | None:
    """SVG text of the line through `values` (missing ones skipped); None with fewer than two values."""
    points = [(i, float(v)) for i, v in enumerate(values) if v is not None and not math.isnan(v)]
    if len(points) < 2:
        return None
    pad = 3.0
    first, last = points[0][0], points[-1][0]
    low, high = min(v for _, v in points), max(v for _, v in points)
    span_x = (last - first) or 1
    span_y = (high - low) or 1.0

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + (i - first) / span_x * (width - 2 * pad)
        y = height - pad - ((v - low) / span_y if high > low else 0.5) * (height - 2 * pad)
        return round(x, 1), round(y, 1)

    coords = [xy(i, v) for i, v in points]
    path = " ".join(f"{x},{y}" for x, y in coords)
    end_x, end_y = coords[-1]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">'
            f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="{stroke_width:g}" '
            f'stroke-linejoin="round" stroke-linecap="round"/>'
            f'<circle cx="{end_x}" cy="{end_y}" r="{end_radius:g}" fill="{color}"/></svg>')


def svg_data_uri(svg: str) -> str:
    """An `<img src>` for SVG text (nothing to fetch: the image travels with the page)."""
    return "data:image/svg+xml;charset=utf-8," + quote(svg, safe="")
