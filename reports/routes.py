"""Download routes for exports, streamed by Flask (not base64 inside a Dash callback).

    GET /exports/workbook.xlsx?as_of=2026-10&region=11&lang=en
    GET /exports/extract/fact_funding_event.csv?as_of=2026-10&region=11&sep=;&decimal=comma&lineage=1

The query string uses the dashboard's names (as_of, region, departement, couloir, dispositif, vague, lang).
Every value is checked against the reference data; bad input gets a 400 with a French sentence. Register
with `init_exports(server)` (or `server.register_blueprint(exports_bp)` when the dashboard's app context
is installed: its settings are used).
"""

from __future__ import annotations

import io
import re
import threading
from datetime import date

import flask
from flask import Blueprint, Response, current_app, request, stream_with_context

from indicators.catalog import CatalogueError
from indicators.query import ViewFilters
from reports.extracts import FORMATS, ExtractError, extract_tables, plan_extract
from reports.xlsx import export_filename
from settings import Settings, load_settings

exports_bp = Blueprint("exports", __name__, url_prefix="/exports")
EXTENSION = "segur-exports"
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
SEPARATORS = {";": ";", ",": ",", "tab": "\t"}
_lock = threading.Lock()


class BadRequest(ValueError):
    """A query parameter the export cannot honour; the message is shown to the user."""


class Forbidden(BadRequest):
    """A view outside the person's scope (another région): 403, never the data."""

    @property
    def description(self) -> str:
        return str(self)


def init_exports(server: flask.Flask, engine=None, settings: Settings | None = None) -> None:
    """Mount the export routes; `engine` (indicators.compute.Engine) and `settings` default to the app's."""
    server.extensions[EXTENSION] = {"engine": engine, "settings": settings}
    server.register_blueprint(exports_bp)


def _settings() -> Settings:
    own = current_app.extensions.get(EXTENSION, {}).get("settings")
    dashboard = current_app.extensions.get("segur")  # the dashboard's AppContext, when mounted there
    return own or (dashboard.settings if dashboard is not None else load_settings())


def _engine():
    """The engine given to init_exports, else the dashboard's (shared cache), else one built once here."""
    from indicators.compute import Engine

    state = current_app.extensions.setdefault(EXTENSION, {"engine": None, "settings": None})
    dashboard = current_app.extensions.get("segur")
    snapshot = _arg("snapshot")
    if snapshot:  # the frozen figures of a committee snapshot
        from reports.snapshot import SnapshotError, open_snapshot

        try:
            if dashboard is not None and hasattr(dashboard, "engine"):
                return dashboard.engine(snapshot)
            return open_snapshot(_settings(), snapshot)[0]
        except SnapshotError as e:
            raise BadRequest(f"instantané « {snapshot} » : {e}") from e
    if state.get("engine") is not None:
        return state["engine"]
    if dashboard is not None and hasattr(dashboard, "engine"):
        return dashboard.engine()
    with _lock:
        if state.get("own_engine") is None:
            s = _settings()
            state["own_engine"] = Engine(s.warehouse, today=date.fromisoformat(s.today) if s.today else None)
        return state["own_engine"]


def _arg(name: str) -> str | None:
    value = request.args.get(name, "").strip()
    return value or None


def view_from_query(engine) -> tuple[date, ViewFilters, str]:
    """(as-of month, filters, language) of the query string; BadRequest with a French message."""
    from indicators.cli_compute import FilterError, view_filters
    from indicators.fmt import month

    lang = (_arg("lang") or "fr").lower()
    if lang not in ("fr", "en"):
        raise BadRequest(f"langue inconnue « {lang} » (attendu : fr ou en)")
    as_of = _arg("as_of")
    months = engine.months()
    as_of_day = _month_start(as_of) if as_of else None
    if as_of and as_of_day is None:
        raise BadRequest(f"mois de situation invalide « {as_of[:40]} » (attendu : AAAA-MM, par exemple 2026-10)")
    if as_of_day is not None and as_of_day not in months:
        raise BadRequest(f"mois de situation indisponible « {as_of} » (données de {month(months[0])} "
                         f"à {month(months[-1])})")
    dep = _arg("departement")
    dep = (dep.zfill(2) if dep.isdigit() and len(dep) == 1 else dep.upper()) if dep else None
    couloir, dispositif = _arg("couloir"), _arg("dispositif")
    try:
        view = view_filters(_arg("region"), dep, couloir.lower() if couloir else None,
                            dispositif.upper() if dispositif else None, _arg("vague"))
    except FilterError as e:
        raise BadRequest(str(e)) from e
    return (as_of_day or months[-1]), view, lang


def _month_start(text: str) -> date | None:
    """The first day of a YYYY-MM month, or None (bad shape, or a year Python's dates do not hold: 0000)."""
    if not MONTH_RE.match(text):
        return None
    try:
        return date.fromisoformat(text + "-01")
    except ValueError:
        return None


def scoped_view(engine, view: ViewFilters):
    """(engine, filters) cut to the request's scope: Forbidden (403, French) for another région, a regional
    person's territory-less view pinned to their région."""
    from dashboard.access import current_scope
    from indicators.scoped import ScopeDenied, pinned_filters, scoped

    scope = current_scope()
    try:
        return scoped(engine, scope), pinned_filters(scope, view, engine.territory().dep_region)
    except ScopeDenied as e:
        raise Forbidden(f"accès non autorisé à cette région ({e.params.get('region', '')}) : "
                        "vos habilitations ne la couvrent pas.") from e


def _forbidden(message: str) -> Response:
    return Response(f"Export impossible : {message}\n", status=403, mimetype="text/plain")


def _bad(message: str) -> Response:
    return Response(f"Export impossible : {message}\n", status=400, mimetype="text/plain")


def _download(body, mimetype: str, file_name: str, length: int | None = None) -> Response:
    resp = Response(body, mimetype=mimetype, direct_passthrough=True)
    resp.headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    if length is not None:
        resp.headers["Content-Length"] = str(length)
    return resp


def _unavailable(message: str) -> Response:
    return Response(f"Export impossible : {message}\n", status=503, mimetype="text/plain")


def _warehouse_missing() -> Response | None:
    if not _settings().warehouse.exists():
        return _unavailable("aucun entrepôt publié pour le moment.")
    return None


@exports_bp.get("/workbook.xlsx")
def workbook():
    from reports.excel import build_workbook

    if (missing := _warehouse_missing()) is not None:
        return missing
    try:
        engine = _engine()
        as_of, view, lang = view_from_query(engine)
        engine, view = scoped_view(engine, view)
    except Forbidden as e:
        return _forbidden(e.description)
    except BadRequest as e:
        return _bad(str(e))
    except CatalogueError as e:
        return _unavailable(f"le catalogue des indicateurs est invalide :\n{e}")
    buffer = io.BytesIO()
    # the link written into the file comes from the settings, never from the request's Host header
    build_workbook(engine, as_of, view, lang, dashboard_url=_settings().dashboard_url,
                   snapshot=_arg("snapshot")).save(buffer)
    data = buffer.getvalue()
    chunks = (data[i:i + (1 << 16)] for i in range(0, len(data), 1 << 16))
    return _download(chunks, FORMATS["xlsx"], export_filename("workbook", as_of, view.items(), "xlsx"), len(data))


@exports_bp.get("/extract/<name>")
def extract(name: str):
    table, _, fmt = name.rpartition(".")
    if table not in extract_tables():
        return _bad(f"table inconnue « {table or name} » (tables disponibles : {', '.join(extract_tables())})")
    if fmt not in FORMATS:
        return _bad(f"format inconnu « {fmt} » (formats : {', '.join(FORMATS)})")
    if (missing := _warehouse_missing()) is not None:
        return missing
    sep, decimal = _arg("sep") or ";", _arg("decimal") or "comma"
    try:
        engine = _engine()
        as_of, view, _lang = view_from_query(engine)
        _engine_scoped, view = scoped_view(engine, view)
        if sep not in SEPARATORS:
            raise BadRequest(f"séparateur inconnu « {sep} » (attendu : ; , ou tab)")
        if decimal not in ("comma", "point"):
            raise BadRequest(f"marque décimale inconnue « {decimal} » (attendu : comma ou point)")
        lineage = _arg("lineage") in ("1", "true", "oui")
        plan = plan_extract(_settings().warehouse, table, fmt, view, as_of, SEPARATORS[sep], decimal == "comma",
                            lineage=lineage)
    except Forbidden as e:
        return _forbidden(e.description)
    except (BadRequest, ExtractError) as e:
        return _bad(str(e))
    except CatalogueError as e:
        return _unavailable(f"le catalogue des indicateurs est invalide :\n{e}")
    file_name = export_filename(table, as_of, view.items(), fmt)
    return _download(stream_with_context(plan.chunks()), FORMATS[fmt], file_name)
