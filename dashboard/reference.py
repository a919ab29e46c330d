"""The reference data (data/reference/*.csv) as the dashboard needs it: codes, labels, hierarchy.

Read from the tracked CSV files, not from the warehouse, so that filters and URL validation work
even before any data is published.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Item:
    """A coded reference entry with French and English labels."""

    code: str
    label_fr: str
    label_en: str
    parent: str | None = None  # région of a département; couloir of a dispositif
    lat: float | None = None
    lon: float | None = None

    def label(self, lang: str | None = "fr") -> str:
        return self.label_en if lang == "en" else self.label_fr


@dataclass(frozen=True)
class Reference:
    regions: dict[str, Item]
    departements: dict[str, Item]
    couloirs: dict[str, Item]
    dispositifs: dict[str, Item]
    vagues: dict[str, Item]

    def departements_of(self, region: str | None) -> list[Item]:
        """Départements of a région (all of them when `region` is None), in code order."""
        return [d for d in self.departements.values() if region is None or d.parent == region]

    def label(self, kind: str, code: str | None, lang: str | None = "fr") -> str:
        """Label of a code in one of the tables (`regions`, `departements`…); the code itself if unknown."""
        if code is None:
            return ""
        item = getattr(self, kind).get(code)
        return item.label(lang) if item else code


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _sort_key(code: str) -> tuple[int, str]:
    """INSEE order: 01…19, 2A, 2B, 21…95, 971…976."""
    return (20, code) if code in ("2A", "2B") else (int(code), code)


@lru_cache(maxsize=4)
def load_reference(reference_dir: Path) -> Reference:
    """Parse the reference CSV files of a directory (cached per directory)."""
    regions = {r["region_code"]: Item(r["region_code"], r["label_fr"], r["label_en"])
               for r in _rows(reference_dir / "regions.csv")}
    deps = sorted(_rows(reference_dir / "departements.csv"), key=lambda r: _sort_key(r["departement_code"]))
    departements = {
        r["departement_code"]: Item(r["departement_code"], r["label"], r["label"], r["region_code"],
                                    float(r["lat"]), float(r["lon"]))
        for r in deps
    }
    couloirs = {r["couloir_code"]: Item(r["couloir_code"], r["label_fr"], r["label_en"])
                for r in _rows(reference_dir / "couloirs.csv")}
    dispositifs = {r["dispositif_code"]: Item(r["dispositif_code"], r["label_fr"], r["label_en"],
                                              r["couloir_code"] or None)
                   for r in _rows(reference_dir / "dispositifs.csv")}
    vagues = {r["vague"]: Item(r["vague"], r["label_fr"], r["label_en"]) for r in _rows(reference_dir / "vagues.csv")}
    return Reference(regions, departements, couloirs, dispositifs, vagues)
