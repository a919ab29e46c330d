"""Large extracts prepared in the background: a small job registry (one per app) over a 2-thread pool.

A job validates and counts first (`plan_extract`: bad input fails at once, with the French message),
then writes `<data_dir>/exports/<job>.<ext>` batch by batch, recording the exact rows written (the
extract's progress callback) against the COUNT of the same query. Its state is also kept as
`<job>.json` next to the file, so any worker process can report progress and serve the file.
Files older than a day are removed when a new job starts.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import flask

from dashboard.access import current_scope
from reports.extracts import ExtractError, plan_extract
from reports.xlsx import export_filename

log = logging.getLogger(__name__)

JOB_ID_RE = re.compile(r"^[0-9a-f]{32}$")
MAX_AGE_S = 24 * 3600
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
    owner: str = ""  # the login of the person who started it: only they may fetch the file

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


class JobRegistry:
    """Jobs of one app: start, look up (memory, else the state file on disk), serve, clean up."""

    def __init__(self, out_dir: Path, workers: int = 2, max_age_s: float = MAX_AGE_S) -> None:
        self.out_dir = Path(out_dir)
        self.max_age_s = max_age_s
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="segur-extract")

    def path(self, job: Job) -> Path:
        return self.out_dir / f"{job.id}.{job.fmt}"

    def start(self, warehouse, table: str, fmt: str, filters=None, as_of: str | None = None, csv_sep: str = ";",
              decimal_comma: bool = True, owner: str = "") -> Job:
        """Plan now (ExtractError for bad input or an XLSX too large), write in the background."""
        plan = plan_extract(warehouse, table, fmt, filters, as_of, csv_sep, decimal_comma)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.cleanup()
        job = Job(uuid.uuid4().hex, table, fmt,
                  export_filename(table, as_of, (filters.items() if filters else []), fmt), rows_total=plan.rows_out,
                  owner=owner)
        with self._lock:
            self._jobs[job.id] = job
        self._save(job)
        self._pool.submit(self._run, job, plan)
        return job

    def get(self, job_id: str | None) -> Job | None:
        if not job_id or not JOB_ID_RE.match(job_id):
            return None
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None:
            return job
        try:  # started by another worker process
            return Job(**json.loads((self.out_dir / f"{job_id}.json").read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def cleanup(self, now: float | None = None) -> int:
        """Delete files (extracts, states, partial files) older than max_age_s; returns how many."""
        now = now or time.time()
        removed = 0
        for p in self.out_dir.glob("*"):
            try:
                if p.is_file() and now - p.stat().st_mtime > self.max_age_s:
                    p.unlink()
                    removed += 1
            except OSError:
                continue
        with self._lock:
            for job_id in [j for j, job in self._jobs.items() if now - job.created > self.max_age_s]:
                del self._jobs[job_id]
        return removed

    def _save(self, job: Job) -> None:
        state = self.out_dir / f"{job.id}.json"
        tmp = state.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(asdict(job)))
        os.replace(tmp, state)

    def _run(self, job: Job, plan) -> None:
        job.status = "running"
        self._save(job)
        try:
            job.bytes = plan.write(self.path(job), lambda done, total: self._progress(job, done, total))
            job.rows_done, job.truncated, job.status = plan.rows_out, plan.truncated, "done"
        except Exception as e:  # noqa: BLE001 - reported to the user, logged with its trace
            log.exception("extract job %s (%s.%s)", job.id, job.table, job.fmt)
            job.status, job.error = "failed", str(e) if isinstance(e, ExtractError) else f"{type(e).__name__}: {e}"
        finally:
            self._save(job)

    def _progress(self, job: Job, done: int, total: int) -> None:
        """Rows written so far, of the total the COUNT found (saved: other worker processes poll the file)."""
        job.rows_done, job.rows_total = done, total
        self._save(job)


def registry(server: flask.Flask | None = None) -> JobRegistry:
    """The registry of the app serving the request (created on first use, under settings.data_dir/exports)."""
    from dashboard.context import EXTENSION as CONTEXT

    server = server or flask.current_app
    with _registry_lock:
        reg = server.extensions.get(EXTENSION)
        if reg is None:
            reg = JobRegistry(server.extensions[CONTEXT].settings.data_dir / "exports")
            server.extensions[EXTENSION] = reg
        return reg


_registry_lock = threading.Lock()


SEPARATORS = {";": ";", ",": ",", "tab": "\t"}


def start_for_view(search: str | None, table: str, fmt: str, sep: str | None = ";",
                   decimal: str | None = "comma") -> Job:
    """Start an extract of `table` for the view of the page URL `search` (filters, as-of: the latest month
    when none is chosen, as the export routes do). ExtractError (French message) for bad input."""
    from dashboard.context import current
    from dashboard.state import parse_search, parse_view_state
    from indicators.query import ViewFilters

    context = current()
    months = context.months()
    state, messages = parse_view_state(parse_search(search), context.reference, months)
    if state.denied:
        raise ExtractError(messages[-1] if messages else "accès non autorisé à cette région")
    if sep not in SEPARATORS:
        raise ExtractError(f"séparateur inconnu « {sep} » (attendu : ; , ou tab)")
    filters = ViewFilters(state.region, state.departement, state.couloir, state.dispositif, state.vague)
    return registry().start(context.settings.warehouse, table, fmt, filters, state.as_of or (months[0] if months else None),
                            SEPARATORS[sep], decimal != "point", owner=current_scope().login)


def visible_job(job: Job | None) -> Job | None:
    """The job if the request's person started it (a job id is no key to somebody else's file)."""
    return job if job is not None and job.owner == current_scope().login and current_scope().signed_in else None
