"""Territorial and couloir targets: the national trajectory scaled for a région, a département or a couloir."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.model import Indicator

NON_ADDITIVE_UNITS = {"pct", "jours"}
# How a scope's target was obtained, in both languages (`{couloir}` is filled in).
NOTES = {
    "couloir_value": ("cible du couloir {couloir} déclarée", "declared target of the {couloir} couloir"),
    "couloir_share": ("part déclarée du couloir {couloir}", "declared share of the {couloir} couloir"),
    "no_couloir_target": ("pas de cible déclarée pour ce couloir", "no target declared for this couloir"),
    "territorial": ("cible territoriale déclarée", "declared territorial target"),
    "equal_share": ("part égale de la cible nationale", "equal share of the national target"),
    "population_share": ("part de la population dans la cible nationale", "population share of the national target"),
    "same_rate": ("même cible que la cible nationale (taux)", "same target as the national one (a rate)"),
    "national": ("cible nationale", "national target"),
    "no_part_target": ("pas de cible déclarée pour ce dispositif ou cette vague",
                       "no target declared for this dispositif or wave"),
}


@dataclass(frozen=True)
class TargetNote:
    """How the target of a scope was obtained: keys of NOTES with their parameters."""

    parts: tuple[tuple[str, str], ...]  # (note key, couloir code or "")

    @classmethod
    def of(cls, *keys: str, couloir: str = "") -> TargetNote:
        return cls(tuple((k, couloir) for k in keys))

    def text(self, lang: str = "fr") -> str:
        i = 0 if lang == "fr" else 1
        return "; ".join(NOTES[key][i].format(couloir=couloir) for key, couloir in self.parts)


@dataclass(frozen=True)
class TerritoryRef:
    dep_region: dict[str, str]
    dep_label: dict[str, str]
    dep_population: dict[str, float]
    region_label_fr: dict[str, str]
    region_label_en: dict[str, str]

    @classmethod
    def from_rows(cls, rows, db) -> TerritoryRef:
        from sqlalchemy import select

        from indicators.tables import dim_region

        regions = db.rows(select(dim_region.c.region_code, dim_region.c.label_fr, dim_region.c.label_en))
        return cls(
            dep_region={d: r for d, r, _, _ in rows},
            dep_label={d: label for d, _, label, _ in rows},
            dep_population={d: float(p) for d, _, _, p in rows},
            region_label_fr={r: fr for r, fr, _ in regions},
            region_label_en={r: en for r, _, en in regions},
        )

    @property
    def national_population(self) -> float:
        return sum(self.dep_population.values())

    def population(self, region: str | None = None, departement: str | None = None) -> float:
        if departement:
            return self.dep_population.get(departement, 0.0)
        return sum(p for d, p in self.dep_population.items() if self.dep_region[d] == region)

    def departements_of(self, region: str) -> list[str]:
        return [d for d, r in self.dep_region.items() if r == region]


def is_additive(ind: Indicator) -> bool:
    """Whether a territory's value is a part of the national value (counts, amounts) or a rate."""
    return ind.unit not in NON_ADDITIVE_UNITS and ind.measure.additive


def target_factor(ind: Indicator, ref: TerritoryRef, region: str | None = None, departement: str | None = None,
                  couloir: str | None = None) -> tuple[float | None, TargetNote]:
    """Factor applied to the national trajectory for this scope, and how it was obtained."""
    final = ind.target.final.value
    terr = ind.target.territorial
    factor = 1.0
    notes: list[str] = []
    additive = is_additive(ind)
    if couloir:
        if terr and terr.by == "couloir" and terr.values and couloir in terr.values:
            factor *= terr.values[couloir] / final if final else 0.0
            notes.append("couloir_value")
        elif terr and terr.by == "couloir" and terr.shares and couloir in terr.shares:
            factor *= terr.shares[couloir]
            notes.append("couloir_share")
        elif additive:
            return None, TargetNote.of("no_couloir_target")
    if region or departement:
        code = departement or region
        if terr and terr.by in ("region", "departement") and (terr.values or terr.shares):
            table = terr.values or terr.shares or {}
            if terr.by == "departement" and not departement:
                codes = ref.departements_of(region)
                raw = sum(table.get(c, 0.0) for c in codes)
            elif terr.by == "region" and departement:
                reg = ref.dep_region[departement]
                raw = table.get(reg, 0.0) * ref.population(departement=departement) / max(ref.population(reg), 1)
            else:
                raw = table.get(code, 0.0)
            factor *= raw / final if terr.values and final else raw
            notes.append("territorial")
        elif additive:
            if terr and terr.share == "equal":
                share = 1 / 18 if not departement else 1 / 101
                notes.append("equal_share")
            else:
                share = ref.population(region, departement) / ref.national_population
                notes.append("population_share")
            factor *= share
        else:
            notes.append("same_rate")
    return factor, TargetNote.of(*(notes or ["national"]), couloir=couloir or "")
