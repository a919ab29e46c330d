"""Publishing: strict vs lenient, replacing versions and rows, idempotency, archive and lineage."""

from __future__ import annotations

import fcntl
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from etl.load import load
from etl.sources import CONTRACTS
from tests.etl.helpers import (
    SAMPLES,
    query,
    sha256_file,
    table_totals,
    write_csv,
)

DOC_HEADER = "month;departement_code;couloir_code;document_type;documents_count\n"
SAMPLE_TOTALS = {
    "fact_envelope": 3, "fact_funding_event": 4, "dim_solution": 3, "fact_deployment": 3, "fact_documents": 3,
    "fact_mes_profiles": 2, "fact_mssante": 3, "fact_usage_pro": 2, "fact_eprescription": 2,
    "fact_usage_etablissement": 4, "fact_population": 3,
}
# One sum per table: a change of any parsed number shows here.
SUMS = {
    "fact_envelope": "sum(amount_eur)", "fact_funding_event": "sum(amount_eur)",
    "dim_solution": "count(DISTINCT editeur_siren)", "fact_deployment": "count(installed_date)",
    "fact_documents": "sum(documents_count)", "fact_mes_profiles": "sum(profiles_opened)",
    "fact_mssante": "sum(messages_count)", "fact_usage_pro": "sum(exchanges_ins_qualified)",
    "fact_eprescription": "sum(eprescriptions_count)", "fact_usage_etablissement": "sum(documents_count)",
    "fact_population": "sum(population_count)",
}
SAMPLE_SUMS = {
    "fact_envelope": "78235588.39", "fact_funding_event": "77013870.50", "dim_solution": "2",
    "fact_deployment": "2", "fact_documents": "14566", "fact_mes_profiles": "4810000", "fact_mssante": "203420",
    "fact_usage_pro": "139100", "fact_eprescription": "2536577", "fact_usage_etablissement": "6740",
    "fact_population": "9422",
}


def sums(warehouse: Path) -> dict:
    return dict(query(warehouse, " UNION ALL ".join(f"SELECT '{t}', ({e})::VARCHAR FROM {t}" for t, e in SUMS.items())))


def docs_file(path: Path, rows: list[str]) -> Path:
    return write_csv(path, DOC_HEADER + "".join(r + "\n" for r in rows))


def test_every_contract_is_published_from_its_sample(sample_warehouse):
    settings, loaded, _ = sample_warehouse
    assert table_totals(settings.warehouse) == SAMPLE_TOTALS
    assert sums(settings.warehouse) == SAMPLE_SUMS
    assert {f.source for f in loaded.files} == set(CONTRACTS)
    assert (loaded.rows_read, loaded.rows_loaded, loaded.rows_rejected, loaded.problems_count) == (32, 32, 0, 0)


def test_load_run_and_source_file_describe_the_run(sample_warehouse):
    settings, loaded, _ = sample_warehouse
    runs = query(settings.warehouse, "SELECT run_id, status, mode, files_count, rows_read, rows_loaded, "
                 "rows_rejected, errors_count, etl_version FROM load_run")
    assert runs == [(loaded.run_id, "published", "strict", 11, 32, 32, 0, 0, "1.0")]
    files = query(settings.warehouse, "SELECT file_name, source, rows_read, rows_loaded, rows_rejected, "
                  "period_min, period_max, superseded_by FROM source_file WHERE source IN "
                  "('mes_documents', 'funding_events', 'budget_envelopes') ORDER BY source")
    assert files == [
        ("budget_envelopes_2025.csv", "budget_envelopes", 3, 3, 0, None, None, None),
        ("funding_events_2024-12.csv", "funding_events", 4, 4, 0, date(2024, 12, 2), date(2024, 12, 31), None),
        ("mes_documents_2024-12.csv", "mes_documents", 3, 3, 0, date(2024, 12, 1), date(2024, 12, 1), None),
    ]


def test_lineage_every_fact_row_points_to_its_file_and_run(settings, loaded, raw_samples):
    load([raw_samples / "mes_documents_2024-12.csv"], settings)  # a second run
    for c in CONTRACTS.values():
        orphans = query(settings.warehouse,
                        f"SELECT count(*) FROM {c.table} t WHERE t.file_id NOT IN (SELECT file_id FROM source_file) "
                        "OR t.run_id NOT IN (SELECT run_id FROM load_run)")
        assert orphans == [(0,)], c.table
    assert query(settings.warehouse, "SELECT count(*) FROM load_run") == [(2,)]
    # file_id is the sha256 of the bytes
    assert query(settings.warehouse, "SELECT file_id, sha256 FROM source_file WHERE file_name = ?",
                 ["mes_documents_2024-12.csv"]) == [(sha256_file(SAMPLES / "mes_documents_2024-12.csv"),) * 2]


def test_raw_files_are_archived_by_sha256(sample_warehouse):
    settings, _, raw_samples = sample_warehouse
    archived = query(settings.warehouse, "SELECT source, file_name, file_id, archived_path FROM source_file")
    assert len(archived) == 11
    for source, file_name, file_id, rel in archived:
        suffix = Path(file_name).suffix
        assert rel == f"archive/{source}/{file_id}{suffix}"
        assert (settings.data_dir / rel).read_bytes() == (raw_samples / file_name).read_bytes()
        assert sha256_file(settings.data_dir / rel) == file_id
    assert sorted(p.name for p in (settings.data_dir / "archive").iterdir()) == sorted(CONTRACTS)


def test_loading_the_same_files_twice_is_idempotent(settings, loaded, sample_warehouse):
    raw_samples = sample_warehouse[2]  # the very bytes the copied warehouse was loaded from
    before = (table_totals(settings.warehouse), sums(settings.warehouse),
              query(settings.warehouse, "SELECT file_id, file_name FROM source_file ORDER BY file_id"))
    again = load([raw_samples], settings)
    assert again.status == "published"
    after = (table_totals(settings.warehouse), sums(settings.warehouse),
             query(settings.warehouse, "SELECT file_id, file_name FROM source_file ORDER BY file_id"))
    assert after == before
    assert query(settings.warehouse, "SELECT count(*), count(DISTINCT run_id) FROM load_run") == [(2, 2)]
    assert query(settings.warehouse, "SELECT DISTINCT run_id FROM fact_documents") == [(again.run_id,)]


def test_corrected_file_with_the_same_name_replaces_its_previous_version(settings, tmp_path):
    raw = tmp_path / "raw"
    v1 = docs_file(raw / "mes_documents_2024-12.csv",
                   ["2024-12;75;biologie;11502-2;10", "2024-12;13;biologie;11502-2;20", "2024-12;59;hopital;11490-0;30",
                    "2024-12;69;hopital;11490-0;40"])
    sha1 = sha256_file(v1)
    assert load([v1], settings).status == "published"
    # one row fewer (−25 %, total −29 %): within the 30 % tolerance of the source
    v2 = docs_file(raw / "mes_documents_2024-12.csv", ["2024-12;75;biologie;11502-2;11", "2024-12;13;biologie;11502-2;20",
                                                       "2024-12;69;hopital;11490-0;40"])
    sha2 = sha256_file(v2)
    assert load([v2], settings).status == "published"
    assert query(settings.warehouse, "SELECT departement_code, documents_count, file_id FROM fact_documents "
                 "ORDER BY departement_code") == [("13", 20, sha2), ("69", 40, sha2), ("75", 11, sha2)]
    assert query(settings.warehouse, "SELECT file_id, superseded_by FROM source_file ORDER BY superseded_by") == [
        (sha1, sha2), (sha2, None)]
    # both versions stay in the archive
    assert (settings.archive_dir / "mes_documents" / f"{sha1}.csv").exists()
    assert (settings.archive_dir / "mes_documents" / f"{sha2}.csv").exists()


def test_row_with_same_natural_key_from_another_file_replaces_the_old_row(settings, tmp_path):
    """An event whose date moved to another month: the new month's delivery takes it out of the old month."""
    header = ("event_id;dispositif_code;couloir_code;region_code;beneficiary_id;beneficiary_kind;event_type;"
              "event_date;amount_eur\n")
    first = write_csv(tmp_path / "funding_events_2024-11.csv", header
                      + "E1;SUNES-V1;hopital;11;750712184;finess;commitment;15/11/2024;100\n"
                      + "E2;SUNES-V1;hopital;11;750712184;finess;commitment;20/11/2024;200\n")
    second = write_csv(tmp_path / "funding_events_2024-12.csv", header
                       + "E1;SUNES-V1;hopital;11;750712184;finess;commitment;02/12/2024;150\n")
    assert load([first], settings).status == "published"
    assert load([second], settings).status == "published"
    assert query(settings.warehouse, "SELECT event_id, event_date, amount_eur, file_id FROM fact_funding_event "
                 "ORDER BY event_id") == [("E1", date(2024, 12, 2), Decimal("150.00"), sha256_file(second)),
                                          ("E2", date(2024, 11, 20), Decimal("200.00"), sha256_file(first))]
    assert query(settings.warehouse, "SELECT count(*) FROM source_file WHERE superseded_by IS NULL") == [(2,)]


def test_natural_key_with_empty_optional_columns_replaces_too(settings, tmp_path):
    """Two files of one delivery (one run): a later row replaces an earlier one with the same key, NULLs equal."""
    header = "dispositif_code;couloir_code;region_code;year;amount_eur\n"
    first = write_csv(tmp_path / "budget_envelopes_a.csv", header + "SONS-V1-HOP;;;2023;100\nSONS-V1-HOP;;11;2023;5\n")
    second = write_csv(tmp_path / "budget_envelopes_b.csv", header + "SONS-V1-HOP;;;2023;250\n")
    assert load([first, second], settings).status == "published"
    assert query(settings.warehouse, "SELECT region_code, amount_eur FROM fact_envelope ORDER BY region_code") == [
        ("11", Decimal("5.00")), (None, Decimal("250.00"))]


def test_strict_load_with_one_problem_publishes_nothing(settings, loaded, tmp_path):
    before_hash = sha256_file(settings.warehouse)
    before = table_totals(settings.warehouse)
    good = docs_file(tmp_path / "mes_documents_2025-01.csv", ["2025-01;75;biologie;11502-2;10"])
    bad = docs_file(tmp_path / "mes_documents_2025-02.csv", ["2025-02;75;biologie;11502-2;10",
                                                             "2025-02;99;biologie;11502-2;10"])
    report = load([good, bad], settings)
    assert report.status == "failed"
    assert (report.rows_read, report.rows_rejected, report.problems_count) == (3, 1, 1)
    assert sha256_file(settings.warehouse) == before_hash
    assert table_totals(settings.warehouse) == before
    assert list(settings.data_dir.glob("warehouse.duckdb.*")) == []
    assert report.to_text().splitlines()[-1].startswith(
        "ÉCHEC : rien n'a été publié, l'entrepôt précédent est intact — exécution ")
    run_report = json.loads((settings.runs_dir / f"{report.run_id}.json").read_text(encoding="utf-8"))
    assert (run_report["status"], run_report["problems_count"]) == ("failed", 1)


def test_strict_load_with_an_unreadable_file_publishes_nothing(settings, loaded, tmp_path):
    before_hash = sha256_file(settings.warehouse)
    good = docs_file(tmp_path / "mes_documents_2025-01.csv", ["2025-01;75;biologie;11502-2;10"])
    unknown = write_csv(tmp_path / "notes.csv", "a;b\n1;2\n")
    report = load([good, unknown], settings)
    assert report.status == "failed"
    assert report.files[1].error.startswith("notes.csv: source non reconnue")
    assert sha256_file(settings.warehouse) == before_hash


def test_first_strict_load_that_fails_creates_no_warehouse(settings, tmp_path):
    report = load([docs_file(tmp_path / "mes_documents_x.csv", ["2024-12;75;biologie;11502-2;-1"])], settings)
    assert report.status == "failed"
    assert not settings.warehouse.exists()
    assert list(settings.data_dir.glob("warehouse.duckdb*")) == []


def test_lenient_load_publishes_valid_rows_and_keeps_rejects(settings, tmp_path):
    path = docs_file(tmp_path / "mes_documents_2024-12.csv", [
        "2024-12;75;biologie;11502-2;10",
        "2024-12;99;biologie;11502-2;20",
        "2024-12;13;biologie;11502-2;douze",
        "2024-12;59;hopital;11490-0;40",
    ])
    report = load([path], settings, lenient=True)
    assert report.status == "published_with_rejects"
    assert (report.rows_read, report.rows_loaded, report.rows_rejected, report.problems_count) == (4, 2, 2, 2)
    assert query(settings.warehouse, "SELECT departement_code, documents_count FROM fact_documents "
                 "ORDER BY departement_code") == [("59", 40), ("75", 10)]
    assert query(settings.warehouse, "SELECT run_id, file_id, file_name, source, sheet, row_number, column_name, "
                 "value, rule, message FROM reject ORDER BY row_number") == [
        (report.run_id, sha256_file(path), path.name, "mes_documents", None, 3, "departement_code", "99",
         "known_code", "code inconnu '99' (attendu : un code département INSEE (01…95, 2A, 2B, 971…974, 976))"),
        (report.run_id, sha256_file(path), path.name, "mes_documents", None, 4, "documents_count", "douze", "type",
         "'douze' n'est pas un nombre entier (ex. 1 234)"),
    ]
    assert query(settings.warehouse, "SELECT status, mode, rows_loaded, rows_rejected, errors_count FROM load_run") == [
        ("published_with_rejects", "lenient", 2, 2, 2)]
    assert query(settings.warehouse, "SELECT rows_read, rows_loaded, rows_rejected FROM source_file") == [(4, 2, 2)]


def test_lenient_rejects_keep_the_xlsx_sheet(settings, tmp_path):
    from tests.etl.helpers import USAGE_ETABLISSEMENTS_XLSX, write_xlsx

    sheets = {k: [list(r) for r in v] for k, v in USAGE_ETABLISSEMENTS_XLSX.items()}
    sheets["Nov 2024"][1][1] = "123"
    path = write_xlsx(tmp_path / "usage_etablissements_2024.xlsx", sheets)
    report = load([path], settings, lenient=True)
    assert report.rows_loaded == 3
    assert query(settings.warehouse, "SELECT sheet, row_number, column_name, value, rule, message FROM reject") == [
        ("Nov 2024", 2, "finess", "123", "format",
         "identifiant '123' mal formé (attendu : 9 caractères FINESS (ex. 750712184, 2A0000123))")]


def test_lenient_load_keeps_a_whole_rejected_file(settings, tmp_path):
    good = docs_file(tmp_path / "mes_documents_2024-12.csv", ["2024-12;75;biologie;11502-2;10"])
    missing = write_csv(tmp_path / "mes_profiles_2024-12.csv", "month;departement_code\n2024-12;75\n")
    report = load([good, missing], settings, lenient=True)
    assert report.status == "published_with_rejects"
    assert query(settings.warehouse, "SELECT file_id, file_name, row_number, column_name, rule, message "
                 "FROM reject") == [
        (sha256_file(missing), "mes_profiles_2024-12.csv", None, None, "file",
         "mes_profiles_2024-12.csv: colonne(s) obligatoire(s) manquante(s) pour la source mes_profiles : "
         "profiles_opened, profiles_activated, connections, monthly_users ; colonnes trouvées : month, "
         "departement_code")]
    assert query(settings.warehouse, "SELECT count(*) FROM fact_documents") == [(1,)]


def test_rejected_solution_makes_its_deployments_rejected_in_lenient_mode(settings, tmp_path):
    solutions = write_csv(tmp_path / "solutions_x.csv",
                          "solution_id;solution_name;editeur_siren;editeur_name;couloir_code;vague;referenced_date\n"
                          "SOL-A;DPI A;552100554;Éditeur;hopital;1;2021-10-15\n"
                          "SOL-B;DPI B;5521;Éditeur;hopital;1;2021-10-15\n")
    deployments = write_csv(tmp_path / "deployments_x.csv",
                            "site_id;site_kind;solution_id;dispositif_code;couloir_code;vague;departement_code;"
                            "ordered_date\n590780193;finess;SOL-A;SONS-V1-HOP;hopital;1;59;2022-03-01\n"
                            "750712184;finess;SOL-B;SONS-V1-HOP;hopital;1;75;2022-03-01\n")
    load([deployments, solutions], settings, lenient=True)  # order given does not matter: solutions go first
    assert query(settings.warehouse, "SELECT solution_id FROM dim_solution") == [("SOL-A",)]
    assert query(settings.warehouse, "SELECT solution_id FROM fact_deployment") == [("SOL-A",)]
    assert query(settings.warehouse, "SELECT file_name, rule FROM reject ORDER BY file_name") == [
        ("deployments_x.csv", "known_solution"), ("solutions_x.csv", "format")]


def test_deployments_may_refer_to_solutions_published_earlier(settings, tmp_path):
    assert load([SAMPLES / "solutions_2024-12.csv"], settings).status == "published"
    report = load([SAMPLES / "deployments_2024-12.csv"], settings)
    assert report.status == "published", report.to_text()
    assert query(settings.warehouse, "SELECT count(*) FROM fact_deployment") == [(3,)]


def test_no_file_found(settings, tmp_path):
    (tmp_path / "vide").mkdir()
    report = load([tmp_path / "vide"], settings)
    assert report.status == "failed"
    assert report.message == f"aucun fichier source trouvé dans {tmp_path / 'vide'}"


def test_default_paths_are_the_raw_directory_and_skip_hidden_and_lock_files(settings):
    docs_file(settings.raw_dir / "cnam" / "mes_documents_2024-12.csv", ["2024-12;75;biologie;11502-2;10"])
    docs_file(settings.raw_dir / "mes_documents_2024-11.CSV", ["2024-11;75;biologie;11502-2;10"])
    (settings.raw_dir / ".~lock.mes_documents_2024-12.csv#").write_text("verrou LibreOffice")
    (settings.raw_dir / "~$usage_etablissements_2024.xlsx").write_bytes(b"verrou Excel")
    (settings.raw_dir / ".mes_documents_cache.csv").write_text("fichier cache")
    (settings.raw_dir / "lisez-moi.md").write_text("pas une source")
    report = load(None, settings)
    assert report.status == "published", report.to_text()
    assert sorted(f.file for f in report.files) == ["cnam/mes_documents_2024-12.csv", "mes_documents_2024-11.CSV"]


def test_a_second_load_while_one_holds_the_lock_fails_cleanly(settings, loaded, tmp_path):
    before_hash = sha256_file(settings.warehouse)
    with open(settings.data_dir / ".load.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        report = load([docs_file(tmp_path / "mes_documents_x.csv", ["2025-01;75;biologie;11502-2;1"])], settings)
    assert report.status == "failed"
    assert report.message == "un autre chargement est en cours (verrou data/.load.lock) : réessayez après"
    assert sha256_file(settings.warehouse) == before_hash


# --- known bugs -----------------------------------------------------------------------------------------


def test_same_file_name_in_two_folders_are_two_files(settings, tmp_path):
    header = "event_id;dispositif_code;couloir_code;region_code;beneficiary_id;beneficiary_kind;event_type;" \
             "event_date;amount_eur\n"
    idf = write_csv(tmp_path / "raw" / "ars_idf" / "funding_events_2024-12.csv",
                    header + "IDF-1;SUNES-V1;hopital;11;750712184;finess;commitment;15/03/2022;100\n")
    hdf = write_csv(tmp_path / "raw" / "ars_hdf" / "funding_events_2024-12.csv",
                    header + "HDF-1;SUNES-V1;hopital;32;590780193;finess;commitment;15/03/2022;200\n")
    report = load([tmp_path / "raw"], settings)
    assert report.rows_loaded == 2
    assert query(settings.warehouse, "SELECT event_id FROM fact_funding_event ORDER BY event_id") == [
        ("HDF-1",), ("IDF-1",)]
    assert {idf.exists(), hdf.exists()} == {True}


def test_non_numeric_vague_does_not_crash_the_load(settings, tmp_path):
    path = write_csv(tmp_path / "solutions_x.csv",
                     "solution_id;solution_name;editeur_siren;editeur_name;couloir_code;vague;referenced_date\n"
                     "SOL-A;DPI A;552100554;Éditeur;hopital;trois;2021-10-15\n")
    report = load([path], settings)
    assert report.status == "failed"
    assert [p.rule for p in report.files[0].problems] == ["known_code"]


def test_whole_file_reject_names_its_source(settings, tmp_path):
    missing = write_csv(tmp_path / "mes_profiles_2024-12.csv", "month;departement_code\n2024-12;75\n")
    good = docs_file(tmp_path / "mes_documents_2024-12.csv", ["2024-12;75;biologie;11502-2;10"])
    report = load([good, missing], settings, lenient=True)
    assert report.files[1].source == "mes_profiles"
    assert query(settings.warehouse, "SELECT source FROM reject") == [("mes_profiles",)]


def test_failed_run_reports_no_row_loaded(settings, tmp_path):
    good = docs_file(tmp_path / "mes_documents_2025-01.csv", ["2025-01;75;biologie;11502-2;10"])
    bad = docs_file(tmp_path / "mes_documents_2025-02.csv", ["2025-02;99;biologie;11502-2;10"])
    report = load([good, bad], settings)
    assert report.status == "failed"
    assert (report.rows_loaded, [f.rows_loaded for f in report.files]) == (0, [0, 0])
