"""The Comité page's pack buttons: each asks the background queue for a pack (dashboard/pack_jobs.py), then an
Interval follows the job until its download link shows (the callback is the page's: Dash runs page modules
again for each app, so their callbacks are registered with every app). The job id lives in the browser session, so leaving
the page and coming back resumes the progress; only the person who asked sees the job (visible_job)."""

from __future__ import annotations

import time

from dash import ctx, dcc, html, no_update

from dashboard import ids
from dashboard.access import current_scope
from dashboard.format import fmt_bytes
from dashboard.i18n import t
from dashboard.jobs import Job, registry, visible_job
from dashboard.routes_committee import pack_href
from dashboard.state import parse_search


def pack_button(label: str, snapshot_id: str, fmt: str, region: str | None, class_name: str) -> html.Button:
    return html.Button(label, type="button", n_clicks=0, className=f"pack-link {class_name}",
                       id={"type": ids.COMITE_PACK_START, "name": f"{snapshot_id}.{fmt}", "region": region or ""})


def pack_queue_parts() -> list:
    """Where the progress shows, the job id kept for the session, the poll."""
    return [html.Div(id=ids.COMITE_PACK_PROGRESS, className="pack-progress", role="status",
                     **{"aria-live": "polite"}),
            dcc.Store(id=ids.COMITE_PACK_JOB, storage_type="session"),
            dcc.Interval(id=ids.COMITE_PACK_POLL, interval=1000, disabled=True)]


def pack_progress(job: Job, lang: str) -> list:
    """« en attente » / « en préparation depuis N s » with a busy bar; the download link when done; the reason
    when it failed."""
    if job.status == "failed":
        return [html.P(t("comite.pack_failed", lang, reason=job.error), role="alert", className="pack-error")]
    if job.status == "done":
        p = job.params  # a public reader has no job of their own: the route sends the prepared pack itself
        href = (f"/exports/jobs/{job.id}" if current_scope().signed_in
                else pack_href(p["snapshot_id"], job.fmt, p.get("region"), p.get("lang") or "fr"))
        return [html.P([t("comite.pack_done", lang, size=fmt_bytes(job.bytes, lang)), " ",
                        html.A(t("comite.pack_download", lang, name=job.file_name), href=href,
                               download=job.file_name, className="download-link pack-download")])]
    name = job.params.get("snapshot_id", "") + "." + job.fmt
    text = (t("comite.pack_running", lang, name=name, seconds=max(0, int(time.time() - job.created)))
            if job.status == "running" else t("comite.pack_queued", lang, name=name))
    return [html.Progress(className="pack-bar", **{"aria-label": t("comite.pack_progress_label", lang)}),
            html.P(text, className="pack-count")]


def pack_job_update(job_id: str | None, search: str | None) -> tuple:
    """(job id for the Store, poll disabled, progress) after a pack button click or a poll tick (the page's
    callback, dashboard/pages/comite.py, hands its inputs here)."""
    from dashboard.context import current
    from dashboard.job_limits import JobRefused
    from dashboard.pack_jobs import request_pack
    from dashboard.rate_limits import RateLimited

    lang = "en" if parse_search(search).get("lang") == "en" else "fr"
    clicked = ctx.triggered_id if isinstance(ctx.triggered_id, dict) else None
    if clicked and any(x.get("value") for x in ctx.triggered):  # a button newly drawn (n_clicks 0) is no click
        try:
            job = request_pack(current(), current_scope(), clicked["name"], clicked["region"] or None, lang)
        except (ValueError, JobRefused, RateLimited) as e:  # PackRequestError, refusals: French sentences
            return None, True, [html.P(t("comite.pack_failed", lang, reason=str(e)), role="alert",
                                       className="pack-error")]
        return (job.id if current_scope().signed_in else None), job.finished, pack_progress(job, lang)
    job = visible_job(registry().get(job_id)) if job_id else None
    if job is None:
        return no_update, True, ([html.P(t("comite.pack_unknown_job", lang))] if job_id else [])
    return no_update, job.finished, pack_progress(job, lang)
