"""The Comité page's pack buttons: each asks the background queue for a pack (dashboard/pack_jobs.py), then an
Interval follows the job until its download link shows. The job id lives in the browser session, so leaving
the page and coming back resumes the progress; only the person who asked sees the job (visible_job)."""

from __future__ import annotations

import time

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.access import current_scope
from dashboard.format import fmt_bytes
from dashboard.i18n import t
from dashboard.jobs import Job, registry, visible_job
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
        return [html.P([t("comite.pack_done", lang, size=fmt_bytes(job.bytes, lang)), " ",
                        html.A(t("comite.pack_download", lang, name=job.file_name), href=f"/exports/jobs/{job.id}",
                               download=job.file_name, className="download-link pack-download")])]
    name = job.params.get("snapshot_id", "") + "." + job.fmt
    text = (t("comite.pack_running", lang, name=name, seconds=max(0, int(time.time() - job.created)))
            if job.status == "running" else t("comite.pack_queued", lang, name=name))
    return [html.Progress(className="pack-bar", **{"aria-label": t("comite.pack_progress_label", lang)}),
            html.P(text, className="pack-count")]


@dash.callback(
    Output(ids.COMITE_PACK_JOB, "data"), Output(ids.COMITE_PACK_POLL, "disabled"),
    Output(ids.COMITE_PACK_PROGRESS, "children"),
    Input({"type": ids.COMITE_PACK_START, "name": ALL, "region": ALL}, "n_clicks"),
    Input(ids.COMITE_PACK_POLL, "n_intervals"), Input(ids.COMITE_PACK_JOB, "modified_timestamp"),
    State(ids.COMITE_PACK_JOB, "data"), State(ids.URL, "search"),
)
def pack_job(_clicks, _ticks, _stamp, job_id, search):
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
        return job.id, job.finished, pack_progress(job, lang)
    job = visible_job(registry().get(job_id)) if job_id else None
    if job is None:
        return no_update, True, ([html.P(t("comite.pack_unknown_job", lang))] if job_id else [])
    return no_update, job.finished, pack_progress(job, lang)
