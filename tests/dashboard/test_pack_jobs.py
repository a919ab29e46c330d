"""Committee packs in the background queue: a request is a job, its file is its owner's only, the limits are the
extracts', a job left by a stopped process is built by another one, and the pack shows the frozen figures."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
import textwrap
import threading
import time

import openpyxl
import pytest

from dashboard.jobs import Job, JobRegistry, registry
from dashboard.routes_committee import pack_href
from etl.load import load
from indicators.cli_compute import result_dict
from indicators.scope import LECTEUR
from reports.snapshot import create_snapshot
from tests.dashboard.factory import build_warehouse, write_documents
from tests.dashboard.test_job_limits import _hold_pool
from tests.signin import client_as

MONTHS = ("2025-09", "2025-10")


def fetch_pack(client, href: str, first=None, timeout: float = 120.0):
    """GET a pack URL and follow its job (202 + Location) until the file or a failure comes back (bounded)."""
    response = first if first is not None else client.get(href)
    location = response.headers.get("Location")
    deadline, pause = time.monotonic() + timeout, threading.Event()
    while response.status_code == 202 and time.monotonic() < deadline:
        pause.wait(0.1)
        response = client.get(location)
    response.get_data()  # read, then closed: the download slot is given back (dashboard/routes_exports.py)
    response.close()
    return response


def _until(condition, timeout: float = 120.0):
    deadline, pause = time.monotonic() + timeout, threading.Event()
    while not (value := condition()) and time.monotonic() < deadline:
        pause.wait(0.1)
    return value


@pytest.fixture(scope="module")
def frozen(tmp_path_factory):
    """A warehouse frozen as « COSUI n°15 », then the documents corrected (×2) in the live warehouse."""
    data_dir = tmp_path_factory.mktemp("packs")
    settings = build_warehouse(data_dir, MONTHS, with_rejects=False)
    meta = create_snapshot(settings, "COSUI n°15", "2025-10", author="c.martin")
    corrected = write_documents(data_dir / "inbox" / "mes_documents_2025_corrige.csv", MONTHS, factor=2)
    assert load([corrected], settings, lenient=True).status.startswith("published")
    return dataclasses.replace(settings, jobs_dir=data_dir / "jobs", jobs_workers=1, jobs_per_person=1), meta


@pytest.fixture()
def app(frozen, own_app_factory):
    app = own_app_factory(frozen[0])
    yield app
    reg = app.server.extensions.get("segur-jobs")
    if reg is not None:
        reg.close()


def _summary_value(data: bytes, indicator: str) -> float:
    ws = openpyxl.load_workbook(io.BytesIO(data))["Synthèse"]
    cells = ws[ws.tables["Synthese"].ref]
    header = [c.value for c in cells[0]]
    row = next(r for r in cells[1:] if r[header.index("Identifiant")].value == indicator)
    return row[header.index("Valeur")].value


def test_a_pack_request_is_a_job_whose_file_only_its_owner_gets_with_the_frozen_figures(app, frozen):
    settings, meta = frozen
    alice, bob = client_as(app, "alice", [LECTEUR]), client_as(app, "bob", [LECTEUR])
    queued = alice.get(pack_href(meta.id, "xlsx"))
    assert queued.status_code == 202 and queued.headers["Retry-After"] == "5"
    job_url = queued.headers["Location"]
    assert job_url.startswith("/exports/jobs/") and job_url in queued.get_data(as_text=True)
    assert bob.get(job_url).status_code == 404  # somebody else's job id is no key to the file
    done = fetch_pack(alice, "", queued)
    assert done.status_code == 200, done.get_data(as_text=True)[:300]
    assert done.headers["Content-Disposition"].startswith("attachment") and ".xlsx" in done.headers["Content-Disposition"]
    assert bob.get(job_url).status_code == 404
    assert (settings.job_dir / f"{job_url.rsplit('/', 1)[1]}.xlsx").is_file()  # served from the job directory
    # the snapshot's figures, not the live (corrected ×2) ones
    snapshot_engine = app.server.extensions["segur"].snapshot(meta.id).engine
    live_engine = app.server.extensions["segur"].engine()
    frozen_value = result_dict(snapshot_engine.compute("USE-01", "2025-10"))["value"]
    assert frozen_value and _summary_value(done.data, "USE-01") == pytest.approx(frozen_value)
    assert result_dict(live_engine.compute("USE-01", "2025-10"))["value"] == pytest.approx(2 * frozen_value, rel=0.01)
    again = bob.get(pack_href(meta.id, "xlsx"))  # built once: anyone allowed gets it at once, as their own job
    assert again.status_code == 200 and again.data == done.data
    again.close()


def test_the_second_concurrent_pack_of_a_person_gets_the_french_message(app, frozen):
    from dashboard import ids

    _, meta = frozen
    with app.server.app_context():
        reg = registry(app.server)
    alice = client_as(app, "alice", [LECTEUR])
    alice.get("/comite")

    def click(name: str) -> dict:
        output = next(k for k in app.callback_map if ids.COMITE_PACK_PROGRESS in k and ids.COMITE_PACK_JOB in k)
        button = {"type": ids.COMITE_PACK_START, "name": name, "region": ""}
        body = {"output": output,
                "outputs": [{"id": ids.COMITE_PACK_JOB, "property": "data"},
                            {"id": ids.COMITE_PACK_POLL, "property": "disabled"},
                            {"id": ids.COMITE_PACK_PROGRESS, "property": "children"}],
                "inputs": [[{"id": button, "property": "n_clicks", "value": 1}],
                           {"id": ids.COMITE_PACK_POLL, "property": "n_intervals", "value": None},
                           {"id": ids.COMITE_PACK_JOB, "property": "modified_timestamp", "value": -1}],
                "state": [{"id": ids.COMITE_PACK_JOB, "property": "data", "value": None},
                          {"id": ids.URL, "property": "search", "value": ""}],
                "changedPropIds": [json.dumps(button, sort_keys=True, separators=(",", ":")) + ".n_clicks"]}
        resp = alice.post("/_dash-update-component", json=body)
        assert resp.status_code == 200, resp.data[:300]
        return resp.get_json()["response"]

    release = _hold_pool(reg)  # the only runner is busy: the first pack stays queued
    try:
        first = click(f"{meta.id}.pptx")
        again = click(f"{meta.id}.pptx")  # the same pack again: the same job, nothing more queued
        refused = click(f"{meta.id}.pdf")
        over_http = alice.get(pack_href(meta.id, "pdf", "11"))
    finally:
        release.set()
    job_id = first[ids.COMITE_PACK_JOB]["data"]
    assert isinstance(job_id, str) and reg.get(job_id).kind == "pack" and reg.get(job_id).owner == "alice"
    assert "en attente de préparation" in json.dumps(first[ids.COMITE_PACK_PROGRESS], ensure_ascii=False)
    assert again[ids.COMITE_PACK_JOB]["data"] == job_id
    assert refused[ids.COMITE_PACK_JOB]["data"] is None
    assert ("Dossier impossible : 1 dossier du comité déjà en préparation ; réessayez dans quelques minutes"
            in json.dumps(refused[ids.COMITE_PACK_PROGRESS], ensure_ascii=False))
    assert over_http.status_code == 429 and "1 dossier du comité déjà en préparation" in over_http.get_data(
        as_text=True)
    assert _until(lambda: reg.get(job_id).finished)
    progress = json.dumps(click(f"{meta.id}.pptx")[ids.COMITE_PACK_PROGRESS], ensure_ascii=False)
    assert reg.get(job_id).status == "done" and f"/exports/jobs/{job_id}" in progress


# A new process (a restarted worker, another instance) over the same data and job directory.
TAKE_OVER = textwrap.dedent("""
    import json, sys, threading, time
    from dashboard.context import AppContext
    from dashboard.jobs import JobRegistry
    from dashboard.pack_jobs import planner
    from settings import load_settings
    context = AppContext.build(load_settings({"SEGUR_DATA_DIR": sys.argv[1], "SEGUR_TODAY": "2025-12-15"}))
    reg = JobRegistry(sys.argv[2], workers=1, planners={"pack": planner(context)})
    taken = reg.recover()
    deadline = time.monotonic() + 120
    while not all(reg.get(j).finished for j in taken) and time.monotonic() < deadline:
        threading.Event().wait(0.1)
    reg.close()
    print(json.dumps({j: [reg.get(j).status, reg.get(j).error] for j in taken}))
""")


def _pack_job(job_id: str, meta, fmt: str, **kw) -> Job:
    return Job(job_id, "pack", fmt, f"{meta.id}.{fmt}", owner="alice", kind="pack", rows_total=1,
               params={"snapshot_id": meta.id, "fmt": fmt, "region": None, "lang": "fr"}, **kw)


def test_pack_jobs_of_a_stopped_process_are_built_or_reported_by_a_new_process(frozen, tmp_path):
    from dashboard.jobs import STALE_S

    settings, meta = frozen
    jobs_dir = tmp_path / "jobs"
    jobs_dir.mkdir()
    lost = JobRegistry(jobs_dir)
    queued = _pack_job("a" * 32, meta, "xlsx")  # queued, never claimed by the stopped process
    running = _pack_job("b" * 32, meta, "xlsx", status="running", heartbeat=time.time() - STALE_S - 1)
    gone = _pack_job("c" * 32, meta, "xlsx")
    gone.params = {**gone.params, "snapshot_id": "s-20990101-abcdef"}  # deleted meanwhile
    for job in (queued, running, gone):
        lost._save(job)
    (jobs_dir / f"{running.id}.lock").write_text("dead-host 1\n")  # its process died mid-build
    lost.close()
    proc = subprocess.run([sys.executable, "-c", TAKE_OVER, str(settings.data_dir), str(jobs_dir)],
                          cwd=__import__("settings").ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {queued.id: ["done", ""], running.id: ["done", ""]}
    reader = JobRegistry(jobs_dir)
    for job in (queued, running):
        assert reader.path(job).read_bytes()[:4] == b"PK\x03\x04" and reader.get(job.id).file_name.endswith(".xlsx")
    failed = reader.get(gone.id)
    assert failed.status == "failed" and failed.error.startswith("Reprise impossible après l'arrêt d'un serveur : ")
    assert "s-20990101-abcdef" in failed.error
    reader.close()


def test_a_public_reader_starts_no_pack_build(frozen, own_app_factory):
    """Anonymous national reading (SEGUR_PUBLIC_READ) covers pages, not packs: no job is queued for nobody."""
    from settings import AccessSettings
    from tests.signin import anonymous_client

    settings, meta = frozen
    app = own_app_factory(dataclasses.replace(settings, access=AccessSettings(public_read="national")))
    refused = anonymous_client(app).get(pack_href(meta.id, "xlsx", lang="en"))
    assert refused.status_code == 403 and "Dossier du comité indisponible" in refused.get_data(as_text=True)
    with app.server.app_context():
        assert [j for j in registry(app.server).jobs() if j.owner in ("", "public")] == []
        registry(app.server).close()


def test_a_failed_job_says_a_french_sentence_never_code():
    from dashboard.jobs import reason_for
    from reports.pack import PackError

    assert reason_for(PackError("instantané introuvable")) == "instantané introuvable"  # the person's own words
    bug = reason_for(KeyError("region_code"))
    assert "KeyError" not in bug and "region_code" not in bug and "erreur interne" in bug
