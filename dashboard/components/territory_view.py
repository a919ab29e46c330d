"""What the Territoires page and the fiche territoriale ask the engine, and how they scope the answer.

One engine call per indicator and level — the breakdown of the whole country for the view's other
filters (couloir, dispositif, vague) — serves the map, the ranking, the dispersion and the fiche: a
territory is a row of it, never a call of its own. Gaps are therefore always to the national value.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from dashboard.i18n import t
from dashboard.reference import Reference
from dashboard.state import ViewState, parse_search

LEVELS = ("region", "departement")
MEASURES = ("statut", "progression", "valeur")
PARAMS = ("indicateur", "niveau", "mesure")  # the Territoires page's own URL parameters
DEFAULT_INDICATOR = "CIT-02"
DEFAULT_MEASURE = "statut"
NON_TERRITORIAL = ("couloir", "dispositif", "vague")
TABLES = {"couloir": "couloirs", "dispositif": "dispositifs", "vague": "vagues"}
# Indicators whose départements the fiche ranks, in order of preference (the first three available).
KEY_INDICATORS = ("CIT-02", "USE-01", "DEP-02", "INS-01", "CIT-01", "EPR-01")


def territorial_indicators(catalogue, level: str = "region") -> list:
    """Indicators of the catalogue that the catalogue declares by `level` (region or departement)."""
    return [i for i in catalogue.indicators if level in i.dimensions]


def national_filters(filters):
    """The view's filters without the territory: the breakdown covers the country, pages pick their rows."""
    return replace(filters, region=None, departement=None)


def unsupported_filters(indicator, state: ViewState) -> list[str]:
    """The view's non-territorial filters that the indicator is not declared by (its figures would be wrong)."""
    return [dim for dim in NON_TERRITORIAL if getattr(state, dim) and dim not in indicator.dimensions]


def filters_text(dims: list[str], state: ViewState, reference: Reference) -> str:
    """`Couloir : Hôpital, Vague : Vague 2` for the filters in `dims`."""
    lang = state.lang
    return ", ".join(f"{t(f'filter.{d}', lang)} : {reference.label(TABLES[d], getattr(state, d), lang)}"
                     if lang == "fr" else
                     f"{t(f'filter.{d}', lang)}: {reference.label(TABLES[d], getattr(state, d), lang)}"
                     for d in dims)


def breakdown(engine, indicator_id: str, state: ViewState, filters, level: str):
    """The engine's result for the view (territory filters dropped) broken down by `level`."""
    return engine.compute(indicator_id, state.as_of, national_filters(filters), breakdown=level,
                          with_forecast=False)


def scope_region(state: ViewState, reference: Reference) -> str | None:
    """The région the view is about: the région filter, else the région of the département filter."""
    if state.region:
        return state.region
    if state.departement and state.departement in reference.departements:
        return reference.departements[state.departement].parent
    return None


def scope_codes(level: str, state: ViewState, reference: Reference) -> set[str] | None:
    """Territories a département map is limited to (those of the filtered région); None: all of them."""
    region = scope_region(state, reference)
    if level != "departement" or region is None:
        return None
    return {d.code for d in reference.departements_of(region)}


@dataclass(frozen=True)
class MapParams:
    indicator: str
    level: str
    measure: str


def parse_params(extra: dict[str, str], catalogue, state: ViewState, reference) -> tuple[MapParams | None, list[str]]:
    """The page's parameters from the URL, each checked; a bad one is replaced by its default with a message."""
    lang = state.lang
    choices = territorial_indicators(catalogue)
    if not choices:
        return None, []
    by_id = {i.id: i for i in choices}
    messages = []
    default = DEFAULT_INDICATOR if DEFAULT_INDICATOR in by_id else choices[0].id
    raw = extra.get("indicateur")
    indicator = raw.upper() if raw else default
    if indicator not in by_id:
        messages.append(t("terr.param.indicator_unknown", lang, value=raw, allowed=", ".join(by_id), default=default))
        indicator = default
    by_dep = "departement" in by_id[indicator].dimensions
    level = "departement" if scope_region(state, reference) and by_dep else "region"
    raw = extra.get("niveau")
    if raw and raw.lower() not in LEVELS:
        messages.append(t("terr.param.level_unknown", lang, value=raw, default=t(f"terr.level.{level}", lang)))
    elif raw:
        level = raw.lower()
    if level == "departement" and not by_dep:
        messages.append(t("terr.param.level_unsupported", lang, indicator=indicator))
        level = "region"
    measure = DEFAULT_MEASURE
    raw = extra.get("mesure")
    if raw and raw.lower() not in MEASURES:
        messages.append(t("terr.param.measure_unknown", lang, value=raw))
    elif raw:
        measure = raw.lower()
    return MapParams(indicator, level, measure), messages


def search_with(search: str | None, changes: dict[str, str | None]) -> str:
    """The query string with the page parameters in `changes` set (empty values leave the current one)."""
    query = parse_search(search)
    query.update({k: v for k, v in changes.items() if v})
    return "?" + urlencode(query) if query else ""


def selection_search(search: str | None, chosen: MapParams, shown: MapParams) -> str | None:
    """The query string after a selector change: the parameters that differ from what the page shows are
    written, the others left as they are (None when nothing differs)."""
    changes = {name: getattr(chosen, attr) for name, attr in zip(PARAMS, ("indicator", "level", "measure"),
                                                                   strict=True)
               if getattr(chosen, attr) and getattr(chosen, attr) != getattr(shown, attr)}
    return search_with(search, changes) if changes else None
