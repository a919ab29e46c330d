"""A clean CSV is published in one statement (etl/direct.py); a file with any problem is undone and goes the
careful way. And the derived budget tables are copied, not rebuilt, by a run delivering no funding event."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

import etl.building as building
import etl.load as etl_load
from etl.derived import DERIVED, VERSION_TABLE, build_derived
from etl.direct import insert_clean
from etl.load import create_schema, load
from etl.read import stage_csv
from etl.reference import load_reference
from etl.validate import Validator
from tests.etl.helpers import make_settings, query, write_csv

DOCS = "month;departement_code;couloir_code;document_type;documents_count\n"
GOOD = "".join(f"2024-12;{d};biologie;11502-2;{n}\n" for n, d in enumerate(("75", "13", "59", "69"), start=1))

# (name, rows after the good ones): each undoes the insert, whatever rule it breaks and wherever it is
UNDONE = {
    "clean": ("", 4),
    "a type error on the last row": ("2024-12;33;biologie;11502-2;douze\n", None),
    "an unknown département": ("2024-12;99;biologie;11502-2;5\n", None),
    "an unknown document type": ("2024-12;33;biologie;00000-0;5\n", None),
    "a repeated key": ("2024-12;75;biologie;11502-2;9\n", None),
    "a missing value": ("2024-12;33;;11502-2;5\n", None),
    "separators only": (";;;;\n", 4),
}


@pytest.fixture
def con(tmp_path):
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    create_schema(c)
    load_reference(c, make_settings(tmp_path).reference_dir)
    c.execute("INSERT INTO fact_documents VALUES (DATE '2024-11-01', '75', 'biologie', '11502-2', 7, 'old', 'r0')")
    yield c
    c.close()


@pytest.mark.parametrize("case", sorted(UNDONE))
def test_a_clean_csv_is_inserted_in_one_pass_and_any_problem_undoes_it(con, tmp_path, case):
    extra, expected = UNDONE[case]
    path = write_csv(tmp_path / "mes_documents_x.csv", DOCS + GOOD + extra)
    staged = stage_csv(con, path, "stg_1", tmp_path)
    got = insert_clean(con, Validator(con, date(2026, 11, 28)), staged, "f1", "r1")
    assert got == expected
    rows = con.execute("SELECT departement_code, documents_count, file_id FROM fact_documents ORDER BY rowid").fetchall()
    if expected is None:
        assert rows == [("75", 7, "old")]  # as before
    else:
        assert rows == [("75", 7, "old"), ("75", 1, "f1"), ("13", 2, "f1"), ("59", 3, "f1"), ("69", 4, "f1")]


def test_a_load_publishes_clean_files_directly_and_reports_the_others_as_before(settings, tmp_path, monkeypatch):
    direct = []
    real = etl_load.insert_clean
    monkeypatch.setattr(etl_load, "insert_clean", lambda *a: direct.append(real(*a)) or direct[-1])
    good = write_csv(tmp_path / "raw" / "mes_documents_a.csv", DOCS + GOOD)
    bad = write_csv(tmp_path / "raw" / "mssante_messages_b.csv",
                    "month;departement_code;couloir_code;messages_count\n2024-12;75;biologie;12\n"
                    "2024-12;13;biologie;-3\n")
    report = load([good, bad], settings, lenient=True)
    assert direct == [4, None]  # the clean file in one pass; the other undone, then validated
    assert report.status == "published_with_rejects"
    assert [(f.rows_read, f.rows_loaded, f.rows_rejected) for f in report.files] == [(4, 4, 0), (2, 1, 1)]
    assert [str(p) for p in report.files[1].problems] == [
        "mssante_messages_b.csv:3:messages_count: valeur -3 inférieure au minimum (attendu : ≥ 0)"]
    assert query(settings.warehouse, "SELECT count(*), sum(documents_count) FROM fact_documents") == [(4, 10)]


EVENTS = ("event_id;dispositif_code;couloir_code;region_code;beneficiary_id;beneficiary_kind;event_type;event_date;"
          "amount_eur;commitment_ref\n"
          "C1;SONS-V1-HOP;hopital;11;750712184;finess;commitment;01/03/2024;1000;\n"
          "P1;SONS-V1-HOP;hopital;11;750712184;finess;advance;01/05/2024;400;C1\n")


@pytest.mark.parametrize("in_place", [True, False], ids=["copy of the file", "fresh schema"])
def test_derived_tables_are_kept_when_no_funding_event_is_delivered(settings, tmp_path, monkeypatch, in_place):
    events = write_csv(tmp_path / "funding_events_2024.csv", EVENTS)
    assert load([events], settings).status == "published"
    first = {t: query(settings.warehouse, f"SELECT * FROM {t} ORDER BY ALL") for t in DERIVED}
    assert first["derived_commitment_state"]  # something to carry
    built = []
    monkeypatch.setattr(etl_load, "carry_or_build", _spy(built))
    if not in_place:  # as when the published warehouse's schema cannot be upgraded in place
        monkeypatch.setattr(building, "upgrade_in_place", lambda con: False)
    assert load([write_csv(tmp_path / "mes_documents_x.csv", DOCS + GOOD)], settings).status == "published"
    kept = "kept" if in_place else "copied"
    assert built == [kept]
    assert {t: query(settings.warehouse, f"SELECT * FROM {t} ORDER BY ALL") for t in DERIVED} == first
    # funding events delivered again: rebuilt from the facts
    again = write_csv(tmp_path / "funding_events_2024b.csv", EVENTS.replace("advance;01/05/2024;400", "advance;"
                                                                            "01/05/2024;300"))
    assert load([again], settings).status == "published"
    assert built == [kept, "built"]
    assert query(settings.warehouse, "SELECT max(paid_eur) FROM derived_commitment_state") == [(300,)]


def test_derived_tables_built_by_other_sql_are_rebuilt_not_copied(settings, tmp_path, monkeypatch):
    assert load([write_csv(tmp_path / "funding_events_2024.csv", EVENTS)], settings).status == "published"
    con = duckdb.connect(str(settings.warehouse))
    con.execute(f"UPDATE {VERSION_TABLE} SET sql_sha256 = 'older'")
    con.execute("DELETE FROM derived_commitment_state")  # what older SQL would have left differs
    con.close()
    built = []
    monkeypatch.setattr(etl_load, "carry_or_build", _spy(built))
    assert load([write_csv(tmp_path / "mes_documents_x.csv", DOCS + GOOD)], settings).status == "published"
    assert built == ["built"]
    assert query(settings.warehouse, "SELECT count(*) FROM derived_commitment_state") == [(2,)]


def _spy(calls: list):
    real = etl_load.carry_or_build

    def spy(*args):
        calls.append(real(*args))
        return calls[-1]
    return spy


def test_build_derived_records_its_sql_version(tmp_path):
    con = duckdb.connect()
    create_schema(con)
    build_derived(con)
    assert con.execute(f"SELECT count(*) FROM {VERSION_TABLE}").fetchone() == (1,)


# --- the warehouse built as a copy of the published file ---------------------------------------------------


def test_a_published_warehouse_is_upgraded_in_place_when_the_schema_only_adds(settings, tmp_path):
    """An older warehouse (no source_period, no producer columns) is copied and brought to the schema."""
    assert load([write_csv(tmp_path / "mes_documents_x.csv", DOCS + GOOD)], settings).status == "published"
    con = duckdb.connect(str(settings.warehouse))
    con.execute("DROP TABLE source_period")
    con.execute("ALTER TABLE source_file DROP COLUMN producer")
    con.close()
    copy = tmp_path / "copy.duckdb"
    con, in_place = building.start(copy, settings.warehouse, lambda c: None)
    try:
        assert in_place
        cols = [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = "
                                          "'source_file' ORDER BY column_index").fetchall()]
        assert cols[-2:] == ["superseded_by", "producer"]
        assert con.execute("SELECT count(*), count(producer) FROM source_file").fetchone() == (1, 0)
        assert con.execute("SELECT count(*) FROM source_period").fetchone() == (0,)
        assert con.execute("SELECT sum(documents_count) FROM fact_documents").fetchone() == (10,)
    finally:
        con.close()
    november = write_csv(tmp_path / "mes_documents_y.csv", DOCS + GOOD.replace("2024-12", "2024-11"))
    report = load([november], settings)
    assert report.status == "published", report.to_text()
    assert query(settings.warehouse, "SELECT strftime(month, '%Y-%m'), count(*) FROM fact_documents GROUP BY ALL "
                 "ORDER BY 1") == [("2024-11", 4), ("2024-12", 4)]


def test_a_warehouse_whose_columns_differ_otherwise_is_rebuilt_from_a_fresh_schema(settings, tmp_path):
    assert load([write_csv(tmp_path / "mes_documents_x.csv", DOCS + GOOD)], settings).status == "published"
    con = duckdb.connect(str(settings.warehouse))
    con.execute("ALTER TABLE fact_documents ALTER documents_count TYPE INTEGER")  # retyped: not an addition
    con.close()
    copy = tmp_path / "copy.duckdb"
    con, in_place = building.start(copy, settings.warehouse, lambda c: None)
    try:
        assert not in_place
        assert con.execute("SELECT data_type FROM duckdb_columns() WHERE table_name = 'fact_documents' AND "
                           "column_name = 'documents_count'").fetchone() == ("BIGINT",)
        assert con.execute("SELECT sum(documents_count) FROM fact_documents").fetchone() == (10,)
    finally:
        con.close()


def test_the_same_bytes_twice_in_one_run_count_once(settings, tmp_path):
    """The second copy cannot be told apart by (file_id, run_id): it goes the careful way, and replaces the first."""
    a = write_csv(tmp_path / "a" / "mes_documents_x.csv", DOCS + GOOD)
    b = write_csv(tmp_path / "b" / "mes_documents_x.csv", DOCS + GOOD)
    report = load([a, b], settings)
    assert report.status == "published", report.to_text()
    assert [f.rows_loaded for f in report.files] == [4, 4]
    assert query(settings.warehouse, "SELECT count(*), sum(documents_count) FROM fact_documents") == [(4, 10)]


def test_a_csv_the_reader_refuses_is_the_same_file_error_in_a_load(settings, tmp_path):
    rows = [f"2024-12;{d:02d};biologie;11502-2;1" for d in range(10, 95)] * 3
    text = DOCS + "\n".join(rows) + "\n2024-12;75;biologie;11502-2;" + "9" * 3_000_000 + "\n"
    report = load([write_csv(tmp_path / "mes_documents_long.csv", text)], settings)
    assert report.status == "failed"
    assert report.files[0].error.startswith("mes_documents_long.csv: lecture CSV impossible (CSV; encodage utf-8")
    assert not settings.warehouse.exists()
