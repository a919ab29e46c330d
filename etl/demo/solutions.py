"""Referenced solutions (ANS): 167 vague-1 sanitaire solutions from 103 vendors, plus médico-social,
MSSanté operators and the vague-2 set referenced 2024–2026."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from etl.demo import timeline
from etl.demo.entities import luhn_complete

# (couloir, vague) → (count, first referencing date, last referencing date, product stem). §5: hôpital 90,
# médecin de ville 43, biologie 13, officine 11, radiologie 10 = 167 solutions from 103 vendors.
CATALOGUE = {
    ("hopital", 1): (90, "2021-06-15", "2023-06-30", "DPI"),
    ("medecin_ville", 1): (43, "2021-10-15", "2022-10-31", "LGC"),
    ("biologie", 1): (13, "2021-06-15", "2022-12-15", "SGL"),
    ("officine", 1): (11, "2021-12-15", "2023-03-31", "LGO"),
    ("radiologie", 1): (10, "2021-10-15", "2023-03-31", "RIS"),
    ("medico_social", 1): (36, "2022-05-15", "2023-12-15", "DUI"),
    ("mssante", 1): (22, "2021-06-15", "2022-12-15", "Messagerie"),
    ("hopital", 2): (48, "2024-02-15", "2026-06-30", "DPI"),
    ("medecin_ville", 2): (32, "2025-01-15", "2026-06-30", "LGC"),
    ("radiologie", 2): (14, "2025-01-15", "2026-06-30", "DRIMbox"),
    ("officine", 2): (9, "2025-05-15", "2026-09-30", "LGO"),
    ("medico_social", 2): (28, "2025-05-15", "2026-09-30", "DUI"),
    ("sage_femme", 2): (7, "2025-05-15", "2026-09-30", "LGC Sage-femme"),
}
SANITAIRE_V1 = ("hopital", "medecin_ville", "biologie", "officine", "radiologie")
SANITAIRE_VENDORS = 103
CODES = {"hopital": "HOP", "medecin_ville": "MDV", "biologie": "BIO", "officine": "OFF", "radiologie": "RAD",
         "medico_social": "MSO", "mssante": "MSS", "sage_femme": "SFE"}

_STEMS = ("Medi", "Axi", "Hexa", "Nova", "Clini", "Vita", "Alto", "Ceti", "Odys", "Kali", "Orphe", "Syla",
          "Dema", "Ulti", "Praxi", "Eulo", "Heli", "Mnemo", "Quali", "Sensi", "Tela", "Vira")
_ENDS = ("log", "sys", "tech", "ware", "med", "lab", "net", "line", "care", "dev", "soft", "data")
_FORMS = (" SAS", " SA", " SARL", " Informatique", " Solutions", " Santé")
_PRODUCTS = ("Horizon", "Atlas", "Pléiade", "Orion", "Sirius", "Boréal", "Azur", "Cèdre", "Équinoxe", "Lumière",
             "Mistral", "Opale", "Quartz", "Rubis", "Sextant", "Topaze", "Vega", "Zénith", "Alizé", "Cobalt")


@dataclass(frozen=True)
class Solutions:
    ids: np.ndarray  # object
    names: np.ndarray
    vendor: np.ndarray  # index into vendor arrays
    couloir: np.ndarray  # object
    vague: np.ndarray  # int
    referenced: np.ndarray  # days since epoch
    secondary: np.ndarray  # bool: a hospital PFI (bought alongside a DPI)
    share: np.ndarray  # market-share weight
    vendor_siren: np.ndarray
    vendor_names: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def _vendor_names(n: int, rng: np.random.Generator) -> list[str]:
    names: list[str] = []
    seen = set()
    while len(names) < n:
        name = (_STEMS[rng.integers(len(_STEMS))] + _ENDS[rng.integers(len(_ENDS))]
                + _FORMS[rng.integers(len(_FORMS))])
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _assign_vendors(couloirs: list[str], first_new: int, n_new: int, counts: list[int],
                    owners: dict[str, list[int]], rng: np.random.Generator) -> list[int]:
    """Each of the n_new vendors gets one solution; the rest go to incumbents of the couloir (the rich get richer)."""
    out = []
    order = rng.permutation(len(couloirs))
    for rank, i in enumerate(order):
        c = couloirs[i]
        if rank < n_new:
            v = first_new + rank
        else:
            pool = owners.get(c) or owners["medecin_ville"]
            w = np.array([counts[v] for v in pool], dtype=np.float64) ** 1.5
            v = pool[rng.choice(len(pool), p=w / w.sum())]
        out.append((i, v))
        counts[v] += 1
        owners.setdefault(c, []).append(v)
    return [v for _, v in sorted(out)]


def build_solutions(today: date, rng: np.random.Generator) -> Solutions:
    couloirs, vagues = [], []
    for (c, v), (n, *_rest) in CATALOGUE.items():
        couloirs += [c] * n
        vagues += [v] * n
    couloirs_arr = np.array(couloirs, dtype=object)
    vague_arr = np.array(vagues)
    sanitaire = np.isin(couloirs_arr, SANITAIRE_V1) & (vague_arr == 1)
    n_other_vendors = 45
    counts = [0] * (SANITAIRE_VENDORS + n_other_vendors)
    owners: dict[str, list[int]] = {}
    vendor = np.zeros(len(couloirs), dtype=np.int64)
    idx = np.flatnonzero(sanitaire)
    vendor[idx] = _assign_vendors([couloirs[i] for i in idx], 0, SANITAIRE_VENDORS, counts, owners, rng)
    idx = np.flatnonzero(~sanitaire & (vague_arr == 1))
    vendor[idx] = _assign_vendors([couloirs[i] for i in idx], SANITAIRE_VENDORS, 40, counts, owners, rng)
    idx = np.flatnonzero(vague_arr == 2)
    vendor[idx] = _assign_vendors([couloirs[i] for i in idx], SANITAIRE_VENDORS + 40, 5, counts, owners, rng)
    n_vendors = SANITAIRE_VENDORS + n_other_vendors
    sirens = set()
    vendor_siren = []
    while len(vendor_siren) < n_vendors:
        s = luhn_complete(f"{rng.integers(30_000_000, 99_999_999):08d}")
        if s not in sirens:
            sirens.add(s)
            vendor_siren.append(s)
    vendor_names = _vendor_names(n_vendors, rng)

    ids, names, referenced, secondary = [], [], [], []
    for (c, v), (n, first, last, stem) in CATALOGUE.items():
        lo, hi = timeline.day(first), timeline.day(last)
        days = np.sort(rng.integers(lo, hi + 1, n))
        days[0] = lo
        for j in range(n):
            pfi = c == "hopital" and j >= n * 2 // 3
            ids.append(f"SOL-{CODES[c]}-V{v}-{j + 1:04d}")
            product = _PRODUCTS[rng.integers(len(_PRODUCTS))]
            version = f"{rng.integers(2, 12)}.{rng.integers(0, 10)}" if v == 1 else f"202{rng.integers(4, 7)}.{rng.integers(1, 4)}"
            names.append(f"{'PFI' if pfi else stem} {product} {version}")
            referenced.append(days[j])
            secondary.append(pfi)
    share = 1.0 / rng.permutation(np.arange(1, len(ids) + 1)) ** 0.4
    keep = np.array(referenced) <= timeline.day(today)
    return Solutions(
        ids=np.array(ids, dtype=object)[keep], names=np.array(names, dtype=object)[keep], vendor=vendor[keep],
        couloir=couloirs_arr[keep], vague=vague_arr[keep], referenced=np.array(referenced, dtype=np.int64)[keep],
        secondary=np.array(secondary)[keep], share=share[keep],
        vendor_siren=np.array(vendor_siren, dtype=object), vendor_names=np.array(vendor_names, dtype=object),
    )
