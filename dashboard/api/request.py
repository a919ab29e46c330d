"""What every API route reads from its request: the Scope, the engine (live or a snapshot's), the view, the
language and the output format, each checked with a French sentence for a bad value (400), a missing identity
(401) or a région outside the scope (403)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import flask

from dashboard.access import current_scope
from indicators.query import ViewFilters
from indicators.scope import Scope, ScopeDenied

FORMATS = ("json", "csv")
ID_RE = re.compile(r"^[A-Z]{3,4}-[0-9]{2}$")


class ApiError(Exception):
    """An answer other than 200: HTTP status, a stable code and a French message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def bad(message: str) -> ApiError:
    return ApiError(400, "parametre_invalide", message)


def arg(name: str) -> str | None:
    value = flask.request.args.get(name, "").strip()
    return value or None


def scope() -> Scope:
    """The request's Scope (set by the sign-in gate, for a session or a token); 401 when nobody is identified."""
    s = current_scope()
    if not s.can_read:
        raise ApiError(401, "authentification_requise",
                       "authentification requise : connectez-vous, ou présentez un jeton d'API personnel "
                       "(en-tête Authorization: Bearer …, créé sur « Mon compte »)")
    return s


def denied(e: ScopeDenied) -> ApiError:
    what = e.params.get("region") or e.params.get("action") or ""
    return ApiError(403, "hors_perimetre", f"hors de votre périmètre : {what}".rstrip(" :"))


def engine():
    """The engine of the request seen through its Scope (indicators.scoped: breakdown rows of other régions cut):
    a committee snapshot's frozen figures with `snapshot=<id>`, else the live one."""
    from dashboard.context import current
    from indicators.scoped import scoped

    snapshot = arg("snapshot")
    try:
        return scoped(current().engine(snapshot), scope())
    except ValueError as e:  # SnapshotError: unknown or unreadable
        raise ApiError(404, "instantane_inconnu", str(e)) from e


def lang() -> str:
    value = (arg("lang") or "fr").lower()
    if value not in ("fr", "en"):
        raise bad(f"langue inconnue « {value} » (attendu : fr ou en)")
    return value


def output_format(allowed: tuple[str, ...] = FORMATS) -> str:
    value = (arg("format") or "json").lower()
    if value not in allowed:
        raise bad(f"format inconnu « {value} » (attendu : {', '.join(allowed)})")
    return value


@dataclass(frozen=True)
class View:
    as_of: date
    filters: ViewFilters
    lang: str


def view(eng, who: Scope) -> View:
    """The view of the query string (as_of, région, département, couloir, dispositif, vague, lang), within the
    scope: another région is a 403, a public reader gets national views only, and a regional person's view that
    names no territory is pinned to their région (indicators.scoped.pinned_filters, as for every export)."""
    from indicators.scoped import pinned_filters
    from reports.routes import BadRequest, view_from_query

    try:
        as_of, filters, language = view_from_query(eng)
    except BadRequest as e:
        raise bad(str(e)) from e
    try:
        if who.public and (filters.region or filters.departement):
            raise ScopeDenied("access.region_denied", region=filters.region or filters.departement)
        filters = pinned_filters(who, filters, eng.territory().dep_region)
    except ScopeDenied as e:
        raise denied(e) from e
    return View(as_of, filters, language)


def indicator_ids(eng, who: Scope) -> list[str]:
    """`ids=USE-01,CIT-01` (default: every indicator the scope may read), each checked against the catalogue."""
    raw = arg("ids")
    wanted = [s.strip() for s in raw.split(",") if s.strip()] if raw else [i.id for i in eng.catalogue.indicators]
    return checked_ids(eng, who, wanted)


def checked_ids(eng, who: Scope, wanted: list[str], status: int = 400) -> list[str]:
    """The indicators of `wanted` (case-insensitive) the scope may read; an unknown one is an error."""
    known = {i.id: i for i in eng.catalogue.indicators}
    out = []
    for raw in wanted:
        ind_id = raw.upper()
        if ind_id not in known:
            raise ApiError(status, "indicateur_inconnu" if status == 404 else "parametre_invalide", f"indicateur inconnu « {raw} » (voir /api/v1/indicators)")
        if known[ind_id].public or not who.public:
            out.append(ind_id)
    return out


def listed(name: str, allowed: tuple[str, ...] | None = None) -> list[str] | None:
    """A comma-separated parameter (`levels=region,departement`), each value among `allowed`."""
    raw = arg(name)
    if raw is None:
        return None
    values = [v.strip() for v in raw.split(",") if v.strip()]
    for v in values:
        if allowed is not None and v not in allowed:
            raise bad(f"valeur inconnue « {v} » pour {name} (attendu : {', '.join(allowed)})")
    return values
