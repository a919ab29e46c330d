"""Backtest the forecast: fit on the data up to each cutoff, compare with what followed.

Pure functions. `backtest` gives one row per (cutoff, horizon); `summarise` gives the MAPE and the
80 % interval coverage per horizon, as reported in docs/forecast.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from babel.numbers import format_decimal

from indicators.forecast import KINDS, clean_series, month_end, month_index, project, recent_pace

BASELINES = ("naive_pace", "naive_line")  # "au rythme actuel" (last 6 months) and a 12-month trend line


@dataclass(frozen=True)
class BacktestResult:
    cutoff: date
    horizon_months: int
    month: date  # month-end forecast and observed
    method: str
    actual: float
    predicted: float
    low: float
    high: float
    abs_pct_error: float  # |actual - predicted| / |actual| * 100
    inside: bool  # low <= actual <= high


@dataclass(frozen=True)
class BacktestSummary:
    horizon_months: int
    n: int
    mape: float  # mean absolute percentage error, in %
    coverage: float | None  # share of actuals inside the 80 % interval; None for point-only baselines


def _baseline(kind: str, months: np.ndarray, values: np.ndarray, ahead: int) -> list[tuple[date, float]]:
    last = int(months[-1])
    if kind == "naive_pace":
        slope, start = recent_pace(months, values) or 0.0, values[-1]
    else:
        keep = months > last - 12
        slope, start = np.polyfit(months[keep] - last, values[keep], 1) if keep.sum() > 1 else (0.0, values[-1])
    return [(month_end(last + h), float(start + slope * h)) for h in range(1, ahead + 1)]


def backtest(series: Sequence[tuple[date, float]], cutoffs: Sequence[date], horizons: Sequence[int] = (3, 6, 12),
             kind: str = "auto", stock: bool = False) -> list[BacktestResult]:
    """For each cutoff, forecast from the data observed up to it; score each horizon that has an actual.

    `kind` is a forecast kind ("auto", "logistic", …) or a baseline of BASELINES (point only, no interval).
    Cutoffs with fewer than 6 points before them, and horizons without an observed value, are skipped.
    `stock`: the series is a level (no season is fitted), as the engine says for `last` measures.
    """
    if kind not in KINDS and kind not in BASELINES:
        raise ValueError(f"kind: expected one of {', '.join(KINDS + BASELINES)}, got {kind!r}")
    months, values = clean_series(series)
    observed = dict(zip(months.astype(int).tolist(), values.tolist(), strict=True))
    results = []
    for cutoff in cutoffs:
        keep = months <= month_index(cutoff)
        if keep.sum() < 6:
            continue
        train = [(month_end(m), v) for m, v in zip(months[keep], values[keep], strict=True)]
        last = int(months[keep][-1])
        ahead = max(horizons)
        if kind in BASELINES:
            method = kind
            path = [(d, p, p, p) for d, p in _baseline(kind, months[keep], values[keep], ahead)]
        else:
            method, path = project(train, ahead, kind, stock)
        for h in horizons:
            actual = observed.get(last + h)
            if actual is None or actual == 0 or h > len(path):
                continue
            d, p, lo, hi = path[h - 1]
            results.append(BacktestResult(cutoff, h, d, method, actual, p, lo, hi,
                                          abs(actual - p) / abs(actual) * 100, lo <= actual <= hi))
    return results


def summarise(results: Sequence[BacktestResult]) -> list[BacktestSummary]:
    """MAPE (%) and interval coverage per horizon, shortest horizon first."""
    out = []
    for h in sorted({r.horizon_months for r in results}):
        rows = [r for r in results if r.horizon_months == h]
        point_only = all(r.low == r.predicted == r.high for r in rows)
        out.append(BacktestSummary(h, len(rows), float(np.mean([r.abs_pct_error for r in rows])),
                                   None if point_only else float(np.mean([r.inside for r in rows]))))
    return out


def markdown_table(named: dict[str, Sequence[BacktestSummary]]) -> str:
    """One row per (series or method, horizon), numbers in French: the source of docs/forecast.md §6."""
    def pct(x: float, digits: str) -> str:
        return format_decimal(x, format=digits, locale="fr_FR") + "\u00a0%"

    lines = ["| Série / méthode | Horizon | Prévisions | MAPE | Couverture 80 % |", "|---|---:|---:|---:|---:|"]
    for name, summaries in named.items():
        for s in summaries:
            cov = "—" if s.coverage is None else pct(s.coverage * 100, "0")
            lines.append(f"| {name} | {s.horizon_months} mois | {s.n} | {pct(s.mape, '0.0')} | {cov} |")
    return "\n".join(lines)
