"""The points of a trend sparkline: the last values of a series (drawn by figures/svg_sparkline.py)."""

from __future__ import annotations

SPARK_POINTS = 24


def sparkline_values(series, n: int = SPARK_POINTS) -> list[tuple]:
    """The last `n` points that have a value, as (period, value)."""
    points = [(p.period, p.value) for p in series if p.value is not None]
    return points[-n:]
