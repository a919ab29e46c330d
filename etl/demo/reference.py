"""The tracked reference data the generator builds on (départements, régions, dispositifs, windows)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"


def _rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class Reference:
    dep_codes: tuple[str, ...]
    dep_labels: tuple[str, ...]
    dep_region: tuple[str, ...]
    dep_pop_k: np.ndarray  # population in thousands, per département
    region_codes: tuple[str, ...]
    region_labels: tuple[str, ...]
    dispositifs: dict[str, dict[str, str]]
    windows: dict[tuple[str, int], tuple[date, date, date]]  # (dispositif, window) → open, close, deadline

    @property
    def n_dep(self) -> int:
        return len(self.dep_codes)

    def dep_index(self, code: str) -> int:
        return self.dep_codes.index(code)

    @property
    def dep_region_idx(self) -> np.ndarray:
        """Index into region_codes of each département's région."""
        return np.array([self.region_codes.index(r) for r in self.dep_region], dtype=np.int64)

    @property
    def finess_prefix(self) -> tuple[str, ...]:
        """FINESS numbers start with the département; overseas ones with 970 and the région digit."""
        return tuple(("970" + c[2]) if len(c) == 3 else c for c in self.dep_codes)


@lru_cache(maxsize=1)
def load_reference() -> Reference:
    deps = _rows("departements.csv")
    regions = _rows("regions.csv")
    windows = {
        (w["dispositif_code"], int(w.get("funding_window") or w["window"])): (
            date.fromisoformat(w["open_date"]),
            date.fromisoformat(w["close_date"]),
            date.fromisoformat(w["payment_deadline"]),
        )
        for w in _rows("funding_windows.csv")
    }
    return Reference(
        dep_codes=tuple(d["departement_code"] for d in deps),
        dep_labels=tuple(d["label"] for d in deps),
        dep_region=tuple(d["region_code"] for d in deps),
        dep_pop_k=np.array([int(d["population_k"]) for d in deps], dtype=np.float64),
        region_codes=tuple(r["region_code"] for r in regions),
        region_labels=tuple(r["label_fr"] for r in regions),
        dispositifs={d["dispositif_code"]: d for d in _rows("dispositifs.csv")},
        windows=windows,
    )
