"""The reader survives a publish: same Warehouse object, new file, new totals — across threads too."""

import os
import threading

import pytest

from dashboard.warehouse import Warehouse, WarehouseUnavailable
from etl.load import load
from tests.dashboard.factory import DEPARTEMENTS, build_warehouse, documents_total, settings_for, write_documents


def test_no_warehouse(tmp_path):
    wh = Warehouse(tmp_path / "warehouse.duckdb")
    assert wh.available() is False
    assert wh.version() is None
    with pytest.raises(WarehouseUnavailable):
        wh.query("SELECT 1")


def test_reads_and_reconnects_after_publish(tmp_path):
    settings = build_warehouse(tmp_path, months=("2025-09",), with_rejects=False)
    wh = Warehouse(settings.warehouse)
    assert wh.available()
    total_sql = "SELECT sum(documents_count) FROM fact_documents WHERE month <= ?"
    assert wh.query(total_sql, ["2025-12-01"]) == [(documents_total(("2025-09",)),)]
    assert wh.months() == ["2025-09", "2025-06", "2025-03"]  # documents, then the two funding events
    inode_before = wh.version()[0]

    # The ETL publishes a new file (os.replace): a second month arrives.
    new_file = write_documents(tmp_path / "inbox" / "mes_documents_2025-10.csv", ("2025-09", "2025-10"), factor=2)
    report = load([new_file], settings)
    assert report.status == "published", report.to_text()
    assert os.stat(settings.warehouse).st_ino != inode_before

    expected = documents_total(("2025-09", "2025-10"), factor=2)
    assert wh.query_one(total_sql, ["2025-12-01"]) == (expected,)
    assert wh.months()[:2] == ["2025-10", "2025-09"]  # cached per file: recomputed after the publish
    df = wh.query_df("SELECT departement_code, sum(documents_count) AS n FROM fact_documents GROUP BY 1 ORDER BY 1")
    assert list(df["departement_code"]) == sorted(DEPARTEMENTS)


def test_threads_each_see_the_current_file(tmp_path):
    settings = build_warehouse(tmp_path, months=("2025-09",), with_rejects=False)
    wh = Warehouse(settings.warehouse)
    results, errors = [], []

    def read():
        try:
            for _ in range(20):
                results.append(wh.query_one("SELECT count(*) FROM fact_documents")[0])
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=read) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert set(results) == {len(DEPARTEMENTS) * 2}


def test_parameters_only(tmp_path):
    settings = build_warehouse(tmp_path, months=("2025-09",), with_rejects=False)
    wh = Warehouse(settings.warehouse)
    hostile = "75'; DROP TABLE fact_documents; --"
    assert wh.query("SELECT count(*) FROM fact_documents WHERE departement_code = ?", [hostile]) == [(0,)]
    assert wh.query_one("SELECT count(*) FROM fact_documents")[0] > 0
    assert "fact_documents" in wh.tables()


def test_read_only(tmp_path):
    settings = build_warehouse(tmp_path, months=("2025-09",), with_rejects=False)
    wh = Warehouse(settings.warehouse)
    with pytest.raises(Exception, match="read-only|read only"):
        wh.query("DELETE FROM fact_documents")


def test_settings_helper_points_to_the_data_dir(tmp_path):
    assert settings_for(tmp_path).warehouse == tmp_path / "warehouse.duckdb"
