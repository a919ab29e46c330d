"""The rolling-origin backtest inside a forecast: errors per origin and horizon, the model choice, the interval.

At every observed month with MIN_TRAIN months behind it (an origin), each candidate is fitted on the data up
to the origin and compared with the observed months that followed. The errors are scaled by the level at the
origin. The choice keeps the best baseline unless an accelerating model clearly beats it; the interval
half-width at each horizon is the 80 % quantile of the chosen model's own absolute errors at that horizon.
"""

from __future__ import annotations

import math

import numpy as np

from indicators import forecast_models as fm

MIN_TRAIN = 4  # observed months an origin needs behind it
MAX_HORIZON = 60  # longest horizon scored in the backtest
SCORE_HORIZON = 12  # the choice compares each origin's mean error over the next 12 months
ORIGIN_STEP = 3  # S-curves are scored at every third origin (they cost a fit each)…
SCURVE_ORIGINS = 8  # … the last eight of them (two years)
MARGIN = 0.10  # an accelerating model must beat the best baseline by 10 % to replace it
NEAREST = 8  # fewest errors behind an interval bound; neighbours within ±25 % of the horizon otherwise
COVERAGE = 0.8  # the interval: point ± the 80 % quantile of the absolute errors at that horizon


def scale(y: np.ndarray) -> float:
    """The level errors are measured against: the last value, or a tenth of the mean level if smaller."""
    return float(max(abs(y[-1]), 0.1 * np.abs(y).mean()))


def errors(kind: str, y: np.ndarray, observed: np.ndarray, origins: list[int], damped) -> np.ndarray:
    """(origin, horizon, scaled error) of the forecasts made at each origin for the observed months after it."""
    rows = []
    for o in origins:
        step = fm.fitter(kind, y[: o + 1], damped)
        level = scale(y[: o + 1])
        if step is None or level == 0:
            continue
        later = observed[(observed > o) & (observed <= o + MAX_HORIZON)]
        with np.errstate(all="ignore"):
            err = (y[later] - y[o] - step(later - o)) / level
        rows += [(o, h, e) for h, e in zip(later - o, err, strict=True)]
    out = np.array(rows, dtype=float).reshape(-1, 3)
    return out[np.isfinite(out[:, 2])]


def challenger_errors(kind: str, y: np.ndarray, observed: np.ndarray, origins: list[int], damped,
                      baseline: np.ndarray) -> np.ndarray:
    """`errors` of an accelerating model, origin by origin, stopped as soon as it has lost to `baseline` (the
    best baseline's errors) at more than a third of `origins`: it can no longer be chosen (see `choose`)."""
    base = _per_origin(baseline)
    parts, losses = [], 0
    for o in origins:
        mine = errors(kind, y, observed, [o], damped)
        parts.append(mine)
        ours = _per_origin(mine).get(float(o))
        if ours is not None and float(o) in base and ours >= base[float(o)]:
            losses += 1
            if 3 * losses > len(origins):
                break
    return np.concatenate(parts) if parts else np.empty((0, 3))


def _per_origin(pairs: np.ndarray) -> dict[float, float]:
    """Mean absolute error of each origin's forecasts up to SCORE_HORIZON months ahead."""
    pairs = pairs[pairs[:, 1] <= SCORE_HORIZON]
    if not len(pairs):
        return {}
    origins, which = np.unique(pairs[:, 0], return_inverse=True)
    means = np.bincount(which, weights=np.abs(pairs[:, 2])) / np.bincount(which)
    return dict(zip(origins.tolist(), means.tolist(), strict=True))


def score(pairs: np.ndarray, origins: np.ndarray | None = None) -> float | None:
    """Mean over origins (each weighs the same) of the origin's mean absolute error (rolling-origin MAE);
    `origins`: only at these (to compare an S-curve with a baseline where both forecast)."""
    by_origin = _per_origin(pairs if origins is None else pairs[np.isin(pairs[:, 0], origins)])
    return float(np.mean(list(by_origin.values()))) if by_origin else None


def choose(scored: dict[str, np.ndarray], kind: str) -> str:
    """The best baseline; an S-curve replaces it only if, on the same origins, its mean error is lower by
    MARGIN and it is the better forecast at two origins out of three or more."""
    if kind != "auto":
        return kind
    scores = {k: s for k, p in scored.items() if k in fm.BASELINES and (s := score(p)) is not None}
    best = min(scores, key=scores.__getitem__) if scores else "drift6"
    base = _per_origin(scored[best]) if best in scored else {}
    chosen, chosen_error = best, None
    for k in fm.ACCELERATING:
        mine = _per_origin(scored.get(k, np.empty((0, 3))))
        common = [o for o in mine if o in base]
        if len(common) < 3:
            continue
        ours, theirs = np.mean([mine[o] for o in common]), np.mean([base[o] for o in common])
        wins = sum(mine[o] < base[o] for o in common)
        if ours < (1 - MARGIN) * theirs and 3 * wins >= 2 * len(common) and (
                chosen_error is None or ours < chosen_error):
            chosen, chosen_error = k, ours
    return chosen


def half_width(pairs: np.ndarray, horizons: np.ndarray) -> np.ndarray:
    """The 80 % quantile of the absolute scaled errors at each horizon: from the errors made at that horizon
    (±25 %), or the NEAREST closest ones, rescaled in proportion to the horizon; never narrowing with it."""
    half = np.zeros(horizons.size)
    if not len(pairs):
        return half
    h_i, e_i = pairs[:, 1], np.abs(pairs[:, 2])
    for j, h in enumerate(horizons):
        distance = np.abs(np.log(h_i / h))
        near = np.flatnonzero(distance <= math.log(1.25))
        if near.size < NEAREST:
            near = np.argsort(distance, kind="stable")[:NEAREST]
        level = min(1.0, math.ceil((near.size + 1) * COVERAGE) / near.size)  # finite-sample (split conformal)
        half[j] = np.quantile(e_i[near] * h / h_i[near], level, method="higher")
    return np.maximum.accumulate(half)
