"""Budget sources: envelopes (DNS/DGOS/CNSA) and funding events (ASP, ARS, CNSA, Cnam)."""

from __future__ import annotations

from etl.sources.base import Column, Contract
from etl.sources.common import couloir, departement, dispositif, region, vague

# Funding event types by what they do to the money (etl/derived.py and indicators/budget.py read them).
COMMITTED = ("commitment",)
PAID = ("advance", "balance", "lump_sum")
CANCELLED = ("cancellation",)
FINAL_PAYMENTS = ("balance", "lump_sum")  # paid once the usage target is met (lump sum) or after validation

ENVELOPES = Contract(
    name="budget_envelopes",
    table="fact_envelope",
    title_fr="Enveloppes budgétaires",
    title_en="Budget envelopes",
    producer="DNS / DGOS / CNSA",
    periodicity="yearly",
    availability_delay_days=30,
    description_fr="Montant prévu par dispositif, couloir, région (si territorialisé) et année.",
    description_en="Planned amount per funding instrument, strand, région (when known) and year.",
    columns=(
        dispositif(),
        couloir(required=False),
        region(required=False),
        Column("year", "integer", True, "Année budgétaire", "Budget year", min_value=2020, max_value=2030,
               aliases=("annee", "année", "exercice"), example="2023"),
        Column("amount_eur", "amount_eur", True, "Montant de l'enveloppe", "Envelope amount", unit="EUR",
               min_value=0, aliases=("montant", "montant_eur", "enveloppe_eur"), example="77 000 000,00"),
        Column("source_label", "text", False, "Source publique du montant", "Public source of the amount",
               aliases=("source",), example="ARS Hauts-de-France",
               max_length=300),
    ),
    natural_key=("dispositif_code", "couloir_code", "region_code", "year"),
    period_column="year",
    total_column="amount_eur",
    several_producers=True,
)

FUNDING_EVENTS = Contract(
    name="funding_events",
    table="fact_funding_event",
    title_fr="Événements de financement",
    title_en="Funding events",
    producer="ASP (SONS), ARS (SUN-ES), CNSA (ESMS numérique), Cnam (forfaits)",
    periodicity="monthly",
    availability_delay_days=20,
    description_fr=(
        "Un événement par ligne : engagement (bon de commande signé, candidature retenue), avance versée, "
        "solde versé, forfait versé, annulation."
    ),
    description_en="One event per row: commitment, advance paid, balance paid, lump sum paid, cancellation.",
    columns=(
        Column("event_id", "identifier", True, "Identifiant unique de l'événement", "Unique event id",
               pattern="slug", aliases=("id", "id_evenement", "identifiant"), example="ASP-2022-000123"),
        dispositif(),
        couloir(),
        vague(required=False),
        region(),
        departement(required=False),
        Column("beneficiary_id", "identifier", True, "FINESS, SIREN ou RPPS du bénéficiaire",
               "Beneficiary FINESS, SIREN or RPPS", pattern="beneficiary",
               aliases=("beneficiaire", "bénéficiaire", "finess", "siren", "rpps"), example="750712184"),
        Column("beneficiary_kind", "code", True, "Type d'identifiant (finess, siren, rpps)", "Identifier kind",
               allowed=("finess", "siren", "rpps"), aliases=("type_beneficiaire",), example="finess"),
        Column("beneficiary_name", "text", False, "Raison sociale", "Beneficiary name",
               aliases=("nom", "raison_sociale"), example="CHU de Lille", max_length=200),
        Column("event_type", "code", True,
               "Type : commitment (engagement), advance (avance), balance (solde), lump_sum (forfait), cancellation",
               "Event type", allowed=COMMITTED + PAID + CANCELLED,
               aliases=("type", "type_evenement"), example="commitment"),
        Column("event_date", "date", True, "Date de l'événement", "Event date", aliases=("date",),
               example="15/03/2022"),
        Column("amount_eur", "amount_eur", True, "Montant (positif ; une annulation est un montant positif annulé)",
               "Amount (positive)", unit="EUR", min_value=0, aliases=("montant", "montant_eur"), example="12 500,00"),
        Column("funding_window", "integer", False, "Fenêtre de financement (SUN-ES 1 à 4)", "Funding window",
               min_value=1, max_value=4, aliases=("fenetre", "fenêtre"), example="2"),
        Column("commitment_ref", "identifier", False, "Engagement auquel se rattache un versement",
               "Commitment a payment belongs to", pattern="slug", aliases=("engagement",),
               example="ASP-2022-000120"),
    ),
    natural_key=("event_id",),
    period_column="event_date",
    total_column="amount_eur",
    several_producers=True,
)

CONTRACTS = (ENVELOPES, FUNDING_EVENTS)
