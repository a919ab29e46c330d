"""Every validation rule: one failing example each, with the exact problem the producer reads.

A case is a valid row of a contract with one or two values changed; the check must report exactly the
listed problems (line, column, value as sent, rule, message) and nothing else.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl.load import check, create_schema
from etl.read import stage_csv
from etl.reference import load_reference
from etl.sources import CONTRACTS, Column, Contract
from etl.validate import Validator
from tests.etl.helpers import SAMPLES, make_settings, write_csv, write_xlsx

VALID: dict[str, dict[str, str]] = {
    "budget_envelopes": {"dispositif_code": "SONS-V1-HOP", "couloir_code": "hopital", "region_code": "11",
                         "year": "2023", "amount_eur": "1000", "source_label": "DNS"},
    "funding_events": {"event_id": "ASP-1", "dispositif_code": "SONS-V1-HOP", "couloir_code": "hopital",
                       "vague": "1", "region_code": "11", "departement_code": "75", "beneficiary_id": "750712184",
                       "beneficiary_kind": "finess", "beneficiary_name": "AP-HP", "event_type": "commitment",
                       "event_date": "15/03/2022", "amount_eur": "12500", "funding_window": "",
                       "commitment_ref": ""},
    "solutions": {"solution_id": "SOL-1", "solution_name": "DPI 5", "editeur_siren": "552100554",
                  "editeur_name": "Éditeur SAS", "couloir_code": "hopital", "vague": "1",
                  "referenced_date": "2021-10-15"},
    "deployments": {"site_id": "590780193", "site_kind": "finess", "solution_id": "SOL-HOP-0001",
                    "dispositif_code": "SONS-V1-HOP", "couloir_code": "hopital", "vague": "1",
                    "departement_code": "59", "ordered_date": "2022-03-01", "installed_date": "2022-09-15",
                    "validated_date": "2022-10-01"},
    "mes_documents": {"month": "2024-12", "departement_code": "75", "couloir_code": "biologie",
                      "document_type": "11502-2", "documents_count": "10"},
    "mes_profiles": {"month": "2024-12", "departement_code": "75", "profiles_opened": "100",
                     "profiles_activated": "50", "connections": "30", "monthly_users": "20"},
    "mssante_messages": {"month": "2024-12", "departement_code": "75", "couloir_code": "biologie",
                         "messages_count": "10", "mailboxes_active": "2"},
    "usage_professionnels": {"month": "2024-12", "departement_code": "75", "couloir_code": "biologie",
                             "feeding_actors": "5", "dmp_consultations": "10", "exchanges_total": "40",
                             "exchanges_ins_qualified": "30"},
    "eprescriptions": {"month": "2024-12", "departement_code": "75", "eprescriptions_count": "100",
                       "prescribers_month": "10", "prescribers_cumulative": "20"},
    "usage_etablissements": {"month": "2024-12", "finess": "590780193", "departement_code": "59",
                             "couloir_code": "hopital", "document_type": "11490-0", "documents_count": "5"},
    "populations": {"departement_code": "75", "population_kind": "officines", "couloir_code": "officine",
                    "reference_year": "2024", "population_count": "412"},
}


def csv_of(source: str, rows: list[dict[str, str]]) -> str:
    header = CONTRACTS[source].column_names
    return "\n".join([";".join(header)] + [";".join(r.get(c, "") for c in header) for r in rows]) + "\n"


def problems_of(settings, tmp_path: Path, source: str, rows: list[dict[str, str]]) -> list[tuple]:
    """(line, column, value, rule, message) of every problem `check` finds in a CSV of these rows."""
    path = write_csv(tmp_path / f"{source}_essai.csv", csv_of(source, rows))
    paths = [SAMPLES / "solutions_2024-12.csv", path] if source == "deployments" else [path]
    report = check(paths, settings)
    f = next(f for f in report.files if f.file == path.name)
    assert f.error is None, f.error
    assert report.status == ("problems" if f.problems else "ok")
    return [(p.line, p.column, p.value, p.rule, p.message) for p in f.problems]


def test_every_contract_accepts_its_valid_row(settings, tmp_path):
    assert set(VALID) == set(CONTRACTS)
    for source, row in VALID.items():
        assert problems_of(settings, tmp_path, source, [row]) == [], source


DEP = "un code département INSEE (01…95, 2A, 2B, 971…974, 976)"
BENEFICIARY = "FINESS (9 caractères), SIREN (9 chiffres) ou RPPS (11 chiffres)"

RULE_CASES = [
    # required
    ("mes_documents", {"documents_count": ""},
     [(2, "documents_count", None, "required", "valeur obligatoire manquante")]),
    ("funding_events", {"event_date": "  "},
     [(2, "event_date", "  ", "required", "valeur obligatoire manquante")]),
    # type
    ("mes_documents", {"documents_count": "12a"},
     [(2, "documents_count", "12a", "type", "'12a' n'est pas un nombre entier (ex. 1 234)")]),
    ("mes_documents", {"documents_count": "12,5"},
     [(2, "documents_count", "12,5", "type", "'12,5' n'est pas un nombre entier (ex. 1 234)")]),
    ("funding_events", {"amount_eur": "douze mille"},
     [(2, "amount_eur", "douze mille", "type", "'douze mille' n'est pas un montant en euros (ex. 12 500,00)")]),
    ("funding_events", {"amount_eur": "1e14"},
     [(2, "amount_eur", "1e14", "type", "'1e14' n'est pas un montant en euros (ex. 12 500,00)")]),
    ("funding_events", {"event_date": "31/02/2024"},
     [(2, "event_date", "31/02/2024", "type", "'31/02/2024' n'est pas une date (31/12/2024 ou 2024-12-31)")]),
    ("mes_documents", {"month": "13/2024"},
     [(2, "month", "13/2024", "type", "'13/2024' n'est pas un mois (2024-12, 12/2024 ou déc. 2024)")]),
    ("mes_documents", {"month": "décembr 2024"},
     [(2, "month", "décembr 2024", "type", "'décembr 2024' n'est pas un mois (2024-12, 12/2024 ou déc. 2024)")]),
    # known_code, one per reference table
    ("mes_documents", {"departement_code": "99"},
     [(2, "departement_code", "99", "known_code", f"code inconnu '99' (attendu : {DEP})")]),
    ("mes_documents", {"departement_code": "20"},
     [(2, "departement_code", "20", "known_code", f"code inconnu '20' (attendu : {DEP})")]),
    ("mes_documents", {"couloir_code": "chirurgie"},
     [(2, "couloir_code", "chirurgie", "known_code",
       "code inconnu 'chirurgie' (attendu : un couloir (hopital, medecin_ville, biologie, radiologie, officine, "
       "medico_social, mssante, sage_femme, dentiste, paramedical))")]),
    ("mes_documents", {"document_type": "99999-9"},
     [(2, "document_type", "99999-9", "known_code",
       "code inconnu '99999-9' (attendu : un code LOINC de data/reference/document_types.csv (ex. 11502-2))")]),
    ("budget_envelopes", {"dispositif_code": "SONS-V9"},
     [(2, "dispositif_code", "SONS-V9", "known_code",
       "code inconnu 'SONS-V9' (attendu : un dispositif de data/reference/dispositifs.csv (ex. SONS-V1-HOP, "
       "SUNES-V1, ESMS-NUM))")]),
    ("budget_envelopes", {"region_code": "99"},
     [(2, "region_code", "99", "known_code",
       "code inconnu '99' (attendu : un code région INSEE (11, 24, 27, 28, 32, 44, 52, 53, 75, 76, 84, 93, 94, "
       "01–04, 06))")]),
    ("solutions", {"vague": "3"},
     [(2, "vague", "3", "known_code", "code inconnu '3' (attendu : 1 ou 2)")]),
    # allowed_value
    ("funding_events", {"event_type": "payment"},
     [(2, "event_type", "payment", "allowed_value",
       "valeur 'payment' non autorisée (attendu : commitment, advance, balance, lump_sum, cancellation)")]),
    ("populations", {"population_kind": "habitants"},
     [(2, "population_kind", "habitants", "allowed_value",
       "valeur 'habitants' non autorisée (attendu : assures, etablissements_sante, hopitaux_eligibles_sunes, "
       "medecins_liberaux, officines, laboratoires, structures_radiologie, essms, sejours_hospitaliers)")]),
    # format
    ("usage_etablissements", {"finess": "75071218X"},
     [(2, "finess", "75071218X", "format",
       "identifiant '75071218X' mal formé (attendu : 9 caractères FINESS (ex. 750712184, 2A0000123))")]),
    ("usage_etablissements", {"finess": "7507121"},
     [(2, "finess", "7507121", "format",
       "identifiant '7507121' mal formé (attendu : 9 caractères FINESS (ex. 750712184, 2A0000123))")]),
    ("solutions", {"editeur_siren": "55210055"},
     [(2, "editeur_siren", "55210055", "format", "identifiant '55210055' mal formé (attendu : 9 chiffres SIREN)")]),
    ("funding_events", {"beneficiary_id": "1000123456", "beneficiary_kind": "rpps"},
     [(2, "beneficiary_id", "1000123456", "format", f"identifiant '1000123456' mal formé (attendu : {BENEFICIARY})")]),
    ("funding_events", {"event_id": "ASP/2022/1"},
     [(2, "event_id", "ASP/2022/1", "format",
       "identifiant 'ASP/2022/1' mal formé (attendu : identifiant sans espace (lettres, chiffres, - _ .))")]),
    # min_value / max_value
    ("mes_documents", {"documents_count": "-5"},
     [(2, "documents_count", "-5", "min_value", "valeur -5 inférieure au minimum (attendu : ≥ 0)")]),
    ("funding_events", {"amount_eur": "-12,50"},
     [(2, "amount_eur", "-12,50", "min_value", "valeur -12,50 inférieure au minimum (attendu : ≥ 0)")]),
    ("funding_events", {"funding_window": "0"},
     [(2, "funding_window", "0", "min_value", "valeur 0 inférieure au minimum (attendu : ≥ 1)")]),
    ("funding_events", {"funding_window": "5"},
     [(2, "funding_window", "5", "max_value", "valeur 5 supérieure au maximum (attendu : ≤ 4)")]),
    ("budget_envelopes", {"year": "2019"},
     [(2, "year", "2019", "min_value", "valeur 2019 inférieure au minimum (attendu : ≥ 2020)")]),
    ("budget_envelopes", {"year": "2031"},
     [(2, "year", "2031", "max_value", "valeur 2031 supérieure au maximum (attendu : ≤ 2030)")]),
    # date_range: months not after today (2026-11-28), dates not after today + 1 year
    ("mes_documents", {"month": "2026-12"},
     [(2, "month", "2026-12", "date_range", "date 2026-12 hors période (attendu : entre 01/01/2015 et 28/11/2026)")]),
    ("mes_documents", {"month": "déc. 2014"},
     [(2, "month", "déc. 2014", "date_range",
       "date déc. 2014 hors période (attendu : entre 01/01/2015 et 28/11/2026)")]),
    ("funding_events", {"event_date": "31/12/2014"},
     [(2, "event_date", "31/12/2014", "date_range",
       "date 31/12/2014 hors période (attendu : entre 01/01/2015 et 28/11/2027)")]),
    ("funding_events", {"event_date": "2027-11-29"},
     [(2, "event_date", "2027-11-29", "date_range",
       "date 2027-11-29 hors période (attendu : entre 01/01/2015 et 28/11/2027)")]),
    # region_mismatch
    ("funding_events", {"region_code": "11", "departement_code": "59"},
     [(2, "departement_code", "59", "region_mismatch", "le département '59' n'est pas dans la région '11'")]),
    # checks between columns
    ("deployments", {"installed_date": "01/02/2022"},
     [(2, "installed_date", "01/02/2022", "installed_after_ordered",
       "installation le 01/02/2022 avant la commande du 2022-03-01")]),
    ("deployments", {"installed_date": "", "validated_date": "2022-10-01"},
     [(2, "validated_date", "2022-10-01", "validated_after_installed",
       "validation le 2022-10-01 sans installation antérieure (installée : non)")]),
    ("deployments", {"validated_date": "2022-09-01"},
     [(2, "validated_date", "2022-09-01", "validated_after_installed",
       "validation le 2022-09-01 sans installation antérieure (installée : 2022-09-15)")]),
    ("mes_profiles", {"profiles_opened": "100", "profiles_activated": "200"},
     [(2, "profiles_activated", "200", "activated_le_opened", "profils activés (200) > profils ouverts (100)")]),
    ("usage_professionnels", {"exchanges_total": "40", "exchanges_ins_qualified": "50"},
     [(2, "exchanges_ins_qualified", "50", "ins_le_total", "échanges INS qualifiée (50) > échanges totaux (40)")]),
    ("deployments", {"solution_id": "SOL-INCONNUE"},
     [(2, "solution_id", "SOL-INCONNUE", "known_solution",
       "solution 'SOL-INCONNUE' absente du référentiel des solutions (source solutions)")]),
]


@pytest.mark.parametrize(("source", "changes", "expected"), RULE_CASES,
                         ids=[f"{c[2][0][3]}-{c[0]}-{next(iter(c[1]))}" for c in RULE_CASES])
def test_rule_reports_exact_problem(settings, tmp_path, source, changes, expected):
    assert problems_of(settings, tmp_path, source, [{**VALID[source], **changes}]) == expected


def test_boundaries_are_accepted(settings, tmp_path):
    """The limits themselves are valid: month = this month, date = today + 1 year, 01/01/2015, 0, max."""
    rows = [
        ("mes_documents", {"month": "2026-11", "documents_count": "0"}),
        ("mes_documents", {"month": "2015-01"}),
        ("funding_events", {"event_date": "2027-11-28", "funding_window": "4", "amount_eur": "0"}),
        ("funding_events", {"event_date": "01/01/2015", "funding_window": "1"}),
        ("budget_envelopes", {"year": "2030"}),
        ("mes_profiles", {"profiles_opened": "100", "profiles_activated": "100"}),
        ("usage_professionnels", {"exchanges_total": "40", "exchanges_ins_qualified": "40"}),
        ("deployments", {"installed_date": "2022-03-01", "validated_date": "2022-03-01"}),
        ("deployments", {"installed_date": "", "validated_date": ""}),
    ]
    for source, changes in rows:
        assert problems_of(settings, tmp_path, source, [{**VALID[source], **changes}]) == [], (source, changes)


def test_duplicate_key_names_the_other_lines(settings, tmp_path):
    row = VALID["mes_documents"]
    other = {**row, "departement_code": "13"}
    assert problems_of(settings, tmp_path, "mes_documents", [row, other, {**row, "documents_count": "99"}]) == [
        (2, "month", "month=2024-12, departement_code=75, couloir_code=biologie, document_type=11502-2",
         "duplicate_key",
         "clé en double (month=2024-12, departement_code=75, couloir_code=biologie, document_type=11502-2) : "
         "aussi ligne(s) 4"),
        (4, "month", "month=2024-12, departement_code=75, couloir_code=biologie, document_type=11502-2",
         "duplicate_key",
         "clé en double (month=2024-12, departement_code=75, couloir_code=biologie, document_type=11502-2) : "
         "aussi ligne(s) 2"),
    ]


def test_duplicate_key_compares_normalised_values(settings, tmp_path):
    """'1' and '01' are the same département, 'déc. 2024' and '2024-12' the same month."""
    row = {**VALID["mes_documents"], "departement_code": "01"}
    problems = problems_of(settings, tmp_path, "mes_documents",
                           [row, {**row, "departement_code": "1", "month": "déc. 2024"}])
    assert [(p[0], p[3]) for p in problems] == [(2, "duplicate_key"), (3, "duplicate_key")]
    assert problems[1][4] == ("clé en double (month=déc. 2024, departement_code=1, couloir_code=biologie, "
                              "document_type=11502-2) : aussi ligne(s) 2")


def test_several_problems_on_one_row_count_one_rejected_row(settings, tmp_path):
    path = write_csv(tmp_path / "mes_profiles_essai.csv", csv_of("mes_profiles", [
        {**VALID["mes_profiles"], "departement_code": "99", "profiles_activated": "500", "connections": "x"}]))
    f = check([path], settings).files[0]
    assert (f.rows_read, f.rows_rejected, f.problems_count) == (1, 1, 3)
    assert [(p.column, p.rule) for p in f.problems] == [
        ("connections", "type"), ("departement_code", "known_code"), ("profiles_activated", "activated_le_opened")]


def test_problem_list_is_capped_but_counted(settings, tmp_path):
    rows = [{**VALID["mes_documents"], "departement_code": str(30 + i % 60), "month": f"{2015 + i // 60}-01",
             "documents_count": "x"} for i in range(250)]
    report = check([write_csv(tmp_path / "mes_documents_essai.csv", csv_of("mes_documents", rows))], settings)
    f = report.files[0]
    assert (f.problems_count, len(f.problems), f.rows_rejected) == (250, 200, 250)
    assert "  … et 50 autre(s) problème(s) (voir --json ou la table reject)" in report.to_text().splitlines()


# --- file-level errors ---------------------------------------------------------------------------------


def file_error(settings, path: Path) -> str:
    report = check([path], settings)
    assert report.status == "problems"
    assert len(report.files) == 1 and report.files[0].problems == []
    return report.files[0].error


def test_missing_required_column_lists_found_columns_and_suggests(settings, tmp_path):
    path = write_csv(tmp_path / "mes_documents_essai.csv",
                     "Mois;Département;couloir_code;document_type;document_count\n2024-12;75;biologie;11502-2;1\n")
    assert file_error(settings, path) == (
        "mes_documents_essai.csv: colonne(s) obligatoire(s) manquante(s) pour la source mes_documents : "
        "documents_count ; colonnes trouvées : Mois, Département, couloir_code, document_type, document_count ; "
        "vouliez-vous dire 'document_count' pour 'documents_count' ?")


def test_missing_required_columns_without_a_close_spelling(settings, tmp_path):
    path = write_csv(tmp_path / "mes_profiles_essai.csv", "month;departement_code;profiles_opened;remarque\n")
    assert file_error(settings, path) == (
        "mes_profiles_essai.csv: colonne(s) obligatoire(s) manquante(s) pour la source mes_profiles : "
        "profiles_activated, connections, monthly_users ; colonnes trouvées : month, departement_code, "
        "profiles_opened, remarque ; vouliez-vous dire 'profiles_opened' pour 'profiles_activated' ?")


def test_missing_columns_in_an_xlsx_sheet_name_the_sheet(settings, tmp_path):
    path = write_xlsx(tmp_path / "mes_documents_2024.xlsx", {"Données": [
        ["month", "departement_code", "couloir_code", "nombre"], ["2024-12", "75", "biologie", 3]]})
    assert file_error(settings, path) == (
        "mes_documents_2024.xlsx [Données]: colonne(s) obligatoire(s) manquante(s) pour la source mes_documents : "
        "document_type, documents_count ; colonnes trouvées : month, departement_code, couloir_code, nombre")


def test_unknown_source(settings, tmp_path):
    path = write_csv(tmp_path / "notes_reunion.csv", "sujet;responsable\nbudget;DNS\n")
    assert file_error(settings, path) == (
        "notes_reunion.csv: source non reconnue : le nom du fichier doit commencer par le nom d'une source ("
        "budget_envelopes, funding_events, solutions, deployments, mes_documents, mes_profiles, mssante_messages, "
        "usage_professionnels, eprescriptions, usage_etablissements, populations) ou son en-tête doit contenir "
        "les colonnes d'une source (voir docs/sources.md)")


@pytest.mark.parametrize("name", ["mes_documents_2024.pdf", "mes_documents_2024.xls", "mes_documents_2024.ods"])
def test_unsupported_format(settings, tmp_path, name):
    path = write_csv(tmp_path / name, "month;departement_code\n")
    suffix = Path(name).suffix
    assert file_error(settings, path) == (
        f"{name}: format non pris en charge '{suffix}' (attendu : .csv, .tsv, .txt, .xlsm, .xlsx)")


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n  \r\n", b"\xef\xbb\xbf"], ids=["zero-bytes", "blank-lines", "bom-only"])
def test_empty_file(settings, tmp_path, content):
    path = tmp_path / "mes_documents_vide.csv"
    path.write_bytes(content)
    assert file_error(settings, path) == "mes_documents_vide.csv: fichier vide : aucun en-tête ni aucune ligne"


def test_header_only_file_is_refused_by_the_check_too(settings, tmp_path):
    report = check([write_csv(tmp_path / "mes_documents_vide.csv", csv_of("mes_documents", []))], settings)
    assert report.status == "problems"
    assert report.files[0].error.startswith("mes_documents_vide.csv: aucune ligne de données sous l'en-tête")


def test_missing_path(settings, tmp_path):
    report = check([tmp_path / "absent.csv"], settings)
    assert report.status == "problems"
    assert report.message == f"{tmp_path / 'absent.csv'}: fichier ou dossier introuvable"


# --- types no contract uses yet (decimal, boolean, RPPS), through the validator itself ----------------

ESSAI = Contract(
    name="essai", table="fact_essai", title_fr="Essai", title_en="Test", producer="tests", periodicity="monthly",
    availability_delay_days=0, natural_key=("rpps",),
    columns=(Column("ratio", "decimal"), Column("actif", "boolean"), Column("rpps", "identifier", pattern="rpps")),
)


def test_decimal_boolean_and_rpps_types(tmp_path):
    path = write_csv(tmp_path / "essai.csv", "ratio;actif;rpps\n1 020,50;oui;10001234567\n0,5;Non;10001234568\n"
                                             "abc;peut-être;1000123456\n-2;FAUX;1000 1234 569\n")
    con = duckdb.connect()
    try:
        create_schema(con)
        load_reference(con, make_settings(tmp_path).reference_dir)
        staged = stage_csv(con, path, "stg_1", tmp_path, contract=ESSAI)
        validator = Validator(con, date(2026, 11, 28))
        typed = validator.parse(staged)
        problems = validator.problems(staged, validator.problems_table(staged, typed))
        values = con.execute(f"SELECT __line, ratio, actif, rpps FROM {typed} ORDER BY __line").fetchall()
    finally:
        con.close()
    assert values == [(2, 1020.5, True, "10001234567"), (3, 0.5, False, "10001234568"), (4, None, None, "1000123456"),
                      (5, -2.0, False, "10001234569")]
    assert [(p.line, p.column, p.rule, p.message) for p in problems] == [
        (4, "actif", "type", "'peut-être' n'est pas oui/non (ou true/false)"),
        (4, "ratio", "type", "'abc' n'est pas un nombre (ex. 1 020,50 ou 1020.50)"),
        (4, "rpps", "format", "identifiant '1000123456' mal formé (attendu : 11 chiffres RPPS)"),
    ]


# --- known bugs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["solutions", "funding_events"])
def test_vague_without_digit_is_an_unknown_code(settings, tmp_path, source):
    assert problems_of(settings, tmp_path, source, [{**VALID[source], "vague": "trois"}]) == [
        (2, "vague", "trois", "known_code", "code inconnu 'trois' (attendu : 1 ou 2)")]


def test_duplicate_key_across_sheets_names_the_other_sheet(settings, tmp_path):
    header = ["month", "departement_code", "couloir_code", "document_type", "documents_count"]
    path = write_xlsx(tmp_path / "mes_documents_2024.xlsx", {
        "Nov": [header, ["2024-12", 75, "biologie", "11502-2", 1]],
        "Déc": [header, ["2024-12", 75, "biologie", "11502-2", 2]]})
    f = check([path], settings).files[0]
    key = "month=2024-12, departement_code=75, couloir_code=biologie, document_type=11502-2"
    assert [(p.sheet, p.line, p.message) for p in f.problems] == [
        ("Déc", 2, f"clé en double ({key}) : aussi ligne(s) 2 (feuille Nov)"),
        ("Nov", 2, f"clé en double ({key}) : aussi ligne(s) 2 (feuille Déc)"),
    ]


def test_date_range_on_29_february(tmp_path):
    settings = make_settings(tmp_path / "data", today="2028-02-29")
    path = write_csv(tmp_path / "funding_events_essai.csv",
                     csv_of("funding_events", [{**VALID["funding_events"], "event_date": "01/03/2029"}]))
    f = check([path], settings).files[0]
    assert [p.message for p in f.problems] == [
        "date 01/03/2029 hors période (attendu : entre 01/01/2015 et 28/02/2029)"]
