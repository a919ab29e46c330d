"""Completeness before numbers: which months and territories a figure rests on, and which are missing.

A month in which a monthly source delivered nothing, between its first and its last delivery, is *missing*,
not zero: flows are NaN there (so a 12-month total over it is not computed) and stocks are carried forward,
marked as such. A figure's completeness is the months present over the months it needs, and the départements
that delivered for its month over those the source covers (every département that ever delivered to it).
Below the indicator's threshold (`completeness.min_territories`) the status is « données incomplètes ».
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
from sqlalchemy import func, literal_column, select

from etl.sources import CONTRACTS
from indicators import fmt
from indicators.model import CumulativeMeasure, Indicator, LastMeasure, RollingMeasure
from indicators.query import ViewFilters
from indicators.tables import FACTS

# Tables whose rows are monthly deliveries (one file per month): a month without rows is missing.
MONTHLY_TABLES = frozenset(c.table for c in CONTRACTS.values() if c.periodicity == "monthly" and c.period_column == "month")
# Of those, the ones with a row per département and month (the département is in the natural key): a département
# absent from a month others delivered did not deliver. Per-establishment tables (FINESS) are left out: there a
# département without a row may simply have had no activity that month.
TERRITORY_TABLES = frozenset(c.table for c in CONTRACTS.values()
                             if c.table in MONTHLY_TABLES and "departement_code" in c.natural_key)


@dataclass(frozen=True)
class Completeness:
    period: date | None  # the month assessed (first day)
    months_expected: int
    months_present: int
    missing_months: tuple[date, ...]  # months the figure needs and the sources did not deliver
    territories_reported: int | None  # départements of the view that delivered for `period` (None: not by territory)
    territories_expected: int | None
    threshold: float
    window_start: date | None = None  # the first month the value is made of
    partial_months: tuple[date, ...] = ()  # earlier months of the value too few départements delivered for

    @property
    def territory_share(self) -> float | None:
        if not self.territories_expected:
            return None
        return self.territories_reported / self.territories_expected

    @property
    def complete(self) -> bool:
        share = self.territory_share
        return not self.missing_months and not self.partial_months and (share is None or share >= self.threshold)

    def sentence(self, lang: str) -> str:
        """« Données incomplètes : … » naming what is missing, or '' when complete."""
        fr = lang == "fr"
        parts = []
        if self.missing_months:
            names = ", ".join(fmt.month(m, lang) for m in self.missing_months)
            n = len(self.missing_months)
            parts.append(f"{n} mois manquant{'s' if n > 1 else ''} ({names}), non comptés comme zéro" if fr else
                         f"{n} month{'s' if n > 1 else ''} missing ({names}), not counted as zero")
        if self.partial_months:
            names = ", ".join(fmt.month(m, lang) for m in self.partial_months)
            parts.append(f"des départements n'ont pas transmis pour {names} : le total les compterait comme zéro"
                         if fr else f"some départements did not deliver for {names}: the total would count them "
                         "as zero")
        share = self.territory_share
        if share is not None and share < self.threshold and self.period is not None:
            parts.append(f"{self.territories_reported} départements sur {self.territories_expected} ont transmis pour "
                         f"{fmt.month(self.period, lang)} (seuil {fmt.percent(self.threshold, lang)})" if fr else
                         f"{self.territories_reported} of {self.territories_expected} départements delivered for "
                         f"{fmt.month(self.period, lang)} (threshold {fmt.percent(self.threshold, lang)})")
        if not parts:
            return ""
        if fr:
            return "Données incomplètes\u00a0: " + "\u00a0; ".join(parts) + "."
        return "Incomplete data: " + "; ".join(parts) + "."

    def as_dict(self) -> dict:
        return {"period": self.period.isoformat()[:7] if self.period else None,
                "months_expected": self.months_expected, "months_present": self.months_present,
                "missing_months": [m.isoformat()[:7] for m in self.missing_months],
                "territories_reported": self.territories_reported, "territories_expected": self.territories_expected,
                "threshold": self.threshold, "complete": self.complete,
                "partial_months": [m.isoformat()[:7] for m in self.partial_months]}


def _month_starts(start: date, end: date) -> list[date]:
    return [ts.date() for ts in pd.date_range(start, end, freq="MS")]


def deliveries(engine, table: str) -> dict[date, frozenset[str]]:
    """Month → départements with rows in a monthly table (an empty set when the table has no département)."""
    def q():
        t = FACTS[table]
        month = func.date_trunc(literal_column("'month'"), t.c.month)
        has_dep = "departement_code" in t.c
        cols = [month, t.c.departement_code] if has_dep else [month]
        out: dict[date, set[str]] = {}
        for row in engine.db.rows(select(*cols).where(t.c.month.is_not(None)).distinct()):
            out.setdefault(pd.Timestamp(row[0]).date(), set()).update([row[1]] if has_dep and row[1] else [])
        return {m: frozenset(d) for m, d in out.items()}
    return engine._cached(("deliveries", table), q)


def gaps(engine, table: str, as_of: date) -> list[date]:
    """Months between a monthly table's first delivery and its last one up to `as_of` with no rows at all."""
    if table not in MONTHLY_TABLES:  # events (payments, orders): a month without rows is a month without events
        return []

    def q():
        delivered = sorted(m for m in deliveries(engine, table) if m <= as_of)
        present = set(delivered)
        return [m for m in _month_starts(delivered[0], delivered[-1]) if m not in present] if delivered else []
    return engine._cached(("gaps", table, as_of), q)


def territory_holes(engine, table: str, as_of: date, scope: frozenset[str]) -> list[date]:
    """Months up to `as_of` in which a monthly source delivered but none of the départements of `scope` did,
    from the first month one of them delivered: the scope's figure for those months is missing, not zero (a
    région whose ARS file did not come, while the others' did)."""
    if table not in TERRITORY_TABLES or not scope:
        return []

    def q():
        months = sorted((m, d) for m, d in deliveries(engine, table).items() if m <= as_of)
        if not any(d for _, d in months):  # the table has no département: nothing to say per territory
            return []
        mine = [m for m, d in months if d & scope]
        return [m for m, d in months if mine and m > mine[0] and not d & scope]
    return engine._cached(("territory-holes", table, as_of, scope), q)


def view_scope(engine, view: ViewFilters) -> frozenset[str] | None:
    """The départements of a territorial view (None: the whole country)."""
    if view.departement:
        return frozenset({view.departement})
    if view.region:
        return frozenset(engine.territory().departements_of(view.region))
    return None


def _covered(engine, table: str, as_of: date) -> frozenset[str]:
    """The départements a monthly source covers: every one that delivered at least once up to `as_of`."""
    months = deliveries(engine, table)
    return engine._cached(("covered", table, as_of),
                          lambda: frozenset().union(*(d for m, d in months.items() if m <= as_of)))


def by_territory(engine, ind: Indicator, as_of: date, view_complete: Completeness, dim: str,
                 keys: list[str]) -> dict[str, Completeness]:
    """Each région's or département's completeness for the view's month, in one pass (breakdown rows)."""
    ref = engine.territory()
    window_start = view_complete.window_start or view_complete.period
    sources = [(c, deliveries(engine, t).get(view_complete.period, frozenset()))
               for t in monthly_tables(ind.measure) if (c := _covered(engine, t, as_of))]
    out = {}
    for key in keys:
        scope = {key} if dim == "departement" else set(ref.departements_of(key))
        worst = None
        for covered, delivered in sources:
            mine = covered & scope
            if mine and (worst is None or len(delivered & mine) / len(mine) < worst[0] / worst[1]):
                worst = (len(delivered & mine), len(mine))
        holes = {m for t in monthly_tables(ind.measure) for m in territory_holes(engine, t, as_of, frozenset(scope))
                 if view_complete.period and m <= view_complete.period and m >= window_start}
        missing = tuple(sorted(set(view_complete.missing_months) | holes))
        out[key] = replace(view_complete, territories_reported=worst[0] if worst else None,
                           territories_expected=worst[1] if worst else None, missing_months=missing,
                           months_present=view_complete.months_expected - len(missing))
    return out


def monthly_tables(measure) -> list[str]:
    return sorted({leaf.table for leaf in measure.leaves() if leaf.date == "month" and leaf.table in MONTHLY_TABLES})


def carried_months(engine, ind: Indicator, as_of: date) -> set[date]:
    """Months whose value is a stock carried forward from an earlier delivery (a `last` leaf with no rows)."""
    tables = {leaf.table for leaf in ind.measure.leaves()
              if isinstance(leaf, LastMeasure) and leaf.date == "month" and leaf.table in MONTHLY_TABLES}
    return set().union(*(gaps(engine, t, as_of) for t in tables)) if tables else set()


def _window(ind: Indicator, period: date, grain: str, flow: bool) -> list[date]:
    """The months the value of `period` is made of."""
    measure = ind.measure
    if isinstance(measure, RollingMeasure):
        first = (pd.Timestamp(period) - pd.DateOffset(months=measure.months - 1)).date()
        return _month_starts(first, period)
    if isinstance(measure, CumulativeMeasure):
        return _month_starts(measure.start.replace(day=1) if measure.start else date(2021, 1, 1), period)
    if flow and grain in ("quarter", "year"):
        first = date(period.year, 1, 1) if grain == "year" else date(period.year, (period.month - 1) // 3 * 3 + 1, 1)
        return _month_starts(first, period)
    return [period]


def assess(engine, ind: Indicator, as_of: date, view: ViewFilters, period: date | None, grain: str,
           flow: bool) -> Completeness | None:
    """The completeness of the view's value for the month `period` (None: no monthly source behind it)."""
    tables = monthly_tables(ind.measure)
    if not tables or period is None:
        return None
    window = _window(ind, period, grain, flow)
    carried = carried_months(engine, ind, as_of)
    scope = view_scope(engine, view)
    holes = {m for t in tables for m in territory_holes(engine, t, as_of, scope) if m in window} if scope else set()
    missing = sorted({m for t in tables for m in gaps(engine, t, as_of) if m in window and m not in carried}
                     | ({period} & carried) | holes)
    reported = expected = None
    partial: set[date] = set()
    for t in tables:
        months = deliveries(engine, t)
        covered = _covered(engine, t, as_of)
        if not covered:
            continue
        covered = covered if scope is None else covered & scope
        if t in TERRITORY_TABLES and covered:  # earlier months of a total some départements did not deliver for
            partial |= {m for m in window if m != period and m not in missing
                        and 0 < len(months.get(m, frozenset()) & covered) < threshold_of(ind) * len(covered)}
        got = len(months.get(period, frozenset()) & covered)
        if expected is None or (covered and got / len(covered) < reported / max(expected, 1)):
            reported, expected = got, len(covered)
    return Completeness(period, len(window), len(window) - len([m for m in missing if m in window]),
                        tuple(missing), reported, expected, threshold_of(ind), window[0], tuple(sorted(partial)))


def threshold_of(ind: Indicator) -> float:
    """The share of départements a month needs to count as delivered (the indicator's, else 90 %)."""
    return ind.completeness.min_territories if ind.completeness else 0.9
