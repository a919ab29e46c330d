"""Funding events as column blocks: one block per programme, identifiers assigned in date order."""

from __future__ import annotations

import operator
from collections.abc import Iterator

import numpy as np

from etl.demo import timeline

EVENT_ORDER = {"commitment": 0, "advance": 1, "lump_sum": 2, "balance": 3, "cancellation": 4}
COLUMNS = ("prefix", "dispositif", "couloir", "vague", "dep", "ben_id", "ben_kind", "ben_name", "etype", "date",
           "cents", "window", "key")

Block = dict[str, np.ndarray]


def block(n: int, **cols) -> Block:
    """A block of n events; scalar values are broadcast."""
    out: Block = {}
    for name in COLUMNS:
        v = cols[name]
        if isinstance(v, np.ndarray):
            out[name] = v
        elif isinstance(v, str):
            out[name] = np.full(n, v, dtype=object)
        else:
            out[name] = np.full(n, v, dtype=np.int64)
    return out


def concat(blocks: list[Block]) -> Block:
    return {k: np.concatenate([b[k] for b in blocks]) for k in COLUMNS}


def keep(b: Block, mask: np.ndarray) -> Block:
    return {k: v[mask] for k, v in b.items()}


def cents(euros: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(euros) * 100).astype(np.int64)


class Ids:
    """Event identifiers `<prefix>-<year>-<n>`, n running per prefix and year across blocks."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.index: dict[str, int] = {}
        self.counters: list[int] = []

    def group(self, name: str) -> int:
        if name not in self.index:
            self.index[name] = len(self.names)
            self.names.append(name)
            self.counters.append(0)
        return self.index[name]

    def render(self, group: np.ndarray, seq: np.ndarray) -> list[str]:
        """`ASP-2022-000123`; an empty string where seq < 0."""
        heads = np.array([n + "-" for n in self.names] + [""], dtype=object)
        group = np.where(seq < 0, len(self.names), group)
        tails = np.char.zfill(np.maximum(seq, 0).astype("U12"), 6).astype(object)
        tails[seq < 0] = ""
        return list(map(operator.add, heads[group].tolist(), tails.tolist()))


def finalise(b: Block, ids: Ids) -> Block:
    """Sort by date and number the events (`id_group`, `id_seq`); each payment gets its commitment's number
    (`ref_group`, `ref_seq`, -1 for a commitment)."""
    n = len(b["date"])
    rank = np.zeros(n, dtype=np.int64)
    for etype, r in EVENT_ORDER.items():
        rank[b["etype"] == etype] = r
    order = np.lexsort((rank, b["key"], b["date"]))
    b = {k: v[order] for k, v in b.items()}
    years = timeline.month_year(timeline.day_to_month(b["date"])).astype(np.int64)
    prefixes = np.unique(b["prefix"].astype(str)) if n else []
    group = np.zeros(n, dtype=np.int64)
    seq = np.zeros(n, dtype=np.int64)
    for prefix in prefixes:
        is_prefix = b["prefix"] == prefix
        for year in np.unique(years[is_prefix]):
            pos = np.flatnonzero(is_prefix & (years == year))
            g = ids.group(f"{prefix}-{year}")
            group[pos] = g
            seq[pos] = ids.counters[g] + 1 + np.arange(len(pos))
            ids.counters[g] += len(pos)
    b["id_group"], b["id_seq"] = group, seq
    is_commit = b["etype"] == "commitment"
    size = int(b["key"].max()) + 1 if n else 1
    lookup_g = np.zeros(size, dtype=np.int64)
    lookup_s = np.full(size, -1, dtype=np.int64)
    lookup_g[b["key"][is_commit]] = group[is_commit]
    lookup_s[b["key"][is_commit]] = seq[is_commit]
    b["ref_group"] = lookup_g[b["key"]]
    b["ref_seq"] = np.where(is_commit, -1, lookup_s[b["key"]])
    return b


def split(b: Block, size: int) -> Iterator[Block]:
    n = len(b["date"])
    for start in range(0, n, size):
        yield {k: v[start:start + size] for k, v in b.items()}
