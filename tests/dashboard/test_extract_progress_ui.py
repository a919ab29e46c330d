"""The Données page's extract progress: exact rows written of the total, and the percentage."""

from __future__ import annotations

from dashboard.jobs import Job
from tests.dashboard.render import as_json


def test_running_job_shows_rows_and_percent(app):
    from dashboard.pages.donnees import extract_progress  # pages register themselves: import after the app

    job = Job("0" * 32, "fact_funding_event", "csv", "x.csv", status="running", rows_total=1_029_578,
              rows_done=123_456)
    bar, text = extract_progress(job, "fr")
    assert (bar.value, bar.max) == ("123456", "1029578")
    assert text.children == "123\u202f456 / 1\u202f029\u202f578 lignes (12\u00a0%)"
    _, english = extract_progress(job, "en")
    assert english.children == "123,456 / 1,029,578 rows (12%)"
    assert "lignes" not in as_json(extract_progress(Job("1" * 32, "t", "csv", "x.csv"), "fr"))  # queued: no count
