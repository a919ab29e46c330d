"""The tidy ("long") table: one row per indicator × territory × period, as the engine computes it.

`tidy_table(engine, scope, …)` asks `Engine.compute` for the national view, each région and each
département the scope may see (a regional scope: its régions, their départements and the national
aggregate for comparison, never another région), and lays every point of each series out as a row: value,
target at date, progress, status code, completeness (when the engine gives it), unit. It computes nothing
itself: the same numbers as the pages, the workbook and the API, by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date

import pandas as pd

from indicators.compute import Engine, IndicatorResult, parse_month
from indicators.query import ViewFilters
from indicators.scope import Scope, ScopeDenied

LEVELS = ("national", "region", "departement")
# Column → its type in the table (the extract writers, the API and the dictionary sheet use this order).
COLUMNS: dict[str, str] = {
    "indicator_id": "text", "indicator_label": "text", "territory_level": "text", "territory_code": "text", "region_code": "text",
    "territory_label": "text", "period": "date", "grain": "text", "value": "number", "target": "number",
    "progress": "ratio", "status": "text", "completeness": "ratio", "unit": "text",
}
# What a territory needs among an indicator's declared dimensions to be computed for it.
_NEEDS = {"region": {"region", "departement"}, "departement": {"departement"}}


def territories(engine: Engine, scope: Scope, levels: Iterable[str] = LEVELS,
                regions: Iterable[str] | None = None, lang: str = "fr") -> list[tuple[str, str | None, str | None, str]]:
    """(level, code, parent région, label) of every territory `scope` may see, national first.

    `regions` narrows to some régions (and their départements); a région outside the scope raises
    ScopeDenied rather than being dropped silently. A public scope sees the national level only.
    """
    if not scope.can_read:
        raise ScopeDenied("access.action_denied", action="read")
    levels = tuple(levels)
    for level in levels:
        if level not in LEVELS:
            raise ValueError(f"niveau de territoire inconnu « {level} » (attendu : {', '.join(LEVELS)})")
    ref = engine.territory()
    names = ref.region_label_en if lang == "en" else ref.region_label_fr
    wanted = sorted(ref.region_label_fr) if regions is None else list(dict.fromkeys(regions))
    for code in wanted:
        if code not in ref.region_label_fr:
            raise ValueError(f"région inconnue « {code} » (attendu : {', '.join(sorted(ref.region_label_fr))})")
        if regions is not None:
            scope.check_region(code)
    visible = [] if scope.public else scope.visible_regions(wanted)
    out: list[tuple[str, str | None, str | None, str]] = []
    if "national" in levels:
        out.append(("national", None, None, "France"))
    if "region" in levels:
        out += [("region", r, r, names.get(r, r)) for r in visible]
    if "departement" in levels:
        out += [("departement", d, r, f"{d} {ref.dep_label[d]}") for r in visible
                for d in sorted(ref.departements_of(r))]
    return out


def _indicators(engine: Engine, scope: Scope, indicator_ids: Iterable[str] | None):
    cat = engine.catalogue
    chosen = [cat.indicator(i) for i in indicator_ids] if indicator_ids is not None else list(cat.indicators)
    return [i for i in chosen if i.public] if scope.public else chosen


def results(engine: Engine, scope: Scope, as_of: str | date | None = None, indicator_ids: Iterable[str] | None = None,
            levels: Iterable[str] = LEVELS, regions: Iterable[str] | None = None,
            filters: ViewFilters | None = None, lang: str = "fr") -> Iterator[tuple[tuple, IndicatorResult]]:
    """((level, code, parent région, label), result) for each indicator and territory of the scope.

    `filters` holds the view's other filters (couloir, dispositif, vague); its territory is ignored (the
    territories come from the scope). A territory the indicator has no dimension for is skipped.
    """
    as_of_m = parse_month(as_of) or engine.latest_month()
    base = replace(filters or ViewFilters(), region=None, departement=None)
    places = territories(engine, scope, levels, regions, lang)
    for ind in _indicators(engine, scope, indicator_ids):
        for place in places:
            level, code, _, _ = place
            if level != "national" and not set(ind.dimensions) & _NEEDS[level]:
                continue
            view = replace(base, **({level: code} if code else {}))
            res = engine.compute(ind.id, as_of_m, view, with_forecast=False)
            if res.not_applicable:
                continue
            yield place, res


def completeness_of(res: IndicatorResult) -> tuple[date | None, float | None]:
    """(period, share) of the engine's completeness of a result: the départements that delivered over those
    expected when it is by territory, else the months present over the months needed. The engine assesses the
    view's current period only; other periods have none."""
    c = getattr(res, "completeness", None)
    if c is None or c.period is None:
        return None, None
    share = c.territory_share
    if share is None and c.months_expected:
        share = c.months_present / c.months_expected
    return c.period, share


def tidy_table(engine: Engine, scope: Scope, as_of: str | date | None = None,
               indicator_ids: Iterable[str] | None = None, levels: Iterable[str] = LEVELS,
               regions: Iterable[str] | None = None, filters: ViewFilters | None = None,
               lang: str = "fr", with_empty: bool = False) -> pd.DataFrame:
    """The long table (COLUMNS), periods up to `as_of`; labels in `lang`.

    Rows with neither a value nor a target are left out unless `with_empty`. `completeness` is the share of
    the expected data present, on the period the engine assesses (the view's current one; see
    `completeness_of`), empty on the others: the column is there so that files keep one shape.
    """
    rows = []
    for (level, code, region, label), res in results(engine, scope, as_of, indicator_ids, levels, regions,
                                                     filters, lang):
        ind = res.indicator
        name = getattr(ind.label, lang)
        assessed, share = completeness_of(res)
        for p in res.series:
            if not with_empty and p.value is None and p.target is None:
                continue
            rows.append((ind.id, name, level, code, region, label, p.period, res.grain, p.value, p.target,
                         p.progress, p.status, share if p.period == assessed else None, ind.unit))
    df = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    for col in ("value", "target", "progress", "completeness"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    return df


__all__ = ["COLUMNS", "LEVELS", "completeness_of", "results", "territories", "tidy_table"]
