"""Denominators: target populations per département (and couloir), insured population."""

from __future__ import annotations

from etl.sources.base import Column, Contract
from etl.sources.common import couloir, departement

POPULATION_KINDS = (
    "assures",  # insured population (Assurance maladie)
    "etablissements_sante",  # hospitals (FINESS juridique / géographique)
    "hopitaux_eligibles_sunes",
    "medecins_liberaux",
    "officines",
    "laboratoires",
    "structures_radiologie",
    "essms",
    "sejours_hospitaliers",  # hospital stays in the year (PMSI: MCO, SSR, HAD, psychiatry), for per-stay rates
)

POPULATIONS = Contract(
    name="populations",
    table="fact_population",
    title_fr="Populations cibles (dénominateurs)",
    title_en="Target populations (denominators)",
    producer="DREES / Cnam / FINESS",
    periodicity="yearly",
    availability_delay_days=90,
    description_fr="Effectifs cibles par département : assurés, établissements, médecins, officines, laboratoires, ESSMS.",
    description_en="Target populations per département: insured, establishments, doctors, pharmacies, labs, ESSMS.",
    columns=(
        departement(),
        Column("population_kind", "code", True, "Population (" + ", ".join(POPULATION_KINDS) + ")",
               "Population kind", allowed=POPULATION_KINDS, aliases=("population", "type_population"),
               example="officines"),
        couloir(required=False),
        Column("reference_year", "integer", True, "Année de référence", "Reference year", min_value=2019,
               max_value=2030, aliases=("annee", "année"), example="2024"),
        Column("population_count", "integer", True, "Effectif", "Count", unit="unités", min_value=0,
               aliases=("effectif", "nombre", "count"), example="412"),
    ),
    natural_key=("departement_code", "population_kind", "reference_year"),
    period_column="reference_year",
    total_column="population_count",
)

CONTRACTS = (POPULATIONS,)
