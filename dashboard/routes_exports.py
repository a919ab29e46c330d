"""Exports on the dashboard's Flask server: the reports' export routes, the prepared-extract downloads, and
the "Exporter la vue (Excel)" link of the shell.

    GET /exports/workbook.xlsx?<view query>          (reports/routes.py, with the dashboard's settings/engine)
    GET /exports/extract/<table>.<fmt>?<view query>  (idem)
    GET /exports/jobs/<job_id>                        a file prepared in the background (dashboard/jobs.py):
                                                      ranges, or nginx's X-Accel-Redirect (SEGUR_ACCEL_REDIRECT)
"""

from __future__ import annotations

import threading
from urllib.parse import urlencode

import flask
from dash import html

from dashboard import ids
from dashboard.i18n import t
from dashboard.jobs import JOB_ID_RE, registry, visible_job
from reports.extracts import FORMATS
from reports.formats import media_types
from reports.routes import init_exports

MEDIA = media_types("pdf", "pptx", "xlsx")  # a committee pack's formats (extracts: reports.extracts.FORMATS)
WORKBOOK_PATH = "/exports/workbook.xlsx"
# The workbook route reads these (reports/routes.py); with `snapshot` it exports the frozen figures.
WORKBOOK_KEYS = ("as_of", "region", "departement", "couloir", "dispositif", "vague", "lang", "snapshot")


def register(server: flask.Flask) -> None:
    """Mount the export routes (they use the dashboard's AppContext: settings, engine) and the job downloads."""
    init_exports(server)

    @server.get("/exports/jobs/<job_id>")
    def download_job(job_id: str):
        """The job's file for its owner (200); 202 while it is prepared; 422 with the reason if it failed;
        404 for an unknown, expired or somebody else's job (an id is no key to another person's file)."""
        job = visible_job(registry(server).get(job_id) if JOB_ID_RE.match(job_id) else None)
        what = "Dossier du comité" if job is not None and job.kind == "pack" else "Extraction"
        if job is not None and not job.finished:
            return flask.Response(f"{what} en préparation ; réessayez dans quelques secondes.\n", status=202,
                                  mimetype="text/plain", headers={"Retry-After": "5"})
        if job is not None and job.status == "failed":
            return flask.Response(f"{what} impossible : {job.error}\n", status=422, mimetype="text/plain")
        path = registry(server).path(job) if job is not None else None
        if path is None or not path.is_file():
            return flask.Response("Extraction introuvable : le lien a expiré (24 h) ou l'identifiant est invalide. "
                                  "Relancez l'extraction depuis la page Données (un dossier du comité : depuis la "
                                  "page Comité).\n", status=404, mimetype="text/plain")  # Flask adds the charset
        return job_file_response(path, MEDIA.get(job.fmt) or FORMATS[job.fmt], job.file_name)


_download_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def _slots(limit: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        return _download_slots.setdefault(limit, threading.BoundedSemaphore(limit))


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
    # Python sends the file: at most SEGUR_DOWNLOADS_PER_PROCESS at once, so slow clients never take every thread
    slots = _slots(current().settings.downloads_per_process)
    if not slots.acquire(blocking=False):
        return flask.Response("Trop de téléchargements en cours sur ce serveur ; réessayez dans une minute.\n",
                              status=503, mimetype="text/plain", headers={"Retry-After": "60"})
    try:
        resp = flask.send_file(path, mimetype=mimetype.split(";")[0],  # Flask adds the one charset of text/*
                               as_attachment=True, download_name=download_name, max_age=0, conditional=True)
    except BaseException:
        slots.release()
        raise
    _release_when_sent(resp, slots.release)
    return resp


class _Releasing:
    """The open file of a response: closing it (the WSGI server does, after the last byte or a cut) frees the
    download slot once. Everything else goes to the file, so gunicorn still uses sendfile() on it."""

    def __init__(self, file, release) -> None:
        self._file, self._release = file, release

    def __getattr__(self, name: str):
        return getattr(self._file, name)

    def close(self) -> None:
        try:
            self._file.close()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()


def _release_when_sent(resp: flask.Response, release) -> None:
    """A send_file body is the server's file wrapper (direct passthrough: Response.close is never called)."""
    wrapper = resp.response
    for attr in ("filelike", "file"):  # gunicorn's FileWrapper, werkzeug's
        if hasattr(wrapper, attr):
            proxy = _Releasing(getattr(wrapper, attr), release)
            setattr(wrapper, attr, proxy)
            if "close" in vars(wrapper):  # gunicorn binds the file's close at construction
                wrapper.close = proxy.close
            return
    if resp.direct_passthrough:  # a body that is not a file (304, 416): nothing is sent
        release()
    else:
        resp.call_on_close(release)


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
