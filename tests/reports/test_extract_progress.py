"""Exact progress of extracts: rows written against the COUNT of the same filtered query, batch by batch, for
XLSX, CSV and Parquet; the background jobs and the command line report it."""

from __future__ import annotations

import io
import json

import openpyxl
import pyarrow.parquet as pq
import pytest

from dashboard.jobs import JobRegistry
from indicators.query import ViewFilters
from reports import extracts
from reports.cli_exports import progress_line
from reports.extracts import write_extract
from tests.reports.helpers import count_rows

FORMATS = ("csv", "xlsx", "parquet")


@pytest.fixture()
def small_batches(monkeypatch):
    """Batches of two rows: the tiny warehouse's seven events then take four batches."""
    monkeypatch.setattr(extracts, "BATCH_ROWS", 2)
    monkeypatch.setattr(extracts, "PARQUET_BATCH_ROWS", 2)


def _rows_in(path, fmt: str) -> int:
    if fmt == "csv":
        return len(path.read_bytes().decode("utf-8-sig").strip().split("\r\n")) - 1
    if fmt == "xlsx":
        return sum(1 for _ in openpyxl.load_workbook(path, read_only=True).active.iter_rows()) - 1
    return pq.read_table(path).num_rows


def _recorder(out):
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        assert not out.exists(), "the file takes its name only once complete"
        calls.append((done, total))
    return calls, progress


@pytest.mark.parametrize("fmt", FORMATS)
def test_progress_counts_rows_up_to_the_exact_total(tiny_settings, tmp_path, small_batches, fmt):
    out = tmp_path / f"events.{fmt}"
    calls, progress = _recorder(out)
    info = write_extract(tiny_settings.warehouse, "fact_funding_event", fmt, out, progress=progress)
    total = count_rows(tiny_settings.warehouse, "SELECT count(*) FROM fact_funding_event", [])
    done = [d for d, _ in calls if d]
    assert done == [2, 4, 6, 7]  # after each batch, strictly increasing, ending at the total
    assert {t for _, t in calls} == {total} and info.rows == total == _rows_in(out, fmt) == 7


@pytest.mark.parametrize("fmt", FORMATS)
def test_progress_total_is_the_count_of_the_filtered_query(tiny_settings, tmp_path, small_batches, fmt):
    out = tmp_path / f"events.{fmt}"
    calls, progress = _recorder(out)
    write_extract(tiny_settings.warehouse, "fact_funding_event", fmt, out, ViewFilters(region="84"), "2024-06",
                  progress=progress)
    expected = count_rows(tiny_settings.warehouse, "SELECT count(*) FROM fact_funding_event WHERE region_code = ? "
                                                   "AND event_date <= DATE '2024-06-30'", ["84"])
    assert expected == 4 and calls[-1] == (expected, expected) == (_rows_in(out, fmt), expected)
    assert all(a[0] < b[0] for a, b in zip(calls, calls[1:], strict=False))


def test_empty_and_truncated_extracts(tiny_settings, tmp_path, small_batches):
    out = tmp_path / "none.csv"
    calls, progress = _recorder(out)
    write_extract(tiny_settings.warehouse, "fact_funding_event", "csv", out, ViewFilters(region="93"),
                  progress=progress)
    assert calls == [(0, 0)]
    out = tmp_path / "cut.xlsx"
    calls, progress = _recorder(out)
    info = write_extract(tiny_settings.warehouse, "fact_funding_event", "xlsx", out, max_rows=5, truncate=True,
                         progress=progress)
    assert info.truncated and calls == [(2, 4), (4, 4)]  # the sheet's limit, not the query's 7 rows


def test_background_job_records_each_step(tiny_settings, tmp_path, small_batches, monkeypatch):
    reg = JobRegistry(tmp_path / "exports", workers=1)
    states: list[tuple[str, int, int]] = []
    save = reg._save

    def recording(job):
        save(job)
        state = json.loads((reg.out_dir / f"{job.id}.json").read_text())  # what other processes poll
        states.append((state["status"], state["rows_done"], state["rows_total"]))
    monkeypatch.setattr(reg, "_save", recording)
    job = reg.start(tiny_settings.warehouse, "fact_funding_event", "parquet")
    reg._pool.shutdown(wait=True)
    assert job.status == "done", job.error
    running = [(d, t) for s, d, t in states if s == "running" and d]
    assert running == [(2, 7), (4, 7), (6, 7), (7, 7)]
    assert states[-1] == ("done", 7, 7) and pq.read_table(reg.path(job)).num_rows == 7


def test_command_line_progress_line():
    out = io.StringIO()
    show = progress_line(out)
    show(123_456, 1_029_578)
    show(1_029_578, 1_029_578)
    assert out.getvalue() == ("\r123\u202f456 / 1\u202f029\u202f578 lignes (11 %)"
                              "\r1\u202f029\u202f578 / 1\u202f029\u202f578 lignes (100 %)\n")
    empty = io.StringIO()
    progress_line(empty)(0, 0)
    assert empty.getvalue() == "\r0 / 0 lignes (100 %)\n"
