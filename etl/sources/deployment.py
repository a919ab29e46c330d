"""Deployment sources: referenced solutions (ANS) and per-site installations (ASP / éditeurs)."""

from __future__ import annotations

from etl.sources.base import Column, Contract
from etl.sources.common import couloir, departement, dispositif, vague

SOLUTIONS = Contract(
    name="solutions",
    table="dim_solution",
    title_fr="Solutions référencées Ségur",
    title_en="Ségur-referenced software solutions",
    producer="ANS",
    periodicity="monthly",
    availability_delay_days=10,
    description_fr="Une ligne par solution référencée (logiciel × version × vague).",
    description_en="One row per referenced solution (software × version × wave).",
    columns=(
        Column("solution_id", "identifier", True, "Identifiant de la solution référencée", "Solution id",
               pattern="slug", aliases=("id_solution", "reference"), example="SOL-HOP-0001"),
        Column("solution_name", "text", True, "Nom commercial et version", "Product name and version",
               aliases=("solution", "nom_solution", "logiciel"), example="DPI Exemple 5.2", max_length=200),
        Column("editeur_siren", "identifier", True, "SIREN de l'éditeur", "Vendor SIREN", pattern="siren",
               aliases=("siren", "siren_editeur"), example="552100554"),
        Column("editeur_name", "text", True, "Raison sociale de l'éditeur", "Vendor name",
               aliases=("editeur", "éditeur", "nom_editeur"), example="Éditeur Exemple SAS",
               max_length=200),
        couloir(),
        vague(),
        Column("referenced_date", "date", True, "Date de référencement par l'ANS", "ANS referencing date",
               aliases=("date_referencement", "date_référencement"), example="2021-10-15"),
    ),
    natural_key=("solution_id",),
    period_column="referenced_date",
)

DEPLOYMENTS = Contract(
    name="deployments",
    table="fact_deployment",
    title_fr="Déploiements par site",
    title_en="Deployments per site",
    producer="ASP (bons de commande SONS) / éditeurs",
    periodicity="monthly",
    availability_delay_days=20,
    description_fr=(
        "Une ligne par site (FINESS géographique ou RPPS) et solution : dates de commande, d'installation "
        "et de validation (MOM / VA)."
    ),
    description_en="One row per site and solution: order, installation and validation (MOM/VA) dates.",
    columns=(
        Column("site_id", "identifier", True, "FINESS géographique ou RPPS du site équipé", "Site FINESS or RPPS",
               pattern="beneficiary", aliases=("site", "finess", "finess_geo", "rpps"), example="590780193"),
        Column("site_kind", "code", True, "Type d'identifiant du site (finess, rpps)", "Site identifier kind",
               allowed=("finess", "rpps"), aliases=("type_site",), example="finess"),
        Column("solution_id", "identifier", True, "Solution référencée installée", "Referenced solution",
               pattern="slug", aliases=("id_solution",), example="SOL-HOP-0001"),
        dispositif(),
        couloir(),
        vague(),
        departement(),
        Column("ordered_date", "date", True, "Date du bon de commande", "Order date",
               aliases=("date_commande",), example="2022-03-01"),
        Column("installed_date", "date", False, "Date d'installation", "Installation date",
               aliases=("date_installation",), example="2022-09-15"),
        Column("validated_date", "date", False, "Date de validation (MOM / VA)", "Validation date (MOM/VA)",
               aliases=("date_validation", "date_va", "date_mom"), example="2022-10-01"),
    ),
    natural_key=("site_id", "solution_id", "vague"),
    period_column="ordered_date",
    several_producers=True,
    checks=("installed_after_ordered", "validated_after_installed", "known_solution"),
)

CONTRACTS = (SOLUTIONS, DEPLOYMENTS)
