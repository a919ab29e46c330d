"""`python -m etl load|check` as the data engineer runs them: exit codes, text and JSON reports."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from tests.etl.helpers import REPO, SAMPLES, cli_env, query, run_cli, sha256_file, write_csv

DOC_HEADER = "month;departement_code;couloir_code;document_type;documents_count\n"
RUN_ID = r"\d{8}T\d{6}-[0-9a-f]{6}"
UNKNOWN_DEP = "code inconnu '99' (attendu : un code département INSEE (01…95, 2A, 2B, 971…974, 976))"


def test_check_ok(data_dir):
    result = run_cli(data_dir, "check", SAMPLES / "mes_documents_2024-12.csv", SAMPLES / "mes_profiles_2024-12.tsv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "mes_documents_2024-12.csv → mes_documents (CSV; encodage cp1252; séparateur ';'; décimale ','; "
        "en-tête ligne 2; colonnes renommées Mois→month, Département→departement_code, Couloir→couloir_code, "
        "Type document→document_type, Nb documents→documents_count; converti de cp1252 en UTF-8) : "
        "3 lignes lues, 0 chargées, 0 rejetées")
    assert lines[1] == ("mes_profiles_2024-12.tsv → mes_profiles (CSV; encodage utf-8; séparateur tabulation; "
                        "décimale '.'; en-tête ligne 1) : 2 lignes lues, 0 chargées, 0 rejetées")
    assert re.fullmatch(rf"Vérification OK — exécution {RUN_ID} : 2 fichier\(s\), 5 lignes lues, 0 chargées, "
                        r"0 rejetées, 0 problème\(s\)\.", lines[2])
    assert len(lines) == 3
    assert sorted(p.name for p in data_dir.iterdir()) == ["tmp"]  # check never publishes nor archives
    assert list((data_dir / "tmp").iterdir()) == []


def test_check_with_problems_exits_1_and_locates_each_problem(data_dir, tmp_path):
    path = write_csv(tmp_path / "mes_documents_2025-01.csv",
                     DOC_HEADER + "2025-01;75;biologie;11502-2;10\n2025-01;99;biologie;11502-2;-3\n")
    result = run_cli(data_dir, "check", path)
    assert result.returncode == 1
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[1:3] == [
        f"  mes_documents_2025-01.csv:3:departement_code: {UNKNOWN_DEP}",
        "  mes_documents_2025-01.csv:3:documents_count: valeur -3 inférieure au minimum (attendu : ≥ 0)",
    ]
    assert re.fullmatch(rf"Vérification : des problèmes ont été trouvés — exécution {RUN_ID} : 1 fichier\(s\), "
                        r"2 lignes lues, 0 chargées, 1 rejetées, 2 problème\(s\)\.", lines[3])


def test_check_json_lists_the_problems(data_dir, tmp_path):
    path = write_csv(tmp_path / "mes_documents_2025-01.csv", DOC_HEADER + "2025-01;99;biologie;11502-2;10\n")
    result = run_cli(data_dir, "check", path, "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert (report["command"], report["mode"], report["status"], report["problems_count"]) == (
        "check", "strict", "problems", 1)
    assert report["warehouse"] is None
    (f,) = report["files"]
    assert (f["file"], f["source"], f["sha256"], f["rows_read"], f["rows_rejected"], f["error"]) == (
        "mes_documents_2025-01.csv", "mes_documents", sha256_file(path), 1, 1, None)
    assert f["problems"] == [{
        "location": "mes_documents_2025-01.csv:2:departement_code", "file": "mes_documents_2025-01.csv", "line": 2,
        "sheet": None, "column": "departement_code", "value": "99", "rule": "known_code", "message": UNKNOWN_DEP}]


def test_check_of_a_missing_path(data_dir, tmp_path):
    result = run_cli(data_dir, "check", tmp_path / "absent.csv")
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == f"{tmp_path / 'absent.csv'}: fichier ou dossier introuvable"
    assert "Traceback" not in result.stderr


def test_check_of_an_unknown_file_prints_the_error(data_dir, tmp_path):
    result = run_cli(data_dir, "check", write_csv(tmp_path / "mes_documents.pdf", "x"))
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "ERREUR mes_documents.pdf: format non pris en charge '.pdf' (attendu : .csv, .tsv, .txt, .xlsm, .xlsx)")


def test_load_publishes_and_reports_in_json(data_dir):
    result = run_cli(data_dir, "load", SAMPLES / "solutions_2024-12.csv", SAMPLES / "deployments_2024-12.csv",
                     "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["command"], report["mode"], report["status"]) == ("load", "strict", "published")
    assert report["warehouse"] == str(data_dir / "warehouse.duckdb")
    assert [(f["file"], f["source"], f["rows_loaded"]) for f in report["files"]] == [
        ("solutions_2024-12.csv", "solutions", 3), ("deployments_2024-12.csv", "deployments", 3)]
    assert query(data_dir / "warehouse.duckdb", "SELECT run_id FROM load_run") == [(report["run_id"],)]
    saved = json.loads((data_dir / "runs" / f"{report['run_id']}.json").read_text(encoding="utf-8"))
    assert saved == report


def test_strict_load_failure_exits_1_and_keeps_the_warehouse(data_dir, tmp_path):
    assert run_cli(data_dir, "load", SAMPLES / "mes_documents_2024-12.csv").returncode == 0
    before = sha256_file(data_dir / "warehouse.duckdb")
    bad = write_csv(tmp_path / "mes_documents_2025-01.csv", DOC_HEADER + "2025-01;99;biologie;11502-2;10\n")
    result = run_cli(data_dir, "load", bad)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[1] == f"  mes_documents_2025-01.csv:2:departement_code: {UNKNOWN_DEP}"
    assert re.fullmatch(rf"ÉCHEC : rien n'a été publié, l'entrepôt précédent est intact — exécution {RUN_ID} : "
                        r"1 fichier\(s\), 1 lignes lues, 0 chargées, 1 rejetées, 1 problème\(s\)\.", lines[2])
    assert sha256_file(data_dir / "warehouse.duckdb") == before


def test_lenient_load_exits_0_and_reports_rejects_in_json(data_dir, tmp_path):
    path = write_csv(tmp_path / "mes_documents_2025-01.csv",
                     DOC_HEADER + "2025-01;75;biologie;11502-2;10\n2025-01;99;biologie;11502-2;10\n")
    result = run_cli(data_dir, "load", path, "--lenient", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["status"], report["mode"], report["rows_loaded"], report["rows_rejected"]) == (
        "published_with_rejects", "lenient", 1, 1)
    assert [(p["location"], p["rule"]) for p in report["files"][0]["problems"]] == [
        ("mes_documents_2025-01.csv:3:departement_code", "known_code")]
    assert query(data_dir / "warehouse.duckdb", "SELECT row_number, rule, message FROM reject") == [
        (3, "known_code", UNKNOWN_DEP)]


def test_load_without_paths_reads_the_raw_directory(data_dir):
    result = run_cli(data_dir, "load")
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == f"{data_dir / 'raw'}: fichier ou dossier introuvable"
    (data_dir / "raw").mkdir()
    result = run_cli(data_dir, "load")
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == f"aucun fichier source trouvé dans {data_dir / 'raw'}"
    write_csv(data_dir / "raw" / "mes_documents_2024-12.csv", DOC_HEADER + "2024-12;75;biologie;11502-2;10\n")
    result = run_cli(data_dir, "load")
    assert result.returncode == 0, result.stdout
    assert query(data_dir / "warehouse.duckdb", "SELECT documents_count FROM fact_documents") == [(10,)]


def test_settings_come_from_the_environment(data_dir, tmp_path):
    """SEGUR_WAREHOUSE and SEGUR_RAW_DIR override the defaults under SEGUR_DATA_DIR."""
    raw = tmp_path / "depot"
    write_csv(raw / "mes_documents_2024-12.csv", DOC_HEADER + "2024-12;75;biologie;11502-2;7\n")
    env = {**cli_env(data_dir), "SEGUR_WAREHOUSE": str(tmp_path / "ailleurs.duckdb"), "SEGUR_RAW_DIR": str(raw)}
    result = subprocess.run([sys.executable, "-m", "etl", "load"], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (data_dir / "warehouse.duckdb").exists()
    assert query(tmp_path / "ailleurs.duckdb", "SELECT documents_count FROM fact_documents") == [(7,)]
    assert os.listdir(data_dir / "archive") == ["mes_documents"]


def test_strict_load_failure_in_json(data_dir, tmp_path):
    bad = write_csv(tmp_path / "mes_documents_2025-01.csv", DOC_HEADER + "2025-01;75;biologie;11502-2;beaucoup\n")
    result = run_cli(data_dir, "load", bad, "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert (report["status"], report["mode"], report["problems_count"], report["rows_rejected"]) == (
        "failed", "strict", 1, 1)
    assert [(p["location"], p["value"], p["rule"], p["message"]) for p in report["files"][0]["problems"]] == [
        ("mes_documents_2025-01.csv:2:documents_count", "beaucoup", "type",
         "'beaucoup' n'est pas un nombre entier (ex. 1 234)")]
    assert not (data_dir / "warehouse.duckdb").exists()
