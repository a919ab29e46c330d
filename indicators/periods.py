"""Months and the values of a monthly series: the small helpers the engine, its results and the budget views share."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd


def month_start(d: date) -> date:
    return date(d.year, d.month, 1)


def month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def parse_month(text: str | date | None) -> date | None:
    if text is None or isinstance(text, date):
        return month_start(text) if text else None
    y, m = text.split("-")[:2]
    return date(int(y), int(m), 1)


def series_total(frame: pd.DataFrame) -> pd.Series:
    if frame.empty or "_total" not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return frame["_total"].astype(float)


def as_float(x) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f
