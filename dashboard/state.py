"""The global view state (filters, language, snapshot), parsed from and written to the URL query string.

The URL is the single source of truth: a copied address reproduces the view. Every value is checked
against the reference data before it reaches a query; an invalid one is dropped with a clear message
(in the page's language) instead of an error.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, urlencode

from dashboard.format import fmt_month
from dashboard.i18n import DEFAULT_LANG, LANGS, t
from dashboard.reference import Reference
from indicators.scope import Scope

FILTER_KEYS = ("as_of", "region", "departement", "couloir", "dispositif", "vague")
URL_KEYS = (*FILTER_KEYS, "snapshot", "lang")
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
SNAPSHOT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
Query = Mapping[str, "str | Sequence[str] | None"]


@dataclass(frozen=True)
class ViewState:
    """What the user is looking at. None means "no filter" (as_of None: the latest published month)."""

    as_of: str | None = None  # YYYY-MM
    region: str | None = None
    departement: str | None = None
    couloir: str | None = None
    dispositif: str | None = None
    vague: str | None = None
    lang: str = DEFAULT_LANG
    snapshot: str | None = None
    denied: bool = dataclasses.field(default=False, compare=False)  # the URL asked for a région outside the scope

    def to_query(self) -> dict[str, str]:
        """The non-default values, in a stable order (French is the default language)."""
        query = {k: getattr(self, k) for k in (*FILTER_KEYS, "snapshot") if getattr(self, k)}
        if self.lang != DEFAULT_LANG:
            query["lang"] = self.lang
        return query

    def to_search(self, extra: Mapping[str, str] | None = None) -> str:
        """`?region=84&lang=en` (or "" when nothing is set); `extra` keeps page-specific parameters."""
        query = {**self.to_query(),
                 **{k: v for k, v in (extra or {}).items() if k not in URL_KEYS and v not in (None, "")}}
        return "?" + urlencode(query) if query else ""

    def href(self, path: str, extra: Mapping[str, str] | None = None) -> str:
        """A link to another page that keeps the current filters."""
        return path + self.to_search(extra)

    def replace(self, **changes: str | None) -> ViewState:
        return dataclasses.replace(self, **changes)

    @property
    def as_of_date(self) -> date | None:
        """First day of the as-of month."""
        return date.fromisoformat(self.as_of + "-01") if self.as_of else None

    @property
    def filters(self) -> dict[str, str]:
        """The territory/couloir/dispositif/vague filters that are set."""
        return {k: getattr(self, k) for k in FILTER_KEYS if k != "as_of" and getattr(self, k)}


def _single(value: str | Sequence[str] | None) -> str | None:
    """One value of a query parameter (the last one when repeated), stripped; blank → None."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = value[-1] if len(value) else None
        if value is None:
            return None
    value = value.strip()
    return value or None


def parse_search(search: str | None) -> dict[str, str]:
    """`?a=1&b=2` → {"a": "1", "b": "2"} (last value wins; blank values dropped)."""
    parsed = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
    return {k: v[-1] for k, v in parsed.items() if v and v[-1].strip()}


def extra_params(query: Query) -> dict[str, str]:
    """The page-specific parameters (not part of the view state)."""
    return {k: v for k, v in ((k, _single(v)) for k, v in query.items() if k not in URL_KEYS) if v}


def _departement_code(value: str) -> str:
    code = value.upper()
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def parse_view_state(query: Query, reference: Reference, months: Sequence[str] | None = None,
                     scope: Scope | None = None) -> tuple[ViewState, list[str]]:
    """The view state of a query string, and the messages about the values that were dropped.

    `months`: the published months (YYYY-MM); when given and not empty, an as-of month outside them is
    dropped too. `scope`: whose view it is (default: the request's, `dashboard.access.current_scope()`);
    a région or département outside it is refused (`state.denied`, « accès non autorisé à cette région »)
    and a regional person's view is pinned to their région. Never raises for bad input.
    """
    if scope is None:
        from dashboard.access import current_scope

        scope = current_scope()
    raw = {k: _single(query.get(k)) for k in URL_KEYS}
    problems: list[tuple[str, dict[str, str]]] = []
    lang = (raw["lang"] or DEFAULT_LANG).lower()
    if lang not in LANGS:
        problems.append(("state.lang_unknown", {"value": raw["lang"] or ""}))
        lang = DEFAULT_LANG

    as_of = raw["as_of"]
    if as_of and not MONTH_RE.match(as_of):
        problems.append(("state.as_of_malformed", {"value": as_of}))
        as_of = None
    elif as_of and months and as_of not in months:
        problems.append(("state.as_of_unavailable", {"value": as_of, "first": fmt_month(min(months), lang),
                                                     "last": fmt_month(max(months), lang)}))
        as_of = None

    region = raw["region"]
    if region and region not in reference.regions:
        problems.append(("state.region_unknown", {"value": region}))
        region = None

    departement = _departement_code(raw["departement"]) if raw["departement"] else None
    if departement and departement not in reference.departements:
        problems.append(("state.departement_unknown", {"value": raw["departement"] or ""}))
        departement = None
    if departement and region and reference.departements[departement].parent != region:
        problems.append(("state.departement_not_in_region", {
            "dep": departement, "dep_label": reference.label("departements", departement, lang),
            "region": region, "region_label": reference.label("regions", region, lang)}))
        departement = None

    couloir = raw["couloir"].lower() if raw["couloir"] else None
    if couloir and couloir not in reference.couloirs:
        problems.append(("state.couloir_unknown", {"value": raw["couloir"] or "",
                                                   "allowed": ", ".join(reference.couloirs)}))
        couloir = None

    dispositif = raw["dispositif"].upper() if raw["dispositif"] else None
    if dispositif and dispositif not in reference.dispositifs:
        problems.append(("state.dispositif_unknown", {"value": raw["dispositif"] or "",
                                                      "example": ", ".join(list(reference.dispositifs)[:3])}))
        dispositif = None

    vague = raw["vague"]
    if vague and vague not in reference.vagues:
        problems.append(("state.vague_unknown", {"value": vague, "allowed": ", ".join(reference.vagues)}))
        vague = None

    snapshot = raw["snapshot"]
    if snapshot and not SNAPSHOT_RE.match(snapshot):
        problems.append(("state.snapshot_malformed", {"value": snapshot[:80]}))
        snapshot = None

    region, departement, denied = _within_scope(scope, reference, region, departement, problems)
    state = ViewState(as_of=as_of, region=region, departement=departement, couloir=couloir, dispositif=dispositif,
                      vague=vague, lang=lang, snapshot=snapshot, denied=denied)
    return state, [t(key, lang, **params) for key, params in problems]


def _within_scope(scope: Scope, reference: Reference, region: str | None, departement: str | None,
                  problems: list) -> tuple[str | None, str | None, bool]:
    """(région, département, denied) of a view once cut to what `scope` may see.

    Another région (or one of its départements) is refused with a message; a regional person without a
    territory in the URL sees their own région (the national figures reach them as comparisons only)."""
    denied = False
    dep_region = reference.departements[departement].parent if departement else None
    if (region and not scope.allows_region(region)) or (dep_region and not scope.allows_region(dep_region)):
        shown = region if region and not scope.allows_region(region) else dep_region
        problems.append(("access.region_denied", {"region": shown or "",
                                                   "label": reference.label("regions", shown)}))
        region, departement, denied = None, None, True
    if region is None and departement is None:
        region = scope.home_region(reference.regions)
    if region is None and departement and dep_region:
        region = dep_region
    return region, departement, denied
