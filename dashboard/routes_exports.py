"""Exports on the dashboard's Flask server: the reports' export routes, the prepared-extract downloads, and
the "Exporter la vue (Excel)" link of the shell.

    GET /exports/workbook.xlsx?<view query>          (reports/routes.py, with the dashboard's settings/engine)
    GET /exports/extract/<table>.<fmt>?<view query>  (idem)
    GET /exports/jobs/<job_id>                        a file prepared in the background (dashboard/jobs.py):
                                                      ranges, or nginx's X-Accel-Redirect (SEGUR_ACCEL_REDIRECT)
"""

from __future__ import annotations

from urllib.parse import urlencode

import flask
from dash import html

from dashboard import ids
from dashboard.i18n import t
from dashboard.jobs import JOB_ID_RE, registry, visible_job
from reports.extracts import FORMATS
from reports.routes import init_exports

WORKBOOK_PATH = "/exports/workbook.xlsx"
# The workbook route reads these (reports/routes.py); with `snapshot` it exports the frozen figures.
WORKBOOK_KEYS = ("as_of", "region", "departement", "couloir", "dispositif", "vague", "lang", "snapshot")


def register(server: flask.Flask) -> None:
    """Mount the export routes (they use the dashboard's AppContext: settings, engine) and the job downloads."""
    init_exports(server)

    @server.get("/exports/jobs/<job_id>")
    def download_job(job_id: str):
        job = visible_job(registry(server).get(job_id) if JOB_ID_RE.match(job_id) else None)
        path = registry(server).path(job) if job is not None and job.status == "done" else None
        if path is None or not path.is_file():
            return flask.Response("Extraction introuvable : le lien a expiré (24 h) ou l'identifiant est invalide. "
                                  "Relancez l'extraction depuis la page Données.\n", status=404,
                                  mimetype="text/plain")  # Flask adds the charset
        return job_file_response(path, FORMATS[job.fmt], job.file_name)


def job_file_response(path, mimetype: str, download_name: str) -> flask.Response:
    """A finished job file: sent by the front server when SEGUR_ACCEL_REDIRECT names its internal location
    (nginx X-Accel-Redirect: Python is free at once), else by send_file (sendfile, ETag, Range requests)."""
    from dashboard.context import current

    accel = current().settings.accel_redirect
    if accel:
        resp = flask.Response(status=200, mimetype=mimetype)
        resp.headers["X-Accel-Redirect"] = accel.rstrip("/") + "/" + path.name
        resp.headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
        resp.headers["Cache-Control"] = "no-store"
        return resp
    return flask.send_file(path, mimetype=mimetype, as_attachment=True, download_name=download_name, max_age=0,
                           conditional=True)


def workbook_href(search: str | None, reference, months) -> str:
    """The workbook URL of the view in `search`: only validated values, in the workbook route's names."""
    from dashboard.state import parse_search, parse_view_state

    state, _ = parse_view_state(parse_search(search), reference, months)
    query = {k: v for k, v in state.to_query().items() if k in WORKBOOK_KEYS}
    return WORKBOOK_PATH + ("?" + urlencode(query) if query else "")


def view_export_link() -> html.A:
    """The shell's link (French first; the URL callback sets its href and language)."""
    return html.A([html.Span("⤓ ", **{"aria-hidden": "true"}), t("export.view")], id=ids.EXPORT_VIEW_LINK,
                  href=WORKBOOK_PATH, download="", className="view-export-link", title=t("export.view_label"))


def view_export_link_props(search: str | None, reference, months) -> tuple[str, list, str]:
    """(href, children, title) of the shell's link for a URL."""
    from dashboard.state import parse_search, parse_view_state

    lang = parse_view_state(parse_search(search), reference, months)[0].lang
    return (workbook_href(search, reference, months),
            [html.Span("⤓ ", **{"aria-hidden": "true"}), t("export.view", lang)], t("export.view_label", lang))
