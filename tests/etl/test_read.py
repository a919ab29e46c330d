"""Reading files as producers send them: French CSV and XLSX quirks, checked on the values published.

Table-driven, in the spirit of udata-hydra: each case is a tiny real-looking file, the value it must
become in the warehouse, and what the reader says it detected.
"""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from etl.load import check, load
from etl.sources import CONTRACTS
from tests.etl.helpers import (
    POPULATIONS_XLSX,
    SAMPLES,
    USAGE_ETABLISSEMENTS_XLSX,
    make_settings,
    query,
    write_csv,
    write_xlsx,
)

NBSP, NNBSP = "\u00a0", "\u202f"


def published(settings, table: str, columns: str, order: str) -> list[tuple]:
    return query(settings.warehouse, f"SELECT {columns} FROM {table} ORDER BY {order}")


def detected_of(settings, file_name: str) -> str:
    rows = query(settings.warehouse, "SELECT detected FROM source_file WHERE file_name = ?", [file_name])
    assert len(rows) == 1, rows
    return rows[0][0]


def load_ok(settings, *paths: Path):
    report = load(list(paths), settings)
    assert report.status == "published", report.to_text()
    return report


# --- one sample file per contract: every value as published, and the detection -----------------------

SAMPLE_CASES = [
    pytest.param(
        "budget_envelopes_2025.csv", "fact_envelope", "year",
        "CSV; encodage utf-8; séparateur ','; décimale '.'; en-tête ligne 1; colonnes renommées "
        "Dispositif→dispositif_code, Couloir→couloir_code, Région→region_code, Année→year, Montant→amount_eur, "
        "Source→source_label",
        [
            ("SONS-V1-HOP", "hopital", None, 2021, Decimal("1234567.89"), "DNS"),
            ("SUNES-V1", "hopital", "32", 2022, Decimal("77000000.00"), "ARS Hauts-de-France"),
            ("ESMS-NUM", "medico_social", None, 2023, Decimal("1020.50"), "CNSA"),
        ],
        id="csv-comma-separator-decimal-point-quoted-thousands",
    ),
    pytest.param(
        "funding_events_2024-12.csv", "fact_funding_event", "event_id",
        "CSV; encodage utf-8-sig; séparateur ';'; décimale ','; en-tête ligne 1; colonnes renommées "
        "Identifiant→event_id, Dispositif→dispositif_code, Couloir→couloir_code, Vague→vague, Région→region_code, "
        "Département→departement_code, Bénéficiaire→beneficiary_id, Type bénéficiaire→beneficiary_kind, "
        "Raison sociale→beneficiary_name, Type→event_type, Date→event_date, Montant→amount_eur, "
        "Fenêtre→funding_window, Engagement→commitment_ref",
        [
            ("ARS-2024-0003", "SUNES-V1", "hopital", "1", "11", "75", "750712184", "finess", "AP-HP", "lump_sum",
             date(2024, 12, 15), Decimal("77000000.00"), 2, None),
            ("ASP-2024-0001", "SONS-V1-HOP", "hopital", "1", "84", "01", "010001234", "finess",
             "Centre hospitalier de Bourg-en-Bresse", "commitment", date(2024, 12, 31), Decimal("12500.00"), None,
             None),
            ("ASP-2024-0002", "SONS-V1-HOP", "hopital", "1", "84", "01", "010001234", "finess",
             "Centre hospitalier de Bourg-en-Bresse", "advance", date(2024, 12, 31), Decimal("1020.50"), None,
             "ASP-2024-0001"),
            ("CNAM-2024-0004", "FORFAIT-MDV", "medecin_ville", None, "93", "13", "10001234567", "rpps",
             "Dr Élise Martin", "lump_sum", date(2024, 12, 2), Decimal("350.00"), None, None),
        ],
        id="csv-bom-semicolon-decimal-comma-nbsp-euro-sign",
    ),
    pytest.param(
        "solutions_2024-12.csv", "dim_solution", "solution_id",
        "CSV; encodage cp1252; séparateur ';'; décimale ','; en-tête ligne 1; colonnes renommées "
        "Référence→solution_id, Nom solution→solution_name, SIREN éditeur→editeur_siren, Éditeur→editeur_name, "
        "Couloir→couloir_code, Vague→vague, Date référencement→referenced_date; converti de cp1252 en UTF-8",
        [
            ("SOL-BIO-0002", "SGL Biolab 3", "552100554", "Éditeur Santé SAS", "biologie", "1", date(2021, 11, 30)),
            ("SOL-HOP-0001", "DPI Exemple 5.2", "552100554", "Éditeur Santé SAS", "hopital", "1", date(2021, 10, 15)),
            ("SOL-HOP-0101", "DPI Exemple 6.0", "383474814", "Société Générale d'Informatique Médicale", "hopital",
             "2", date(2025, 3, 1)),
        ],
        id="csv-cp1252-accented-headers-siren-with-spaces",
    ),
    pytest.param(
        "deployments_2024-12.csv", "fact_deployment", "site_id",
        "CSV; encodage utf-8; séparateur ';'; décimale ','; en-tête ligne 1; colonnes renommées "
        "FINESS géo→site_id, Type site→site_kind, Id solution→solution_id, Dispositif→dispositif_code, "
        "Couloir→couloir_code, Vague→vague, Département→departement_code, Date commande→ordered_date, "
        "Date installation→installed_date, Date validation→validated_date",
        [
            ("010780054", "finess", "SOL-HOP-0001", "SONS-V1-HOP", "hopital", "1", "01", date(2022, 3, 1),
             date(2022, 9, 15), date(2022, 10, 1)),
            ("590780193", "finess", "SOL-BIO-0002", "SONS-V1-BIO", "biologie", "1", "59", date(2022, 4, 1),
             date(2022, 10, 15), None),
            ("750712184", "finess", "SOL-HOP-0101", "SONS-V2-HOP", "hopital", "2", "75", date(2025, 3, 1), None,
             None),
        ],
        id="csv-finess-8-digits-departement-1-mixed-date-formats",
    ),
    pytest.param(
        "mes_documents_2024-12.csv", "fact_documents", "departement_code",
        "CSV; encodage cp1252; séparateur ';'; décimale ','; en-tête ligne 2; colonnes renommées Mois→month, "
        "Département→departement_code, Couloir→couloir_code, Type document→document_type, "
        "Nb documents→documents_count; converti de cp1252 en UTF-8",
        [
            (date(2024, 12, 1), "01", "biologie", "11502-2", 1234),
            (date(2024, 12, 1), "2A", "hopital", "11490-0", 12345),
            (date(2024, 12, 1), "75", "radiologie", "18748-4", 987),
        ],
        id="csv-cp1252-title-row-french-month-names",
    ),
    pytest.param(
        "mes_profiles_2024-12.tsv", "fact_mes_profiles", "month",
        "CSV; encodage utf-8; séparateur tabulation; décimale '.'; en-tête ligne 1",
        [
            (date(2024, 11, 1), "59", 2400000, 1100000, 350000, 210000),
            (date(2024, 12, 1), "59", 2410000, 1150000, 360500, 215000),
        ],
        id="tsv-months-mm-yyyy-thousands-spaces",
    ),
    pytest.param(
        "mssante_messages_2024-12.csv", "fact_mssante", "month, couloir_code",
        "CSV; encodage utf-8; séparateur '|'; décimale '.'; en-tête ligne 1; colonnes renommées Mois→month, "
        "Département→departement_code, Couloir→couloir_code, Messages→messages_count",
        [
            (date(2024, 11, 1), "2B", "officine", 3100, 87),
            (date(2024, 12, 1), "13", "biologie", 48020, None),
            (date(2024, 12, 1), "13", "hopital", 152300, 1204),
        ],
        id="csv-pipe-separator-optional-column-empty",
    ),
    pytest.param(
        "usage_professionnels_2024-12.csv", "fact_usage_pro", "departement_code",
        "CSV; encodage utf-8-sig; séparateur ';'; décimale ','; en-tête ligne 2",
        [
            (date(2024, 12, 1), "971", "medecin_ville", 1250, 8400, 52000, 41600, None),  # no DUI column
            (date(2024, 12, 1), "974", "hopital", 45, 12000, 98000, 97500, None),
        ],
        id="csv-excel-sep-hint-line-months-given-as-dates",
    ),
    pytest.param(
        "eprescriptions_2024-12.csv", "fact_eprescription", "month",
        "CSV; encodage utf-8; séparateur ','; décimale '.'; en-tête ligne 1; colonnes renommées Mois→month, "
        "Département→departement_code",
        [
            (date(2024, 11, 1), "69", 1234567, 2100, 5300),
            (date(2024, 12, 1), "69", 1302010, 2210, 5420),
        ],
        id="csv-comma-separator-quoted-english-thousands",
    ),
]


@pytest.mark.parametrize(("file_name", "table", "order", "detected", "rows"), SAMPLE_CASES)
def test_sample_file_is_published_with_its_values(settings, file_name, table, order, detected, rows):
    paths = [SAMPLES / file_name]
    if file_name.startswith("deployments"):
        paths.insert(0, SAMPLES / "solutions_2024-12.csv")  # deployments must point to referenced solutions
    load_ok(settings, *paths)
    cols = ", ".join(f'"{c}"' for c in next(c for c in CONTRACTS.values() if c.table == table).column_names)
    assert published(settings, table, cols, order) == rows
    assert detected_of(settings, file_name) == detected


XLSX_CASES = [
    pytest.param(
        "populations_2024.xlsx", POPULATIONS_XLSX, "fact_population", "departement_code",
        "XLSX; feuilles 'Populations'; en-tête ligne 3; colonnes renommées Code département→departement_code, "
        "Type population→population_kind, Couloir→couloir_code, Année→reference_year, Effectif→population_count",
        [
            ("01", "officines", "officine", 2024, 238),
            ("2A", "essms", None, 2024, 64),
            ("75", "medecins_liberaux", "medecin_ville", 2024, 9120),
        ],
        id="xlsx-title-row-above-header-numeric-departement",
    ),
    pytest.param(
        "usage_etablissements_2024.xlsx", USAGE_ETABLISSEMENTS_XLSX, "fact_usage_etablissement",
        "month, finess, document_type",
        "XLSX; feuilles 'Nov 2024', 'Déc 2024'; en-tête ligne 1; colonnes renommées Mois→month, "
        "FINESS géographique→finess, Département→departement_code, Couloir→couloir_code, "
        "Code LOINC→document_type, Documents→documents_count; feuilles sans données ignorées : Lisez-moi",
        [
            (date(2024, 11, 1), "010780054", "01", "hopital", "11490-0", 1520),
            (date(2024, 11, 1), "590780193", "59", "hopital", "11490-0", 3200),
            (date(2024, 12, 1), "010780054", "01", "hopital", "11490-0", 1610),
            (date(2024, 12, 1), "590780193", "59", "hopital", "34874-8", 410),
        ],
        id="xlsx-lisez-moi-plus-two-data-sheets-finess-as-number-date-cells",
    ),
]


@pytest.mark.parametrize(("file_name", "sheets", "table", "order", "detected", "rows"), XLSX_CASES)
def test_xlsx_sample_is_published_with_its_values(settings, tmp_path, file_name, sheets, table, order, detected,
                                                  rows):
    path = write_xlsx(tmp_path / file_name, sheets)
    load_ok(settings, path)
    cols = ", ".join(f'"{c}"' for c in next(c for c in CONTRACTS.values() if c.table == table).column_names)
    assert published(settings, table, cols, order) == rows
    assert detected_of(settings, file_name) == detected


# --- separators × encodings × decimal marks ----------------------------------------------------------

LABEL = "Agence régionale de santé Île-de-France – 5 €"


@pytest.mark.parametrize(
    ("sep", "encoding", "amount", "detected"),
    [
        (";", "cp1252", "1 020,50",
         "CSV; encodage cp1252; séparateur ';'; décimale ','; en-tête ligne 1; converti de cp1252 en UTF-8"),
        (";", "utf-8", "1 020,50", "CSV; encodage utf-8; séparateur ';'; décimale ','; en-tête ligne 1"),
        (";", "utf-8-sig", "1 020,50", "CSV; encodage utf-8-sig; séparateur ';'; décimale ','; en-tête ligne 1"),
        (",", "utf-8", '"1 020,50"', "CSV; encodage utf-8; séparateur ','; décimale ','; en-tête ligne 1"),
        (",", "utf-8", "1020.50", "CSV; encodage utf-8; séparateur ','; décimale '.'; en-tête ligne 1"),
        ("\t", "utf-8-sig", "1020,50", "CSV; encodage utf-8-sig; séparateur tabulation; décimale ','; en-tête ligne 1"),
        ("|", "cp1252", "1020.50",
         "CSV; encodage cp1252; séparateur '|'; décimale '.'; en-tête ligne 1; converti de cp1252 en UTF-8"),
    ],
    ids=["semicolon-cp1252", "semicolon-utf8", "semicolon-bom", "comma-quoted-decimal-comma", "comma-point",
         "tab-bom", "pipe-cp1252"],
)
def test_separator_encoding_and_decimal_mark(settings, tmp_path, sep, encoding, amount, detected):
    text = sep.join(["dispositif_code", "year", "amount_eur", "source_label"]) + "\r\n"
    text += sep.join(["SONS-V1-HOP", "2023", amount, LABEL]) + "\r\n"
    path = write_csv(tmp_path / "budget_envelopes_2023.csv", text, encoding)
    load_ok(settings, path)
    assert published(settings, "fact_envelope", "amount_eur, source_label", "year") == [(Decimal("1020.50"), LABEL)]
    assert detected_of(settings, path.name) == detected


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            ["1 020,50", f"1{NBSP}020,50", f"1{NNBSP}020,50", "12 500,00 €", "12 500,00 EUR", "1.020,50", "350", "0,5"],
            ["1020.50", "1020.50", "1020.50", "12500.00", "12500.00", "1020.50", "350.00", "0.50"],
            id="decimal-comma",
        ),
        pytest.param(
            ["1,020.50", "1 020.50", "1020.5", "12500", "77,000,000", "0.5"],
            ["1020.50", "1020.50", "1020.50", "12500.00", "77000000.00", "0.50"],
            id="decimal-point",
        ),
    ],
)
def test_amount_spellings(settings, tmp_path, rows, expected):
    lines = ["dispositif_code;year;amount_eur"] + [f"SONS-V1-HOP;{2020 + i};{a}" for i, a in enumerate(rows)]
    load_ok(settings, write_csv(tmp_path / "budget_envelopes_x.csv", "\n".join(lines) + "\n"))
    assert [r[0] for r in published(settings, "fact_envelope", "amount_eur", "year")] == [Decimal(e) for e in expected]


def french_amount(cents: int, thousands: str, decimal: str, suffix: str) -> str:
    units, rest = divmod(cents, 100)
    groups = f"{units:,}".replace(",", thousands)
    return f"{groups}{decimal}{rest:02d}{suffix}"


@hyp_settings(max_examples=15, deadline=None)
@given(
    amounts=st.lists(st.integers(min_value=0, max_value=10**15 - 1), min_size=1, max_size=40),
    thousands=st.sampled_from([" ", NBSP, NNBSP, "."]),
    suffix=st.sampled_from(["", " €", "€", " EUR"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_any_french_amount_reads_back_to_the_cent(amounts, thousands, suffix, encoding):
    """Whatever the thousands separator, euro suffix and encoding, '1 234 567,89' is 1234567.89 exactly.

    The first row is a plain '0,50' so that the decimal mark is detectable (see the NBSP bug below)."""
    if encoding == "cp1252" and thousands == NNBSP:
        thousands = NBSP  # U+202F does not exist in cp1252
    cents = [50, *amounts]
    lines = ["event_id;dispositif_code;couloir_code;region_code;beneficiary_id;beneficiary_kind;event_type;"
             "event_date;amount_eur"]
    lines += [f"E{i};SONS-V1-HOP;hopital;11;750712184;finess;advance;15/03/2022;"
              f"{french_amount(c, thousands, ',', suffix) if i else '0,50'}" for i, c in enumerate(cents)]
    with tempfile.TemporaryDirectory() as tmp:
        settings = make_settings(Path(tmp) / "data")
        path = write_csv(Path(tmp) / "funding_events_montants.csv", "\r\n".join(lines) + "\r\n", encoding)
        load_ok(settings, path)
        got = query(settings.warehouse, "SELECT event_id, amount_eur FROM fact_funding_event")
    assert dict(got) == {f"E{i}": Decimal(c).scaleb(-2) for i, c in enumerate(cents)}


# --- dates, months, codes: one file each, one assertion per spelling ---------------------------------

DATE_SPELLINGS = {
    "31/12/2024": date(2024, 12, 31),
    "2024-12-31": date(2024, 12, 31),
    "31-12-2024": date(2024, 12, 31),
    "2024/12/31": date(2024, 12, 31),
    "2024-12-31 00:00:00": date(2024, 12, 31),
    "2024-12-31T00:00:00": date(2024, 12, 31),
    "01/02/2024": date(2024, 2, 1),  # day first, as in France
    " 05/03/2022 ": date(2022, 3, 5),
    "5/3/2022": date(2022, 3, 5),
    "1/12/2024": date(2024, 12, 1),
}

MONTH_SPELLINGS = {
    "2024-12": date(2024, 12, 1),
    "12/2024": date(2024, 12, 1),
    "déc. 2024": date(2024, 12, 1),
    "Déc 2024": date(2024, 12, 1),
    "DÉC. 2024": date(2024, 12, 1),
    "décembre 2024": date(2024, 12, 1),
    "dec 2024": date(2024, 12, 1),
    "2024-12-01": date(2024, 12, 1),
    "31/12/2024": date(2024, 12, 1),
    "janv. 2025": date(2025, 1, 1),
    "févr. 2025": date(2025, 2, 1),
    "août 2024": date(2024, 8, 1),
    "sept. 2024": date(2024, 9, 1),
    "1/2025": date(2025, 1, 1),
}


@pytest.fixture(scope="module")
def dates_warehouse(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dates")
    settings = make_settings(tmp / "data")
    head = "event_id;dispositif_code;couloir_code;region_code;beneficiary_id;beneficiary_kind;event_type;event_date;amount_eur"
    lines = [head] + [f"E{i};SONS-V1-HOP;hopital;11;750712184;finess;commitment;{d};100"
                      for i, d in enumerate(DATE_SPELLINGS)]
    load_ok(settings, write_csv(tmp / "funding_events_dates.csv", "\r\n".join(lines) + "\r\n", "cp1252"))
    return settings


@pytest.mark.parametrize(("spelling", "expected"), list(DATE_SPELLINGS.items()), ids=list(DATE_SPELLINGS))
def test_date_spelling(dates_warehouse, spelling, expected):
    i = list(DATE_SPELLINGS).index(spelling)
    assert query(dates_warehouse.warehouse, "SELECT event_date FROM fact_funding_event WHERE event_id = ?",
                 [f"E{i}"]) == [(expected,)]


@pytest.fixture(scope="module")
def months_warehouse(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("months")
    settings = make_settings(tmp / "data")
    departements = [str(n) for n in range(30, 30 + len(MONTH_SPELLINGS))]
    lines = ["Mois;Département;Couloir;Type document;Nb documents"] + [
        f"{m};{d};biologie;11502-2;{i + 1}" for i, (m, d) in enumerate(zip(MONTH_SPELLINGS, departements, strict=True))
    ]
    load_ok(settings, write_csv(tmp / "mes_documents_mois.csv", "\r\n".join(lines) + "\r\n", "cp1252"))
    return settings


@pytest.mark.parametrize(("spelling", "expected"), list(MONTH_SPELLINGS.items()), ids=list(MONTH_SPELLINGS))
def test_month_spelling(months_warehouse, spelling, expected):
    i = list(MONTH_SPELLINGS).index(spelling)
    assert query(months_warehouse.warehouse, "SELECT month FROM fact_documents WHERE documents_count = ?",
                 [i + 1]) == [(expected,)]


CODE_ROWS = [
    # (département, région, bénéficiaire, type) as sent → (département, région, bénéficiaire) published
    (("1", "84", "10001234", "finess"), ("01", "84", "010001234")),
    (("01", "84", "010001234", "finess"), ("01", "84", "010001234")),
    ((" 7 ", "84", "07 000 123 4", "finess"), ("07", "84", "070001234")),
    (("2a", "94", "2a0000123", "finess"), ("2A", "94", "2A0000123")),
    (("2B", "94", "2B0000456", "finess"), ("2B", "94", "2B0000456")),
    (("971", "1", "552100554", "siren"), ("971", "01", "552100554")),
    (("75", "11", "10001234567", "rpps"), ("75", "11", "10001234567")),
]


@pytest.fixture(scope="module")
def codes_warehouse(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("codes")
    settings = make_settings(tmp / "data")
    head = ("event_id;dispositif_code;couloir_code;region_code;departement_code;beneficiary_id;beneficiary_kind;"
            "event_type;event_date;amount_eur")
    lines = [head] + [f"E{i};sons-v1-hop;HOPITAL;{reg};{dep};{ben};{kind};Commitment;15/03/2022;100"
                      for i, ((dep, reg, ben, kind), _) in enumerate(CODE_ROWS)]
    load_ok(settings, write_csv(tmp / "funding_events_codes.csv", "\n".join(lines) + "\n"))
    return settings


@pytest.mark.parametrize(("sent", "expected"), CODE_ROWS, ids=[r[0][0].strip() + "-" + r[0][2] for r in CODE_ROWS])
def test_codes_are_normalised(codes_warehouse, sent, expected):
    i = CODE_ROWS.index((sent, expected))
    rows = query(codes_warehouse.warehouse,
                 "SELECT departement_code, region_code, beneficiary_id, dispositif_code, couloir_code, event_type "
                 "FROM fact_funding_event WHERE event_id = ?", [f"E{i}"])
    assert rows == [(*expected, "SONS-V1-HOP", "hopital", "commitment")]


# --- headers: aliases, accents, case, order, extra columns -------------------------------------------


@pytest.mark.parametrize(
    ("header", "row", "detected_tail"),
    [
        ("MOIS;CODE DÉPARTEMENT;Couloir ;LOINC;NB_DOCUMENTS", "2024-12;75;biologie;11502-2;42",
         "colonnes renommées MOIS→month, CODE DÉPARTEMENT→departement_code, Couloir→couloir_code, "
         "LOINC→document_type, NB_DOCUMENTS→documents_count"),
        ("Période;Dép;couloir;Code LOINC;Documents", "2024-12;75;biologie;11502-2;42",
         "colonnes renommées Période→month, Dép→departement_code, couloir→couloir_code, "
         "Code LOINC→document_type, Documents→documents_count"),
        ("documents_count;document_type;couloir_code;departement_code;month", "42;11502-2;biologie;75;2024-12",
         "en-tête ligne 1"),
        ("month;departement_code;couloir_code;document_type;documents_count;Commentaire;",
         "2024-12;75;biologie;11502-2;42;à vérifier;", "colonnes ignorées Commentaire"),
        ("month;departement_code;Département;couloir_code;document_type;documents_count",
         "2024-12;75;13;biologie;11502-2;42", "colonnes ignorées Département"),
    ],
    ids=["upper-case-accents-alias", "other-aliases", "other-order", "extra-column-ignored",
         "second-spelling-of-a-column-ignored"],
)
def test_header_spellings(settings, tmp_path, header, row, detected_tail):
    path = write_csv(tmp_path / "mes_documents_entetes.csv", f"{header}\n{row}\n", "utf-8")
    load_ok(settings, path)
    assert published(settings, "fact_documents", "month, departement_code, couloir_code, document_type, "
                     "documents_count", "month") == [(date(2024, 12, 1), "75", "biologie", "11502-2", 42)]
    assert detected_of(settings, path.name).endswith(detected_tail)


def test_title_rows_above_csv_header_keep_physical_line_numbers(settings, tmp_path):
    text = ("Export Cnam;;;;\r\nDonnées provisoires au 15/01/2025;;;;\r\n"
            "month;departement_code;couloir_code;document_type;documents_count\r\n"
            "2024-12;75;biologie;11502-2;42\r\n2024-12;13;biologie;11502-2;douze\r\n")
    report = check([write_csv(tmp_path / "mes_documents_titre.csv", text)], settings)
    f = report.files[0]
    assert f.detected == "CSV; encodage utf-8; séparateur ';'; décimale ','; en-tête ligne 3"
    assert [str(p) for p in f.problems] == [
        "mes_documents_titre.csv:5:documents_count: 'douze' n'est pas un nombre entier (ex. 1 234)"]


def test_file_is_recognised_by_its_header_when_the_name_says_nothing(settings, tmp_path):
    path = write_csv(tmp_path / "export_cnam_decembre.csv",
                     "month;departement_code;profiles_opened;profiles_activated;connections;monthly_users\n"
                     "2024-12;75;100;50;30;20\n")
    load_ok(settings, path)
    assert query(settings.warehouse, "SELECT source FROM source_file") == [("mes_profiles",)]
    assert published(settings, "fact_mes_profiles", "profiles_opened, profiles_activated", "month") == [(100, 50)]


def test_xlsx_problem_points_at_sheet_and_excel_row(settings, tmp_path):
    sheets = {k: [list(r) for r in v] for k, v in USAGE_ETABLISSEMENTS_XLSX.items()}
    sheets["Déc 2024"][2][5] = "beaucoup"
    report = check([write_xlsx(tmp_path / "usage_etablissements_2024.xlsx", sheets)], settings)
    assert [(p.location(), p.message) for p in report.files[0].problems] == [
        ("usage_etablissements_2024.xlsx [Déc 2024]:3:documents_count",
         "'beaucoup' n'est pas un nombre entier (ex. 1 234)")]


def test_xlsx_empty_rows_between_data_are_skipped(settings, tmp_path):
    path = write_xlsx(tmp_path / "mes_documents_trous.xlsx", {"Feuil1": [
        ["month", "departement_code", "couloir_code", "document_type", "documents_count"],
        ["2024-12", 75, "biologie", "11502-2", 1],
        [None, None, None, None, None],
        ["2024-12", 13, "biologie", "11502-2", 2],
    ]})
    report = load_ok(settings, path)
    assert (report.files[0].rows_read, report.files[0].rows_loaded) == (2, 2)


def test_xlsx_without_any_data_sheet_names_the_sheets_found(settings, tmp_path):
    path = write_xlsx(tmp_path / "mes_documents_2024.xlsx", {"Lisez-moi": [["Rien ici"]], "Notes": [["a", "b"]]})
    report = check([path], settings)
    assert report.files[0].error == (
        "mes_documents_2024.xlsx: aucune feuille ne contient l'en-tête de la source mes_documents ; "
        "feuilles trouvées : Lisez-moi, Notes")


def test_damaged_xlsx_is_a_file_error_not_a_crash(settings, tmp_path):
    path = write_csv(tmp_path / "mes_documents_abime.xlsx", "ceci n'est pas un classeur")
    report = check([path], settings)
    assert report.files[0].error.startswith("mes_documents_abime.xlsx: ce fichier n'est pas un classeur Excel : son "
                                            "contenu est du texte (un CSV renommé ?)")
    assert report.status == "problems"


# --- known bugs: each test fails today and passes once the fix described in its reason is made -------


def test_decimal_comma_detected_when_every_amount_has_nbsp_thousands(settings, tmp_path):
    text = f"dispositif_code;year;amount_eur\r\nSONS-V1-HOP;2023;1{NBSP}020,50\r\nSONS-V1-MDV;2023;77{NBSP}000{NBSP}000,00\r\n"
    load_ok(settings, write_csv(tmp_path / "budget_envelopes_nbsp.csv", text, "cp1252"))
    assert published(settings, "fact_envelope", "amount_eur", "amount_eur") == [
        (Decimal("1020.50"),), (Decimal("77000000.00"),)]


def test_decimal_comma_after_200_whole_amounts_is_not_multiplied_by_100(settings, tmp_path):
    head = "event_id;dispositif_code;couloir_code;region_code;beneficiary_id;beneficiary_kind;event_type;event_date;amount_eur"
    lines = [head] + [f"E{i};SONS-V1-HOP;hopital;11;750712184;finess;commitment;15/03/2022;12 500" for i in range(250)]
    lines.append("E999;SONS-V1-HOP;hopital;11;750712184;finess;advance;15/03/2022;1 020,50")
    report = load([write_csv(tmp_path / "funding_events_long.csv", "\n".join(lines) + "\n", "cp1252")], settings)
    assert report.status == "published", report.to_text()
    assert query(settings.warehouse, "SELECT amount_eur FROM fact_funding_event WHERE event_id = 'E999'") == [
        (Decimal("1020.50"),)]


def test_xlsx_text_cell_with_decimal_comma(settings, tmp_path):
    path = write_xlsx(tmp_path / "budget_envelopes_2023.xlsx", {"Données": [
        ["dispositif_code", "year", "amount_eur"], ["SONS-V1-HOP", 2023, "12 500,50"], ["SONS-V1-MDV", 2023, 350.25]]})
    load_ok(settings, path)
    assert published(settings, "fact_envelope", "amount_eur", "amount_eur") == [
        (Decimal("350.25"),), (Decimal("12500.50"),)]


def test_xlsx_row_numbers_count_leading_empty_rows(settings, tmp_path):
    path = write_xlsx(tmp_path / "budget_envelopes_2023.xlsx", {"Données": [
        [], ["Enveloppes 2023"], ["dispositif_code", "year", "amount_eur"], ["SONS-V1-HOP", 2023, "douze"]]})
    f = check([path], settings).files[0]
    assert f.detected == "XLSX; feuilles 'Données'; en-tête ligne 3"
    assert [p.location() for p in f.problems] == ["budget_envelopes_2023.xlsx [Données]:4:amount_eur"]


def test_unnamed_xlsx_with_lisez_moi_first_is_recognised_by_a_data_sheet(settings, tmp_path):
    path = write_xlsx(tmp_path / "export_sun_es.xlsx", USAGE_ETABLISSEMENTS_XLSX)
    load_ok(settings, path)
    assert query(settings.warehouse, "SELECT source, rows_loaded FROM source_file") == [("usage_etablissements", 4)]


def test_unnamed_usage_etablissements_is_not_mistaken_for_mes_documents(settings, tmp_path):
    path = write_csv(tmp_path / "export_sun_es.csv",
                     "month;finess;departement_code;couloir_code;document_type;documents_count\n"
                     "2024-12;590780193;59;hopital;11490-0;5\n")
    load_ok(settings, path)
    assert query(settings.warehouse, "SELECT source FROM source_file") == [("usage_etablissements",)]


def test_two_digit_year_date(settings, tmp_path):
    head = "event_id;dispositif_code;couloir_code;region_code;beneficiary_id;beneficiary_kind;event_type;event_date;amount_eur"
    path = write_csv(tmp_path / "funding_events_yy.csv",
                     f"{head}\nE1;SONS-V1-HOP;hopital;11;750712184;finess;commitment;31/12/24;100\n")
    load_ok(settings, path)
    assert published(settings, "fact_funding_event", "event_date", "event_id") == [(date(2024, 12, 31),)]


def test_undecodable_bytes_are_a_file_error_not_a_crash(settings, tmp_path):
    path = tmp_path / "mes_documents_latin.csv"
    path.write_bytes(b"month;departement_code;couloir_code;document_type;documents_count\n"
                     b"2024-12;75;biologie;11502-2;\x81\x8d\n")
    report = check([path], settings)
    assert report.status == "problems"
    assert report.files[0].error.startswith("mes_documents_latin.csv: ")
    assert "UTF-8" in report.files[0].error


def test_problem_line_numbers_count_blank_lines(settings, tmp_path):
    text = ("month;departement_code;couloir_code;document_type;documents_count\n"
            "2024-12;75;biologie;11502-2;1\n\n2024-12;13;biologie;11502-2;douze\n")
    f = check([write_csv(tmp_path / "mes_documents_vide.csv", text)], settings).files[0]
    assert [p.location() for p in f.problems] == ["mes_documents_vide.csv:4:documents_count"]


def test_separator_only_rows_are_skipped_like_empty_xlsx_rows(settings, tmp_path):
    text = ("month;departement_code;couloir_code;document_type;documents_count\r\n"
            "2024-12;75;biologie;11502-2;1\r\n;;;;\r\n;;;;\r\n")
    report = load([write_csv(tmp_path / "mes_documents_excel.csv", text, "cp1252")], settings)
    assert report.status == "published", report.to_text()
    assert (report.files[0].rows_read, report.files[0].rows_loaded) == (1, 1)
