"""Who is ahead and who is behind: territorial factors and integer apportionment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo.reference import Reference

# Relative adoption by région (1 = national pace). The western régions and the pilot départements lead;
# Grand Est sits a little below the national rate (22,8 % activation at end 2024); overseas lag, Mayotte most.
REGION_ADOPTION = {
    "52": 1.20, "53": 1.15, "76": 1.08, "28": 1.05, "75": 1.04, "84": 1.02, "24": 0.99, "27": 0.97,
    "32": 0.96, "93": 0.95, "11": 0.92, "44": 0.94, "94": 0.82, "04": 0.90, "01": 0.72, "02": 0.76,
    "03": 0.52, "06": 0.34,
}
# Medical density by région (doctors, pharmacies, establishments per inhabitant relative to France).
REGION_DENSITY = {
    "93": 1.20, "76": 1.10, "11": 1.05, "84": 1.00, "75": 1.00, "53": 1.00, "44": 0.97, "52": 0.92,
    "32": 0.92, "28": 0.88, "27": 0.90, "24": 0.80, "94": 1.05, "04": 0.85, "01": 0.85, "02": 0.88,
    "03": 0.55, "06": 0.30,
}
PILOTS = ("31", "44", "80")  # Mon espace santé pilot départements (2021)


@dataclass(frozen=True)
class Territory:
    ref: Reference
    pop: np.ndarray  # inhabitants per département
    adoption: np.ndarray  # région factor × département noise
    density: np.ndarray
    region_idx: np.ndarray
    pilot: np.ndarray  # bool per département

    @property
    def n(self) -> int:
        return len(self.pop)


def build_territory(ref: Reference, rng: np.random.Generator) -> Territory:
    region = np.array(ref.dep_region)
    adoption = np.array([REGION_ADOPTION[r] for r in region]) * rng.lognormal(0.0, 0.10, ref.n_dep)
    density = np.array([REGION_DENSITY[r] for r in region]) * rng.lognormal(0.0, 0.12, ref.n_dep)
    density[ref.dep_index("75")] *= 1.5  # Paris concentrates specialists and hospitals
    return Territory(
        ref=ref,
        pop=ref.dep_pop_k * 1000.0,
        adoption=adoption,
        density=density,
        region_idx=ref.dep_region_idx,
        pilot=np.isin(np.array(ref.dep_codes), PILOTS),
    )


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total along weights, exactly (largest remainder)."""
    w = np.asarray(weights, dtype=np.float64)
    quota = total * w / w.sum()
    base = np.floor(quota).astype(np.int64)
    rest = int(total - base.sum())
    if rest > 0:
        order = np.argsort(-(quota - base), kind="stable")
        base[order[:rest]] += 1
    return base


def stochastic_round(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Round to an integer up or down with the probability of the fraction; exact on integers."""
    x = np.asarray(x, dtype=np.float64)
    low = np.floor(x)
    return (low + (rng.random(x.shape) < (x - low))).astype(np.int64)


def convergence(months: int, start: float = 1.0, end: float = 0.5) -> np.ndarray:
    """Exponent applied to territorial factors: gaps narrow as the programme matures."""
    return np.linspace(start, end, months)
