"""Monthly deliveries never lose data silently: replacement by (source, period), volume guards, bounded cells,
clear messages for the files a user can make."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from appstate.audit import list_events
from appstate.db import session_factory
from etl.load import load
from etl.validate import QUOTED_CHARS
from tests.etl.helpers import query, run_cli, sha256_file, table_totals, write_csv, write_xlsx

DOC_HEADER = "month;departement_code;couloir_code;document_type;documents_count\n"
DEPS = ("75", "13", "59", "69", "33", "31", "44", "67", "06", "35")
EVENT_HEADER = ("event_id;dispositif_code;couloir_code;region_code;beneficiary_id;beneficiary_kind;beneficiary_name;"
                "event_type;event_date;amount_eur\n")


def month_rows(month: str, n: int, count: int = 10) -> list[str]:
    """n rows of mes_documents for one month (one per département), each with `count` documents."""
    return [f"{month};{d};biologie;11502-2;{count}" for d in DEPS[:n]]


def docs(path: Path, rows: list[str]) -> Path:
    return write_csv(path, DOC_HEADER + "".join(r + "\n" for r in rows))


def periods(warehouse: Path) -> list[tuple]:
    """(month, rows, total) per month of fact_documents."""
    return query(warehouse, "SELECT strftime(month, '%Y-%m'), count(*), sum(documents_count)::BIGINT "
                 "FROM fact_documents GROUP BY ALL ORDER BY 1")


# --- replacement by period ------------------------------------------------------------------------------------


def test_same_name_monthly_files_keep_both_months(settings, tmp_path):
    """A producer who sends `mes_documents.csv` every month: November adds to October, it does not replace it."""
    october = docs(tmp_path / "octobre" / "mes_documents.csv", month_rows("2025-10", 5))
    assert load([october], settings).status == "published"
    november = docs(tmp_path / "novembre" / "mes_documents.csv", month_rows("2025-11", 4, count=7))
    report = load([november], settings)
    assert report.status == "published", report.to_text()
    assert periods(settings.warehouse) == [("2025-10", 5, 50), ("2025-11", 4, 28)]
    assert query(settings.warehouse, "SELECT file_id, superseded_by FROM source_file ORDER BY period_min") == [
        (sha256_file(october), None), (sha256_file(november), None)]


def test_a_correction_removes_the_rows_of_its_month_absent_from_it_and_only_those(settings, tmp_path):
    history = docs(tmp_path / "mes_documents_2025-09_2025-11.csv",
                   month_rows("2025-09", 10) + month_rows("2025-10", 10) + month_rows("2025-11", 10))
    assert load([history], settings).status == "published"
    # October corrected under another name: two départements dropped (−20 %, within tolerance), one changed
    fixed = month_rows("2025-10", 8)
    fixed[0] = "2025-10;75;biologie;11502-2;12"
    correction = docs(tmp_path / "mes_documents_2025-10_rectificatif.csv", fixed)
    report = load([correction], settings)
    assert report.status == "published", report.to_text()
    assert periods(settings.warehouse) == [("2025-09", 10, 100), ("2025-10", 8, 82), ("2025-11", 10, 100)]
    assert query(settings.warehouse, "SELECT departement_code FROM fact_documents WHERE month = '2025-10-01' "
                 "ORDER BY 1") == [(d,) for d in sorted(DEPS[:8])]
    assert query(settings.warehouse, "SELECT DISTINCT strftime(month, '%Y-%m'), file_id FROM fact_documents "
                 "ORDER BY 1") == [("2025-09", sha256_file(history)), ("2025-10", sha256_file(correction)),
                                   ("2025-11", sha256_file(history))]


def test_a_delivery_replacing_every_period_of_a_file_supersedes_it(settings, tmp_path):
    first = docs(tmp_path / "a" / "mes_documents_2025-10.csv", month_rows("2025-10", 5))
    second = docs(tmp_path / "b" / "mes_documents_2025-10_v2.csv", month_rows("2025-10", 5, count=11))
    assert load([first], settings).ok and load([second], settings).ok
    assert query(settings.warehouse, "SELECT file_id, superseded_by FROM source_file ORDER BY superseded_by") == [
        (sha256_file(first), sha256_file(second)), (sha256_file(second), None)]
    assert query(settings.warehouse, "SELECT source, period, file_id, rows_count, total FROM source_period") == [
        ("mes_documents", "2025-10", sha256_file(second), 5, 55)]


# --- volume guards -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lenient", [False, True], ids=["strict", "lenient"])
@pytest.mark.parametrize(("name", "content"), [
    ("mes_documents_2025-12.csv", DOC_HEADER),
    ("mes_documents_2025-12_crlf.csv", DOC_HEADER.replace("\n", "\r\n") + ";;;;\r\n"),
    ("funding_events_2025-12.csv", EVENT_HEADER),
], ids=["header-only", "separators-only", "events-header-only"])
def test_a_file_without_data_rows_is_refused_and_empties_nothing(settings, loaded, tmp_path, name, content, lenient):
    before = sha256_file(settings.warehouse), table_totals(settings.warehouse)
    path = write_csv(tmp_path / name, content)
    report = load([path], settings, lenient=lenient)
    assert report.files[0].error.startswith(f"{name}: aucune ligne de données sous l'en-tête (ligne 1)")
    assert table_totals(settings.warehouse) == before[1]
    if lenient:  # the file is rejected as a whole, with its reason; nothing else changes
        assert report.status == "published_with_rejects"
        assert query(settings.warehouse, "SELECT file_name, rule FROM reject") == [(name, "file")]
    else:
        assert report.status == "failed"
        assert sha256_file(settings.warehouse) == before[0]


@pytest.mark.parametrize(("name", "sheets"), [
    ("budget_envelopes_2026.xlsx", {"Enveloppes": [["dispositif_code", "couloir_code", "region_code", "year",
                                                    "amount_eur"]]}),
    ("populations_2025.xlsx", {"Populations": [["Populations cibles"], [], ["Code département", "Type population",
                                                                           "Couloir", "Année", "Effectif"]]}),
], ids=["budget", "populations"])
def test_a_header_only_workbook_gets_a_clear_message(settings, loaded, tmp_path, name, sheets):
    before = sha256_file(settings.warehouse)
    report = load([write_xlsx(tmp_path / name, sheets)], settings)
    line = 3 if name.startswith("populations") else 1
    sheet = next(iter(sheets))
    assert report.files[0].error == (f"{name}: aucune ligne de données sous l'en-tête (ligne {line}, feuille(s) "
                                     f"{sheet}) : fichier refusé, un fichier vide ne remplace aucune période ; "
                                     "vérifiez l'export")
    assert "erreur inattendue" not in report.to_text()
    assert sha256_file(settings.warehouse) == before


def _published_history(settings, tmp_path) -> Path:
    path = docs(tmp_path / "mes_documents_2025-09_2025-10.csv", month_rows("2025-09", 10) + month_rows("2025-10", 10))
    assert load([path], settings).status == "published"
    return path


def test_a_truncated_resend_is_refused_naming_the_periods_and_both_counts(settings, tmp_path):
    _published_history(settings, tmp_path)
    before = sha256_file(settings.warehouse)
    # the resend was cut in October: September whole, October with 4 rows of 10
    cut = docs(tmp_path / "mes_documents_2025-09_2025-10.csv", month_rows("2025-09", 10) + month_rows("2025-10", 4))
    report = load([cut], settings)
    assert report.status == "failed"
    assert report.message.splitlines() == [
        "mes_documents : la livraison fait baisser 1 période(s) publiée(s) de plus de 30\u00a0% (tolérance de la "
        "source) — 2025-10 : 10 → 4 lignes (-60\u00a0%), total documents_count 100 → 40 (-60\u00a0%).",
        "Rien n'a été publié. Si la baisse est voulue (données retirées ou corrigées à la source), relancez avec "
        "--accept-shrink ; sinon demandez au producteur le fichier complet, ou chargez ensemble les fichiers de tous "
        "les producteurs de ces périodes (ils forment une seule livraison)."]
    assert report.shrinks == [{"source": "mes_documents", "period": "2025-10", "producer": "", "rows_before": 10,
                               "rows_after": 4,
                               "total_before": 100.0, "total_after": 40.0, "tolerance": 0.3}]
    assert report.rows_loaded == 0
    assert sha256_file(settings.warehouse) == before
    assert "ÉCHEC : rien n'a été publié" in report.to_text()


def test_a_fall_of_the_total_alone_is_refused_too(settings, tmp_path):
    _published_history(settings, tmp_path)
    smaller = docs(tmp_path / "mes_documents_2025-10.csv", month_rows("2025-10", 10, count=1))
    report = load([smaller], settings, lenient=True)
    assert report.status == "failed"
    assert [(s["period"], s["rows_before"], s["rows_after"], s["total_after"]) for s in report.shrinks] == [
        ("2025-10", 10, 10, 10.0)]
    assert "total documents_count 100 → 10 (-90\u00a0%)" in report.message


def test_a_shrinking_resend_refused_then_accepted_with_the_flag_is_recorded(settings, tmp_path, data_dir):
    _published_history(settings, tmp_path)
    cut = docs(tmp_path / "resend" / "mes_documents_2025-09_2025-10.csv",
               month_rows("2025-09", 10) + month_rows("2025-10", 4))
    refused = run_cli(data_dir, "load", cut)
    assert refused.returncode == 1
    assert "2025-10 : 10 → 4 lignes" in refused.stdout and "--accept-shrink" in refused.stdout

    accepted = run_cli(data_dir, "load", cut, "--accept-shrink", "--as", "m.durand", "--json")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    report = json.loads(accepted.stdout)
    assert (report["status"], report["shrink_accepted_by"]) == ("published", "m.durand")
    assert [(s["period"], s["rows_before"], s["rows_after"]) for s in report["shrinks"]] == [("2025-10", 10, 4)]
    assert "Baisse acceptée délibérément (--accept-shrink)" in report["message"]
    assert periods(settings.warehouse) == [("2025-09", 10, 100), ("2025-10", 4, 40)]
    saved = json.loads((settings.runs_dir / f"{report['run_id']}.json").read_text(encoding="utf-8"))
    assert saved["shrinks"] == report["shrinks"] and saved["shrink_accepted_by"] == "m.durand"
    with session_factory(settings.app_db).begin() as session:
        events = list_events(session, object_type="load_run")
    assert [(e.author, e.action, e.object_id) for e in events] == [("m.durand", "etl.accept_shrink", report["run_id"])]
    assert events[0].detail["shrinks"] == report["shrinks"]
    assert events[0].detail["files"] == ["mes_documents_2025-09_2025-10.csv"]


def test_growth_and_new_periods_pass_the_guard(settings, tmp_path):
    _published_history(settings, tmp_path)
    more = docs(tmp_path / "mes_documents_2025-10_2025-11.csv", month_rows("2025-10", 10, count=20)
                + month_rows("2025-11", 2))
    report = load([more], settings)
    assert (report.status, report.shrinks) == ("published", [])
    assert periods(settings.warehouse) == [("2025-09", 10, 100), ("2025-10", 10, 200), ("2025-11", 2, 20)]


# --- bounded cells and files a user can make -------------------------------------------------------------------


def _event(name: str = "CHU", amount: str = "100,00") -> str:
    return f"E1;SUNES-V1;hopital;11;750712184;finess;{name};commitment;15/03/2024;{amount}\n"


@pytest.mark.parametrize(("row", "column", "rule", "message_start"), [
    (_event(name="x" * 1_000_000), "beneficiary_name", "max_length",
     "texte de 1000000 caractères (au plus 200) : 'xxxxxxxx"),
    (_event(amount="9" * 1_000_000), "amount_eur", "max_value", None),
    (_event(amount="douze" * 200_000), "amount_eur", "type", "'douzedouze"),
], ids=["1MB-text", "1MB-number", "1MB-bad-number"])
def test_a_1mb_cell_is_refused_and_quoted_at_most_80_characters(settings, tmp_path, row, column, rule,
                                                                   message_start):
    path = write_csv(tmp_path / "funding_events_2024-03.csv", EVENT_HEADER + row)
    report = load([path], settings)
    assert report.status == "failed"
    problems = [p for p in report.files[0].problems if p.column == column]
    assert problems, report.to_text()[:2000]
    assert {p.rule for p in problems} >= {rule} or rule == "max_value"
    for p in problems:
        assert len(p.value) <= QUOTED_CHARS and p.value.endswith("…")
        assert len(p.message) < 250, p.message[:300]
        if message_start and p.rule == rule:
            assert p.message.startswith(message_start)
    assert len(report.to_text()) < 2000


def test_a_csv_renamed_xlsx_is_named_as_such(settings, loaded, tmp_path):
    before = sha256_file(settings.warehouse)
    path = tmp_path / "mes_documents_2025-10.xlsx"
    path.write_text(DOC_HEADER + "2025-10;75;biologie;11502-2;10\n", encoding="utf-8")
    report = load([path], settings)
    assert report.status == "failed"
    assert report.files[0].error == (
        "mes_documents_2025-10.xlsx: ce fichier n'est pas un classeur Excel : son contenu est du texte (un CSV "
        "renommé ?) ; donnez-lui l'extension .csv ou enregistrez-le au format « Classeur Excel (.xlsx) »")
    assert sha256_file(settings.warehouse) == before


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "le fichier est vide (0 octet)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "c'est un classeur Excel 97-2003 (.xls)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(100), "son contenu n'est pas celui d'un classeur .xlsx"),
    (b"PK\x03\x04" + bytes(100), "classeur XLSX illisible"),
], ids=["empty", "xls", "png", "broken-zip"])
def test_files_that_are_not_workbooks_get_a_message_not_an_unexpected_error(settings, tmp_path, content, expected):
    path = tmp_path / "populations_2025.xlsx"
    path.write_bytes(content)
    report = load([path], settings)
    assert report.status == "failed"
    assert expected in report.files[0].error
    assert "erreur inattendue" not in report.to_text()


# --- where each period comes from -------------------------------------------------------------------------------


def test_status_shows_which_file_holds_each_period(data_dir, settings, tmp_path):
    history = docs(tmp_path / "mes_documents_2025-08_2025-10.csv",
                   month_rows("2025-08", 3) + month_rows("2025-09", 3) + month_rows("2025-10", 3))
    assert load([history], settings).ok
    november = docs(tmp_path / "mes_documents_2025-11.csv", month_rows("2025-11", 2))
    assert load([november], settings).ok
    result = run_cli(data_dir, "status", "--json")
    assert result.returncode == 0, result.stderr
    src = next(s for s in json.loads(result.stdout)["sources"] if s["source"] == "mes_documents")
    assert src["periods"] == [
        {"from": "2025-08", "to": "2025-10", "count": 3, "files": ["mes_documents_2025-08_2025-10.csv"], "rows": 9},
        {"from": "2025-11", "to": "2025-11", "count": 1, "files": ["mes_documents_2025-11.csv"], "rows": 2}]
    text = run_cli(data_dir, "status").stdout
    assert "    2025-08 → 2025-10 (3 période(s), 9 lignes) : mes_documents_2025-08_2025-10.csv" in text
    assert "    2025-11 (1 période(s), 2 lignes) : mes_documents_2025-11.csv" in text


@pytest.mark.parametrize(("content", "expected"), [
    ((DOC_HEADER + "2025-10;75;biologie;11502-2;" + "1" * 3_000_000 + "\n").encode(),
     "la ligne 2 fait 3\u202f000\u202f028 octets, au-delà de la limite de 2\u202f000\u202f000 (une cellule démesurée ?)"),
    ((DOC_HEADER + '2025-10;"75;biologie;11502-2;10\n' * 3).encode(),
     "un guillemet (\") ouvert vers la ligne 2 n'est jamais refermé"),
    ((DOC_HEADER + "2025-10;75;biologie;11502-2;10\n").encode("utf-16"),
     "encodage UTF-16 (« Unicode » d'Excel) non pris en charge : enregistrez le fichier en « CSV UTF-8 »"),
    ((";".join(f"colonne_{i}" for i in range(5000)) + "\n" + "1;" * 4999 + "1\n").encode(),
     "colonnes trouvées : colonne_0, colonne_1"),
], ids=["3MB-line", "unclosed-quote", "utf-16", "5000-columns"])
def test_files_a_user_can_make_get_a_short_clear_message(settings, tmp_path, content, expected):
    path = tmp_path / "mes_documents_2025-10.csv"
    path.write_bytes(content)
    report = load([path], settings)
    assert report.status == "failed"
    assert expected in report.files[0].error
    assert "erreur inattendue" not in report.to_text()
    assert len(report.to_text()) < 2500


def test_an_accepted_shrink_the_journal_cannot_record_is_not_published(settings, tmp_path, data_dir):
    from settings import load_settings

    _published_history(settings, tmp_path)
    before = sha256_file(settings.warehouse)
    (data_dir / "bloque").write_text("un fichier là où la base d'audit voudrait un dossier")
    unwritable = load_settings({"SEGUR_DATA_DIR": str(data_dir), "SEGUR_TODAY": settings.today,
                                "SEGUR_APP_DB": f"sqlite:///{data_dir / 'bloque' / 'app.db'}"})
    cut = docs(tmp_path / "mes_documents_2025-10.csv", month_rows("2025-10", 4))
    report = load([cut], unwritable, accept_shrink=True, author="m.durand")
    assert report.status == "failed"
    assert "journal d'audit impossible à écrire" in report.message
    assert "la baisse acceptée n'a pas été publiée" in report.message
    assert sha256_file(settings.warehouse) == before


def test_one_producer_alone_cannot_silently_replace_a_month_shared_with_others(settings, tmp_path):
    """Files of one run form one delivery; a later producer's file alone would replace the month: refused."""
    def events(prefix: str, n: int) -> str:
        return EVENT_HEADER + "".join(f"{prefix}-{i};SUNES-V1;hopital;11;750712184;finess;CHU;commitment;"
                                      f"{i + 1:02d}/12/2024;100\n" for i in range(n))
    asp = write_csv(tmp_path / "asp" / "funding_events_2024-12.csv", events("ASP", 10))
    ars = write_csv(tmp_path / "ars" / "funding_events_2024-12.csv", events("ARS", 2))
    assert load([tmp_path / "asp", tmp_path / "ars"], settings).status == "published"  # one run: both kept
    assert query(settings.warehouse, "SELECT count(*) FROM fact_funding_event") == [(12,)]
    report = load([ars], settings)  # ARS alone, later: December would fall from 12 rows to 2
    assert report.status == "failed"
    assert "2024-12 : 12 → 2 lignes (-83\u00a0%)" in report.message
    assert query(settings.warehouse, "SELECT count(*) FROM fact_funding_event") == [(12,)]
    assert asp.exists()


def test_a_warehouse_published_before_source_period_existed_is_guarded_too(settings, tmp_path):
    import duckdb

    history = _published_history(settings, tmp_path)
    con = duckdb.connect(str(settings.warehouse))  # as an older ETL left it: no source_period table
    try:
        con.execute("DROP TABLE source_period")
    finally:
        con.close()
    cut = docs(tmp_path / "mes_documents_2025-10.csv", month_rows("2025-10", 4))
    assert [s["period"] for s in load([cut], settings).shrinks] == ["2025-10"]
    november = docs(tmp_path / "mes_documents_2025-11.csv", month_rows("2025-11", 3))
    assert load([november], settings).status == "published"
    assert query(settings.warehouse, "SELECT period, file_id, rows_count FROM source_period ORDER BY period") == [
        ("2025-09", sha256_file(history), 10), ("2025-10", sha256_file(history), 10),
        ("2025-11", sha256_file(november), 3)]


def test_a_huge_or_binary_header_cell_is_cut_in_what_the_report_says(settings, tmp_path):
    header = ["departement_code", "population_kind", "reference_year", "population_count"]
    path = write_xlsx(tmp_path / "populations_2024.xlsx", {"Feuille": [["x" * 200_000, "a\tb", *header],
                                                                       [None, None, "75", "officines", 2024, 3]]})
    report = load([path], settings)
    assert report.status == "published", report.to_text()[:500]
    assert f"colonnes ignorées {'x' * 79}…, a\ufffdb" in report.files[0].detected  # tab shown as �
    assert len(report.to_text()) < 1000
    assert query(settings.warehouse, "SELECT max(length(detected)) FROM source_file") == [
        (len(report.files[0].detected),)]
