"""Monthly adoption and usage sources (Cnam: Mon espace santé / DMP; ANS: MSSanté)."""

from __future__ import annotations

from etl.sources.base import Column, Contract
from etl.sources.common import couloir, count, departement, month

_DOC_TYPE = Column(
    "document_type", "code", True, "Type de document (code LOINC)", "Document type (LOINC code)",
    ref="document_type", aliases=("type_document", "loinc", "code_loinc"), example="11502-2",
)

MES_DOCUMENTS = Contract(
    name="mes_documents",
    table="fact_documents",
    title_fr="Documents envoyés à Mon espace santé",
    title_en="Documents sent to Mon espace santé",
    producer="Cnam",
    periodicity="monthly",
    availability_delay_days=15,
    description_fr="Nombre de documents alimentés dans le DMP par mois, département, couloir et type.",
    description_en="Documents sent to the DMP per month, département, strand and document type.",
    columns=(
        month(), departement(), couloir(), _DOC_TYPE,
        count("documents_count", "Documents envoyés", "Documents sent", "documents", aliases=("documents", "nb_documents")),
    ),
    natural_key=("month", "departement_code", "couloir_code", "document_type"),
    period_column="month",
    total_column="documents_count",
)

MES_PROFILES = Contract(
    name="mes_profiles",
    table="fact_mes_profiles",
    title_fr="Profils Mon espace santé",
    title_en="Mon espace santé profiles",
    producer="Cnam",
    periodicity="monthly",
    availability_delay_days=15,
    description_fr="Stocks de profils ouverts et activés en fin de mois ; connexions et utilisateurs du mois.",
    description_en="End-of-month stock of opened and activated profiles; connections and users in the month.",
    columns=(
        month(), departement(),
        count("profiles_opened", "Profils ouverts (stock fin de mois)", "Opened profiles (stock)", "profils"),
        count("profiles_activated", "Profils activés (stock fin de mois)", "Activated profiles (stock)", "profils"),
        count("connections", "Connexions dans le mois", "Connections in the month", "connexions"),
        count("monthly_users", "Utilisateurs actifs dans le mois", "Active users in the month", "utilisateurs"),
    ),
    natural_key=("month", "departement_code"),
    period_column="month",
    total_column="profiles_opened",
    checks=("activated_le_opened",),
)

MSSANTE = Contract(
    name="mssante_messages",
    table="fact_mssante",
    title_fr="Messages MSSanté",
    title_en="MSSanté messages",
    producer="ANS",
    periodicity="monthly",
    availability_delay_days=20,
    description_fr="Messages échangés par messagerie sécurisée de santé et boîtes actives.",
    description_en="Secure health messages exchanged and active mailboxes.",
    columns=(
        month(), departement(), couloir(),
        count("messages_count", "Messages échangés", "Messages exchanged", "messages", aliases=("messages",)),
        count("mailboxes_active", "Boîtes aux lettres actives", "Active mailboxes", "BAL", required=False),
    ),
    natural_key=("month", "departement_code", "couloir_code"),
    period_column="month",
    total_column="messages_count",
)

USAGE_PROFESSIONNELS = Contract(
    name="usage_professionnels",
    table="fact_usage_pro",
    title_fr="Usages des professionnels",
    title_en="Professional usage",
    producer="Cnam / ANS",
    periodicity="monthly",
    availability_delay_days=20,
    description_fr=(
        "Acteurs alimentant le DMP, consultations du DMP par les professionnels, échanges avec INS qualifiée, "
        "dossiers usagers informatisés (DUI) actifs du médico-social."
    ),
    description_en=("Actors feeding the DMP, professional consultations of the DMP, exchanges with a qualified INS, "
                    "active medico-social user records (DUI)."),
    columns=(
        month(), departement(), couloir(),
        count("feeding_actors", "Acteurs ayant alimenté le DMP dans le mois", "Actors feeding the DMP", "acteurs"),
        count("dmp_consultations", "Consultations du DMP par les professionnels", "Professional DMP consultations",
              "consultations"),
        count("exchanges_total", "Échanges (documents et messages) du mois", "Exchanges in the month", "échanges"),
        count("exchanges_ins_qualified", "Échanges avec INS qualifiée", "Exchanges with a qualified INS", "échanges"),
        count("dui_active_records", "Dossiers usagers informatisés (DUI) actifs, stock fin de mois (couloir "
              "médico-social ; vide ailleurs)", "Active user records (DUI), end-of-month stock (medico-social "
              "strand; empty elsewhere)", "dossiers", required=False, aliases=("dui_actifs",)),
    ),
    natural_key=("month", "departement_code", "couloir_code"),
    period_column="month",
    total_column="exchanges_total",
    several_producers=True,
    checks=("ins_le_total",),
)

EPRESCRIPTIONS = Contract(
    name="eprescriptions",
    table="fact_eprescription",
    title_fr="E-prescriptions",
    title_en="E-prescriptions",
    producer="Cnam",
    periodicity="monthly",
    availability_delay_days=20,
    description_fr="Ordonnances numériques émises et médecins prescripteurs.",
    description_en="Electronic prescriptions issued and prescribing doctors.",
    columns=(
        month(), departement(),
        count("eprescriptions_count", "E-prescriptions émises dans le mois", "E-prescriptions issued", "ordonnances"),
        count("prescribers_month", "Médecins ayant e-prescrit dans le mois", "Prescribers in the month", "médecins"),
        count("prescribers_cumulative", "Médecins ayant e-prescrit au moins une fois (cumul)",
              "Doctors having e-prescribed at least once (cumulative)", "médecins"),
    ),
    natural_key=("month", "departement_code"),
    period_column="month",
    total_column="eprescriptions_count",
)

USAGE_ETABLISSEMENTS = Contract(
    name="usage_etablissements",
    table="fact_usage_etablissement",
    title_fr="Alimentation du DMP par établissement",
    title_en="DMP feeding per establishment",
    producer="Cnam (suivi SUN-ES)",
    periodicity="monthly",
    availability_delay_days=20,
    description_fr="Documents envoyés par établissement (FINESS géographique), mois et type : suivi des cibles SUN-ES.",
    description_en="Documents sent per establishment (FINESS), month and type: SUN-ES target monitoring.",
    columns=(
        month(),
        Column("finess", "identifier", True, "FINESS géographique de l'établissement", "Establishment FINESS",
               pattern="finess", aliases=("finess_geo", "finess_geographique"), example="590780193"),
        departement(), couloir(), _DOC_TYPE,
        count("documents_count", "Documents envoyés", "Documents sent", "documents", aliases=("documents",)),
    ),
    natural_key=("month", "finess", "document_type"),
    period_column="month",
    total_column="documents_count",
)

CONTRACTS = (MES_DOCUMENTS, MES_PROFILES, MSSANTE, USAGE_PROFESSIONNELS, EPRESCRIPTIONS, USAGE_ETABLISSEMENTS)
