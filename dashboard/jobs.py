"""Heavy work prepared in the background (large extracts, committee packs: dashboard/pack_jobs.py): a bounded
queue kept as files in one job directory.

A job is planned first (`plan_extract`: bad input fails at once, with the French message), passes the limits
(dashboard/job_limits.py: per person, global, disk quota), then is saved as `<job>.json` ("queued", with what to
re-plan it from) and claimed by one process (`<job>.lock`, created exclusively) that writes `<job>.<ext>` batch
by batch, recording rows written against the COUNT and a heartbeat. Any process sharing the directory (another
worker, another app instance: SEGUR_JOBS_DIR) reports progress and serves the file; a job whose process died (no
heartbeat for STALE_S) or that was never claimed is taken over by the next process's maintenance pass (planned
again from its params by the planner of its kind; one that can no longer be planned is marked failed with the
reason), so the queue survives a worker restart. The same pass removes files older than the retention (not only
when a job starts).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import flask

from dashboard import job_limits
from dashboard.job_limits import JobRefused, Limits, owner_key
from reports.extracts import plan_extract
from reports.xlsx import export_filename

log = logging.getLogger(__name__)


def reason_for(e: Exception) -> str:
    """What the person reads when heavy work fails: ExtractError, PackError, SnapshotError (ValueErrors) are French
    sentences for them; anything else is a bug, logged with its trace by the caller, never shown as code."""
    if isinstance(e, ValueError):
        return str(e)
    return "erreur interne du serveur (consignée dans son journal) ; réessayez, puis signalez-la si elle persiste"

JOB_ID_RE = re.compile(r"^[0-9a-f]{32}$")
MAX_AGE_S = 24 * 3600
STALE_S = 90  # a running job without a heartbeat for this long has lost its process
MAINTENANCE_S = 30
EXTENSION = "segur-jobs"


@dataclass
class Job:
    id: str
    table: str
    fmt: str
    file_name: str  # the name the browser saves
    status: str = "queued"  # queued → running → done | failed
    rows_total: int = 0
    rows_done: int = 0
    bytes: int = 0
    error: str = ""
    truncated: bool = False
    created: float = field(default_factory=time.time)
    owner: str = ""  # the login of who started it ("" for nobody): only they fetch the file; limits key on it
    params: dict = field(default_factory=dict)  # warehouse, filters, as_of, csv_sep, decimal_comma: to re-plan
    heartbeat: float = field(default_factory=time.time)
    kind: str = "extract"  # or "pack": a committee pack (params: snapshot_id, fmt, region, lang)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def active(self, now: float) -> bool:
        """Queued, or running with a live process (a dead one's job counts again once taken over)."""
        return not self.finished and (self.status == "queued" or now - self.heartbeat < STALE_S)

    @classmethod
    def from_json(cls, text: str) -> Job:
        data = json.loads(text)
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class JobRegistry:
    """Jobs of a job directory: admit, queue, claim and run, look up, serve, clean up."""

    def __init__(self, out_dir: Path, workers: int = 2, max_age_s: float = MAX_AGE_S,
                 limits: Limits | None = None, maintenance_s: float | None = None,
                 planners: dict[str, Callable[[Job], object]] | None = None) -> None:
        self.out_dir = Path(out_dir)
        # kind → how to plan a job again from its params (a take-over); a plan has write(path, progress) → bytes
        self.planners: dict[str, Callable[[Job], object]] = {"extract": self._replan, **(planners or {})}
        self.max_age_s = max_age_s
        self.limits = limits or Limits()
        self._jobs: dict[str, Job] = {}  # the jobs this process runs
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="segur-extract")
        self._stop = threading.Event()
        self.maintenance_s = maintenance_s
        if maintenance_s:
            threading.Thread(target=self._maintain, name="segur-jobs-maintenance", daemon=True).start()

    def path(self, job: Job) -> Path:
        return self.out_dir / f"{job.id}.{job.fmt}"

    def start(self, warehouse, table: str, fmt: str, filters=None, as_of: str | None = None, csv_sep: str = ";",
              decimal_comma: bool = True, owner: str = "") -> Job:
        """Plan now (ExtractError for bad input or an XLSX too large), admit (JobRefused), queue, run."""
        plan = plan_extract(warehouse, table, fmt, filters, as_of, csv_sep, decimal_comma)
        job = Job(uuid.uuid4().hex, table, fmt,
                  export_filename(table, as_of, (filters.items() if filters else []), fmt), rows_total=plan.rows_out,
                  owner=owner, params={"warehouse": str(warehouse), "filters": dict(filters.items()) if filters else {},
                                       "as_of": as_of, "csv_sep": csv_sep, "decimal_comma": decimal_comma})
        return self.enqueue(job, plan)

    def enqueue(self, job: Job, plan, admitted: Callable[[], Job | None] | None = None) -> Job:
        """Admit `job` (JobRefused with the French reason when a limit of its kind is reached), save it as
        queued, and run it here. `admitted`, called under the admission lock, may return a job to use instead
        (the same pack already on its way): nothing new is queued then."""
        self.cleanup()
        with job_limits.admission(self.out_dir):
            existing = admitted() if admitted else None
            if existing is not None:
                return existing
            why = job_limits.refusal(self._active(time.time()), owner_key(job.owner), self.limits,
                                     job_limits.used_bytes(self.out_dir), kind=job.kind)
            if why:
                raise JobRefused(why)
            self._save(job)
        self._submit(job, plan)
        return job

    def finished_now(self, job: Job, source: Path) -> Job:
        """Record `job` as done at once with a file already built (a cached pack): linked (or copied) into the
        job directory, so it is served like any job file; no limit applies, no work is done."""
        target = self.path(job)
        place_file(source, target)
        job.status, job.bytes, job.rows_total, job.rows_done = "done", target.stat().st_size, 1, 1
        self._save(job)
        return job

    def _active(self, now: float) -> list[tuple[str, str]]:
        return [(owner_key(j.owner), j.kind) for j in self.jobs() if j.active(now)]

    def get(self, job_id: str | None) -> Job | None:
        if not job_id or not JOB_ID_RE.match(job_id):
            return None
        try:  # the state file is the truth: the job may run in another process
            return Job.from_json((self.out_dir / f"{job_id}.json").read_text())
        except (OSError, ValueError, TypeError):
            with self._lock:
                return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """Every job of the directory (this process's and the others')."""
        out = []
        for state in self.out_dir.glob("*.json"):
            job = self.get(state.stem)
            if job is not None:
                out.append(job)
        return out

    def cleanup(self, now: float | None = None) -> int:
        """Delete files (extracts, states, partial files, locks) older than max_age_s; returns how many."""
        now = now or time.time()
        removed = 0
        for p in self.out_dir.glob("*"):
            try:
                if p.is_file() and p.name != ".admission.lock" and now - p.stat().st_mtime > self.max_age_s:
                    p.unlink()
                    removed += 1
            except OSError:
                continue
        with self._lock:
            for job_id in [j for j, job in self._jobs.items() if now - job.created > self.max_age_s]:
                del self._jobs[job_id]
        return removed

    def recover(self, now: float | None = None) -> list[str]:
        """Claim and run the jobs no live process holds: never claimed, or whose process stopped beating."""
        now = now or time.time()
        taken = []
        for job in self.jobs():
            planner = self.planners.get(job.kind)
            if job.finished or job.id in self._jobs or planner is None:
                continue
            lock = self.out_dir / f"{job.id}.lock"
            if lock.exists() and now - job.heartbeat < STALE_S:
                continue
            if lock.exists():  # its process died: one taker only (the rename succeeds once)
                try:
                    os.replace(lock, lock.with_name(f".{job.id}.{uuid.uuid4().hex}.stale"))
                except OSError:
                    continue
            try:
                plan = planner(job)
            except Exception as e:  # noqa: BLE001 - one bad job never blocks the others' take-over
                if not isinstance(e, ValueError):  # ExtractError, PackError, SnapshotError: French sentences
                    log.exception("job %s cannot be planned again", job.id)
                job.status, job.error = "failed", f"Reprise impossible après l'arrêt d'un serveur : {reason_for(e)}"
                self._save(job)
                continue
            log.info("job %s taken over (was %s)", job.id, job.status)
            job.status = "queued"
            self._submit(job, plan)
            taken.append(job.id)
        for stale in self.out_dir.glob(".*.stale"):
            stale.unlink(missing_ok=True)
        return taken

    def close(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=True)

    # -- running -------------------------------------------------------------------------------------------

    @staticmethod
    def _replan(job: Job):
        from indicators.query import ViewFilters

        p = job.params
        return plan_extract(Path(p["warehouse"]), job.table, job.fmt, ViewFilters(**(p.get("filters") or {})),
                            p.get("as_of"), p.get("csv_sep", ";"), p.get("decimal_comma", True))

    def _submit(self, job: Job, plan) -> None:
        with self._lock:
            self._jobs[job.id] = job
        self._pool.submit(self._claim_and_run, job, plan)

    def _claim_and_run(self, job: Job, plan) -> None:
        try:
            fd = os.open(self.out_dir / f"{job.id}.lock", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:  # another process runs it
            with self._lock:
                self._jobs.pop(job.id, None)
            return
        os.write(fd, f"{os.uname().nodename} {os.getpid()}\n".encode())
        os.close(fd)
        self._run(job, plan)

    def _save(self, job: Job) -> None:
        state = self.out_dir / f"{job.id}.json"
        tmp = state.with_name(f".{job.id}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(asdict(job)))
        os.replace(tmp, state)

    def _run(self, job: Job, plan) -> None:
        job.status, job.heartbeat = "running", time.time()
        self._save(job)
        try:
            job.bytes = plan.write(self.path(job), lambda done, total: self._progress(job, done, total))
            job.rows_done, job.truncated, job.status = plan.rows_out, plan.truncated, "done"
            job.file_name = getattr(plan, "file_name", None) or job.file_name  # a pack knows its name once built
        except Exception as e:  # noqa: BLE001 - reported to the user, logged with its trace
            if not isinstance(e, JobRefused):
                log.exception("%s job %s (%s.%s)", job.kind, job.id, job.table, job.fmt)
            job.status, job.error = "failed", reason_for(e)
        finally:
            job.heartbeat = time.time()
            self._save(job)

    def _progress(self, job: Job, done: int, total: int) -> None:
        """Rows written so far, of the total the COUNT found (saved: other processes poll the file); the file
        stops when the directory goes over its quota (JobRefused: a French message on the job)."""
        job.rows_done, job.rows_total, job.heartbeat = done, total, time.time()
        self._save(job)
        used = job_limits.used_bytes(self.out_dir)
        if used > self.limits.quota_bytes:
            raise JobRefused(job_limits.over_quota(used, self.limits))

    def _maintain(self) -> None:
        """Every maintenance_s: heartbeats of this process's running jobs, take-overs, clean-up."""
        while not self._stop.wait(self.maintenance_s):
            try:
                with self._lock:
                    running = [j for j in self._jobs.values() if j.status == "running"]
                for job in running:
                    job.heartbeat = time.time()
                    self._save(job)
                self.recover()
                self.cleanup()
            except Exception:  # noqa: BLE001 - the next pass tries again
                log.exception("job maintenance")


def place_file(source: Path, target: Path) -> None:
    """Put a built file at `target` in the job directory: a hard link (no copy, no extra disk), or a copy when
    the two are on different file systems; atomic (a reader never sees half a file)."""
    tmp = target.with_name(f".{target.stem}.{uuid.uuid4().hex[:8]}.partial")
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def registry(server: flask.Flask | None = None) -> JobRegistry:
    """The registry of the app serving the request (created on first use, over settings.job_dir)."""
    from dashboard.context import EXTENSION as CONTEXT

    server = server or flask.current_app
    with _registry_lock:
        reg = server.extensions.get(EXTENSION)
        if reg is None:
            s = server.extensions[CONTEXT].settings
            from dashboard.pack_jobs import planner

            reg = JobRegistry(s.job_dir, workers=s.jobs_workers, max_age_s=s.jobs_max_age_h * 3600,
                              limits=Limits(s.jobs_per_person, s.jobs_global, s.jobs_quota_mb * 1024 * 1024),
                              maintenance_s=MAINTENANCE_S,
                              planners={"pack": planner(server.extensions[CONTEXT])})
            server.extensions[EXTENSION] = reg
        return reg


_registry_lock = threading.Lock()


# The request side (start an extract for a page's view, the owner check), kept importable from here.
from dashboard.job_requests import SEPARATORS, start_for_view, visible_job  # noqa: E402,F401
