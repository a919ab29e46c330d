"""What the engine returns: an indicator's result, its points, breakdown rows, milestones and freshness.

Plain data (frozen where they can be), in their own module so that the engine (indicators.compute) and the
code that assembles a result (indicators.result) both build on them without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from indicators import fmt
from indicators.completeness import Completeness
from indicators.forecast import Forecast
from indicators.model import Indicator
from indicators.query import ViewFilters


@dataclass(frozen=True)
class Point:
    period: date  # first day of the period
    period_end: date
    value: float | None
    target: float | None
    progress: float | None
    progress_raw: float | None
    expected: float | None
    status: str
    carried: bool = False  # a stock carried forward from an earlier delivery (no data this month)


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    value: float | None
    target: float | None
    progress: float | None
    progress_raw: float | None
    status: str
    why_fr: str | Callable[[], str]  # the status sentence, or how to write it: most rows are never read
    why_en: str | Callable[[], str]
    gap_points: float | None  # vs the view's total: ahead (+) or behind (−), in points of progress (of value for %)
    trend: float | None
    gap: float | None = None  # the same gap as shown: in the indicator's unit (fmt.gap), see `gap_unit`
    gap_unit: str = "progress_points"

    @cached_property
    def reason_fr(self) -> str:
        return self.why_fr if isinstance(self.why_fr, str) else self.why_fr()

    @property
    def shown_gap(self) -> float | None:
        """The gap to the view as shown (in `gap_unit`)."""
        return self.gap_points if self.gap is None else self.gap

    def gap_text(self, lang: str = "fr") -> str:
        return fmt.gap(self.shown_gap, self.gap_unit, lang)

    @cached_property
    def reason_en(self) -> str:
        return self.why_en if isinstance(self.why_en, str) else self.why_en()


@dataclass(frozen=True)
class MilestoneView:
    date: date
    value: float
    label_fr: str | None
    label_en: str | None
    state: str  # reached | missed | due_soon | upcoming
    actual: float | None


@dataclass(frozen=True)
class FreshnessView:
    last_period: date | None
    expected_next: date | None
    stale: bool


@dataclass
class IndicatorResult:
    indicator: Indicator
    as_of: date
    filters: ViewFilters
    grain: str
    series: list[Point]
    current: Point | None
    status: str
    reason_fr: str
    reason_en: str
    trend: float | None
    trend_pct: float | None
    target_factor: float | None
    target_note_fr: str
    milestones: list[MilestoneView]
    freshness: FreshnessView
    breakdown_dim: str | None = None
    breakdown: list[BreakdownRow] | None = None
    forecast: Forecast | None = None
    national: Point | None = None  # the unfiltered value when the view is filtered
    gap_points: float | None = None  # ahead (+) / behind (−) the nation, in points (see BreakdownRow)
    gap: float | None = None  # the gap as shown, in `gap_unit` (fmt.gap)
    gap_unit: str = "progress_points"
    not_applicable: str | None = None  # why the view's filters cannot apply to this indicator
    leaves_sql: list[str] = field(default_factory=list)
    target_note_en: str = ""
    completeness: Completeness | None = None
    trend_missing: bool = False  # no trend because the period before the current one is missing

    @property
    def id(self) -> str:
        return self.indicator.id

    def label(self, lang: str) -> str:
        return getattr(self.indicator.label, lang)
