"""Columns that many sources share, declared once."""

from __future__ import annotations

from etl.sources.base import Column


def month(required: bool = True) -> Column:
    return Column(
        "month", "month", required,
        "Mois de la donnée (2024-12, 12/2024 ou déc. 2024)", "Month of the data",
        aliases=("mois", "periode", "période", "period"), example="2025-10",
    )


def departement(required: bool = True) -> Column:
    return Column(
        "departement_code", "code", required,
        "Code INSEE du département (01…95, 2A, 2B, 971…976)", "INSEE département code",
        ref="departement", aliases=("departement", "département", "code_departement", "dep", "code_dep"),
        example="75",
    )


def region(required: bool = True) -> Column:
    return Column(
        "region_code", "code", required,
        "Code INSEE de la région (11, 24…, 01…06)", "INSEE région code",
        ref="region", aliases=("region", "région", "code_region", "reg"), example="11",
    )


def couloir(required: bool = True) -> Column:
    return Column(
        "couloir_code", "code", required,
        "Couloir Ségur (hopital, medecin_ville, biologie, radiologie, officine, medico_social…)",
        "Ségur sector strand", ref="couloir", aliases=("couloir",), example="biologie",
    )


def dispositif(required: bool = True) -> Column:
    return Column(
        "dispositif_code", "code", required,
        "Dispositif de financement (SONS-V1-HOP, SUNES-V1, ESMS-NUM…)", "Funding instrument",
        ref="dispositif", aliases=("dispositif",), example="SONS-V1-HOP",
    )


def vague(required: bool = True) -> Column:
    return Column(
        "vague", "code", required, "Vague Ségur (1 ou 2)", "Ségur wave (1 or 2)",
        ref="vague", aliases=("wave",), example="1",
    )


def count(name: str, fr: str, en: str, unit: str, required: bool = True, aliases: tuple[str, ...] = ()) -> Column:
    return Column(name, "integer", required, fr, en, unit=unit, min_value=0, aliases=aliases, example="1234")
