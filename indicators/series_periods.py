"""The periods of an indicator's series: quarterly and yearly values from monthly ones, the current and the
previous period. A missing period is never read as a zero nor skipped over: a quarter with a missing month is
missing, and a change « sur une période » is only taken against the period just before."""

from __future__ import annotations

import pandas as pd

from indicators.types import Point


def resample(s: pd.Series | pd.DataFrame, grain: str, flow: bool) -> pd.Series | pd.DataFrame:
    """Quarterly or yearly values: the sum of a flow's months, the last value of a stock. A flow's period with
    a missing month inside the data (after the column's first value, up to the data's last month) is missing,
    not the sum of the months left."""
    if grain == "month" or s.empty:
        return s
    rule = {"quarter": "QS", "year": "YS"}[grain]
    if not flow:
        return s.resample(rule).last()
    sums = s.resample(rule).sum(min_count=1)
    end = s.last_valid_index()  # the data's last month (every column: months after it are not yet known)
    if end is None:
        return sums
    started = s.notna().cummax()
    hole = s.isna() & started & (s.index <= end) if isinstance(s, pd.Series) else \
        s.isna() & started & (s.index <= end)[:, None]
    return sums.mask(hole.resample(rule).sum() > 0)


def last_valid(points: list[Point]) -> Point | None:
    for p in reversed(points):
        if p.value is not None:
            return p
    return None


def previous_point(points: list[Point], current: Point | None) -> Point | None:
    """The period just before `current`, when it has a value: a change « sur une période » is never taken
    against an older period over a missing one (`_hole_before` says when that is why there is none)."""
    if current is None:
        return None
    before = [p for p in points if p.period < current.period]
    return before[-1] if before and before[-1].value is not None else None


def hole_before(points: list[Point], current: Point | None) -> bool:
    """The period before `current` is missing while an earlier one has a value: « donnée manquante »."""
    if current is None or current.value is None or previous_point(points, current) is not None:
        return False
    return any(p.value is not None for p in points if p.period < current.period)
