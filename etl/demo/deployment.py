"""SONS orders per site and solution: ordered, installed, validated (MOM / VA) dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from etl.demo import timeline
from etl.demo.entities import Universe
from etl.demo.solutions import Solutions

CUTOFF = timeline.day("2023-09-20")  # §4: vague 1 installed vs ordered > 99 % (ville 99,4 %, radiologie 92,2 %)


@dataclass(frozen=True)
class Programme:
    dispositif: str
    couloir: str
    vague: int
    pool: tuple[str, str]  # ("finess" | "rpps", pool name)
    coverage: float  # share of the pool that orders
    unit_eur: float  # average order amount at scale 1 (SONS price per site)
    install_days: float  # median lag order → installation
    on_time: float = 0.0  # vague 1 sanitaire: share of orders before CUTOFF installed by CUTOFF
    rush: tuple[str, ...] = ()  # dates around which orders bunch (deadlines)


# §3/§5: ~2 000 hospitals, > 51 000 doctors (of ~100 000), 1 500 centres, > 70 % of labs, 850 radiology
# structures, ~21 000 pharmacies, > 20 000 ESSMS; unit prices from the geer.fr reconstruction (hôpital 77 M€,
# médecin de ville 25 M€, officine 15 M€ i.e. 625–875 € per pharmacy, biologie 8,6 M€).
PROGRAMMES = (
    # Vague 1 sanitaire unit prices: orders worth "more than 150 M€" by Sep 2023 (DNS, §3), each couloir within
    # 10 % of the geer.fr reconstruction (hôpital 77, ville 25, officine 15, biologie 8,6 M€).
    Programme("SONS-V1-HOP", "hopital", 1, ("finess", "hopital"), 0.72, 31_000, 110, 0.988),
    Programme("SONS-V1-MDV", "medecin_ville", 1, ("rpps", "medecin"), 0.521, 480, 45, 0.994,
              ("2022-07-15", "2022-11-30")),
    Programme("SONS-V1-MDV", "medecin_ville", 1, ("finess", "centre_sante"), 1.0, 1_150, 60, 0.994),
    Programme("SONS-V1-BIO", "biologie", 1, ("finess", "laboratoire"), 0.745, 14_400, 80, 0.99),
    Programme("SONS-V1-RAD", "radiologie", 1, ("finess", "radiologie"), 0.84, 18_500, 100, 0.922),
    Programme("SONS-V1-OFF", "officine", 1, ("finess", "officine"), 0.985, 790, 50, 0.996),
    Programme("SONS-V1-MSO", "medico_social", 1, ("finess", "essms"), 0.59, 4_300, 120),
    Programme("SONS-V2-HOP", "hopital", 2, ("finess", "hopital"), 0.60, 68_000, 150),
    Programme("SONS-V2-MDV", "medecin_ville", 2, ("rpps", "medecin"), 0.30, 1_250, 70),
    Programme("SONS-V2-RAD", "radiologie", 2, ("finess", "radiologie"), 0.55, 31_000, 130),
    Programme("SONS-V2-OFF", "officine", 2, ("finess", "officine"), 0.57, 1_450, 80),
    Programme("SONS-V2-MSO", "medico_social", 2, ("finess", "essms"), 0.20, 6_200, 140),
    Programme("SONS-V2-SFE", "sage_femme", 2, ("rpps", "sage_femme"), 0.33, 900, 70),
)
SECONDARY_SHARE = {1: 0.55, 2: 0.25}  # hospitals also ordering a PFI


@dataclass
class Deployments:
    """One row per order (site × solution × vague); dates in days since epoch, -1 when empty."""

    site_id: np.ndarray
    site_kind: np.ndarray
    site_index: np.ndarray  # index in its pool
    programme: np.ndarray  # index into PROGRAMMES
    solution: np.ndarray  # index into Solutions
    dep: np.ndarray
    ordered: np.ndarray
    installed: np.ndarray
    validated: np.ndarray
    never: np.ndarray  # bool: order never completed

    def __len__(self) -> int:
        return len(self.site_id)


def weighted_sample(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n distinct indices drawn with probability proportional to weights (Efraimidis–Spirakis), sorted."""
    keys = np.log(rng.random(len(weights))) / weights
    if n >= len(weights):
        return np.arange(len(weights))
    return np.sort(np.argpartition(-keys, n)[:n]) if n else np.zeros(0, dtype=np.int64)


def _order_days(p: Programme, window: tuple[int, int], n: int, rng: np.random.Generator) -> np.ndarray:
    lo, hi = window
    days = lo + (hi - lo) * rng.beta(1.6, 2.2, n)
    if p.rush:
        bunch = rng.random(n) < 0.45
        centre = np.array([timeline.day(r) for r in p.rush])[rng.integers(0, len(p.rush), n)]
        days = np.where(bunch, centre - np.abs(rng.normal(0, 18, n)), days)
    return np.clip(np.rint(days), lo, hi).astype(np.int64)


def _pick_solutions(sol: Solutions, couloir: str, vague: int, ordered: np.ndarray, secondary: bool,
                    rng: np.random.Generator) -> np.ndarray:
    """A solution of the couloir and vague already referenced on the order date, by market share."""
    idx = np.flatnonzero((sol.couloir == couloir) & (sol.vague == vague) & (sol.secondary == secondary))
    if len(ordered) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(idx) == 0:
        raise ValueError(f"orders for {couloir} vague {vague} but no referenced solution")
    idx = idx[np.argsort(sol.referenced[idx], kind="stable")]
    avail = np.maximum(np.searchsorted(sol.referenced[idx], ordered, side="right"), 1)
    cum = np.cumsum(sol.share[idx])
    pick = np.searchsorted(cum, rng.random(len(ordered)) * cum[avail - 1], side="right")
    return idx[np.minimum(pick, avail - 1)]


def build_deployments(universe: Universe, sol: Solutions, dispositifs: dict[str, dict[str, str]], today: date,
                      rng: np.random.Generator) -> Deployments:
    end = timeline.day(today) - 1
    parts: list[dict[str, np.ndarray]] = []
    v1_sites: dict[tuple[str, str], np.ndarray] = {}
    for pi, p in enumerate(PROGRAMMES):
        kind, name = p.pool
        pool = (universe.finess if kind == "finess" else universe.rpps)[name]
        n = int(round(len(pool) * p.coverage))
        prior = np.ones(len(pool))
        if p.vague == 2 and p.pool in v1_sites:
            prior[v1_sites[p.pool]] = 4.0  # vague 2 buyers are mostly vague 1 customers
        sites = weighted_sample(prior, n, rng)
        if p.vague == 1:
            v1_sites[p.pool] = sites
        d = dispositifs[p.dispositif]
        window = (timeline.day(d["window_open"]), timeline.day(d["window_close"]))
        ordered = _order_days(p, window, n, rng)
        keep = ordered <= end
        sites, ordered = sites[keep], ordered[keep]
        n = len(sites)
        solution = _pick_solutions(sol, p.couloir, p.vague, ordered, False, rng)
        rows = {"site": sites, "ordered": ordered, "solution": solution}
        if p.couloir == "hopital":
            extra = rng.random(n) < SECONDARY_SHARE[p.vague]
            e_ord = ordered[extra] + rng.integers(0, 60, int(extra.sum()))
            e_ord = np.minimum(e_ord, min(window[1], end))
            rows = {
                "site": np.concatenate([sites, sites[extra]]),
                "ordered": np.concatenate([ordered, e_ord]),
                "solution": np.concatenate([solution, _pick_solutions(sol, "hopital", p.vague, e_ord, True, rng)]),
            }
        installed, validated, never = _lifecycle(p, rows["ordered"], end, rng)
        m = len(rows["site"])
        parts.append({
            "site_id": pool.ids[rows["site"]], "site_kind": np.full(m, kind, dtype=object),
            "site_index": rows["site"], "programme": np.full(m, pi), "solution": rows["solution"],
            "dep": pool.dep[rows["site"]], "ordered": rows["ordered"], "installed": installed,
            "validated": validated, "never": never,
        })
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((cols["site_id"].astype(str), cols["ordered"], cols["programme"]))
    return Deployments(**{k: v[order] for k, v in cols.items()})


def _lifecycle(p: Programme, ordered: np.ndarray, end: int, rng: np.random.Generator):
    """Installation and validation dates; vague 1 sanitaire meets its installed-by-CUTOFF share."""
    n = len(ordered)
    slow = 2.0 if p.vague == 2 else 1.0  # vague 2 orders are still being installed
    installed = ordered + np.rint(rng.lognormal(np.log(p.install_days * slow), 0.55, n)).astype(np.int64)
    never = rng.random(n) < (0.013 if p.vague == 1 else 0.03)
    if p.on_time:
        before = ordered <= CUTOFF
        late = before & (rng.random(n) < 1.0 - p.on_time)
        never = np.where(before, late & (rng.random(n) < 0.6), never)
        hurry = before & ~late & (installed > CUTOFF)
        span = CUTOFF - ordered[hurry]
        installed[hurry] = ordered[hurry] + np.rint(rng.random(int(hurry.sum())) * span).astype(np.int64)
        slip = late & (installed <= CUTOFF)
        installed[slip] = CUTOFF + 1 + np.rint(rng.lognormal(np.log(60), 0.6, int(slip.sum()))).astype(np.int64)
    validated = installed + 5 + np.rint(rng.lognormal(np.log(30), 0.7, n)).astype(np.int64)
    installed = np.where(never | (installed > end), -1, installed)
    validated = np.where((installed < 0) | (validated > end), -1, validated)
    return installed, validated, never
