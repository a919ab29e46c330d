"""Several producers of one source (one file each per month): a producer's delivery replaces only its own rows of
the periods it covers; `etl check` reports the shrink a load would refuse, publishing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.load import check, load
from etl.status import status, status_text
from tests.etl.helpers import query, run_cli, sha256_file, write_csv

EVENT_HEADER = ("event_id;dispositif_code;couloir_code;region_code;beneficiary_id;beneficiary_kind;event_type;"
                "event_date;amount_eur\n")


def events(prefix: str, ids: range, day: int = 1, month: str = "12/2024", amount: int = 100) -> str:
    return EVENT_HEADER + "".join(f"{prefix}-{i};SUNES-V1;hopital;11;750712184;finess;commitment;"
                                  f"{day:02d}/{month};{amount}\n" for i in ids)


def by_producer(warehouse: Path) -> list[tuple]:
    """(producer, month, rows) of fact_funding_event, through each row's file."""
    return query(warehouse, "SELECT coalesce(s.producer, ''), strftime(f.event_date, '%Y-%m'), count(*) "
                 "FROM fact_funding_event f JOIN source_file s USING (file_id) GROUP BY ALL ORDER BY ALL")


def deliver(tmp_path: Path, settings, how: str, producer: str, text: str, run: int, **kw):
    """One producer's file, named by a folder under the directory given, or by --producteur."""
    if how == "folder":
        path = write_csv(tmp_path / f"run{run}" / producer / "funding_events_2024-12.csv", text)
        return load([tmp_path / f"run{run}"], settings, **kw)
    path = write_csv(tmp_path / f"run{run}" / "funding_events_2024-12.csv", text)
    return load([path], settings, producer=producer, **kw)


HOW = ["folder", "flag"]


@pytest.mark.parametrize("how", HOW)
def test_two_producers_same_month_in_separate_runs_both_stay(settings, tmp_path, how):
    first = deliver(tmp_path, settings, how, "asp", events("ASP", range(10)), 1)
    assert first.status == "published", first.to_text()
    second = deliver(tmp_path, settings, how, "ars-idf", events("ARS", range(2)), 2)
    assert second.status == "published", second.to_text()  # no shrink: the ASP's slice is not touched
    assert [f.producer for f in second.files] == ["ars-idf"]
    assert by_producer(settings.warehouse) == [("ars-idf", "2024-12", 2), ("asp", "2024-12", 10)]


@pytest.mark.parametrize("how", HOW)
def test_a_producers_correction_removes_only_its_own_missing_rows(settings, tmp_path, how):
    assert deliver(tmp_path, settings, how, "asp", events("ASP", range(10)), 1).status == "published"
    assert deliver(tmp_path, settings, how, "ars-idf", events("ARS", range(10)), 2).status == "published"
    # the ARS corrects December: two events withdrawn (−20 %, within tolerance), one amount changed
    fixed = events("ARS", range(8)).replace("ARS-0;SUNES-V1;hopital;11;750712184;finess;commitment;01/12/2024;100",
                                            "ARS-0;SUNES-V1;hopital;11;750712184;finess;commitment;01/12/2024;150")
    report = deliver(tmp_path, settings, how, "ars-idf", fixed, 3)
    assert report.status == "published", report.to_text()
    assert by_producer(settings.warehouse) == [("ars-idf", "2024-12", 8), ("asp", "2024-12", 10)]
    assert query(settings.warehouse, "SELECT event_id, amount_eur::INTEGER FROM fact_funding_event WHERE event_id "
                 "LIKE 'ARS-%' ORDER BY event_id") == [(f"ARS-{i}", 150 if i == 0 else 100) for i in range(8)]
    assert query(settings.warehouse, "SELECT count(*) FROM fact_funding_event WHERE event_id LIKE 'ASP-%'") == [(10,)]


def test_a_producers_shrink_is_measured_on_its_own_slice(settings, tmp_path):
    """90 ASP rows would hide a 10 → 2 fall of the ARS's rows in a per-month comparison: refused per producer."""
    assert deliver(tmp_path, settings, "flag", "asp", events("ASP", range(90)), 1).status == "published"
    assert deliver(tmp_path, settings, "flag", "ars-idf", events("ARS", range(10)), 2).status == "published"
    before = sha256_file(settings.warehouse)
    report = deliver(tmp_path, settings, "flag", "ars-idf", events("ARS", range(2)), 3)
    assert report.status == "failed"
    assert "2024-12 (ars-idf) : 10 → 2 lignes (-80\u00a0%)" in report.message
    assert "--producteur" in report.message  # a source several producers deliver: the hint says how to name one
    assert sha256_file(settings.warehouse) == before


def test_a_source_with_one_producer_ignores_a_folder(settings, tmp_path):
    """mes_documents comes from the Cnam alone: a folder is not a producer, November still replaces November."""
    head = "month;departement_code;couloir_code;document_type;documents_count\n"
    write_csv(tmp_path / "a" / "cnam" / "mes_documents.csv", head + "2024-11;75;biologie;11502-2;5\n")
    assert load([tmp_path / "a"], settings).status == "published"
    write_csv(tmp_path / "b" / "autre" / "mes_documents.csv", head + "2024-11;75;biologie;11502-2;6\n")
    report = load([tmp_path / "b"], settings)
    assert report.status == "published" and report.files[0].producer == ""
    assert query(settings.warehouse, "SELECT documents_count FROM fact_documents") == [(6,)]


def test_status_and_its_period_listing_name_each_producer(settings, tmp_path):
    deliver(tmp_path, settings, "folder", "asp", events("ASP", range(3)), 1)
    deliver(tmp_path, settings, "folder", "ars-idf", events("ARS", range(2)), 2)
    s = status(settings, __import__("datetime").date(2026, 11, 28))
    runs = next(src["periods"] for src in s["sources"] if src["source"] == "funding_events")
    assert runs == [{"from": "2024-12", "to": "2024-12", "count": 1, "rows": 5,
                     "files": ["ars-idf : ars-idf/funding_events_2024-12.csv", "asp : asp/funding_events_2024-12.csv"]}]
    assert ("2024-12 (1 période(s), 5 lignes) : ars-idf : ars-idf/funding_events_2024-12.csv, "
            "asp : asp/funding_events_2024-12.csv") in status_text(s)


@pytest.mark.parametrize("bad", ["a/b", "x" * 65, "tab\there"])
def test_a_producer_that_could_not_name_a_folder_is_refused(settings, tmp_path, bad):
    path = write_csv(tmp_path / "funding_events_2024-12.csv", events("ASP", range(2)))
    report = load([path], settings, producer=bad)
    assert report.status == "failed" and "producteur" in report.message
    assert not settings.warehouse.exists()


# --- etl check and the volume guard ------------------------------------------------------------------------

DOCS = "month;departement_code;couloir_code;document_type;documents_count\n"
DEPS = ("75", "13", "59", "69", "33", "31", "44", "67", "06", "35")


def docs(path: Path, n: int) -> Path:
    return write_csv(path, DOCS + "".join(f"2025-10;{d};biologie;11502-2;10\n" for d in DEPS[:n]))


CHECK_CASES = {
    # name: (rows resent, expected status, expected message part)
    "truncated resend": (4, "problems", "2025-10 : 10 → 4 lignes (-60\u00a0%), total documents_count 100 → 40"),
    "within tolerance": (8, "ok", None),
    "growth": (10, "ok", None),
}


@pytest.mark.parametrize("case", sorted(CHECK_CASES))
def test_check_reports_the_shrink_a_load_would_refuse_and_publishes_nothing(settings, tmp_path, case):
    n, expected, part = CHECK_CASES[case]
    assert load([docs(tmp_path / "mes_documents_2025-10.csv", 10)], settings).status == "published"
    before = sha256_file(settings.warehouse)
    resend = docs(tmp_path / "resend" / "mes_documents_2025-10.csv", n)
    checked = check([resend], settings)
    assert checked.status == expected, checked.to_text()
    assert sha256_file(settings.warehouse) == before
    loaded = load([resend], settings)
    assert (loaded.status == "failed") == (expected == "problems")  # check says what load does
    if part:
        assert part in checked.message and part in loaded.message
        assert "Un chargement de ces fichiers serait refusé" in checked.message
        assert checked.shrinks == [{**s} for s in loaded.shrinks]
        assert checked.shrinks[0]["rows_before"] == 10 and checked.shrinks[0]["rows_after"] == n


def test_check_of_producers_compares_each_producers_slice(settings, tmp_path):
    assert deliver(tmp_path, settings, "flag", "asp", events("ASP", range(10)), 1).status == "published"
    assert deliver(tmp_path, settings, "flag", "ars-idf", events("ARS", range(10)), 2).status == "published"
    ars = write_csv(tmp_path / "c" / "funding_events_2024-12.csv", events("ARS", range(3)))
    assert "2024-12 (ars-idf) : 10 → 3 lignes" in check([ars], settings, producer="ars-idf").message
    other = write_csv(tmp_path / "d" / "funding_events_2024-12.csv", events("CNSA", range(3)))
    assert check([other], settings, producer="cnsa").status == "ok"  # a new producer's slice: nothing falls


def test_check_cli_exits_1_with_the_shrink_in_json(data_dir, settings, tmp_path):
    assert load([docs(tmp_path / "mes_documents_2025-10.csv", 10)], settings).status == "published"
    result = run_cli(data_dir, "check", docs(tmp_path / "r" / "mes_documents_2025-10.csv", 3), "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    out = json.loads(result.stdout)
    assert out["status"] == "problems"
    assert [(s["period"], s["rows_before"], s["rows_after"]) for s in out["shrinks"]] == [("2025-10", 10, 3)]


def test_the_cli_names_the_producer_of_a_load_and_status_shows_it(data_dir, tmp_path):
    path = write_csv(tmp_path / "funding_events_2024-12.csv", events("ARS", range(2)))
    result = run_cli(data_dir, "load", "--producteur", "ars-idf", path, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [f["producer"] for f in json.loads(result.stdout)["files"]] == ["ars-idf"]
    shown = run_cli(data_dir, "status")
    assert "2024-12 (1 période(s), 2 lignes) : ars-idf : funding_events_2024-12.csv" in shown.stdout
    checked = run_cli(data_dir, "check", "--producteur", "ars-idf", path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "funding_events_2024-12.csv → funding_events, producteur ars-idf (CSV;" in checked.stdout
