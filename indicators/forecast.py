"""Project an indicator's monthly series towards its target, the model chosen by backtest on the series itself.

Pure functions, no database access. The candidates (indicators/forecast_models.py) are three baselines —
the recent pace over 6 and 12 months and a damped trend — and two S-curves that replace them only when
they beat them. The 80 % interval comes from the chosen model's own rolling-origin errors at each horizon.
The method, its assumptions and its measured errors are in docs/forecast.md; keep the two in step.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from indicators import forecast_models as fm
from indicators.forecast_choice import (
    MIN_TRAIN,
    ORIGIN_STEP,
    SCURVE_ORIGINS,
    challenger_errors,
    choose,
    errors,
    half_width,
    scale,
    score,
)
from indicators.forecast_text import Story, insufficient_messages, message

MIN_POINTS = 6
KINDS = ("auto", *fm.MODELS)

Path = list[tuple[date, float, float, float]]


@dataclass(frozen=True)
class Candidate:
    """A model compared in the backtest: its mean absolute error (in % of the level at each origin)."""
    name: str
    error_pct: float | None  # None: it could not be fitted on this series
    forecasts: int  # held-out (origin, month) pairs scored
    chosen: bool
    baseline_error_pct: float | None = None  # an S-curve's: the best baseline's error at the same origins


@dataclass(frozen=True)
class Forecast:
    method: str  # "insufficient_data", or the chosen model (drift6, drift12, damped, logistic, gompertz),
    # then "+seasonal" when a 12-month season was taken out
    target_date: date
    target_value: float
    projected_value: float | None  # point forecast at target_date
    low: float | None  # 80 % interval at target_date
    high: float | None
    reaches_target_on: date | None  # reached by the deadline: first month of the run that holds to it;
    # otherwise the first later month the path reaches the target, or None
    not_before: date | None  # not reached within the horizon: the horizon end ("pas avant …")
    pace_needed_per_month: float | None  # (target - last value) / months left
    recent_pace_per_month: float | None  # mean monthly change over the last 6 observed months
    path: Path  # (month_end, point, low, high) from the month after the last observation onwards
    message_fr: str
    message_en: str
    reached: bool | None = None  # the target is met at the deadline (projected, or already observed)
    projected_pace_per_month: float | None = None  # (projected value - last value) / months left
    never_at_this_pace: bool = False  # the path does not move towards the target at all
    candidates: tuple[Candidate, ...] = ()
    observed_months: int = 0
    interpolated_months: int = 0  # months between published points, interpolated for the models only
    warnings: tuple[str, ...] = field(default_factory=tuple)  # "sparse": published points at spaced dates


# -- months -------------------------------------------------------------------------------------------------


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def month_end(m: int) -> date:
    """The last day of month index m (year * 12 + month - 1)."""
    y, mo = divmod(int(m), 12)
    return date(y, mo + 1, calendar.monthrange(y, mo + 1)[1])


def clean_series(series: Sequence[tuple[date, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Month indices and values, one per month (the last wins), finite values only, ascending."""
    by_month: dict[int, float] = {}
    for d, v in series:
        try:
            fv = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(fv):
            by_month[month_index(d)] = fv
    months = sorted(by_month)
    return np.array(months, dtype=float), np.array([by_month[m] for m in months], dtype=float)


def _orientation(values: np.ndarray) -> float:
    """+1 or -1 so that sign * values is "mostly positive"; exactly odd under negation of the series."""
    total = math.fsum(values)
    if total:
        return 1.0 if total > 0 else -1.0
    nonzero = values[values != 0]
    return -1.0 if nonzero.size and nonzero[0] < 0 else 1.0


def recent_pace(months: np.ndarray, values: np.ndarray, window: int = 6) -> float | None:
    """Mean monthly change over the last `window` months, the value `window` months back interpolated between
    published points as the models see it (over the whole series if it is shorter)."""
    if len(values) < 2:
        return None
    span = min(window, months[-1] - months[0])
    return float((values[-1] - np.interp(months[-1] - span, months, values)) / span)


@dataclass(frozen=True)
class _Model:
    method: str
    sign: float
    last: int
    anchor: float  # canonical (deseasonalised) last value
    step: fm.Step
    factors: np.ndarray | None
    pairs: np.ndarray
    scale: float
    nonneg: bool
    floor: float | None  # a series that never went down is not projected below its last value
    candidates: tuple[Candidate, ...]
    observed: int
    interpolated: int

    def band(self, months: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Point, low, high in the caller's units for future month indices; low <= point <= high."""
        h = months - self.last
        with np.errstate(all="ignore"):
            point = self.anchor + self.step(h)
            half = half_width(self.pairs, h) * self.scale
            low, high = point - half, point + half
            if self.factors is not None:
                season = self.factors[months.astype(int) % 12]
                point, low, high = point * season, low * season, high * season
            big = np.finfo(float).max / 4
            point, low, high = (np.nan_to_num(a, nan=self.anchor, posinf=big, neginf=-big) for a in (point, low, high))
            low, high = np.minimum(low, point), np.maximum(high, point)
        if self.nonneg:
            point, low, high = np.maximum(point, 0.0), np.maximum(low, 0.0), np.maximum(high, 0.0)
        if self.floor is not None:
            point, low, high = np.maximum(point, self.floor), np.maximum(low, self.floor), np.maximum(high, self.floor)
        if self.sign < 0:
            return -point + 0.0, -high + 0.0, -low + 0.0
        return point, low, high


def _fit_model(months: np.ndarray, values: np.ndarray, kind: str, stock: bool) -> _Model:
    sign = _orientation(values)
    first, last = int(months[0]), int(months[-1])
    grid = np.arange(first, last + 1)
    observed = (months - first).astype(int)
    y = np.interp(grid, months, values * sign + 0.0)
    complete = observed.size == grid.size
    factors = None if stock or not complete else fm.seasonal_factors(grid, y)
    if factors is not None:
        y = y / factors[grid % 12]
    kinds = fm.MODELS if kind == "auto" else (kind,)
    damped = fm.damped_parameters(y) if "damped" in kinds else None
    origins = [int(o) for o in observed if MIN_TRAIN - 1 <= o < grid.size - 1]
    scored = {k: errors(k, y, observed, origins, damped) for k in kinds if k in fm.BASELINES}
    leader = choose(scored, "auto") if scored else None
    for k in (k for k in kinds if k in fm.ACCELERATING):
        mine = [o for o in origins[::-1][::ORIGIN_STEP] if o + 1 >= fm.SCURVE_MIN_POINTS][:SCURVE_ORIGINS]
        scored[k] = (challenger_errors(k, y, observed, mine, damped, scored[leader]) if leader else
                     errors(k, y, observed, mine, damped))
    chosen = choose(scored, kind)
    step = fm.fitter(chosen, y, damped)
    if step is None:  # a forced model that cannot be fitted: the recent pace, and `method` says so
        chosen, step = "drift6", fm.drift(y, 6)
        scored.setdefault("drift6", errors("drift6", y, observed, origins, None))
    best = min((k for k in scored if k in fm.BASELINES and score(scored[k]) is not None),
               key=lambda k: score(scored[k]), default=None)

    def pct(x: float | None) -> float | None:
        return None if x is None else x * 100

    candidates = tuple(Candidate(k, pct(score(p)), len(p), k == chosen,
                                 pct(score(scored[best], p[:, 0])) if k in fm.ACCELERATING and best and len(p) else None)
                       for k, p in scored.items())
    method = chosen + ("+seasonal" if factors is not None else "")
    return _Model(method, sign, last, float(y[-1]), step, factors, scored[chosen], scale(y),
                  bool((values * sign >= 0).all()), _floor(values * sign), candidates, int(observed.size), int(grid.size - observed.size))


def _floor(y: np.ndarray) -> float | None:
    """The last value of a series that never went down (a stock of profiles, a cumulated count), else None."""
    return float(y[-1]) if y.size > 1 and (np.diff(y) >= 0).all() and y[-1] > y[0] else None


def project(series: Sequence[tuple[date, float]], months_ahead: int, kind: str = "auto",
            stock: bool = False) -> tuple[str, Path]:
    """Method and (month_end, point, low, high) for the months_ahead months after the last observation."""
    if kind not in KINDS:
        raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    months, values = clean_series(series)
    if len(values) < MIN_POINTS:
        return "insufficient_data", []
    model = _fit_model(months, values, kind, stock)
    ahead = np.arange(model.last + 1, model.last + max(months_ahead, 0) + 1, dtype=float)
    return model.method, _path(ahead, *model.band(ahead))


def _path(months: np.ndarray, point: np.ndarray, low: np.ndarray, high: np.ndarray) -> Path:
    return [(month_end(m), float(p), float(lo), float(hi)) for m, p, lo, hi in zip(months, point, low, high, strict=True)]


# -- the forecast towards a target --------------------------------------------------------------------------


def meets(value: float | np.ndarray, target: float, direction: str) -> bool | np.ndarray:
    """At or beyond the target in the indicator's direction, give or take float rounding (1e-9 relative)."""
    slack = 1e-9 * abs(target)
    return value >= target - slack if direction == "up" else value <= target + slack


def forecast(series: list[tuple[date, float]], target_value: float, target_date: date, direction: str = "up",
             horizon_months: int = 60, kind: str = "auto", unit: str = "", stock: bool = False) -> Forecast:
    """Project `series` (monthly, ascending, gaps allowed) and say whether and when it reaches `target_value`.

    `stock`: the series is a level published at its dates (no season is fitted on it). Never raises on odd
    data (too short, constant, zeros, NaN): it says so in `method` and the messages. Raises ValueError only
    on a bad `direction` or `kind`, which are programming errors.
    """
    if direction not in ("up", "down"):
        raise ValueError(f"direction: expected 'up' or 'down', got {direction!r}")
    if kind not in KINDS:
        raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    target = float(target_value)
    months, values = clean_series(series)
    if len(values) < MIN_POINTS:
        fr, en = insufficient_messages(months, values, target, MIN_POINTS)
        return Forecast("insufficient_data", target_date, target, None, None, None, None, None, None, None, [], fr, en,
                        observed_months=len(values))

    model = _fit_model(months, values, kind, stock)
    last, last_value = model.last, float(values[-1])
    target_month = month_index(target_date)
    search_end = max(last + max(1, int(horizon_months)), target_month)
    ahead = np.arange(last + 1, search_end + 1, dtype=float)
    point, low, high = model.band(ahead)
    hit = meets(point, target, direction)
    toward = 1.0 if direction == "up" else -1.0

    reached_on = not_before = None
    never = False
    already = bool(meets(last_value, target, direction))
    if already:
        run = len(values) - 1
        while run > 0 and meets(values[run - 1], target, direction):
            run -= 1
        reached_on, path_end = month_end(months[run]), max(target_month, last + 1)
    else:
        due = target_month - last - 1  # index of the deadline in `ahead` (negative: deadline passed)
        holds = due >= 0 and hit[due]
        if holds:  # the first month of the run that holds up to the deadline
            start = due
            while start > 0 and hit[start - 1]:
                start -= 1
            reached_on = month_end(ahead[start])
        else:
            later = np.flatnonzero(hit[max(due + 1, 0):]) + max(due + 1, 0)
            if later.size:
                reached_on = month_end(ahead[later[0]])
            else:
                not_before = month_end(search_end)
                never = bool(toward * (point[-1] - last_value) <= 0)
        path_end = max(target_month, month_index(reached_on) if reached_on else search_end)
    keep = ahead <= path_end
    path = _path(ahead[keep], point[keep], low[keep], high[keep])

    pace_needed = projected_pace = None
    if target_month > last:
        i = target_month - last - 1
        projected, lo, hi = float(point[i]), float(low[i]), float(high[i])
        reached = already or bool(hit[i])
        if not already:
            pace_needed = (target - last_value) / (target_month - last)
            projected_pace = (projected - last_value) / (target_month - last)
    else:
        past = np.flatnonzero(months <= target_month)
        projected = lo = hi = float(values[past[-1]]) if past.size else None
        reached = already
    story = Story(target, target_date, target_month, last, last_value, projected, lo, hi, reached, reached_on,
                  not_before, never, already, pace_needed, projected_pace, recent_pace(months, values),
                  model.method, model.observed, model.interpolated, unit)
    return Forecast(model.method, target_date, target, projected, lo, hi, reached_on, not_before, pace_needed,
                    story.pace, path, message(story, "fr_FR"), message(story, "en_GB"), reached, projected_pace,
                    never, model.candidates, model.observed, model.interpolated,
                    ("sparse",) if story.sparse else ())
