"""The engine as one person may use it: views and breakdown rows cut to their `Scope`.

Every page, export, pack and API answer reads indicator values through `ScopedEngine` (the dashboard's
page request, the routes and the jobs build it from the request scope). A view on another région raises
`ScopeDenied`; a breakdown by région or département keeps only the rows of the person's régions, so a
country-wide map or ranking never carries another région's value. The national aggregate of a view
without territory stays visible: it is the comparison every regional user is entitled to.
"""

from __future__ import annotations

from dataclasses import replace

from indicators.query import ViewFilters
from indicators.scope import Scope, ScopeDenied

TERRITORIAL = ("region", "departement")


def check_filters(scope: Scope, filters: ViewFilters | None, dep_region: dict[str, str]) -> None:
    """Raise ScopeDenied when the view names a région (or a département of a région) outside the scope."""
    if filters is None:
        return
    scope.check_region(filters.region)
    if filters.departement:
        scope.check_region(dep_region.get(filters.departement, f"?{filters.departement}"))


def pinned_filters(scope: Scope, filters: ViewFilters | None, dep_region: dict[str, str]) -> ViewFilters:
    """The filters of a view once checked against `scope` (ScopeDenied for another région), a regional
    person's territory-less view pinned to their région (files and API answers never carry the whole country)."""
    filters = filters or ViewFilters()
    check_filters(scope, filters, dep_region)
    if not (filters.region or filters.departement):
        home = scope.home_region(set(dep_region.values()))
        if home:
            filters = replace(filters, region=home)
    return filters


def allowed_key(scope: Scope, dim: str | None, key: str, dep_region: dict[str, str]) -> bool:
    """Whether a breakdown row keyed `key` on `dim` may be shown to this person."""
    if dim == "region":
        return scope.allows_region(key)
    if dim == "departement":
        return scope.allows_region(dep_region.get(key, f"?{key}"))
    return True


def restrict_result(scope: Scope, result, dep_region: dict[str, str]):
    """`result` (IndicatorResult) with only the breakdown rows the person may see."""
    dim = getattr(result, "breakdown_dim", None)
    rows = getattr(result, "breakdown", None)
    if not scope.restricted or dim not in TERRITORIAL or not rows:
        return result
    return replace(result, breakdown=[r for r in rows if allowed_key(scope, dim, r.key, dep_region)])


class ScopedEngine:
    """An `indicators.compute.Engine` seen through a Scope; every other attribute is the engine's own."""

    def __init__(self, engine, scope: Scope) -> None:
        self._engine = engine
        self.scope = scope

    def __getattr__(self, name: str):
        return getattr(self._engine, name)

    @property
    def unscoped(self):
        """The shared engine (caches are shared by everybody; scoping is applied on the way out)."""
        return self._engine

    def dep_region(self) -> dict[str, str]:
        return self._engine.territory().dep_region

    def check(self, filters: ViewFilters | None) -> None:
        check_filters(self.scope, filters, self.dep_region())

    def compute(self, indicator_id: str, as_of=None, filters: ViewFilters | None = None, breakdown: str | None = None,
                *args, **kwargs):
        self.check(filters)
        result = self._engine.compute(indicator_id, as_of, filters, breakdown, *args, **kwargs)
        return restrict_result(self.scope, result, self.dep_region())

    def compute_all(self, as_of=None, filters: ViewFilters | None = None, with_forecast: bool = False):
        return [self.compute(i.id, as_of, filters, with_forecast=with_forecast) for i in self.catalogue.indicators]


def scoped(engine, scope: Scope) -> ScopedEngine:
    """The engine for `scope` (idempotent: a ScopedEngine is re-scoped, never wrapped twice)."""
    if isinstance(engine, ScopedEngine):
        engine = engine.unscoped
    return ScopedEngine(engine, scope)


__all__ = ["ScopeDenied", "ScopedEngine", "allowed_key", "check_filters", "pinned_filters", "restrict_result", "scoped"]
