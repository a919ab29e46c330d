"""Everything a committee pack shows for one view (as-of month, région, language): pure data, no rendering.

`gather(engine, meta, …)` asks the engine for every figure (a pack never computes an indicator itself)
and returns a `PackData` that the PDF and PPTX writers only lay out: text is already in the pack's
language, numbers already formatted by `indicators.fmt`. The snapshot, the changes, the comments and the
decisions are passed in (meta-like object, `Change`-like objects or dicts, plain dicts), so a pack can
be built from a live engine and hand-made inputs as well as from a frozen committee snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from indicators import fmt
from indicators.at_risk import at_risk_indicator
from indicators.budget import budget_frame
from indicators.compute import Engine, IndicatorResult, Point, parse_month
from indicators.query import ViewFilters
from indicators.rollup import rollup
from indicators.territory import is_additive
from reports.pack_sections import (
    BudgetSection,
    ChangeLine,
    Comment,
    DecisionLine,
    Scorecard,
    Status,
    Territories,
    budget_section,
    change_lines,
    comment_views,
    decision_lines,
    labels,
    scorecard_section,
    signed,
    status_of,
    territories_section,
    texts,
)
from texts import render, status_icon

TERRITORY_INDICATOR = "CIT-02"
SCORECARD_INDICATOR = "USE-02"


@dataclass(frozen=True)
class Row:
    """One indicator in a table: its figures, formatted, and why it has its status."""

    id: str
    label: str
    unit: str
    period: str
    value: float | None
    value_text: str
    target_text: str
    final_text: str
    progress_text: str
    status: Status
    trend_text: str
    reason: str
    forecast: str
    national_text: str = ""
    gap_text: str = ""
    available: bool = True


@dataclass(frozen=True)
class Trajectory:
    """The data of one small chart: actual values, the target trajectory, the forecast (and the nation)."""

    id: str
    title: str
    unit: str
    x: list[date]
    actual: list[float | None]
    target_x: list[date]
    target_y: list[float]
    forecast_x: list[date] = field(default_factory=list)
    forecast_mid: list[float] = field(default_factory=list)
    forecast_low: list[float] = field(default_factory=list)
    forecast_high: list[float] = field(default_factory=list)
    national_y: list[float | None] = field(default_factory=list)
    table: list[tuple[str, str, str]] = field(default_factory=list)  # (period, value, target) at key dates


@dataclass(frozen=True)
class ObjectiveRollupRow:
    id: str
    label: str
    progress: float | None
    progress_text: str
    status: Status
    counts_text: str


@dataclass
class ObjectiveSection:
    id: str
    label: str
    description: str
    rollup: ObjectiveRollupRow
    rows: list[Row]
    trajectories: list[Trajectory]
    comments: list[Comment]
    summary: str


@dataclass(frozen=True)
class PackMeta:
    title: str
    committee_label: str
    snapshot_id: str
    as_of: date
    as_of_text: str
    created_text: str
    author: str
    generated_text: str
    scope_text: str
    region: str | None
    region_label: str | None
    lang: str


@dataclass
class PackData:
    meta: PackMeta
    text: dict[str, str]
    objectives_rollup: list[ObjectiveRollupRow]
    indicators: list[Row]
    objectives: list[ObjectiveSection]
    budget: BudgetSection
    scorecard: Scorecard
    territories: Territories
    changes: list[ChangeLine] = field(default_factory=list)
    changes_more: int = 0
    decisions: list[DecisionLine] = field(default_factory=list)


def period_text(p: Point | None, grain: str, lang: str) -> str:
    if p is None:
        return "—"
    if grain == "year":
        return str(p.period.year)
    if grain == "quarter":
        return f"{'T' if lang == 'fr' else 'Q'}{(p.period.month - 1) // 3 + 1} {p.period.year}"
    return fmt.month(p.period, lang)


def indicator_row(r: IndicatorResult, lang: str, tx: dict[str, str]) -> Row:
    ind, cur, unit = r.indicator, r.current, r.indicator.unit
    final = r.milestones[-1].value if r.milestones else ind.target.final.value
    forecast = ""
    if r.forecast is not None and r.forecast.method != "insufficient_data":
        forecast = r.forecast.message_fr if lang == "fr" else r.forecast.message_en
    national = gap = ""
    if r.filters.items():
        national = fmt.value(r.national.value if r.national else None, unit, lang)
        if r.gap_points is not None:
            gap = fmt.gap(r.gap_points if r.gap is None else r.gap, r.gap_unit, lang)
    reason = r.reason_fr if lang == "fr" else r.reason_en
    return Row(ind.id, r.label(lang), unit, period_text(cur, r.grain, lang), cur.value if cur else None,
               fmt.value(cur.value if cur else None, unit, lang) if r.not_applicable is None else tx["na"],
               fmt.value(cur.target if cur else None, unit, lang),
               f"{fmt.value(final, unit, lang)} ({fmt.month(ind.target.final.date, lang)})"
               + ("" if ind.target.has_target else f" — {tx['reference_level']}"),
               fmt.percent(cur.progress if cur else None, lang), status_of(r.status, tx),
               signed(r.trend, unit, lang), reason, forecast, national, gap, r.not_applicable is None)


def _key_points(points: list[Point], current: Point | None) -> list[Point]:
    """The last three year-ends before the current period, and the current period."""
    if current is None:
        return []
    ends = [p for p in points if p.value is not None and p.period_end.month == 12 and p.period < current.period]
    return [*ends[-3:], current]


def trajectory(r: IndicatorResult, national: IndicatorResult | None, lang: str) -> Trajectory:
    ind, unit = r.indicator, r.indicator.unit
    valid = [p for p in r.series if p.value is not None]
    start = valid[0].period if valid else ind.baseline.date
    shown = [p for p in r.series if p.period >= start]
    base = ind.baseline.value * (r.target_factor or 0.0) if is_additive(ind) else ind.baseline.value
    target = ([(ind.baseline.date, base)] + [(m.date, m.value) for m in r.milestones]
              if r.target_factor is not None else [])
    t = Trajectory(ind.id, f"{ind.id} {r.label(lang)}", unit, [p.period_end for p in shown],
                   [p.value for p in shown], [d for d, _ in target], [v for _, v in target])
    f = r.forecast
    if f is not None and f.path:  # up to the final target date: the chart is about reaching it
        path = [step for step in f.path if step[0] <= ind.target.final.date] or f.path[:1]
        t.forecast_x.extend(d for d, *_ in path)
        t.forecast_mid.extend(v for _, v, _, _ in path)
        t.forecast_low.extend(lo for _, _, lo, _ in path)
        t.forecast_high.extend(hi for *_, hi in path)
    if national is not None and not is_additive(ind):
        by_period = {p.period: p.value for p in national.series}
        t.national_y.extend(by_period.get(p.period) for p in shown)
    t.table.extend((period_text(p, r.grain, lang), fmt.value(p.value, unit, lang), fmt.value(p.target, unit, lang))
                   for p in _key_points(r.series, r.current))
    return t


def _counts(counts: dict[str, int], tx: dict[str, str]) -> str:
    order = ("on_track", "watch", "off_track", "incomplete", "no_target", "no_data")
    return " · ".join(f"{counts[k]} {status_icon(k)} {tx['status.' + k].lower()}" for k in order if counts.get(k))


def _meta(meta, engine: Engine, as_of: date, region: str | None, lang: str, tx: dict[str, str]) -> PackMeta:
    created = getattr(meta, "created_at", None)
    region_label = None
    if region:
        labels = engine.territory().region_label_fr if lang == "fr" else engine.territory().region_label_en
        region_label = labels.get(region, region)
    title = f"{tx['regional_title']} — {region_label}" if region else tx["pack_title"]
    when = created.date() if isinstance(created, datetime) else created
    return PackMeta(title, getattr(meta, "label", None) or tx["pack_title"], getattr(meta, "id", None) or "—",
                    as_of, fmt.month(as_of, lang), fmt.day(when, lang) if when else "—",
                    getattr(meta, "created_by", None) or getattr(meta, "author", None) or "—",
                    fmt.day(date.today(), lang), f"{region} {region_label}" if region else tx["national_scope"],
                    region, region_label, lang)


def gather(engine: Engine, meta=None, as_of: str | date | None = None, region: str | None = None,
           lang: str = "fr", changes=None, comments=None, decisions=None,
           territory_indicator: str = TERRITORY_INDICATOR) -> PackData:
    """The pack of one view: national (`region` None) or a région's fiche territoriale.

    `meta`: anything with `label`, `id`, `as_of`, `created_at` (and `created_by`), e.g. a SnapshotMeta;
    `as_of` defaults to `meta.as_of`, then to the last month loaded. `changes`: reports.diff Change objects
    or their dicts, most important first. `comments` / `decisions`: plain dicts as appstate exports them
    (a comment with a `couloir_code` sits in the couloir scorecard: the latest one of each couloir).
    """
    tx = texts(lang)
    as_of_m = parse_month(as_of or getattr(meta, "as_of", None)) or engine.latest_month()
    view = ViewFilters(region=region)
    results = {i.id: engine.compute(i.id, as_of_m, view) for i in engine.catalogue.indicators}
    nationals = ({i: engine.compute(i, as_of_m, ViewFilters(), with_forecast=False) for i in results}
                 if region else {})
    rows = {i: indicator_row(r, lang, tx) for i, r in results.items()}
    notes = comment_views(comments or [], region, lang, tx)
    rolled = []
    sections = []
    for obj, res in zip(engine.catalogue.objectives, rollup(engine.catalogue, results), strict=True):
        ro = ObjectiveRollupRow(obj.id, res.label_fr if lang == "fr" else res.label_en, res.progress,
                                fmt.percent(res.progress, lang), status_of(res.status, tx), _counts(res.counts, tx))
        rolled.append(ro)
        ids = list(obj.weights)
        obj_rows = [rows[i] for i in ids]
        trajs = [trajectory(results[i], nationals.get(i), lang) for i in ids if results[i].not_applicable is None]
        n = {k: sum(r.status.key == k for r in obj_rows) for k in ("on_track", "watch", "off_track")}
        summary = render(tx["chart.objective_summary"], lang, dict(n=len(trajs), on=n["on_track"], watch=n["watch"],
                                                                   off=n["off_track"]))
        sections.append(ObjectiveSection(obj.id, ro.label, getattr(obj.description, lang), ro, obj_rows, trajs,
                                         [c for c in notes if c.indicator_id in (obj.id, *ids) and not c.couloir],
                                         summary))
    frame = budget_frame(engine.db, as_of_m, view)
    risky = at_risk_indicator(engine.catalogue)
    budget_rows = [rows[i.id] for i in engine.catalogue.indicators if "budget" in i.tags]
    scored = engine.compute(SCORECARD_INDICATOR, as_of_m, view, breakdown="couloir", with_forecast=False)
    ranked = engine.compute(territory_indicator, as_of_m, ViewFilters(), breakdown="region", with_forecast=False)
    change_list, more = change_lines(changes or [], region, lang, tx)
    return PackData(
        _meta(meta, engine, as_of_m, region, lang, tx), tx, rolled, list(rows.values()), sections,
        budget_section(engine, frame, as_of_m, budget_rows, lang, tx, regional=region is not None,
                       at_risk=rows.get(risky.id) if risky else None),
        scorecard_section(scored, [c for c in notes if c.couloir], labels(engine, "couloir", lang), lang, tx),
        territories_section(ranked, region, labels(engine, "region", lang), lang, tx), change_list, more,
        decision_lines(decisions or [], region, engine.today, lang, tx))


__all__ = ["ObjectiveRollupRow", "ObjectiveSection", "PackData", "PackMeta", "Row", "Status", "Trajectory",
           "gather", "indicator_row", "period_text", "signed", "status_of", "texts", "trajectory"]
