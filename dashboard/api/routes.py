"""The read-only data API, `/api/v1/…`: catalogue, values of a view, the tidy table, freshness and runs,
committee snapshots. Every route asks the request's Scope (dashboard.access) what it may show; each is declared
with `@route(…)`, which also writes its OpenAPI entry (dashboard/api/openapi.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import flask

from dashboard.api import payloads
from dashboard.api import request as rq
from dashboard.api.render import answer, error
from indicators.scope import ScopeDenied

api_bp = flask.Blueprint("api_v1", __name__, url_prefix="/api/v1")
VIEW_PARAMS = ("as_of", "region", "departement", "couloir", "dispositif", "vague", "lang", "snapshot")
BREAKDOWNS = ("region", "departement", "couloir", "dispositif", "vague", "editeur", "document_type")


@dataclass(frozen=True)
class RouteDoc:
    path: str  # Flask rule, relative to /api/v1
    summary: str
    params: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("json", "csv")
    path_params: tuple[str, ...] = field(default=())


ROUTES: list[RouteDoc] = []


def route(path: str, summary: str, params: tuple[str, ...] = (), formats: tuple[str, ...] = ("json", "csv")):
    """Register a GET route and its documentation; ApiError and ScopeDenied become JSON errors."""
    def wrap(fn: Callable):
        names = tuple(p.split(">")[0].split(":")[-1] for p in path.split("<")[1:])
        ROUTES.append(RouteDoc(path, summary, params + ("format",) if len(formats) > 1 else params, formats, names))

        def view(**kwargs):
            try:
                return fn(**kwargs)
            except rq.ApiError as e:
                return error(e.status, e.code, e.message)
            except ScopeDenied as e:
                e2 = rq.denied(e)
                return error(e2.status, e2.code, e2.message)
        view.__name__ = fn.__name__
        api_bp.add_url_rule(path, view_func=view, methods=["GET"])
        return fn
    return wrap


@route("/objectives", "Les objectifs du programme et le poids de chaque indicateur", ("lang",))
def objectives():
    rq.scope()
    eng, lang = rq.engine(), rq.lang()
    return answer([payloads.objective(o, lang) for o in eng.catalogue.objectives], rq.output_format(),
                  {"lang": lang}, "objectifs")


@route("/indicators", "Le catalogue : définition, formule, unité, référence, jalons et cible finale",
       ("lang", "snapshot"))
def indicators():
    who = rq.scope()
    eng, lang = rq.engine(), rq.lang()
    rows = [payloads.indicator(i, eng.catalogue, lang) for i in eng.catalogue.indicators if i.public or not who.public]
    return answer(rows, rq.output_format(), {"lang": lang, "catalogue_sha256": eng.catalogue.sha256}, "indicateurs")


@route("/indicators/<indicator_id>", "La définition d'un indicateur", ("lang", "snapshot"))
def indicator(indicator_id: str):
    who = rq.scope()
    eng, lang = rq.engine(), rq.lang()
    ind_id = _one(eng, who, indicator_id)
    return answer(payloads.indicator(eng.catalogue.indicator(ind_id), eng.catalogue, lang),
                  rq.output_format(), {"lang": lang}, indicator_id)


def _one(eng, who, indicator_id: str) -> str:
    ids = rq.checked_ids(eng, who, [indicator_id], status=404)
    if not ids:  # a non-public indicator for the public reader: as if it did not exist
        raise rq.ApiError(404, "indicateur_inconnu", f"indicateur inconnu « {indicator_id} »")
    return ids[0]


def _meta(view, eng) -> dict:
    return {"as_of": view.as_of, "filters": dict(view.filters.items()), "lang": view.lang,
            "snapshot": rq.arg("snapshot"), "latest_month": eng.latest_month()}


@route("/values", "Valeur, cible à date, progression, statut et prévision de chaque indicateur pour une vue",
       (*VIEW_PARAMS, "ids"))
def values():
    who = rq.scope()
    eng = rq.engine()
    view = rq.view(eng, who)
    fmt = rq.output_format()
    rows = [payloads.value(eng.compute(i, view.as_of, view.filters), view.lang) for i in rq.indicator_ids(eng, who)]
    return answer(rows, fmt, _meta(view, eng), f"valeurs_{view.as_of:%Y-%m}")


@route("/values/<indicator_id>", "Un indicateur pour une vue : valeur, série mensuelle, ventilation, prévision",
       (*VIEW_PARAMS, "breakdown", "series"))
def value(indicator_id: str):
    who = rq.scope()
    eng = rq.engine()
    ind_id = _one(eng, who, indicator_id)
    view = rq.view(eng, who)
    breakdown = rq.arg("breakdown")
    if breakdown is not None and breakdown not in BREAKDOWNS:
        raise rq.bad(f"ventilation inconnue « {breakdown} » (attendu : {', '.join(BREAKDOWNS)})")
    fmt = rq.output_format()
    res = eng.compute(ind_id, view.as_of, view.filters, breakdown)
    body = payloads.value(res, view.lang)
    body["series"] = payloads.series(res, view.lang) if rq.arg("series") != "0" else None
    body["breakdown_dim"] = res.breakdown_dim
    body["breakdown"] = payloads.breakdown(res, eng, who, view.lang)
    if fmt == "csv":  # the CSV of one indicator is its series, or its breakdown when one is asked
        rows = body["breakdown"] if breakdown else body["series"] or []
        return answer([{"indicator_id": ind_id, **r} for r in rows], fmt, name=f"{ind_id}_{view.as_of:%Y-%m}")
    return answer(body, fmt, _meta(view, eng))


@route("/tidy", "La table longue : indicateur × territoire × période (valeur, cible, progression, statut)",
       (*VIEW_PARAMS, "ids", "levels", "regions"), formats=("json", "csv", "xlsx", "parquet"))
def tidy():
    from indicators.tidy import LEVELS
    from reports.formats import media_type
    from reports.tidy_export import arrow_table, tidy_frame, tidy_pieces

    who = rq.scope()
    eng = rq.engine()
    view = rq.view(eng, who)
    fmt = rq.output_format(("json", "csv", "xlsx", "parquet"))
    ids = rq.indicator_ids(eng, who)
    levels = rq.listed("levels", LEVELS) or list(LEVELS)
    regions = rq.listed("regions")
    try:
        if fmt == "json":
            df = tidy_frame(eng, who, view.as_of, ids, levels, regions, view.filters, view.lang)
            return answer(arrow_table(df).to_pylist(), fmt, {**_meta(view, eng), "rows": len(df)})
        body = b"".join(tidy_pieces(fmt, eng, who, view.as_of, ids, levels, regions, view.filters, view.lang))
    except ValueError as e:
        raise rq.bad(str(e)) from e
    resp = flask.Response(body, mimetype=media_type(fmt))
    resp.headers["Content-Disposition"] = f'attachment; filename="table_longue_{view.as_of:%Y-%m}.{fmt}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


@route("/freshness", "Fraîcheur de chaque source : dernière période chargée, prochaine attendue, lignes",
       ("snapshot",))
def freshness():
    from reports.excel_sheets import source_freshness

    rq.scope()
    eng = rq.engine()
    return answer(source_freshness(eng), rq.output_format(), {"today": eng.today}, "fraicheur")


@route("/runs", "Les exécutions de chargement (début, fin, statut, lignes lues, chargées, rejetées)", ("snapshot",))
def runs():
    from reports.excel_sheets import LOAD_RUN

    rq.scope()
    eng = rq.engine()
    lr = LOAD_RUN.c
    from sqlalchemy import select

    frame = eng.db.frame(select(*lr).order_by(lr.started_at.desc()))
    rows = [{k: (None if v != v else v.to_pydatetime() if hasattr(v, "to_pydatetime") else v)
             for k, v in row.items()} for row in frame.to_dict("records")]
    return answer(rows, rq.output_format(), name="executions")


@route("/snapshots", "Les instantanés de comité (chiffres figés) : identifiant, libellé, mois de situation")
def snapshots():
    from dashboard.context import current
    from reports.snapshot import list_snapshots

    rq.scope()
    ctx = current()
    rows = [{"id": m.id, "label": m.label, "as_of": m.as_of, "created_at": m.created_at, "created_by": m.created_by,
             "values": f"/api/v1/values?snapshot={m.id}", "tidy": f"/api/v1/tidy?snapshot={m.id}"}
            for m in list_snapshots(ctx.settings, sessions=ctx.sessions())]
    return answer(rows, rq.output_format(), name="instantanes")


@route("/snapshots/<snapshot_id>", "Les chiffres figés d'un instantané : chaque indicateur à son mois de situation",
       ("region", "departement", "couloir", "dispositif", "vague", "lang", "ids"))
def snapshot(snapshot_id: str):
    from dashboard.context import current

    who = rq.scope()
    from indicators.scoped import scoped

    try:
        frozen = current().snapshot(snapshot_id)
    except ValueError as e:
        raise rq.ApiError(404, "instantane_inconnu", str(e)) from e
    eng = scoped(frozen.engine, who)
    view = rq.view(eng, who)
    fmt = rq.output_format()
    rows = [payloads.value(eng.compute(i, frozen.meta.as_of, view.filters), view.lang)
            for i in rq.indicator_ids(eng, who)]
    meta = {"snapshot": frozen.meta.id, "label": frozen.meta.label, "as_of": frozen.meta.as_of,
            "created_at": frozen.meta.created_at, "filters": dict(view.filters.items()), "lang": view.lang}
    return answer(rows, fmt, meta, f"instantane_{frozen.meta.id}")
