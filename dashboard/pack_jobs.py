"""Committee packs built in the background queue (dashboard/jobs.py), like the large extracts.

A pack request (the Comité page's buttons, or `GET /comite/pack/<id>.<fmt>`) is checked (format, snapshot,
région, language, the person's scope) and becomes a job of kind "pack" in the shared job directory, under the
same limits (per person, for everybody, disk quota; French refusals « 1 dossier du comité déjà en
préparation ; réessayez dans quelques minutes »). The job builds the pack from the snapshot's frozen files
into the pack cache (dashboard/routes_committee.py: once per snapshot, format, région and language), then
links the file into the job directory, where /exports/jobs/<id> serves it to its owner only. A pack already
in the cache is a job done at once (no limit, no work); the same request while the person's job is on its
way returns that job. A job left by a stopped process is planned again from its params and built by
another process (the pack cache makes a second build cheap).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from dashboard.jobs import Job, place_file, registry
from dashboard.routes_committee import build_cached, cached_pack, check_pack_scope, check_request

KIND = "pack"


@dataclass
class PackPlan:
    """How to build one pack: what the queue's runner calls (write → bytes; the name is known once built)."""

    context: object
    snapshot_id: str
    fmt: str
    region: str | None
    lang: str
    rows_out: int = 1  # one file: the page shows « en préparation », then the link
    truncated: bool = False
    file_name: str = ""

    def write(self, path: Path, _progress) -> int:
        built = build_cached(self.context, self.snapshot_id, self.fmt, self.region, self.lang)
        self.file_name = built.name
        place_file(built, path)
        return path.stat().st_size


def params_of(snapshot_id: str, fmt: str, region: str | None, lang: str) -> dict:
    return {"snapshot_id": snapshot_id, "fmt": fmt, "region": region, "lang": lang}


def planner(context):
    """The pack planner of a registry: a job's params → its PackPlan (SnapshotError if the snapshot is gone)."""
    def plan(job: Job) -> PackPlan:
        p = job.params
        if not p.get("snapshot_id") or p.get("fmt") not in ("pdf", "pptx", "xlsx"):
            raise ValueError("travail sans instantané ni format (laissé par une version précédente) : redemandez "
                             "le dossier depuis la page Comité")
        context.snapshot(p["snapshot_id"])  # deleted meanwhile: the job fails with the French reason
        return PackPlan(context, p["snapshot_id"], p["fmt"], p.get("region"), p.get("lang") or "fr")

    return plan


def request_pack(context, scope, name: str, region: str | None, lang: str | None, server=None) -> Job:
    """The job of the pack `name` (« s-…-….pdf ») for `scope`: PackRequestError (French, with its HTTP status)
    for bad input or a scope that does not cover it, RateLimited or JobRefused over the limits."""
    from dashboard import rate_limits
    from dashboard.routes_committee import PackRequestError
    from reports.snapshot import SnapshotError

    snapshot_id, fmt, region, lang = check_request(name, region, lang, context.reference)
    check_pack_scope(scope, region)
    try:
        context.snapshot(snapshot_id)
    except SnapshotError as e:
        raise PackRequestError(str(e), 404) from e
    reg = registry(server)
    params = params_of(snapshot_id, fmt, region, lang)
    mine = _same_pack(reg, scope.login, params)
    if mine is not None and mine.status == "done" and reg.path(mine).is_file():
        return mine
    job = Job(uuid.uuid4().hex, KIND, fmt, f"{snapshot_id}.{fmt}", rows_total=1, owner=scope.login, kind=KIND,
              params=params)
    cached = cached_pack(context, snapshot_id, fmt, region, lang)
    if cached is not None:
        job.file_name = cached.name
        return reg.finished_now(job, cached)
    if not scope.signed_in:  # a build is heavy work: it needs somebody it counts against (and who alone gets it)
        raise PackRequestError("la préparation d'un dossier demande une connexion (un dossier déjà préparé reste "
                               "téléchargeable sans connexion)", 403)
    rate_limits.check("export")
    return reg.enqueue(job, PackPlan(context, snapshot_id, fmt, region, lang),
                       admitted=lambda: _same_pack(reg, scope.login, params, active_only=True))


def _same_pack(reg, owner: str, params: dict, active_only: bool = False) -> Job | None:
    """The person's job for the same pack: on its way (queued, running), or done with its file still there."""
    import time

    now = time.time()
    for job in reg.jobs():
        if job.kind == KIND and job.owner == owner and job.params == params and (
                job.active(now) or (not active_only and job.status == "done")):
            return job
    return None
