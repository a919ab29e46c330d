"""The candidate trends of a forecast, each starting from the last observed value.

A fitter takes `y`, a regular monthly grid in canonical orientation (inner gaps already interpolated) and
returns a `Step`: the projected change from the last value `h` months ahead (an array of h ≥ 1), or None
when the model cannot be fitted. Every projected path is `y[-1] + step(h)`: it starts from the last value,
so the first projected month never jumps away from the data.

- `drift6`, `drift12`: the recent pace (change over the last 6 or 12 months, per month), prolonged.
- `damped`: Holt's additive damped trend; α, β, φ are estimated by statsmodels (least squares on the
  one-step errors) and the same parameters are reused at every origin of the backtest (`damped_at`).
- `logistic`, `gompertz`: S-curves with a ceiling, fitted by scipy's bounded least squares. They accelerate
  or saturate: the choice (indicators/forecast.py) keeps them only when they beat the three baselines.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
from scipy.optimize import least_squares

Step = Callable[[np.ndarray], np.ndarray]

BASELINES = ("drift6", "drift12", "damped")
ACCELERATING = ("logistic", "gompertz")
MODELS = BASELINES + ACCELERATING
DAMPED_MIN_POINTS = 10  # statsmodels' estimated initialisation needs about ten months
SCURVE_MIN_POINTS = 24  # an S-curve's ceiling is not identified on less than two years
SATURATION_CAP = 20.0  # the ceiling is searched between 1.005× and 20× the largest value


def drift(y: np.ndarray, window: int) -> Step | None:
    """The mean monthly change over the last `window` months (fewer if the series is shorter), prolonged."""
    span = min(window, len(y) - 1)
    if span < 1:
        return None
    pace = (y[-1] - y[-1 - span]) / span
    return lambda h: pace * np.asarray(h, dtype=float)


# -- damped trend --------------------------------------------------------------------------------------------


def damped_parameters(y: np.ndarray) -> tuple[float, float, float, float, float] | None:
    """(α, β, φ, initial level, initial trend) estimated by statsmodels, or None if it cannot fit."""
    if len(y) < DAMPED_MIN_POINTS or np.ptp(y) == 0:
        return None
    from statsmodels.tsa.holtwinters import ExponentialSmoothing  # heavy import, only when a fit is needed

    scale = float(np.abs(y).max())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter: a bad fit shows as a bad backtest
        try:
            fit = ExponentialSmoothing(y / scale, trend="add", damped_trend=True,
                                       initialization_method="estimated").fit(method="ls")
        except (ValueError, np.linalg.LinAlgError):
            return None
    p = fit.params
    out = (p["smoothing_level"], p["smoothing_trend"], p["damping_trend"], p["initial_level"] * scale,
           p["initial_trend"] * scale)
    return tuple(float(x) for x in out) if all(math.isfinite(x) for x in out) else None


def damped_at(y: np.ndarray, params: tuple[float, float, float, float, float]) -> Step:
    """Holt's damped recursion over `y` with fixed parameters; the step is b_T (φ + φ² + … + φ^h)."""
    alpha, beta, phi, level, trend = params
    for v in y:
        previous = level
        level = alpha * v + (1 - alpha) * (level + phi * trend)
        trend = beta * (level - previous) + (1 - beta) * phi * trend
    if phi >= 1:
        return lambda h: trend * np.asarray(h, dtype=float)
    return lambda h: trend * phi * (1 - phi ** np.asarray(h, dtype=float)) / (1 - phi)


# -- S-curves ------------------------------------------------------------------------------------------------


def _curve(kind: str, theta: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Logistic cap / (1 + e^-z) or Gompertz cap · e^(-e^-z), z = a + b t, theta = (log cap, a, b)."""
    z = np.clip(theta[1] + theta[2] * t, -60.0, 60.0)
    cap = np.exp(theta[0])
    return cap / (1 + np.exp(-z)) if kind == "logistic" else cap * np.exp(-np.exp(-z))


def _curve_jacobian(kind: str, theta: np.ndarray, t: np.ndarray) -> np.ndarray:
    """d curve / d theta (analytic: scipy's finite differences would double the cost)."""
    f = _curve(kind, theta, t)
    if kind == "logistic":
        dz = f * (1 - f / np.exp(theta[0]))
    else:
        dz = f * np.exp(-np.clip(theta[1] + theta[2] * t, -60.0, 60.0))
    return np.column_stack([f, dz, dz * t])


def _scurve_start(kind: str, t: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """A grid over the ceiling; for each, a weighted line in the linearised space; the best in y-space."""
    caps = y.max() * np.geomspace(1.005, SATURATION_CAP, 40)[:, None]
    q = y / caps
    if kind == "logistic":
        z, dydz = np.log(q / (1 - q)), y * (1 - q)
    else:
        z, dydz = -np.log(-np.log(q)), y * -np.log(q)
    w = dydz**2  # first-order weights so the linearised fit approximates least squares on y
    s, st, stt = w.sum(1), (w * t).sum(1), (w * t * t).sum(1)
    sz, stz = (w * z).sum(1), (w * t * z).sum(1)
    b = (s * stz - st * sz) / (s * stt - st**2)
    a = (sz - b * st) / s
    thetas = np.column_stack([np.log(caps[:, 0]), a, b])
    sse = ((y - _curve(kind, thetas.T[:, :, None], t)) ** 2).sum(axis=1)
    sse[~np.isfinite(sse)] = np.inf
    return thetas[int(np.argmin(sse))] if np.isfinite(sse).any() else None


def scurve(kind: str, y: np.ndarray) -> Step | None:
    """Logistic or Gompertz least-squares fit (scipy), the ceiling kept within 0.9–20× the top value."""
    if len(y) < SCURVE_MIN_POINTS or (y <= 0).any():
        return None
    t = np.arange(len(y), dtype=float) - (len(y) - 1)
    with np.errstate(all="ignore"):
        start = _scurve_start(kind, t, y)
        if start is None:
            return None
        top = float(y.max())
        lo, hi = math.log(0.9 * top), math.log(SATURATION_CAP * top)
        start[0] = min(max(start[0], lo + 1e-9), hi - 1e-9)
        try:
            fit = least_squares(lambda th: (_curve(kind, th, t) - y) / top, start,
                                jac=lambda th: _curve_jacobian(kind, th, t) / top,
                                bounds=([lo, -np.inf, -np.inf], [hi, np.inf, np.inf]), max_nfev=200)
        except ValueError:
            return None
        theta = fit.x
        at_last = float(_curve(kind, theta, np.zeros(1))[0])
        if not math.isfinite(at_last):
            return None
    return lambda h: _curve(kind, theta, np.asarray(h, dtype=float)) - at_last


def fitter(kind: str, y: np.ndarray, damped: tuple | None) -> Step | None:
    """The step of model `kind` fitted on `y` (`damped`: the damped trend's parameters, if estimated)."""
    if kind == "drift6":
        return drift(y, 6)
    if kind == "drift12":
        return drift(y, 12) if len(y) > 12 else None
    if kind == "damped":
        return None if damped is None else damped_at(y, damped)
    return scurve(kind, y)


# -- seasonality ---------------------------------------------------------------------------------------------


def seasonal_factors(months: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """Multiplicative factors by calendar month (mean 1) when a complete flow series has a clear season.

    Ratio to a centred 2x12 moving average, median by calendar month (robust to a strike month); kept only
    with 36 months or more, if it explains at least half of the detrended variance and moves the level by
    4 % or more. The caller never passes a stock, nor a series with missing months.
    """
    if y.size < 36 or not (y > 0).all():
        return None
    yy = np.log(y)
    kernel = np.r_[0.5, np.ones(11), 0.5] / 12
    ratios = yy[6:-6] - np.convolve(yy, kernel, mode="valid")
    cal = (months[6:-6] % 12).astype(int)
    factors = np.array([np.median(ratios[cal == c]) for c in range(12)])
    factors -= factors.mean()
    remainder = ratios - factors[cal]
    if ratios.var() == 0 or 1 - remainder.var() / ratios.var() < 0.5 or np.ptp(factors) < 0.04:
        return None
    return np.exp(factors)
