"""Documents sent to Mon espace santé: national series by couloir × type, spread over départements."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo import timeline
from etl.demo.calibration import BIOLOGY_STRIKE, DOC_SERIES, VACCINATION_SEASON, DocSeries
from etl.demo.territory import Territory, convergence


@dataclass(frozen=True)
class DocCube:
    """Documents per series × month × département (whole numbers), and each series' first month."""

    series: tuple[DocSeries, ...]
    counts: np.ndarray  # int64 [series, month, département]
    start: np.ndarray  # first month index per series

    def index(self, key: str) -> int:
        return [s.key for s in self.series].index(key)


def national_series(months: int) -> np.ndarray:
    """[series, month] national documents (float, units) after seasonality and the November 2024 strike."""
    out = np.zeros((len(DOC_SERIES), months))
    activity = timeline.seasonal(months)
    vaccination = timeline.seasonal(months, VACCINATION_SEASON)
    for k, s in enumerate(DOC_SERIES):
        trend = timeline.anchored(list(s.anchors), months) * 1e6
        values = trend * (vaccination if s.vaccination else activity)
        values[: max(0, timeline.month_index(s.start))] = 0.0
        if s.couloir == "biologie":
            for ym, factor in BIOLOGY_STRIKE.items():
                m = timeline.month_index(ym)
                if m < months:
                    values[m] *= factor
        out[k] = values
    return out


def pilot_boost(months: int) -> np.ndarray:
    """The 2021 pilot départements (31, 44, 80) feed far more at first, then the others catch up."""
    return 1.0 + 1.6 * np.exp(-np.arange(months) / 10.0)


def couloir_factors(territory: Territory, couloirs: list[str], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per couloir, a département factor: the territory's adoption with couloir-specific noise."""
    return {c: territory.adoption * rng.lognormal(0.0, 0.15, territory.n) for c in couloirs}


def build_documents(territory: Territory, months: int, rng: np.random.Generator) -> DocCube:
    national = national_series(months)
    couloirs = sorted({s.couloir for s in DOC_SERIES})
    factors = couloir_factors(territory, couloirs, rng)
    power = convergence(months, 1.0, 0.55)[:, None]  # [month, 1]
    boost = np.where(territory.pilot[None, :], pilot_boost(months)[:, None], 1.0)
    counts = np.zeros((len(DOC_SERIES), months, territory.n), dtype=np.int64)
    start = np.array([timeline.month_index(s.start) for s in DOC_SERIES])
    for k, s in enumerate(DOC_SERIES):
        weight = territory.pop[None, :] * factors[s.couloir][None, :] ** power * boost
        weight = weight * rng.lognormal(0.0, 0.05, weight.shape)
        share = weight / weight.sum(axis=1, keepdims=True)
        counts[k] = np.rint(national[k][:, None] * share).astype(np.int64)
    return DocCube(series=DOC_SERIES, counts=counts, start=start)
