"""Establishment-level DMP feeding (hospitals, labs, radiology sites): the detail under mes_documents.

Each establishment × document type gets a share of its département's monthly documents for that couloir
and type, so the detail never exceeds the département total (a part of the documents comes from sites the
Cnam cannot attribute)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from etl.demo import calibration as cal
from etl.demo import timeline
from etl.demo.documents import DocCube
from etl.demo.entities import Universe
from etl.demo.territory import Territory

# series key → (pool, probability that a site of the pool sends this type, share of the département's documents
# attributed to identified sites)
FEEDS = {
    "hop_sortie": ("hopital", 1.0, 0.93),
    "hop_cro": ("hopital", 0.75, 0.93),
    "hop_bio": ("hopital", 0.60, 0.93),
    "hop_img": ("hopital", 0.65, 0.93),
    "hop_presc": ("hopital", 0.55, 0.93),
    "hop_synth": ("hopital", 0.50, 0.93),
    "bio": ("laboratoire", 1.0, 0.90),
    "rad": ("radiologie", 1.0, 0.88),
}
POOL_COULOIR = {"hopital": "hopital", "laboratoire": "biologie", "radiologie": "radiologie"}


@dataclass(frozen=True)
class Pairs:
    """Establishment × series pairs that feed, with their first month and weight."""

    finess: np.ndarray
    dep: np.ndarray
    series: np.ndarray  # index into the DocCube series
    start: np.ndarray
    weight: np.ndarray
    coverage: np.ndarray


def start_months(pool_name: str, scale: float, dep: np.ndarray, territory: Territory, months: int,
                 rng: np.random.Generator, first_by: np.ndarray | None = None) -> np.ndarray:
    """Month each site starts feeding, so that the number of feeding sites follows the national count of
    usage_professionnels (× scale). Sites queue by the month they must feed by (SUN-ES), then at random,
    sooner in the départements that are ahead; a site that never gets its turn gets month `months`."""
    feeding = timeline.anchored(list(cal.FEEDING_ACTORS[POOL_COULOIR[pool_name]]), months) * scale
    feeding = np.maximum.accumulate(feeding)
    u = rng.random(len(dep)) / np.sqrt(territory.adoption[dep])
    deadline = first_by if first_by is not None else np.zeros(len(dep), dtype=np.int64)
    rank = np.empty(len(dep), dtype=np.int64)
    rank[np.lexsort((u, deadline))] = np.arange(len(dep))
    start = np.searchsorted(feeding, rank + 0.5, side="right")
    return start if first_by is None else np.minimum(start, np.maximum(0, first_by))


def build_pairs(universe: Universe, docs: DocCube, territory: Territory, scale: float, months: int,
                must_feed_by: np.ndarray, rng: np.random.Generator) -> Pairs:
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("finess", "dep", "series", "start", "weight", "coverage")}
    for pool_name in POOL_COULOIR:
        pool = universe.finess[pool_name]
        first_by = must_feed_by - rng.integers(0, 8, len(pool)) if pool_name == "hopital" else None
        start = start_months(pool_name, scale, pool.dep, territory, months, rng, first_by)
        size = np.log(pool.weight)
        for key, (p_name, prob, coverage) in FEEDS.items():
            if p_name != pool_name:
                continue
            k = docs.index(key)
            p = np.clip(prob * (1 + 0.25 * size), 0, 1) if prob < 1 else np.ones(len(pool))
            sends = rng.random(len(pool)) < p
            offset = 0 if prob == 1 else rng.integers(0, 18, len(pool))
            first = np.maximum(start + offset, docs.start[k])
            cols["finess"].append(pool.ids[sends])
            cols["dep"].append(pool.dep[sends])
            cols["series"].append(np.full(int(sends.sum()), k))
            cols["start"].append(np.asarray(first)[sends] if np.ndim(first) else np.full(int(sends.sum()), first))
            cols["weight"].append(pool.weight[sends] * rng.lognormal(0, 0.3, int(sends.sum())))
            cols["coverage"].append(np.full(int(sends.sum()), coverage))
    arrays = {k: np.concatenate(v) for k, v in cols.items()}
    doc_type = np.array([docs.series[k].document_type for k in arrays["series"]])
    order = np.lexsort((doc_type, arrays["finess"].astype(str)))
    return Pairs(**{k: v[order] for k, v in arrays.items()})


def monthly_rows(pairs: Pairs, docs: DocCube, months: int, rng: np.random.Generator) -> Iterator[dict]:
    """One chunk per month: rows (month, finess, dep, series, documents_count) with documents > 0."""
    n_dep = docs.counts.shape[2]
    n_series = docs.counts.shape[0]
    for t in range(months):
        active = np.flatnonzero(pairs.start <= t)
        if len(active) == 0:
            continue
        s, d = pairs.series[active], pairs.dep[active]
        ww = pairs.weight[active] * rng.lognormal(0, 0.12, len(active))
        cell = s * n_dep + d
        total_w = np.bincount(cell, weights=ww, minlength=n_series * n_dep)
        cube = docs.counts[:, t, :].reshape(-1).astype(np.float64)
        value = np.floor(cube[cell] * pairs.coverage[active] * ww / total_w[cell]).astype(np.int64)
        keep = value > 0
        yield {"month": np.full(int(keep.sum()), t), "finess": pairs.finess[active][keep], "dep": d[keep],
               "series": s[keep], "documents_count": value[keep]}
