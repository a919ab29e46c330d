"""Time axis of the demo data: months since 2021-01, days since 1970-01-01, anchors and seasonality."""

from __future__ import annotations

import os
from datetime import date

import numpy as np

FIRST_YEAR = 2021
EPOCH = date(1970, 1, 1)

# Month-of-year activity factor (janv. … déc.): short February, May bridges, the August dip, the autumn peak.
SEASON = np.array([1.00, 0.96, 1.04, 0.99, 0.95, 1.00, 0.95, 0.80, 1.01, 1.05, 0.99, 0.95])


def resolve_today(today: date | None) -> date:
    """`today` if given, else SEGUR_TODAY (YYYY-MM-DD) if set, else the real date."""
    if today is not None:
        return today
    env = os.environ.get("SEGUR_TODAY", "").strip()
    return date.fromisoformat(env) if env else date.today()


def month_index(ym: str) -> int:
    """'2024-12' → months since 2021-01."""
    year, month = ym.split("-")
    return (int(year) - FIRST_YEAR) * 12 + int(month) - 1


def n_months(today: date) -> int:
    """Months from 2021-01 to the last complete month before `today`."""
    return (today.year - FIRST_YEAR) * 12 + today.month - 1


def month_year(m: np.ndarray | int) -> np.ndarray | int:
    return FIRST_YEAR + np.asarray(m) // 12


def day(d: date | str) -> int:
    """A date as days since epoch."""
    if isinstance(d, str):
        d = date.fromisoformat(d)
    return (d - EPOCH).days


def day_to_month(days: np.ndarray) -> np.ndarray:
    """Days since epoch → month index since 2021-01."""
    return np.asarray(days).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) - (FIRST_YEAR - 1970) * 12


def anchored(anchors: list[tuple[str, float]], months: int) -> np.ndarray:
    """Piecewise-linear series through (YYYY-MM, value) anchors, flat before the first and after the last."""
    x = np.array([month_index(a) for a, _ in anchors], dtype=np.float64)
    y = np.array([v for _, v in anchors], dtype=np.float64)
    return np.interp(np.arange(months, dtype=np.float64), x, y)


def seasonal(months: int, factors: np.ndarray = SEASON) -> np.ndarray:
    return factors[np.arange(months) % 12]
