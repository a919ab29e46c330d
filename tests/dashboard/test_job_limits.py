"""Heavy work is bounded: per signed-in person, for everybody, by disk; the queue survives a lost process."""

from __future__ import annotations

import dataclasses
import json
import os
import threading
import time

import pytest

from dashboard.job_limits import JobRefused, Limits, refusal
from dashboard.jobs import STALE_S, Job, JobRegistry, registry, start_for_view
from indicators.scope import LECTEUR, Scope
from tests.access import as_person
from tests.signin import client_as


def _until(condition, timeout: float = 30.0, step: float = 0.05):
    """Wait for `condition()` to be true (bounded); returns its last value."""
    deadline = time.monotonic() + timeout
    event = threading.Event()
    while not (value := condition()) and time.monotonic() < deadline:
        event.wait(step)
    return value


@pytest.fixture()
def limited_app(loaded_settings, tmp_path, own_app_factory):
    """An app with small limits and its own job directory."""
    settings = dataclasses.replace(loaded_settings, jobs_dir=tmp_path / "jobs", jobs_workers=1, jobs_per_person=2,
                                   jobs_global=3)
    app = own_app_factory(settings)
    yield app
    reg = app.server.extensions.get("segur-jobs")
    if reg is not None:
        reg.close()


def _start_as(app, login: str, table: str = "fact_documents"):
    """Start an extract in a request of `login` (a national reader), as the sign-in gate would resolve it."""
    with as_person(app.server, Scope.of(hash(login) % 1000, login, login, [LECTEUR], None)):
        return start_for_view("?as_of=2025-10", table, "csv")


def _hold_pool(reg: JobRegistry) -> threading.Event:
    """Keep the registry's only runner busy, so the jobs started now stay queued (active)."""
    release = threading.Event()
    reg._pool.submit(release.wait, 60)
    return release


def test_the_third_concurrent_extract_of_a_person_gets_the_french_message(limited_app):
    with limited_app.server.app_context():
        reg = registry(limited_app.server)
    release = _hold_pool(reg)
    try:
        first, second = _start_as(limited_app, "alice"), _start_as(limited_app, "alice")
        assert {first.owner, second.owner} == {"alice"}
        with pytest.raises(JobRefused) as refused:
            _start_as(limited_app, "alice")
        assert str(refused.value).startswith("2 extractions déjà en cours ; réessayez dans quelques minutes")
        bob = _start_as(limited_app, "bob")  # another person still may
        with pytest.raises(JobRefused, match="La file des travaux est pleine .3 travaux en cours"):
            _start_as(limited_app, "carole")  # the global limit (3)
    finally:
        release.set()
    for job in (first, second, bob):
        assert _until(lambda j=job: reg.get(j.id).finished)
        assert reg.get(job.id).status == "done"
    assert _start_as(limited_app, "alice").owner == "alice"  # finished jobs no longer count


def test_the_refusal_shows_on_the_donnees_page_through_http(limited_app):
    from dashboard import ids

    with limited_app.server.app_context():
        reg = registry(limited_app.server)
    client = client_as(limited_app, "alice", [LECTEUR])
    client.get("/")
    output = next(k for k in limited_app.callback_map if ids.EXTRACT_PROGRESS in k and ids.EXTRACT_JOB in k)

    def click():
        body = {"output": output,
                "outputs": [{"id": ids.EXTRACT_JOB, "property": "data"}, {"id": ids.EXTRACT_POLL, "property": "disabled"},
                            {"id": ids.EXTRACT_PROGRESS, "property": "children"}],
                "inputs": [{"id": ids.EXTRACT_START, "property": "n_clicks", "value": 1},
                           {"id": ids.EXTRACT_POLL, "property": "n_intervals", "value": None},
                           {"id": ids.EXTRACT_JOB, "property": "modified_timestamp", "value": -1}],
                "state": [{"id": ids.EXTRACT_JOB, "property": "data", "value": None},
                          {"id": ids.EXTRACT_TABLE, "property": "value", "value": "fact_documents"},
                          {"id": ids.EXTRACT_FORMAT, "property": "value", "value": "csv"},
                          {"id": ids.EXTRACT_SEP, "property": "value", "value": ";"},
                          {"id": ids.EXTRACT_DECIMAL, "property": "value", "value": "comma"},
                          {"id": ids.URL, "property": "search", "value": "?as_of=2025-10"}],
                "changedPropIds": [f"{ids.EXTRACT_START}.n_clicks"]}
        resp = client.post("/_dash-update-component", json=body)
        assert resp.status_code == 200, resp.data[:300]
        return resp.get_json()["response"]

    release = _hold_pool(reg)
    try:
        started = [click()[ids.EXTRACT_JOB]["data"] for _ in range(2)]
        third = click()
    finally:
        release.set()
    assert all(isinstance(j, str) and len(j) == 32 for j in started)
    assert {reg.get(j).owner for j in started} == {"alice"}
    assert third[ids.EXTRACT_JOB]["data"] is None
    assert "Extraction impossible : 2 extractions déjà en cours ; réessayez dans quelques minutes" in json.dumps(
        third[ids.EXTRACT_PROGRESS]["children"], ensure_ascii=False)


def test_quota_refuses_a_new_job_and_stops_a_growing_one(loaded_settings, tmp_path):
    reg = JobRegistry(tmp_path, workers=1, limits=Limits(quota_bytes=1000))
    (tmp_path / ("a" * 32 + ".csv")).write_bytes(b"x" * 1500)
    with pytest.raises(JobRefused, match="L'espace des fichiers préparés est plein"):
        reg.start(loaded_settings.warehouse, "fact_documents", "csv")
    (tmp_path / ("a" * 32 + ".csv")).unlink()
    job = reg.start(loaded_settings.warehouse, "fact_documents", "csv")  # ~1,3 kB of CSV: over 1 000 bytes
    job = _until(lambda: reg.get(job.id).finished and reg.get(job.id))
    assert job.status == "failed" and job.error.startswith("Extraction arrêtée : l'espace des fichiers préparés")
    assert not reg.path(job).exists() and not list(tmp_path.glob(".*.partial"))
    reg.close()


def test_a_queued_job_of_a_lost_process_is_taken_over(loaded_settings, tmp_path):
    lost = JobRegistry(tmp_path, workers=1)
    release = _hold_pool(lost)
    job = lost.start(loaded_settings.warehouse, "fact_documents", "csv", owner="alice")
    assert lost.get(job.id).status == "queued"
    survivor = JobRegistry(tmp_path, workers=1)  # the restarted worker, or another instance
    assert survivor.recover() == [job.id]
    done = _until(lambda: survivor.get(job.id).finished and survivor.get(job.id))
    assert done.status == "done" and done.rows_done == 28 and survivor.path(done).is_file()
    release.set()
    lost.close()  # its own copy finds the job claimed and does not write it twice
    assert survivor.get(job.id).status == "done"
    survivor.close()


def test_a_running_job_without_heartbeat_is_taken_over(loaded_settings, tmp_path):
    reg = JobRegistry(tmp_path, workers=1)
    job = Job("c" * 32, "fact_documents", "csv", "x.csv", status="running", owner="bob",
              heartbeat=time.time() - STALE_S - 1,
              params={"warehouse": str(loaded_settings.warehouse), "filters": {}, "as_of": "2025-10",
                      "csv_sep": ";", "decimal_comma": True})
    (tmp_path / f"{job.id}.json").write_text(json.dumps(dataclasses.asdict(job)))
    (tmp_path / f"{job.id}.lock").write_text("dead-host 1\n")
    assert reg.recover() == [job.id]
    done = _until(lambda: reg.get(job.id).finished and reg.get(job.id))
    assert done.status == "done" and done.rows_done == 28
    alive = dataclasses.replace(job, id="d" * 32, heartbeat=time.time())
    (tmp_path / f"{alive.id}.json").write_text(json.dumps(dataclasses.asdict(alive)))
    (tmp_path / f"{alive.id}.lock").write_text("live-host 1\n")
    assert reg.recover() == []  # a live job is left to its process
    reg.close()


def test_files_are_cleaned_up_without_a_new_job(tmp_path):
    old = tmp_path / ("e" * 32 + ".csv")
    old.write_text("x")
    os.utime(old, (time.time() - 100, time.time() - 100))
    reg = JobRegistry(tmp_path, workers=1, max_age_s=10, maintenance_s=0.05)
    assert _until(lambda: not old.exists())
    reg.close()


def test_refusal_rules():
    limits = Limits(per_person=2, global_active=3, quota_bytes=100)
    extract = "extract"
    assert refusal([("a", extract)], "a", limits, 0) is None
    assert refusal([("a", extract)] * 2, "a", limits, 0) == ("2 extractions déjà en cours ; réessayez dans quelques "
                                                              "minutes.")
    assert refusal([("a", "pack")] * 2, "a", limits, 0) is None  # packs have their own allowance per person
    assert refusal([("a", "pack")] * 2, "a", limits, 0, kind="pack").startswith("2 dossiers du comité déjà en "
                                                                                "préparation")
    assert refusal([("a", extract), ("b", extract), ("c", "pack")], "d", limits, 0).startswith(
        "La file des travaux est pleine (3 travaux en cours")
    assert refusal([], "a", limits, 100).startswith("L'espace des fichiers préparés est plein")
    assert refusal([], "a", limits, 100, kind="pack").endswith("réessayez plus tard.")  # packs fill the disk too
    assert refusal([("a", extract)], "a", Limits(per_person=1), 0).startswith("1 extraction déjà en cours")
