"""The entity universe: sites (FINESS), professionals (RPPS) and vendors (SIREN), scaled by --scale."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo.populations import UNIVERSE_YEAR, Populations
from etl.demo.reference import Reference
from etl.demo.territory import Territory, stochastic_round

# Pools of FINESS-identified entities: name → (population kind or national total, name pattern).
FINESS_POOLS = {
    "hopital": "etablissements_sante",
    "laboratoire": "laboratoires",
    "radiologie": "structures_radiologie",
    "officine": "officines",
    "essms": "essms",
    "centre_sante": 1_500,  # centres and maisons de santé equipped in vague 1 (§5)
    "gestionnaire": 1_400,  # ESMS numérique project holders, FINESS juridique (~1 400 projects, §4)
}
RPPS_POOLS = {"medecin": "medecins_liberaux", "sage_femme": 8_000}

HOSPITAL_KINDS = ("Centre hospitalier", "Clinique", "Hôpital privé", "Centre de SSR", "Hôpital local",
                  "Polyclinique", "Centre de santé mentale")
PHARMACY_NAMES = ("du Centre", "de la Gare", "de la Mairie", "des Halles", "du Marché", "de l'Église", "du Port",
                  "des Écoles", "Principale", "du Parc", "des Tilleuls", "de la Poste")
GESTIONNAIRE_KINDS = ("Association", "Fondation", "GCSMS", "Mutualité", "CCAS", "Groupe associatif")


@dataclass
class Pool:
    """Entities of one kind: identifier, département index, size weight and optional name."""

    ids: np.ndarray  # object array of str
    dep: np.ndarray  # int64 index into the département list
    weight: np.ndarray
    names: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Universe:
    finess: dict[str, Pool]
    rpps: dict[str, Pool]
    eligible_sunes: np.ndarray  # bool per hospital


def unique_ints(rng: np.random.Generator, n: int, space: int) -> np.ndarray:
    """n distinct integers in [0, space), in random order."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n > space:
        raise ValueError(f"cannot draw {n} distinct identifiers from {space}")
    draw = np.unique(rng.integers(0, space, int(n * 1.2) + 16))
    while len(draw) < n:
        draw = np.unique(np.concatenate([draw, rng.integers(0, space, n)]))
    return rng.permutation(draw)[:n].astype(np.int64)


def luhn_keys(body: np.ndarray, width: int) -> np.ndarray:
    """Luhn check digits of integer bodies of `width` digits (vectorised luhn_complete)."""
    v = np.asarray(body, dtype=np.int64).copy()
    total = np.zeros(len(v), dtype=np.int64)
    for i in range(width):
        digit = v % 10
        v //= 10
        if i % 2 == 0:
            digit = digit * 2
            digit = np.where(digit > 9, digit - 9, digit)
        total += digit
    return (10 - total % 10) % 10


def luhn_complete(body: str) -> str:
    """Append the Luhn check digit (SIREN and RPPS keys)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def _counts(spec: str | int, pops: Populations, territory: Territory, scale: float,
            rng: np.random.Generator) -> np.ndarray:
    if isinstance(spec, str):
        base = pops.year(spec, UNIVERSE_YEAR).astype(np.float64)
    else:
        w = territory.pop * territory.density
        base = spec * w / w.sum()
    return stochastic_round(base * scale, rng)


def build_universe(ref: Reference, territory: Territory, pops: Populations, scale: float,
                   rng: np.random.Generator) -> Universe:
    counts = {name: _counts(spec, pops, territory, scale, rng) for name, spec in FINESS_POOLS.items()}
    eligible_n = stochastic_round(pops.year("hopitaux_eligibles_sunes", UNIVERSE_YEAR) * scale, rng)
    counts["hopital"] = np.maximum(counts["hopital"], eligible_n)
    prefix = ref.finess_prefix
    ids: dict[str, list[np.ndarray]] = {name: [] for name in FINESS_POOLS}
    deps: dict[str, list[np.ndarray]] = {name: [] for name in FINESS_POOLS}
    eligible: list[np.ndarray] = []
    for d, code in enumerate(prefix):
        width = 9 - len(code)
        total = int(sum(c[d] for c in counts.values()))
        numbers = unique_ints(rng, total, 10**width)
        offset = 0
        for name in FINESS_POOLS:
            n = int(counts[name][d])
            ids[name].append(np.array([code + str(x).zfill(width) for x in numbers[offset:offset + n]], dtype=object))
            deps[name].append(np.full(n, d, dtype=np.int64))
            offset += n
            if name == "hopital":
                flag = np.zeros(n, dtype=bool)
                flag[: int(eligible_n[d])] = True
                eligible.append(flag)
    finess = {}
    for name in FINESS_POOLS:
        dep = np.concatenate(deps[name])
        weight = rng.lognormal(0.0, 1.0 if name == "hopital" else 0.6, len(dep))
        finess[name] = Pool(np.concatenate(ids[name]), dep, weight)
    labels = np.array(ref.dep_labels, dtype=object)
    _name_pool(finess["hopital"], labels, HOSPITAL_KINDS, rng)
    _name_pool(finess["gestionnaire"], labels, GESTIONNAIRE_KINDS, rng)
    pharm = finess["officine"]
    suffix = np.array(PHARMACY_NAMES, dtype=object)[rng.integers(0, len(PHARMACY_NAMES), len(pharm))]
    pharm.names = np.array([f"Pharmacie {s} ({lab})" for s, lab in zip(suffix, labels[pharm.dep], strict=True)], dtype=object)
    rpps = {}
    rpps_counts = {name: _counts(spec, pops, territory, scale, rng) for name, spec in RPPS_POOLS.items()}
    numbers = unique_ints(rng, int(sum(c.sum() for c in rpps_counts.values())), 10**8)
    offset = 0
    for name, c in rpps_counts.items():
        n = int(c.sum())
        body = 1_000_000_000 + numbers[offset:offset + n]  # RPPS numbers start with 10
        offset += n
        dep = np.repeat(np.arange(len(c)), c)
        rpps[name] = Pool((body * 10 + luhn_keys(body, 10)).astype(str).astype(object), dep,
                          rng.lognormal(0.0, 0.5, n))
    return Universe(finess=finess, rpps=rpps, eligible_sunes=np.concatenate(eligible))


def _name_pool(pool: Pool, labels: np.ndarray, kinds: tuple[str, ...], rng: np.random.Generator) -> None:
    """Names such as 'Centre hospitalier Nord n°12': the biggest site of a département is its CH."""
    kind = np.array(kinds, dtype=object)[rng.integers(0, len(kinds), len(pool))]
    order = np.lexsort((-pool.weight, pool.dep))
    rank = np.empty(len(pool), dtype=np.int64)
    first = np.r_[0, np.flatnonzero(np.diff(pool.dep[order])) + 1]
    run = np.arange(len(pool)) - np.repeat(first, np.diff(np.r_[first, len(pool)]))
    rank[order] = run
    kind[rank == 0] = kinds[0]
    pool.names = np.array([f"{k} {lab} n°{r + 1}" for k, lab, r in zip(kind, labels[pool.dep], rank, strict=True)], dtype=object)
