"""Assemble an IndicatorResult: series, targets, status, breakdown, national gap, forecast, freshness."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import func, literal_column, select

from etl.status import expected_next
from indicators import completeness, fmt
from indicators.forecast import forecast
from indicators.labels import dimension_labels
from indicators.model import Indicator
from indicators.periods import as_float, month_end, month_start, series_total
from indicators.query import NotApplicable, ViewFilters
from indicators.series_periods import hole_before, last_valid, previous_point, resample
from indicators.status import assess, deadline_reason, milestone_state, past_deadline, reason, target_at
from indicators.tables import FACTS, source_file
from indicators.territory import TargetNote, is_additive, target_factor
from indicators.types import BreakdownRow, FreshnessView, IndicatorResult, MilestoneView, Point

if TYPE_CHECKING:
    from indicators.compute import Engine


def _trajectory(ind: Indicator, factor: float | None) -> list[tuple[date, float]] | None:
    """Baseline then target milestones, scaled for the scope; None without a target (reference levels only)."""
    if factor is None or not ind.target.has_target:
        return None
    b, targets = ind.baseline, ind.target.targets
    if is_additive(ind):
        return [(b.date, b.value * factor)] + [(m.date, m.value * factor) for m in targets]
    return [(b.date, b.value)] + [(m.date, b.value + (m.value - b.value) * factor) for m in targets]


def _points(ind: Indicator, s: pd.Series, traj, as_of: date, grain: str) -> list[Point]:
    return [_point(ind, ts.date(), v, traj, as_of, grain) for ts, v in s.items()]


def _point(ind: Indicator, start: date, v, traj, as_of: date, grain: str) -> Point:
    """The value of the period starting at `start` against the trajectory (target, progress, status)."""
    if grain == "month":
        end = month_end(start)
    elif grain == "quarter":
        end = month_end(date(start.year, start.month + 2, 1))
    else:
        end = date(start.year, 12, 31)
    end = min(end, month_end(as_of))
    value = as_float(v)
    target = target_at(traj, end) if traj else None
    a = assess(value, traj[0][1], target, traj[-1][1], ind.status.on_track, ind.status.watch) if traj else \
        assess(value, 0, None, 0, 1, 0.5)
    return Point(start, end, value, target, a.progress, a.progress_raw, a.expected, a.status)


def _data_end(engine: Engine, ind: Indicator, as_of: date) -> date:
    """Last month with data among the indicator's leaf tables (≤ as_of): later months are unknown, not zero."""
    def q():
        ends = []
        for leaf in ind.measure.leaves():
            if leaf.date in ("year", "reference_year"):
                continue
            months = _months_with_data(engine, leaf.table, leaf.date)
            i = bisect_right(months, as_of)
            if i:
                ends.append(months[i - 1])
        return min(ends) if ends else as_of
    return engine.cached(("data_end", ind.id, as_of), q)


def _months_with_data(engine: Engine, table: str, column: str) -> list[date]:
    """The months (first days, sorted) in which `table.column` has rows: one query per column and publish."""
    def q():
        col = FACTS[table].c[column]
        found = engine.db.rows(select(func.date_trunc(literal_column("'month'"), col)).where(col.is_not(None))
                               .distinct())
        return sorted({pd.Timestamp(m).date() for (m,) in found})
    return engine.cached(("data-months", table, column), q)


def _freshness(engine: Engine, ind: Indicator) -> FreshnessView:
    def q():
        return engine.db.rows(select(func.max(source_file.c.period_max)).where(
            source_file.c.source.in_(list(ind.sources)), source_file.c.superseded_by.is_(None)))[0][0]
    last = engine.cached(("fresh", ind.id), q)
    nxt = expected_next(last, ind.freshness.periodicity, ind.freshness.delay_days) if last else None
    return FreshnessView(last, nxt, bool(nxt is None or nxt < engine.today))


def _series(engine: Engine, ind: Indicator, as_of: date, view: ViewFilters, breakdown: str | None):
    frame = engine.evaluate(ind.measure, as_of, view, breakdown)
    end = pd.Timestamp(_data_end(engine, ind, as_of))
    frame = frame.copy()
    frame.loc[frame.index > end] = float("nan")
    return frame


def build_result(engine: Engine, ind: Indicator, as_of: date, view: ViewFilters, grain: str,
                 with_forecast: bool) -> IndicatorResult:
    ref = engine.territory()
    flow = ind.measure.flow
    factor, note = target_factor(ind, ref, view.region, view.departement, view.couloir)
    if (view.dispositif or view.vague) and is_additive(ind):
        factor, note = None, TargetNote.of("no_part_target")
    traj = _trajectory(ind, factor)
    fresh = _freshness(engine, ind)
    try:
        _check_declared(ind, view)
        frame = _series(engine, ind, as_of, view, None)
    except NotApplicable as e:
        return IndicatorResult(ind, as_of, view, grain, [], None, "no_data",
                               f"Indicateur non disponible pour ce filtre : {e}.",
                               f"Indicator not available for this filter: {e.text('en')}.", None, None, factor,
                               note.text("fr"), [], fresh, not_applicable=str(e), target_note_en=note.text("en"))
    monthly = series_total(frame)
    carried = completeness.carried_months(engine, ind, as_of)
    points = _mark_carried(_points(ind, resample(monthly, grain, flow), traj, as_of, grain), carried)
    current = last_valid(points)
    prev = previous_point(points, current)
    data_month = month_start(_data_end(engine, ind, as_of))
    complete = completeness.assess(engine, ind, as_of, view, data_month, grain, flow)
    final_date, final_value = ind.target.final.date, (traj[-1][1] if traj else ind.target.final.value)
    if current is not None and traj:
        a = assess(current.value, traj[0][1], current.target, final_value, ind.status.on_track, ind.status.watch)
        status = a.status
        words = {"value": current.value, "baseline": traj[0][1], "direction": ind.direction}
        reason_fr = reason(a, final_value, final_date, current.period_end, ind.unit, "fr", **words)
        reason_en = reason(a, final_value, final_date, current.period_end, ind.unit, "en", **words)
    else:
        status = "no_data" if current is None else "no_target"
        a = assess(None if current is None else current.value, 0, None, 0, 1, 0.5)
        reason_fr = reason(a, final_value, final_date, month_end(as_of), ind.unit, "fr")
        reason_en = reason(a, final_value, final_date, month_end(as_of), ind.unit, "en")
        if current is not None and not ind.target.has_target:
            reason_fr, reason_en = (reference_reason(ind, lang) for lang in ("fr", "en"))
    if complete is not None and not complete.complete:  # a colour would mislead: say what is missing
        at = next((p for p in points if p.period <= data_month <= p.period_end), current)
        current = None if at is None else replace(at, status="incomplete")
        prev = previous_point(points, current) if current and current.value is not None else None
        status, reason_fr, reason_en = "incomplete", complete.sentence("fr"), complete.sentence("en")
    trend = (current.value - prev.value) if current and prev and current.value is not None else None
    trend_missing = trend is None and hole_before(points, current)
    trend_pct = (trend / abs(prev.value)) if trend is not None and prev and prev.value else None

    milestones = []
    monthly_points = {p.period: p for p in (points if grain == "month" else _points(ind, monthly, traj, as_of, "month"))}
    for i, m in enumerate(ind.target.targets):  # reference levels are not milestones to reach or miss
        m_value = m.value * factor if (traj and is_additive(ind) and factor is not None) else (
            traj[i + 1][1] if traj else m.value)
        at = monthly_points.get(month_start(min(m.date, month_end(as_of))))
        actual = at.value if at else None
        milestones.append(MilestoneView(m.date, m_value, m.label.fr if m.label else None,
                                        m.label.en if m.label else None,
                                        milestone_state(actual, m_value, m.date, month_end(as_of), ind.direction),
                                        actual))
    if milestones and current is not None and status in ("on_track", "watch", "off_track") and \
            month_end(as_of) >= final_date and milestones[-1].state == "missed":
        last = milestones[-1]  # the final target, missed at its date: no trajectory tolerance any more
        status = past_deadline(status, last.actual, current.value, last.value, ind.direction)
        current = replace(current, status=status)
        reason_fr, reason_en = (deadline_reason(last.actual, current.value, last.value, final_date, ind.unit,
                                                ind.direction, lang) for lang in ("fr", "en"))
    result = IndicatorResult(ind, as_of, view, grain, points, current, status, reason_fr, reason_en, trend,
                             trend_pct, factor, note.text("fr"), milestones, fresh,
                             target_note_en=note.text("en"), completeness=complete, trend_missing=trend_missing)

    if view.territorial:  # the same view without its territory: couloir, dispositif and vague filters kept
        national = engine.compute(ind.id, as_of, replace(view, region=None, departement=None), None, grain,
                                  with_forecast=False)
        result.national = national.current
        result.gap_points = _gap(ind, current, national.current)
        result.gap, result.gap_unit = _shown_gap(ind, current, national.current, result.gap_points)

    if with_forecast and current is not None and traj and final_date > current.period_end:
        # published values only: a carried-forward stock never feeds the models (nor a season)
        observed = [(month_end(ts.date()), float(v)) for ts, v in monthly.items()
                    if pd.notna(v) and ts.date() not in carried]
        result.forecast = forecast(observed, final_value, final_date, ind.direction, unit=ind.unit, stock=not flow)
    return result


def reference_reason(ind: Indicator, lang: str) -> str:
    """The status sentence of an indicator with observed reference levels and no target."""
    ref = ind.target.final
    level = f"{fmt.value(ref.value, ind.unit, lang)} ({fmt.month(ref.date, lang)})"
    if lang == "fr":
        return f"Pas de cible publiée : le repère {level} est un niveau déjà constaté, montré pour comparaison."
    return f"No published target: the reference {level} is a level already observed, shown for comparison."


def _mark_carried(points: list[Point], carried: set[date]) -> list[Point]:
    """Points whose value is a stock carried from an earlier month say so (the table twin and exports show it)."""
    if not carried:
        return points
    return [replace(p, carried=True) if p.value is not None and month_start(p.period_end) in carried else p
            for p in points]


def with_breakdown(engine: Engine, base: IndicatorResult, breakdown: str) -> IndicatorResult:
    """`base` (the view's result, computed and cached once) with its rows by `breakdown`, as a copy."""
    ind = base.indicator
    if base.not_applicable or breakdown not in ind.dimensions:
        return base
    flow = ind.measure.flow
    try:
        rows = _breakdown(engine, ind, base.as_of, base.filters, breakdown, base.current, flow, base.grain)
    except NotApplicable:
        rows = None
    return replace(base, breakdown_dim=breakdown, breakdown=rows)


_FILTER_NEEDS = {"region": {"region", "departement"}, "departement": {"departement"}}


def _check_declared(ind: Indicator, view: ViewFilters) -> None:
    """A filter on a dimension the catalogue does not declare for the indicator is refused, even when the
    table has the column: e.g. envelope rates by région would divide regional commitments by the few
    territorialised envelopes."""
    for name, _ in view.items():
        if not set(ind.dimensions) & _FILTER_NEEDS.get(name, {name}):
            raise NotApplicable(f"« {name} » n'est pas une dimension déclarée de {ind.id}",
                                f"“{name}” is not a declared dimension of {ind.id}")


def _gap(ind: Indicator, here: Point | None, nation: Point | None) -> float | None:
    """How far ahead (+) or behind (−) the nation a scope is, whatever the direction: in points of value for a
    rate, of progress towards the target otherwise (the thresholds of the alerts compare this)."""
    if here is None or nation is None or here.value is None or nation.value is None:
        return None
    if ind.unit == "pct":
        return (here.value - nation.value) * (1 if ind.direction == "up" else -1)
    if here.progress_raw is None or nation.progress_raw is None:
        return None
    return (here.progress_raw - nation.progress_raw) * 100


def _shown_gap(ind: Indicator, here: Point | None, nation: Point | None, points: float | None):
    """The gap as a reader takes it: the difference of values in the indicator's unit (points of % for a rate,
    days for a lag) when a scope's value compares with the nation's; for a count or an amount (a part of the
    national total) the progress points. Returns (gap, gap unit for fmt.gap)."""
    if is_additive(ind):
        return points, "progress_points"
    if here is None or nation is None or here.value is None or nation.value is None:
        return None, ("pct_points" if ind.unit == "pct" else ind.unit)
    return here.value - nation.value, ("pct_points" if ind.unit == "pct" else ind.unit)


def _breakdown(engine: Engine, ind: Indicator, as_of: date, view: ViewFilters, dim: str, total: Point | None,
               flow: bool, grain: str) -> list[BreakdownRow]:
    frame = resample(_series(engine, ind, as_of, view, dim).astype(float), grain, flow)
    ref = engine.territory()
    labels = dimension_labels(engine, dim)
    data_month = month_start(_data_end(engine, ind, as_of))
    view_complete = completeness.assess(engine, ind, as_of, view, data_month, grain, flow)
    territories = (completeness.by_territory(engine, ind, as_of, view_complete, dim, [str(k) for k in frame.columns])
                   if view_complete is not None and dim in ("region", "departement") else {})
    values = frame.to_numpy(dtype=float)
    starts = [ts.date() for ts in frame.index]
    # the index of the view's period: a territory's row is that period's value or nothing
    at = next((i for i in range(len(starts) - 1, -1, -1) if starts[i] <= data_month), None) \
        if dim in ("region", "departement") and starts else None
    rows = []
    for j, key in enumerate(frame.columns):
        kw = {"region": view.region, "departement": view.departement, "couloir": view.couloir}
        if dim in ("region", "departement", "couloir"):
            kw[dim] = key
        if dim == "departement":
            kw["region"] = None
        factor, _ = target_factor(ind, ref, **kw)
        breaks_down_target = dim in ("dispositif", "vague", "editeur", "document_type")
        if is_additive(ind) and (breaks_down_target or view.dispositif or view.vague):
            factor = None  # no declared target for a part of a count or an amount
        traj = _trajectory(ind, factor)
        valid = np.flatnonzero(~np.isnan(values[:, j]))[-2:]  # a row needs its last two values only
        if at is not None and len(valid) and valid[-1] != at:  # a territory missing the view's period shows
            valid = valid[:0]  # no older value in its place
        pts = [_point(ind, starts[i], values[i, j], traj, as_of, grain) for i in valid]
        cur = last_valid(pts)
        prev = pts[0] if len(valid) == 2 and valid[1] == valid[0] + 1 else None  # not over a missing period
        final_value = traj[-1][1] if traj else ind.target.final.value
        a = assess(cur.value if cur else None, traj[0][1] if traj else 0, cur.target if cur else None,
                   final_value, ind.status.on_track, ind.status.watch) if traj else \
            assess(cur.value if cur else None, 0, None, 0, 1, 0.5)
        end = cur.period_end if cur else month_end(as_of)
        points = _gap(ind, cur, total)
        words = {"value": cur.value if cur else None, "baseline": traj[0][1] if traj else None,
                 "direction": ind.direction}
        why_fr = partial(reason, a, final_value, ind.target.final.date, end, ind.unit, "fr", **words)
        why_en = partial(reason, a, final_value, ind.target.final.date, end, ind.unit, "en", **words)
        row_complete = territories.get(str(key), view_complete)  # did this territory deliver?
        status = a.status
        if row_complete is not None and not row_complete.complete:
            status, why_fr, why_en = "incomplete", row_complete.sentence("fr"), row_complete.sentence("en")
        rows.append(BreakdownRow(
            str(key), labels.get(str(key), str(key)), cur.value if cur else None, cur.target if cur else None,
            a.progress, a.progress_raw, status, why_fr, why_en,
            points, (cur.value - prev.value) if cur and prev else None, *_shown_gap(ind, cur, total, points),
        ))
    rows.sort(key=lambda r: (r.value is None, -(r.progress_raw if r.progress_raw is not None else -1e9),
                             r.key))
    return rows
