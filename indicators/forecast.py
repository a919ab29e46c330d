"""Project an indicator's monthly series towards its target: S-curve or trend, with an 80 % interval.

Pure functions, no database access. The method, its assumptions and its measured errors are in
docs/forecast.md; keep the two in step.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_scientific

MIN_POINTS = 6
TREND_KINDS = ("logistic", "gompertz", "linear", "damped")
KINDS = ("auto", *TREND_KINDS)
LINEAR_WINDOW = 12  # months used by the local linear trend
SCURVE_MIN_POINTS = 8  # positive points needed to fit a 3-parameter S-curve
SCURVE_MIN_HISTORY = 18  # in "auto", S-curves compete only if every hold-out fit has 18 months or more
SATURATION_CAP = 20.0  # the S-curve ceiling is searched between 1.005× and 20× the largest value
HOLDOUT_MAX = 12  # months held out to choose the model and measure out-of-sample errors
ORIGIN_STEP = 3  # months between two forecast origins inside the hold-out
MAX_ERROR = 1e6  # scaled errors are capped (a miss of a million times the level) to keep squares finite
WEIGHT_POWER = 2  # models are averaged with weights 1 / (hold-out error) ** WEIGHT_POWER
# 90th percentile of Student's t by degrees of freedom (= number of hold-out origins): the spread is
# estimated from a handful of forecast trajectories, so the normal quantile would be overconfident.
T90 = {1: 3.078, 2: 1.886, 3: 1.638, 4: 1.533, 5: 1.476, 6: 1.440, 7: 1.415, 8: 1.397}

Path = list[tuple[date, float, float, float]]
Predictor = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Forecast:
    method: str  # "insufficient_data", or the averaged models joined by "+" (logistic, gompertz, linear,
    # damped), then "+seasonal" when a 12-month season was taken out: e.g. "linear+damped+seasonal"
    target_date: date
    target_value: float
    projected_value: float | None  # point forecast at target_date
    low: float | None  # 80 % interval at target_date
    high: float | None
    reaches_target_on: date | None  # first month-end the point forecast reaches the target (direction-aware)
    not_before: date | None  # when not reached within the horizon: the horizon end ("pas avant …")
    pace_needed_per_month: float | None  # (target - last value) / months left
    recent_pace_per_month: float | None  # mean monthly change over the last 6 months
    path: Path  # (month_end, point, low, high) from the month after the last observation onwards
    message_fr: str
    message_en: str


# -- months -------------------------------------------------------------------------------------------


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


# -- trend models: fit(t, y, w) -> predictor of y at relative months t, or None -----------------------


def _wls_line(t: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    sw = w.sum()
    tm, ym = (w * t).sum() / sw, (w * y).sum() / sw
    var = (w * (t - tm) ** 2).sum()
    slope = (w * (t - tm) * (y - ym)).sum() / var if var > 0 else 0.0
    return float(ym - slope * tm), float(slope)


def _fit_linear(t: np.ndarray, y: np.ndarray, w: np.ndarray) -> Predictor | None:
    keep = (t > t[-1] - LINEAR_WINDOW) & (w > 0)
    if keep.sum() < 2:
        return None
    a, b = _wls_line(t[keep], y[keep], w[keep])
    return lambda tq: a + b * tq


_ALPHA, _BETA, _PHI = (g.ravel() for g in np.meshgrid([0.2, 0.4, 0.6, 0.8], [0.05, 0.15, 0.3], [0.8, 0.9, 0.95, 0.98]))


def _fit_damped(t: np.ndarray, y: np.ndarray, w: np.ndarray) -> Predictor | None:
    """Holt's additive damped trend, parameters chosen on a grid by one-step-ahead squared error.

    Smoothing needs a regular grid: inner gaps are filled linearly; points of weight 0 (outliers) and
    months after the last kept point are missing values, on which the state is carried unchanged.
    """
    keep = w > 0
    if keep.sum() < 4:
        return None
    grid = np.arange(t[keep][0], t[-1] + 1)
    yy = np.interp(grid, t[keep], y[keep])
    yy[np.isin(grid, t[~keep]) | (grid > t[keep][-1])] = np.nan
    level, trend = np.full(_ALPHA.size, yy[0]), np.full(_ALPHA.size, yy[1] - yy[0])
    if not np.isfinite(trend).all():
        trend[:] = 0.0
    sse, fitted = np.zeros(_ALPHA.size), np.empty((yy.size, _ALPHA.size))
    fitted[0] = yy[0]
    for i in range(1, yy.size):
        pred = level + _PHI * trend
        err = 0.0 if np.isnan(yy[i]) else yy[i] - pred
        fitted[i], sse = pred, sse + err * err
        level = pred + _ALPHA * err
        trend = _PHI * trend + _ALPHA * _BETA * err
    k = int(np.argmin(sse))
    lv, tr, phi, one_step = level[k], trend[k], _PHI[k], fitted[:, k]

    def predict(tq: np.ndarray) -> np.ndarray:
        h = np.maximum(tq - grid[-1], 0.0)
        ahead = lv + tr * phi * (1 - phi**h) / (1 - phi)
        return np.where(tq > grid[-1], ahead, np.interp(tq, grid, one_step))

    return predict


def _curve(kind: str, theta: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Logistic cap / (1 + e^-z) or Gompertz cap * e^(-e^-z), z = a + b t, theta = (log cap, a, b)."""
    z = np.minimum(np.maximum(theta[1] + theta[2] * t, -60.0), 60.0)
    cap = np.exp(theta[0])
    return cap / (1 + np.exp(-z)) if kind == "logistic" else cap * np.exp(-np.exp(-z))


def _curve_jacobian(kind: str, theta: np.ndarray, t: np.ndarray, f: np.ndarray) -> np.ndarray:
    """d curve / d theta, given f = _curve(kind, theta, t)."""
    if kind == "logistic":
        dz = f * (1 - f / np.exp(theta[0]))
    else:
        dz = f * np.exp(-np.minimum(np.maximum(theta[1] + theta[2] * t, -60.0), 60.0))
    return np.column_stack([f, dz, dz * t])


def _scurve_start(kind: str, t: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray | None:
    """Grid over the ceiling; for each, a weighted line in the linearised space; keep the best in y-space."""
    pos = (y > 0) & (w > 0)
    if pos.sum() < SCURVE_MIN_POINTS:
        return None
    tp, yp, wp = t[pos], y[pos], w[pos]
    caps = yp.max() * np.geomspace(1.005, SATURATION_CAP, 40)[:, None]
    q = yp / caps
    if kind == "logistic":
        z, dydz = np.log(q / (1 - q)), yp * (1 - q)
    else:
        z, dydz = -np.log(-np.log(q)), yp * -np.log(q)
    ww = wp * dydz**2  # first-order weights so the linearised fit approximates least squares on y
    s, st, stt = ww.sum(1), (ww * tp).sum(1), (ww * tp * tp).sum(1)
    sz, stz = (ww * z).sum(1), (ww * tp * z).sum(1)
    det = s * stt - st**2
    b = (s * stz - st * sz) / det
    a = (sz - b * st) / s
    thetas = np.column_stack([np.log(caps[:, 0]), a, b])
    sse = (w * (y - _curve(kind, thetas.T[:, :, None], t)) ** 2).sum(axis=1)
    sse[~np.isfinite(sse)] = np.inf
    if not np.isfinite(sse).any():
        return None
    return thetas[int(np.argmin(sse))]


def _levenberg_marquardt(kind: str, theta: np.ndarray, t: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least squares refinement, the ceiling kept between 0.9× and SATURATION_CAP× the top value."""
    top = y[w > 0].max()
    lo, hi = math.log(0.9 * top), math.log(SATURATION_CAP * top)
    sw = np.sqrt(w)
    f = _curve(kind, theta, t)
    r = sw * (y - f)
    sse, lam = float(r @ r), 1e-3
    jac = sw[:, None] * _curve_jacobian(kind, theta, t, f)
    for _ in range(40):
        jtj, grad = jac.T @ jac, jac.T @ r
        try:
            step = np.linalg.solve(jtj + lam * np.diag(np.diag(jtj) + 1e-12), grad)
        except np.linalg.LinAlgError:
            break
        cand = theta + step
        cand[0] = min(max(cand[0], lo), hi)
        f_new = _curve(kind, cand, t)
        r_new = sw * (y - f_new)
        sse_new = float(r_new @ r_new)
        if math.isfinite(sse_new) and sse_new < sse:
            done = sse - sse_new < 1e-8 * sse
            theta, r, sse, lam = cand, r_new, sse_new, lam / 3
            if done:
                break
            jac = sw[:, None] * _curve_jacobian(kind, theta, t, f_new)
        else:
            lam *= 4
            if lam > 1e8:
                break
    return theta


def _scurve_fitter(kind: str) -> Callable[[np.ndarray, np.ndarray, np.ndarray], Predictor | None]:
    def fit(t: np.ndarray, y: np.ndarray, w: np.ndarray) -> Predictor | None:
        theta = _scurve_start(kind, t, y, w)
        if theta is None:
            return None
        theta = _levenberg_marquardt(kind, theta, t, y, w)
        return lambda tq: _curve(kind, theta, tq)

    return fit


_FITTERS = {"logistic": _scurve_fitter("logistic"), "gompertz": _scurve_fitter("gompertz"),
            "linear": _fit_linear, "damped": _fit_damped}


def _fit(kind: str, t: np.ndarray, y: np.ndarray) -> Predictor | None:
    """Fit, then refit once without the points more than 4 robust deviations away (strikes, outages)."""
    with np.errstate(all="ignore"):
        pred = _FITTERS[kind](t, y, np.ones_like(y))
        if pred is None or not np.isfinite(pred(t)).all():
            return None
        r = y - pred(t)
        mad = 1.4826 * np.median(np.abs(r - np.median(r)))
        out = np.abs(r - np.median(r)) > 4 * mad
        if mad > 0 and 0 < out.sum() <= len(y) // 5:
            refit = _FITTERS[kind](t, y, (~out).astype(float))
            if refit is not None and np.isfinite(refit(t)).all():
                pred = refit
        return pred


# -- seasonality ----------------------------------------------------------------------------------------


def _seasonal_factors(months: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """Multiplicative factors by calendar month (mean 1) when the series has a clear 12-month season.

    Ratio to a centred 2x12 moving average, median by calendar month (robust to a strike month);
    the season is kept only if it explains at least half of the detrended variance and moves the
    level by at least 4 %.
    """
    grid = np.arange(months[0], months[-1] + 1)
    if grid.size < 36 or not (y > 0).all():  # two ratios per calendar month at least
        return None
    yy = np.log(np.interp(grid, months, y))
    kernel = np.r_[0.5, np.ones(11), 0.5] / 12
    ratios = yy[6:-6] - np.convolve(yy, kernel, mode="valid")
    cal = (grid[6:-6] % 12).astype(int)
    factors = np.array([np.median(ratios[cal == c]) for c in range(12)])
    factors -= factors.mean()
    remainder = ratios - factors[cal]
    if ratios.var() == 0 or 1 - remainder.var() / ratios.var() < 0.5 or np.ptp(factors) < 0.04:
        return None
    return np.exp(factors)


# -- model choice and spread -----------------------------------------------------------------------------


def _holdout_errors(kind: str, t: np.ndarray, y: np.ndarray, origins: list[int]) -> np.ndarray | None:
    """(horizon, scaled error) pairs of forecasts made at each origin for the months that followed."""
    pairs = []
    for o in origins:
        pred = _fit(kind, t[:o], y[:o])
        if pred is None:
            return None
        scale = _scale(y[:o])
        with np.errstate(all="ignore"):
            err = (y[o:] - pred(t[o:])) / scale if scale > 0 else np.zeros(len(y) - o)
        pairs += list(zip(t[o:] - t[o - 1], err, strict=True))
    arr = np.array(pairs, dtype=float).reshape(-1, 2)
    if not arr.size or not np.isfinite(arr).all():
        return None
    arr[:, 1] = np.clip(arr[:, 1], -MAX_ERROR, MAX_ERROR)
    return arr


def _scale(y: np.ndarray) -> float:
    return float(max(abs(y[-1]), 0.1 * np.abs(y).mean()))


def _spread_model(pairs: np.ndarray | None, in_sample_var: float) -> Callable[[np.ndarray], np.ndarray]:
    """Scaled forecast error s.d. by horizon h: sqrt(c1 h + c2 h^2), c1 floored by the in-sample variance.

    c1 h is the random-walk part, c2 h^2 the slope uncertainty; both are fitted (non-negative) to the
    squared out-of-sample errors of the hold-out.
    """
    c1 = c2 = 0.0
    if pairs is not None and len(pairs):
        h, e2 = pairs[:, 0], pairs[:, 1] ** 2
        both = np.linalg.lstsq(np.column_stack([h, h * h]), e2, rcond=None)[0]
        if (both >= 0).all():
            c1, c2 = both
        else:
            only1, only2 = (h @ e2) / (h @ h), (h * h @ e2) / (h**4).sum()
            sse1, sse2 = ((e2 - only1 * h) ** 2).sum(), ((e2 - only2 * h * h) ** 2).sum()
            c1, c2 = (only1, 0.0) if sse1 <= sse2 else (0.0, only2)
    c1 = max(c1, in_sample_var)
    return lambda hq: np.sqrt(c1 * hq + c2 * hq * hq)


@dataclass(frozen=True)
class _Model:
    method: str
    sign: float
    last: int
    trend: Predictor  # canonical (sign-adjusted, deseasonalised) level at relative month t
    factors: np.ndarray | None
    spread: Callable[[np.ndarray], np.ndarray]
    scale: float
    quantile: float
    nonneg: bool

    def band(self, months: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Point, low, high in the caller's units for future month indices; low <= point <= high."""
        h = months - self.last
        with np.errstate(all="ignore"):
            point = self.trend(h)
            half = self.quantile * self.scale * self.spread(h)
            if self.factors is not None:
                season = self.factors[months.astype(int) % 12]
                point, half = point * season, half * season
            point = np.nan_to_num(point, nan=0.0, posinf=np.finfo(float).max / 4, neginf=-np.finfo(float).max / 4)
            half = np.nan_to_num(half, nan=0.0, posinf=np.finfo(float).max / 4)
        low, high = point - half, point + half
        if self.nonneg:
            point, low, high = np.maximum(point, 0.0), np.maximum(low, 0.0), np.maximum(high, 0.0)
        if self.sign < 0:
            return -point + 0.0, -high + 0.0, -low + 0.0
        return point, low, high


def _choose(scored: dict[str, np.ndarray]) -> dict[str, float]:
    """Weights of the models to average: the best trend model (linear or damped) on the hold-out and
    the next best model, weighted by inverse squared hold-out error; a weight under 10 % is dropped.

    Averaging two forecasts beats picking one when the hold-out is short (the choice itself is noisy),
    and anchoring on a trend halves the risk of an S-curve whose ceiling, the least identified of its
    parameters, is misjudged (fits made before the inflection tend to saturate too early).
    """
    error = {k: float(np.sqrt((pairs[:, 1] ** 2).mean())) for k, pairs in scored.items()}
    trends = [k for k in error if k in ("linear", "damped")] or list(error)
    best = min(trends, key=error.__getitem__)
    others = [k for k in error if k != best]
    if not others:
        return {best: 1.0}
    second = min(others, key=error.__getitem__)
    if error[best] == error[second] == 0:
        return {best: 1.0}
    ratio = min(max(error[best] / max(error[second], 1e-300), 1e-50), 1e50)
    weights = {best: 1 / (1 + ratio**WEIGHT_POWER)}
    weights[second] = 1 - weights[best]
    weights = {k: w for k, w in weights.items() if w >= 0.1}
    return {k: weights[k] / sum(weights.values()) for k in TREND_KINDS if k in weights}


def _fit_model(months: np.ndarray, values: np.ndarray, kind: str) -> _Model:
    sign = _orientation(values)
    y = values * sign + 0.0
    last = int(months[-1])
    t = months - last
    factors = _seasonal_factors(months, y)
    if factors is not None:
        y = y / factors[months.astype(int) % 12]
    n = len(y)
    holdout = min(HOLDOUT_MAX, max(MIN_POINTS, n // 3))
    origins = [o for o in range(n - holdout, n, ORIGIN_STEP) if o >= 3]
    if kind == "auto":
        kinds = [k for k in TREND_KINDS if k in ("linear", "damped") or origins[0] >= SCURVE_MIN_HISTORY]
    else:
        kinds = [kind]
    scored = {k: pairs for k in kinds if (pairs := _holdout_errors(k, t, y, origins)) is not None}
    weights = _choose(scored) if scored else {kinds[0]: 1.0}
    fits = {k: f for k in weights if (f := _fit(k, t, y)) is not None}
    pairs = None
    if len(fits) == len(weights):
        def trend(tq: np.ndarray) -> np.ndarray:
            return sum(w * fits[k](tq) for k, w in weights.items())

        if all(k in scored for k in weights):  # same origins, so the pairs line up
            errors = sum(w * scored[k][:, 1] for k, w in weights.items())
            pairs = np.column_stack([scored[next(iter(weights))][:, 0], errors])
    else:
        weights = {"linear": 1.0}
        trend = _fit("linear", t, y) or (lambda tq, v=y[-1]: np.full_like(tq, v, dtype=float))
    scale = _scale(y)
    with np.errstate(all="ignore"):
        resid = (y - trend(t)) / scale if scale > 0 else np.zeros(n)
    in_sample_var = float((1.4826 * np.median(np.abs(resid - np.median(resid)))) ** 2)
    method = "+".join(weights) + ("+seasonal" if factors is not None else "")
    return _Model(method, sign, last, trend, factors, _spread_model(pairs, in_sample_var),
                  scale, T90.get(len(origins), 1.2816), bool((values * sign >= 0).all()))


def project(series: Sequence[tuple[date, float]], months_ahead: int, kind: str = "auto") -> tuple[str, Path]:
    """Method and (month_end, point, low, high) for the months_ahead months after the last observation."""
    if kind not in KINDS:
        raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    months, values = clean_series(series)
    if len(values) < MIN_POINTS:
        return "insufficient_data", []
    model = _fit_model(months, values, kind)
    ahead = np.arange(model.last + 1, model.last + max(months_ahead, 0) + 1, dtype=float)
    return model.method, _path(ahead, *model.band(ahead))


def _path(months: np.ndarray, point: np.ndarray, low: np.ndarray, high: np.ndarray) -> Path:
    return [(month_end(m), float(p), float(lo), float(hi)) for m, p, lo, hi in zip(months, point, low, high, strict=True)]


# -- the forecast towards a target ----------------------------------------------------------------------


def _meets(value: float | np.ndarray, target: float, direction: str) -> bool | np.ndarray:
    """At or beyond the target in the indicator's direction, give or take float rounding (1e-9 relative)."""
    slack = 1e-9 * abs(target)
    return value >= target - slack if direction == "up" else value <= target + slack


def recent_pace(months: np.ndarray, values: np.ndarray, window: int = 6) -> float | None:
    """Mean monthly change between the last value and the last one at least `window` months older."""
    if len(values) < 2:
        return None
    older = np.flatnonzero(months <= months[-1] - window)
    ref = older[-1] if older.size else 0
    return float((values[-1] - values[ref]) / (months[-1] - months[ref]))


def forecast(series: list[tuple[date, float]], target_value: float, target_date: date,
             direction: str = "up", horizon_months: int = 60, kind: str = "auto", unit: str = "") -> Forecast:
    """Project `series` (monthly, ascending, gaps allowed) and say when it would reach `target_value`.

    Never raises on odd data (too short, constant, zeros, NaN): it says so in `method` and the messages.
    Raises ValueError only on a bad `direction` or `kind`, which are programming errors.
    """
    if direction not in ("up", "down"):
        raise ValueError(f"direction: expected 'up' or 'down', got {direction!r}")
    if kind not in KINDS:
        raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    target = float(target_value)
    months, values = clean_series(series)
    if len(values) < MIN_POINTS:
        fr, en = _insufficient_messages(months, values, target)
        return Forecast("insufficient_data", target_date, target, None, None, None, None, None, None, None, [], fr, en)

    model = _fit_model(months, values, kind)
    last, last_value = model.last, float(values[-1])
    target_month = month_index(target_date)
    horizon_end = last + max(1, int(horizon_months))
    search_end = max(horizon_end, target_month)
    ahead = np.arange(last + 1, search_end + 1, dtype=float)
    point, low, high = model.band(ahead)

    reached_on = not_before = None
    already = _meets(last_value, target, direction)
    if already:
        run_start = len(values) - 1
        while run_start > 0 and _meets(values[run_start - 1], target, direction):
            run_start -= 1
        reached_on = month_end(months[run_start])
        path_end = max(target_month, last + 1)
    else:
        hits = np.flatnonzero(_meets(point, target, direction))
        if hits.size:
            reached_on = month_end(ahead[hits[0]])
            path_end = max(target_month, int(ahead[hits[0]]))
        else:
            not_before = month_end(search_end)
            path_end = search_end
    keep = ahead <= path_end
    path = _path(ahead[keep], point[keep], low[keep], high[keep])

    if target_month > last:
        i = target_month - last - 1
        projected, lo, hi = float(point[i]), float(low[i]), float(high[i])
        pace_needed = None if already else (target - last_value) / (target_month - last)
    else:
        past = np.flatnonzero(months <= target_month)
        projected = lo = hi = float(values[past[-1]]) if past.size else None
        pace_needed = None
    pace = recent_pace(months, values)

    facts = _Facts(target, target_date, target_month, last, last_value, projected, lo, hi, reached_on,
                   not_before, already, pace_needed, pace, unit)
    return Forecast(model.method, target_date, target, projected, lo, hi, reached_on, not_before,
                    pace_needed, pace, path, _message(facts, "fr_FR"), _message(facts, "en_GB"))


# -- messages -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    target: float
    target_date: date
    target_month: int
    last: int
    last_value: float
    projected: float | None
    low: float | None
    high: float | None
    reached_on: date | None
    not_before: date | None
    already: bool
    pace_needed: float | None
    pace: float | None
    unit: str = ""


@dataclass(frozen=True)
class _Numbers:
    """Formats every number of a message in the compact unit of the target ("40 M", "+1,3 M")."""

    locale: str
    divisor: float
    suffix: str

    @classmethod
    def for_reference(cls, ref: float, locale: str) -> _Numbers:
        """The unit Babel's compact format would give `ref` in this locale (k, M, Md / k, m, bn)."""
        if not math.isfinite(ref) or abs(ref) < 1000:
            return cls(locale, 1.0, "")
        magnitude = 10 ** min(int(math.log10(abs(ref))), 14)
        pattern = Locale.parse(locale).compact_decimal_formats["short"]["other"][str(magnitude)].pattern
        return cls(locale, magnitude / 10 ** (pattern.count("0") - 1), pattern.replace("0", "").replace("'", ""))

    def __call__(self, v: float, fixed: bool = True) -> str:
        x = v / self.divisor
        if not math.isfinite(x) or abs(x) >= 1e15:  # beyond what Babel's decimal quantisation accepts
            return format_scientific(v, format="0.##E0", locale=self.locale)
        decimals = 1 if abs(x) >= 0.1 or x == 0 else 2 if abs(x) >= 0.01 else 3
        fmt = "#,##0." + ("0" if fixed else "#") * decimals
        return format_decimal(x, format=fmt, locale=self.locale) + self.suffix

    def signed(self, v: float) -> str:
        return ("+" if v > 0 else "") + self(v)

    def range(self, lo: float, hi: float) -> str:
        """'36,1–43,0 M': the unit once, after the upper bound."""
        low = self(lo)
        if self.suffix and low.endswith(self.suffix):
            low = low[: -len(self.suffix)]
        return f"{low}–{self(hi)}"


def _month_name(d: date | int, locale: str) -> str:
    return format_date(d if isinstance(d, date) else month_end(d), "MMMM yyyy", locale=locale)


def _deadline(d: date, locale: str) -> str:
    word = "fin" if locale.startswith("fr") else "end"
    return f"{word} {d.year}" if d.month == 12 else f"{word} {_month_name(d, locale)}"


def _french_spaces(text: str) -> str:
    """No line break before ':', ';' and '%' (French typography)."""
    return text.replace(" :", "\u00a0:").replace(" ;", "\u00a0;").replace(" %", "\u00a0%")


def _insufficient_messages(months: np.ndarray, values: np.ndarray, target: float) -> tuple[str, str]:
    n = len(values)
    fr_num = _Numbers.for_reference(target, "fr_FR")
    en_num = _Numbers.for_reference(target, "en_GB")
    fr = (f"Projection impossible : {n} mois de données, il en faut au moins {MIN_POINTS} pour estimer "
          f"une tendance vers la cible de {fr_num(target, fixed=False)}.")
    en = (f"No projection: {n} month(s) of data, at least {MIN_POINTS} are needed to estimate a trend "
          f"towards the {en_num(target, fixed=False)} target.")
    if n:
        last = int(months[-1])
        fr += f" Dernière valeur : {fr_num(values[-1])} ({_month_name(last, 'fr_FR')})."
        en += f" Latest value: {en_num(values[-1])} ({_month_name(last, 'en_GB')})."
    return _french_spaces(fr), en


def _message(f: _Facts, locale: str) -> str:
    fr = locale.startswith("fr")
    num = _Numbers.for_reference(f.target if f.target else f.last_value, locale)

    def month(d: date | int) -> str:
        return _month_name(d, locale)

    # the unit after the figures it qualifies: "40 M profils", "80 %", "+1,3 point par mois"
    unit = _unit_words(f.unit, fr)
    target, deadline = num(f.target, fixed=False) + unit, _deadline(f.target_date, locale)
    if f.already:
        return (_french_spaces(f"La cible de {target} est atteinte depuis {month(f.reached_on)} (dernière valeur : "
                               f"{num(f.last_value)} en {month(f.last)}).") if fr else
                f"The {target} target has been reached since {month(f.reached_on)} (latest value: "
                f"{num(f.last_value)} in {month(f.last)}).")
    if f.target_month <= f.last:
        seen = "" if f.projected is None else f" ({num(f.projected)} {'en' if fr else 'in'} {month(f.target_month)})"
        if fr:
            then = (f"le serait en {month(f.reached_on)}" if f.reached_on
                    else f"ne le serait pas avant {month(f.not_before)}")
            return _french_spaces(f"L'échéance ({deadline}) est passée sans que la cible de {target} soit "
                                  f"atteinte{seen} ; au rythme actuel, elle {then}.")
        then = (f"would be reached in {month(f.reached_on)}" if f.reached_on
                else f"would not be reached before {month(f.not_before)}")
        return (f"The deadline ({deadline}) has passed without reaching the {target} target{seen}; "
                f"at the current pace it {then}.")
    interval, needed = num.range(f.low, f.high) + unit, num.signed(f.pace_needed)
    pace = num.signed(f.pace) if f.pace is not None else "?"
    if f.unit == "pct":
        needed, pace = needed + (" point" if fr else " pt"), pace + (" point" if fr else " pt")
    if fr:
        when = (f"serait atteinte en {month(f.reached_on)}" if f.reached_on
                else f"ne serait pas atteinte avant {month(f.not_before)}")
        return _french_spaces(f"Au rythme actuel, la cible de {target} {when} (intervalle 80 % : {interval} "
                              f"{deadline}) ; il faudrait {needed} par mois contre {pace} observés.")
    when = (f"would be reached in {month(f.reached_on)}" if f.reached_on
            else f"would not be reached before {month(f.not_before)}")
    return (f"At the current pace, the {target} target {when} (80% interval: {interval} at {deadline}); "
            f"{needed} per month would be needed against {pace} observed.")


def _unit_words(unit: str, fr: bool) -> str:
    from indicators.fmt import UNIT_SUFFIX

    if not unit or unit == "count":
        return ""
    words = UNIT_SUFFIX.get(unit, (unit, unit))[0 if fr else 1]
    return "\u00a0" + words
