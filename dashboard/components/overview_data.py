"""Everything the overview shows, computed once per view: indicator results, objective roll-up, budget
totals and territorial gaps. Engine calls only (no SQL here); the engine caches per published file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dashboard.components.indicator_common import Availability, availability
from indicators.rollup import ObjectiveResult, rollup

GAP_THRESHOLD_POINTS = -10.0
BUDGET_IDS = ("BUD-01", "BUD-02", "BUD-04", "BUD-05")


@dataclass(frozen=True)
class TerritoryGap:
    """A territory behind the view's value (or the national one) by more than the threshold."""

    key: str
    gap_points: float  # ahead (+) / behind (−), in points: what the threshold compares
    gap: float | None = None  # the gap as shown, in `gap_unit` (indicators.fmt.gap)
    gap_unit: str = "progress_points"

    def text(self, lang: str) -> str:
        from indicators import fmt

        return fmt.gap(self.gap_points if self.gap is None else self.gap, self.gap_unit, lang)


@dataclass(frozen=True)
class BudgetTotals:
    envelope_eur: float | None  # None when envelopes are not broken down for the view (territory filter)
    committed_eur: float
    paid_eur: float


@dataclass
class OverviewData:
    as_of: date
    results: dict  # indicator id → IndicatorResult
    availability: dict[str, Availability]
    objectives: list[ObjectiveResult]
    gap_level: str | None  # "region", "departement" or None (the level of the territories compared)
    gaps: dict[str, list[TerritoryGap]] = field(default_factory=dict)
    view_gap: dict[str, float] = field(default_factory=dict)  # the filtered territory vs national, per indicator
    view_gap_shown: dict[str, TerritoryGap] = field(default_factory=dict)  # the same gap, as shown
    budget: BudgetTotals | None = None

    def available(self, indicator_id: str) -> bool:
        av = self.availability.get(indicator_id)
        return bool(av and av.available)


def gap_level(filters) -> str | None:
    """Compare régions in a national view, départements in a région view, nothing below."""
    if filters.departement:
        return None
    return "departement" if filters.region else "region"


def behind(rows, threshold: float = GAP_THRESHOLD_POINTS) -> list[TerritoryGap]:
    """Breakdown rows more than `threshold` points behind, worst first."""
    out = [TerritoryGap(r.key, r.gap_points, r.gap, r.gap_unit) for r in rows or []
           if r.gap_points is not None and r.gap_points < threshold]
    return sorted(out, key=lambda g: g.gap_points)


def budget_totals(engine, as_of: date, filters) -> BudgetTotals | None:
    """Envelope, committed and paid for the view (indicators.budget), cached with the engine's results."""
    try:
        from indicators.budget import budget_frame
    except ImportError:  # the budget table is optional: the strip then relies on the indicators alone
        return None

    def compute() -> BudgetTotals:
        frame = budget_frame(engine.db, as_of, filters)
        envelope = None if (filters.region or filters.departement) else float(frame["envelope_eur"].sum())
        return BudgetTotals(envelope, float(frame["committed_eur"].sum()), float(frame["paid_eur"].sum()))

    # the engine's cache is dropped when a new warehouse is published, which is what this total needs
    return engine.cached(("dashboard.overview.budget", as_of, filters.key()), compute)


def compute_results(engine, as_of: date, filters) -> tuple[dict, dict[str, Availability]]:
    """Every indicator of the catalogue for the view (no forecast), and whether the view can show it."""
    results, avail = {}, {}
    for ind in engine.catalogue.indicators:
        av = availability(ind, None, filters)
        result = engine.compute(ind.id, as_of, filters, with_forecast=False) if av.available else None
        avail[ind.id] = availability(ind, result, filters) if av.available else av
        results[ind.id] = result
    return results, avail


def build_overview(engine, as_of: date | None, filters) -> OverviewData:
    """Compute every indicator for the view (no forecast: the overview must be fast)."""
    as_of_d = as_of or engine.latest_month()
    catalogue = engine.catalogue
    results, avail = compute_results(engine, as_of_d, filters)
    usable = {i: r for i, r in results.items() if r is not None and avail[i].available}
    data = OverviewData(as_of_d, results, avail, rollup(catalogue, usable), gap_level(filters))
    for ind in catalogue.indicators:
        r = usable.get(ind.id)
        if r is None:
            continue
        if r.gap_points is not None and filters.territorial:
            data.view_gap[ind.id] = r.gap_points
            data.view_gap_shown[ind.id] = TerritoryGap("", r.gap_points, r.gap, r.gap_unit)
        if data.gap_level and data.gap_level in ind.dimensions:
            wide = engine.compute(ind.id, as_of_d, filters, breakdown=data.gap_level, with_forecast=False)
            found = behind(wide.breakdown)
            if found:
                data.gaps[ind.id] = found
    data.budget = budget_totals(engine, as_of_d, filters)
    return data
