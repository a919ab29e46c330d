"""Budget envelopes: 2 Md€ exactly (1,4 Md€ sanitaire, 600 M€ médico-social), by dispositif × year, some
territorialised per région (SUN-ES, ESMS numérique regional calls), the others national."""

from __future__ import annotations

import numpy as np

from etl.demo.reference import Reference
from etl.demo.territory import apportion

TOTAL_EUR = 2_000_000_000

# dispositif → (M€, {year: weight}, territorialised share, source label). §3: SONS vague 1 465 M€; SUN-ES 210 M€
# (158 + 52); ESMS numérique 405 M€ (2023: 84, 2024: 87, 2025: 76,5); the rest SONS vague 2 and forfaits.
ENVELOPES: dict[str, tuple[float, dict[int, float], float, str]] = {
    "SONS-V1-HOP": (140, {2021: 30, 2022: 45, 2023: 25}, 0.0, "DNS — SONS vague 1"),
    "SONS-V1-MDV": (70, {2021: 20, 2022: 80}, 0.0, "DNS — SONS vague 1"),
    "SONS-V1-BIO": (25, {2021: 40, 2022: 40, 2023: 20}, 0.0, "DNS — SONS vague 1"),
    "SONS-V1-RAD": (30, {2021: 20, 2022: 50, 2023: 30}, 0.0, "DNS — SONS vague 1"),
    "SONS-V1-OFF": (30, {2022: 60, 2023: 40}, 0.0, "DNS — SONS vague 1"),
    "SONS-V1-MSS": (50, {2021: 40, 2022: 40, 2023: 20}, 0.0, "DNS — SONS vague 1"),
    "SONS-V1-MSO": (120, {2022: 40, 2023: 40, 2024: 20}, 0.0, "DNS — SONS vague 1 médico-social"),
    "SUNES-V1": (158, {2021: 15, 2022: 35, 2023: 35, 2024: 15}, 1.0, "ARS — instruction SUN-ES volet 1"),
    "SUNES-V2": (52, {2021: 15, 2022: 35, 2023: 35, 2024: 15}, 1.0, "ARS — instruction SUN-ES volet 2"),
    "ESMS-NUM": (405, {2021: 70, 2022: 87.5, 2023: 84, 2024: 87, 2025: 76.5}, 0.8, "CNSA — ESMS numérique"),
    "SONS-V2-HOP": (300, {2024: 30, 2025: 40, 2026: 30}, 0.0, "DNS — SONS vague 2"),
    "SONS-V2-MDV": (150, {2025: 50, 2026: 50}, 0.0, "DNS — SONS vague 2"),
    "SONS-V2-RAD": (60, {2025: 50, 2026: 50}, 0.0, "DNS — SONS vague 2"),
    "SONS-V2-OFF": (45, {2025: 40, 2026: 60}, 0.0, "DNS — SONS vague 2"),
    "SONS-V2-SFE": (20, {2025: 40, 2026: 60}, 0.0, "DNS — SONS vague 2"),
    "SONS-V2-MSO": (75, {2025: 40, 2026: 60}, 0.0, "DNS — SONS vague 2 (dont 6,5 M€ venant d'ESMS numérique)"),
    "FORFAIT-MDV": (210, {2021: 10, 2022: 35, 2023: 40, 2024: 42, 2025: 43, 2026: 40}, 0.0,
                    "Cnam — convention médicale"),
    "ROSP-OFF": (60, {2021: 5, 2022: 11, 2023: 11, 2024: 11, 2025: 11, 2026: 11}, 0.0,
                 "Cnam — convention pharmaceutique"),
}
MEDICO_SOCIAL = ("SONS-V1-MSO", "SONS-V2-MSO", "ESMS-NUM")


def envelope_rows(ref: Reference, rng: np.random.Generator) -> list[tuple]:
    """Rows (dispositif_code, couloir_code, region_code, year, amount_eur, source_label); amounts in euros with
    cents, computed in integer cents so that they add up to exactly 2 000 000 000,00 €."""
    total_m = sum(v[0] for v in ENVELOPES.values())
    if abs(total_m * 1e6 - TOTAL_EUR) > 0.5:
        raise ValueError(f"envelopes sum to {total_m} M€, expected 2 000 M€")
    region_pop = np.array([ref.dep_pop_k[[r == code for r in ref.dep_region]].sum() for code in ref.region_codes])
    rows = []
    for dispositif, (m_eur, years, territorial, label) in ENVELOPES.items():
        couloir = ref.dispositifs[dispositif]["couloir_code"] or None
        year_list = list(years)
        per_year = apportion(int(round(m_eur * 1e8)), np.array([years[y] for y in year_list]))
        for year, cents in zip(year_list, per_year, strict=True):
            regional = int(round(cents * territorial))
            if regional:
                weight = region_pop * rng.lognormal(0, 0.08, len(region_pop))
                for code, part in zip(ref.region_codes, apportion(regional, weight), strict=True):
                    rows.append((dispositif, couloir, code, year, int(part) / 100, label))
            if cents - regional:
                note = label if territorial == 0 else label + " (appels nationaux)"
                rows.append((dispositif, couloir, None, year, int(cents - regional) / 100, note))
    return rows
