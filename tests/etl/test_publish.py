"""Atomic publish: a killed load leaves the published warehouse untouched; readers keep their snapshot."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl.load import load
from tests.etl.helpers import REPO, cli_env, query, run_cli, sha256_file, write_csv

DOC_HEADER = "month;departement_code;couloir_code;document_type;documents_count\n"
TOTALS_SQL = "SELECT count(*), sum(documents_count) FROM fact_documents"


@pytest.fixture(scope="module")
def big_documents(tmp_path_factory) -> tuple[Path, int, int]:
    """A valid mes_documents file of ~1.15 million rows (every month × département × couloir × type) and its
    row count and total, written by DuckDB in well under a second."""
    path = tmp_path_factory.mktemp("big") / "mes_documents_historique.csv"
    ref = REPO / "data" / "reference"
    con = duckdb.connect()
    try:
        con.execute(
            "CREATE TABLE big AS SELECT strftime(m, '%Y-%m') AS month, d.departement_code, c.couloir_code, "
            "t.document_type, (hash(m, d.departement_code, c.couloir_code, t.document_type) % 100000)::BIGINT "
            "AS documents_count FROM range(DATE '2015-01-01', DATE '2026-11-01', INTERVAL 1 MONTH) r(m), "
            "read_csv(?, all_varchar = true) d, read_csv(?, all_varchar = true) c, read_csv(?, all_varchar = true) t",
            [str(ref / "departements.csv"), str(ref / "couloirs.csv"), str(ref / "document_types.csv")])
        con.execute(f"COPY big TO '{path}' (DELIMITER ';', HEADER)")
        rows, total = con.execute("SELECT count(*), sum(documents_count) FROM big").fetchone()
    finally:
        con.close()
    assert rows > 1_000_000
    return path, rows, int(total)


def small_documents(path: Path, counts: tuple[int, ...], month: str = "2024-12") -> Path:
    """A few rows whose keys also exist in the big file (so the big load replaces them)."""
    deps = ("75", "13", "59", "69")
    return write_csv(path, DOC_HEADER + "".join(f"{month};{d};biologie;11502-2;{n}\n" for d, n in zip(deps, counts,
                                                                                                     strict=False)))


def start_load(data_dir: Path, path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl", "load", str(path)], cwd=REPO, env=cli_env(data_dir),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def building_files(data_dir: Path) -> list[Path]:
    return sorted(data_dir.glob("warehouse.duckdb.building-*"))


def _kill_once_building(data_dir: Path, path: Path) -> None:
    """Start a load of `path` and SIGKILL it once it is building its new warehouse."""
    proc = start_load(data_dir, path)
    try:
        deadline = time.monotonic() + 60
        while not building_files(data_dir):
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the load never started building"
            time.sleep(0.01)
        time.sleep(0.4)  # into copying the published periods / replacing them
        assert proc.poll() is None, "the load ended before it could be killed: make the big file bigger"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


def test_sigkill_mid_load_leaves_the_previous_warehouse_and_the_next_load_succeeds(settings, tmp_path,
                                                                                    big_documents):
    big, _, _ = big_documents
    assert load([small_documents(tmp_path / "mes_documents_2024-12.csv", (10, 20, 30))], settings).ok
    before_hash = sha256_file(settings.warehouse)
    assert query(settings.warehouse, TOTALS_SQL) == [(3, 60)]

    _kill_once_building(settings.data_dir, big)

    assert building_files(settings.data_dir), "a killed load leaves its half-built file behind"
    assert sha256_file(settings.warehouse) == before_hash
    assert query(settings.warehouse, TOTALS_SQL) == [(3, 60)]

    fix = small_documents(tmp_path / "mes_documents_2024-12.csv", (11, 21, 31, 41))
    result = run_cli(settings.data_dir, "load", fix)
    assert result.returncode == 0, result.stdout + result.stderr
    assert building_files(settings.data_dir) == []
    assert query(settings.warehouse, TOTALS_SQL) == [(4, 104)]


def test_reader_keeps_its_snapshot_during_a_publish_and_a_new_connection_sees_the_new_data(
        settings, tmp_path, big_documents):
    big, big_rows, big_total = big_documents
    assert load([small_documents(tmp_path / "mes_documents_2024-12.csv", (10, 20, 30))], settings).ok
    reader = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        seen = []
        proc = start_load(settings.data_dir, big)
        while proc.poll() is None:
            seen.append(reader.execute(TOTALS_SQL).fetchone())
            time.sleep(0.02)
        stderr = proc.stderr.read().decode()
        proc.stderr.close()
        assert proc.returncode == 0, stderr
        seen.append(reader.execute(TOTALS_SQL).fetchone())  # after the new file was swapped in
    finally:
        reader.close()
    assert len(seen) > 10, "the reader should have read many times while the load ran"
    assert set(seen) == {(3, 60)}
    # the three small rows had keys of the big file: they were replaced, not added
    assert query(settings.warehouse, TOTALS_SQL) == [(big_rows, big_total)]


def test_stale_building_files_are_removed_by_the_next_load(settings, loaded, tmp_path):
    for name in ("warehouse.duckdb.building-20260101T000000-dead00", "warehouse.duckdb.building-20260101T000000-dead00.wal"):
        (settings.data_dir / name).write_bytes(b"restes d'un chargement interrompu")
    report = load([small_documents(tmp_path / "mes_documents_2025-01.csv", (1,), month="2025-01")], settings)
    assert report.status == "published"
    assert building_files(settings.data_dir) == []


def test_stale_work_directory_is_removed_by_the_next_load(settings, loaded, tmp_path):
    stale = settings.data_dir / "tmp" / "load-20260101T000000-dead00"
    stale.mkdir(parents=True)
    (stale / "mes_documents_historique.csv.utf8").write_bytes(b"x" * 1024)
    report = load([small_documents(tmp_path / "mes_documents_2025-01.csv", (1,), month="2025-01")], settings)
    assert report.status == "published"
    assert not stale.exists()


def test_sigkill_while_a_delivery_replaces_periods_keeps_every_published_period(settings, tmp_path, big_documents):
    """Replacement by period happens in the file being built: killed, the published months are all still there."""
    big, _, _ = big_documents
    october = small_documents(tmp_path / "oct" / "mes_documents.csv", (10, 20, 30), month="2024-10")
    november = small_documents(tmp_path / "nov" / "mes_documents.csv", (1, 2, 3), month="2024-11")
    assert load([october], settings).ok and load([november], settings).ok
    months_sql = ("SELECT period, file_id, rows_count, total FROM source_period WHERE source = 'mes_documents' "
                  "ORDER BY period")
    published = [("2024-10", sha256_file(october), 3, 60), ("2024-11", sha256_file(november), 3, 6)]
    assert query(settings.warehouse, months_sql) == published
    before_hash = sha256_file(settings.warehouse)

    _kill_once_building(settings.data_dir, big)  # big replaces every month from 2015 to 2026, both of these

    assert sha256_file(settings.warehouse) == before_hash
    assert query(settings.warehouse, months_sql) == published
    # the next delivery, a November correction, replaces November only and cleans up after the killed load
    fix = small_documents(tmp_path / "dec" / "mes_documents.csv", (2, 3, 4), month="2024-11")
    result = run_cli(settings.data_dir, "load", fix)
    assert result.returncode == 0, result.stdout + result.stderr
    assert building_files(settings.data_dir) == []
    assert query(settings.warehouse, months_sql) == [published[0], ("2024-11", sha256_file(fix), 3, 9)]
