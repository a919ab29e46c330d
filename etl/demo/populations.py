"""Denominators per département and reference year: insured, establishments, doctors, pharmacies, labs, ESSMS."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo.calibration import HOSPITAL_STAYS_M
from etl.demo.territory import Territory, apportion

YEARS = (2021, 2022, 2023, 2024, 2025)
ELIGIBLE_SUNES = 2813  # 2 307 applicants = 82 % of eligible hospitals (§3)

# National totals per reference year 2021…2025 and the couloir each population belongs to.
KINDS: dict[str, tuple[str, tuple[int, ...]]] = {
    "etablissements_sante": ("hopital", (3020, 3012, 3004, 2995, 2988)),
    "hopitaux_eligibles_sunes": ("hopital", (ELIGIBLE_SUNES,) * 5),
    "medecins_liberaux": ("medecin_ville", (101_500, 100_900, 100_300, 99_800, 99_300)),
    "officines": ("officine", (21_400, 21_200, 20_950, 20_700, 20_450)),
    "laboratoires": ("biologie", (872, 866, 860, 855, 850)),
    "structures_radiologie": ("radiologie", (1_080, 1_090, 1_100, 1_110, 1_120)),
    "essms": ("medico_social", (35_800, 36_000, 36_200, 36_350, 36_500)),
}
UNIVERSE_YEAR = 2023  # the entity universe (sites, doctors) is drawn from this year's counts


@dataclass(frozen=True)
class Populations:
    """counts[kind] = int64 [year, département]; assures likewise."""

    counts: dict[str, np.ndarray]

    def year(self, kind: str, year: int) -> np.ndarray:
        return self.counts[kind][YEARS.index(year)]


def build_populations(territory: Territory, rng: np.random.Generator) -> Populations:
    counts: dict[str, np.ndarray] = {}
    insured_ratio = np.clip(rng.normal(1.0, 0.015, territory.n), 0.96, 1.04)
    growth = np.array([(1.003 ** (y - 2023)) for y in YEARS])[:, None]
    counts["assures"] = np.rint(territory.pop[None, :] * insured_ratio[None, :] * growth).astype(np.int64)
    base = territory.pop * territory.density
    weights = {kind: base * rng.lognormal(0.0, 0.12, territory.n) for kind in KINDS}
    weights["hopitaux_eligibles_sunes"] = weights["etablissements_sante"]
    for kind, (_, totals) in KINDS.items():
        rows = []
        for total in totals:
            if kind == "etablissements_sante":
                extra = apportion(total - ELIGIBLE_SUNES, weights[kind] * rng.lognormal(0.0, 0.3, territory.n))
                rows.append(apportion(ELIGIBLE_SUNES, weights[kind]) + extra)
            else:
                rows.append(apportion(total, weights[kind] * rng.lognormal(0.0, 0.01, territory.n)))
        counts[kind] = np.array(rows, dtype=np.int64)
    stays_weight = counts["etablissements_sante"][YEARS.index(UNIVERSE_YEAR)].astype(np.float64)
    counts["sejours_hospitaliers"] = np.array(  # follows the hospitals, no extra draw
        [apportion(int(total * 1e6), stays_weight) for total in HOSPITAL_STAYS_M], dtype=np.int64)
    return Populations(counts=counts)


def population_rows(pops: Populations, dep_codes: tuple[str, ...]) -> list[tuple]:
    """Rows (departement_code, population_kind, couloir_code, reference_year, population_count)."""
    rows = []
    kinds = [("assures", "")] + [(k, c) for k, (c, _) in KINDS.items()] + [("sejours_hospitaliers", "hopital")]
    for y, year in enumerate(YEARS):
        for d, dep in enumerate(dep_codes):
            for kind, couloir in kinds:
                rows.append((dep, kind, couloir or None, year, int(pops.counts[kind][y, d])))
    return rows
