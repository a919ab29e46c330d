"""The engine: one entry point for the dashboard, the exports and the CLI.

`Engine.compute(indicator_id, as_of, filters, breakdown)` evaluates an indicator's measure over the
warehouse month by month up to `as_of` (later periods are invisible, so a past committee's figures can
be recomputed), and joins the target trajectory, progress, status, trend, territorial gaps, forecast
and freshness.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from etl.sources import CONTRACTS
from etl.status import expected_next
from indicators import fmt
from indicators.catalog import load_catalogue
from indicators.completeness import MONTHLY_TABLES, gaps, territory_holes, view_scope
from indicators.db import Warehouse
from indicators.forecast import forecast
from indicators.lru import MISSING, LruCache
from indicators.model import (
    CountDistinctMeasure,
    CumulativeMeasure,
    DifferenceMeasure,
    RatioMeasure,
    RollingMeasure,
)
from indicators.periods import as_float, month_end, month_start, parse_month, series_total
from indicators.query import NotApplicable, ViewFilters, cube_rows, first_seen_select, leaf_select, supports
from indicators.result import build_result, with_breakdown
from indicators.status import Assessment, assess, milestone_state, reason, target_at, trajectory_points
from indicators.tables import dim_departement, source_file
from indicators.territory import TerritoryRef, target_factor
from indicators.types import BreakdownRow, FreshnessView, IndicatorResult, MilestoneView, Point

PROGRAMME_START = date(2021, 1, 1)
# Computed pieces kept per published file (leaf rows and frames, results): ≈ 20–40 per view, so a few hundred
# views; the least recently used go first (indicators/lru.py).
ENGINE_CACHE_ENTRIES = 10_000


class Engine:
    """Computes indicators from a catalogue over a warehouse; caches leaf queries per published version."""

    def __init__(self, warehouse, catalogue=None, today: date | None = None) -> None:
        """`warehouse`: a path to the DuckDB file, or a shared `indicators.db.Warehouse` reader."""
        self.db = warehouse if isinstance(warehouse, Warehouse) else Warehouse(warehouse)
        self.catalogue = catalogue or load_catalogue()
        self.today = today or date.today()
        self._cache = LruCache(ENGINE_CACHE_ENTRIES)
        self._cache_version = None
        self._cache_lock = threading.Lock()
        self._territory: TerritoryRef | None = None
        self.cubes = True  # leaves with a per-publish cube (BUD-04's money at risk) read it: query.cube_rows

    # -- warehouse helpers ------------------------------------------------------------------------

    def cached(self, key, fn):
        """`fn()` computed once per published warehouse and kept under `key` (a tuple; the engine's own keys
        are namespaced by their first element): the public way for pages and reports to memoise a figure
        that must be dropped with the file it was computed from."""
        version = self.db.require_version()
        with self._cache_lock:
            if self._cache_version != version:
                self._cache.clear()
                self._cache_version = version
                self._territory = None
            value = self._cache.get(key)
        if value is not MISSING:
            return value
        value = fn()
        with self._cache_lock:
            if self._cache_version == version:  # not a value of a file replaced meanwhile
                self._cache.put(key, value)
        return value

    _cached = cached  # the name the engine's own modules used before it was public

    def territory(self) -> TerritoryRef:
        self.cached(("territory-version",), lambda: None)  # drops a stale TerritoryRef after a publish
        if self._territory is None:
            rows = self.db.rows(select(dim_departement.c.departement_code, dim_departement.c.region_code,
                                       dim_departement.c.label, dim_departement.c.population_k))
            self._territory = TerritoryRef.from_rows(rows, self.db)
        return self._territory

    def latest_month(self) -> date:
        """The default as-of month: the last monthly period loaded, not after today."""
        def q():
            monthly = [c.name for c in CONTRACTS.values() if c.periodicity == "monthly" and c.period_column == "month"]
            row = self.db.rows(select(func.max(source_file.c.period_max))
                               .where(source_file.c.source.in_(monthly), source_file.c.superseded_by.is_(None)))
            return row[0][0]
        last = self.cached(("latest_month",), q)
        if last is None:
            return month_start(self.today)
        return month_start(min(last, self.today))

    def months(self) -> list[date]:
        """Every month with data, for the as-of selector."""
        last = self.latest_month()
        out, d = [], PROGRAMME_START
        while d <= last:
            out.append(d)
            d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        return out

    # -- measure evaluation -----------------------------------------------------------------------

    def _leaf(self, measure, as_of: date, view: ViewFilters, breakdown: str | None,
              first_seen_from: date | None | bool = False) -> pd.DataFrame:
        # A territory is one column of the breakdown by territory: one query serves all of them.
        if breakdown is None and (view.region or view.departement) and not (view.region and view.departement):
            dim, code = ("departement", view.departement) if view.departement else ("region", view.region)
            if supports(measure.table, dim):
                wide = self._leaf(measure, as_of, replace(view, region=None, departement=None), dim,
                                  first_seen_from)
                col = wide[code] if code in wide else pd.Series(
                    np.nan if measure.empty_month != "zero" else 0.0, index=wide.index)
                return col.to_frame("_total")
        # The départements of a région are columns of the national breakdown by département: one query serves
        # every région's view (the overview compares a région's départements).
        if breakdown == "departement" and view.region and not view.departement and supports(measure.table, breakdown):
            wide = self._leaf(measure, as_of, replace(view, region=None), breakdown, first_seen_from)
            return wide.loc[:, wide.columns.isin(self.territory().departements_of(view.region))]
        # One query per leaf and view, at the latest month: an earlier as-of month keeps the rows up to it.
        # Exact, since every leaf groups by month over rows dated up to the as-of month (first-seen months
        # included: a value first seen after `as_of` is simply dropped).
        full_as_of = max(as_of, self.latest_month())

        def query() -> pd.DataFrame:
            if first_seen_from is not False:
                stmt = first_seen_select(measure, month_end(full_as_of), view, breakdown, first_seen_from or None)
            else:
                stmt = leaf_select(measure, month_end(full_as_of), view, breakdown)  # refuses unknown dimensions
                shared = cube_rows(self.db, measure, month_end(full_as_of), view, breakdown) if self.cubes else None
                if shared is not None:  # every view from one cube per publish
                    return self._typed(shared)
            return self._typed(self.db.frame(stmt))

        shape = (measure.model_dump_json(), view.key(), breakdown, first_seen_from)
        rows = self.cached(("leaf-rows", *shape, full_as_of), query)
        full = self.cached(("leaf", *shape, full_as_of), lambda: self._leaf_frame(measure, rows, full_as_of))
        if as_of == full_as_of:
            return full
        first = self.cached(("leaf-first", *shape, full_as_of), lambda: self._first_periods(rows))
        return self.cached(("leaf", *shape, as_of), lambda: self._truncated(full, first, as_of))

    @staticmethod
    def _first_periods(rows: pd.DataFrame) -> pd.Series:
        """The first period of each breakdown key (of `_total` without a breakdown) among a leaf's rows."""
        if "key" in rows:
            return rows.groupby("key", sort=False)["period"].min()
        return pd.Series([rows["period"].min()] if len(rows) else [], index=["_total"] if len(rows) else [],
                         dtype="datetime64[ns]")

    @staticmethod
    def _truncated(full: pd.DataFrame, first: pd.Series, as_of: date) -> pd.DataFrame:
        """`_leaf_frame(measure, rows, as_of)` cut from the frame at a later month: the same months, and only
        the keys that have rows up to `as_of` (a later key is not a column of zeros before it appears)."""
        months = max(0, (as_of.year - PROGRAMME_START.year) * 12 + as_of.month - PROGRAMME_START.month + 1)
        present = first.index[first <= pd.Timestamp(as_of)]
        if present.empty:
            return pd.DataFrame(index=full.index[:months], dtype=float)
        out = full.iloc[:months]
        return out.loc[:, out.columns.isin(present)]

    @staticmethod
    def _typed(df: pd.DataFrame) -> pd.DataFrame:
        df["period"] = pd.to_datetime(df["period"])
        df["value"] = df["value"].astype(float)
        return df

    @staticmethod
    def _leaf_frame(measure, rows: pd.DataFrame, as_of: date) -> pd.DataFrame:
        """The monthly frame of a leaf up to `as_of` from its rows (columns: breakdown keys, or `_total`)."""
        idx = pd.DatetimeIndex(pd.date_range(PROGRAMME_START, as_of, freq="MS"))
        df = rows[rows["period"] <= pd.Timestamp(as_of)]
        if df.empty:
            return pd.DataFrame(index=idx, dtype=float)
        if "key" in df:
            wide = df.pivot(index="period", columns="key", values="value")
        else:
            wide = df.set_index("period")[["value"]].rename(columns={"value": "_total"})
        if measure.empty_month == "carry":  # a stock holds until the next value
            return wide.reindex(idx.union(wide.index)).sort_index().ffill().reindex(idx)
        wide = wide.reindex(idx)
        return wide if measure.empty_month == "missing" else wide.fillna(0.0)

    def evaluate(self, measure, as_of: date, view: ViewFilters, breakdown: str | None = None) -> pd.DataFrame:
        """Monthly values (rows: months from the programme start to as_of; columns: breakdown keys)."""
        if measure.leaf:
            lacking = [t for t in measure.requires if t not in self.cached(("tables",), self.db.tables)]
            if lacking:
                raise NotApplicable(f"l'entrepôt a été publié sans la table {', '.join(lacking)} : le recharger "
                                    "(python -m etl load)", f"the warehouse was published without the "
                                    f"{', '.join(lacking)} table: reload it (python -m etl load)")
            frame = self._leaf(measure, as_of, view, breakdown)
            if measure.empty_month != "zero" or measure.date != "month":
                return frame
            frame = without_missing_months(self, measure.table, frame, as_of)  # missing, not zero
            return without_territory_holes(self, measure.table, frame, as_of, view, breakdown)
        if isinstance(measure, RatioMeasure):
            num = self.evaluate(measure.numerator, as_of, view, breakdown)
            den = self.evaluate(measure.denominator, as_of, view, breakdown)
            num, den = num.align(den, join="outer")
            return num.div(den.where(den != 0)) * measure.scale
        if isinstance(measure, CumulativeMeasure) and isinstance(measure.of, CountDistinctMeasure):
            # distinct over [start, end of month], not a sum of monthly distinct counts
            new = self._leaf(measure.of, as_of, view, breakdown, first_seen_from=measure.start)
            return new.fillna(0.0).cumsum()
        if isinstance(measure, CumulativeMeasure):
            of = self.evaluate(measure.of, as_of, view, breakdown)
            if measure.start:
                of = of[of.index >= pd.Timestamp(month_start(measure.start))]
            return of.fillna(0.0).cumsum().reindex(pd.date_range(PROGRAMME_START, as_of, freq="MS"))
        if isinstance(measure, RollingMeasure):
            of = self.evaluate(measure.of, as_of, view, breakdown)
            return of.rolling(measure.months, min_periods=measure.months).sum()  # not over a missing month
        if isinstance(measure, DifferenceMeasure):
            left = self.evaluate(measure.left, as_of, view, breakdown)
            right = self.evaluate(measure.right, as_of, view, breakdown)
            # a key absent from one side is a zero there; a missing month inside a side stays missing
            only_left, only_right = left.columns.difference(right.columns), right.columns.difference(left.columns)
            left, right = left.align(right, join="outer")
            left[only_right], right[only_left] = 0.0, 0.0
            return left - right
        raise TypeError(f"unknown measure kind {measure.kind}")

    # -- the entry point --------------------------------------------------------------------------

    def compute(self, indicator_id: str, as_of: str | date | None = None, filters: ViewFilters | None = None,
                breakdown: str | None = None, grain: str = "month", with_forecast: bool = True) -> IndicatorResult:
        ind = self.catalogue.indicator(indicator_id)
        as_of_m = parse_month(as_of) or self.latest_month()
        view = filters or ViewFilters()
        if grain not in ind.grains:  # e.g. envelope-based budget rates are yearly
            grain = ind.grains[0]

        key = ("result", ind.id, as_of_m, view.key(), breakdown, grain, with_forecast)
        if breakdown:  # the view's own result is computed once, whatever breakdowns are asked of it
            base = self.compute(indicator_id, as_of_m, view, None, grain, with_forecast)
            return self.cached(key, lambda: with_breakdown(self, base, breakdown))
        return self.cached(key, lambda: build_result(self, ind, as_of_m, view, grain, with_forecast))

    def compute_all(self, as_of=None, filters: ViewFilters | None = None, with_forecast: bool = False):
        return [self.compute(i.id, as_of, filters, with_forecast=with_forecast) for i in self.catalogue.indicators]


def without_missing_months(engine: Engine, table: str, frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """A flow leaf's frame with NaN on the months its monthly source did not deliver (indicators/completeness.py)."""
    missing = gaps(engine, table, as_of) if not frame.empty else []
    if not missing:
        return frame
    out = frame.copy()
    out.loc[out.index.isin(pd.DatetimeIndex(missing))] = np.nan
    return out


def without_territory_holes(engine: Engine, table: str, frame: pd.DataFrame, as_of: date, view: ViewFilters,
                            breakdown: str | None) -> pd.DataFrame:
    """A flow leaf's frame with NaN where a territory (the view's, or a région or département column) did not
    deliver in a month its source delivered for others (completeness.territory_holes): missing, not zero."""
    if frame.empty or table not in MONTHLY_TABLES:
        return frame
    ref, view_deps = engine.territory(), view_scope(engine, view)
    out = None
    for col in frame.columns:
        if breakdown == "region":
            scope = frozenset(ref.departements_of(str(col)))
        elif breakdown == "departement":
            scope = frozenset({str(col)})
        else:
            scope = view_deps
        if scope is not None and view_deps is not None:
            scope = scope & view_deps
        holes = territory_holes(engine, table, as_of, scope) if scope else []
        if holes:
            out = frame.copy() if out is None else out
            out.loc[out.index.isin(pd.DatetimeIndex(holes)), col] = np.nan
    return frame if out is None else out


__all__ = ["Assessment", "BreakdownRow", "Engine", "FreshnessView", "IndicatorResult", "MilestoneView",
           "NotApplicable", "Point", "ViewFilters", "as_float", "assess", "expected_next", "fmt", "forecast",
           "month_end", "month_start", "parse_month", "series_total",
           "milestone_state", "reason", "target_at", "target_factor", "trajectory_points"]
