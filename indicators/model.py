"""The indicator catalogue as frozen pydantic models: what `indicators.yaml` may say, and nothing more.

These models check the shape of each entry; measures are in `indicators.measures` (re-exported here).
Checks that need the warehouse contracts or the reference data (tables, columns, codes) live in
`indicators.checks`; `indicators.catalog` runs both and turns every failure into a located problem.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict, field_validator, model_validator

import texts
from indicators.measures import (  # noqa: F401  (re-exported: the engine imports measures from here)
    MEASURE_KINDS,
    AtRiskMeasure,
    AvgMeasure,
    Bool,
    CatalogueModel,
    CountDistinctMeasure,
    CountMeasure,
    CumulativeMeasure,
    Day,
    DifferenceMeasure,
    Filter,
    LastMeasure,
    LeafMeasure,
    Measure,
    Number,
    RatioMeasure,
    RollingMeasure,
    Str,
    SumMeasure,
)

ID_PATTERN = r"^[A-Z]{3,4}-[0-9]{2}$"
OBJECTIVE_ID_PATTERN = r"^OBJ-[A-Z]+$"
TAG_PATTERN = r"^[a-z0-9][a-z0-9_:.\-]*$"
# What an id should look like, quoted in error messages next to the pattern.
PATTERN_EXAMPLES = {ID_PATTERN: "USE-01", OBJECTIVE_ID_PATTERN: "OBJ-ALIM", TAG_PATTERN: "cosui:alimentation"}

Unit = Literal[
    "EUR", "pct", "documents", "profils", "messages", "etablissements", "medecins", "solutions", "jours",
    "acteurs", "ordonnances", "consultations", "structures", "dossiers", "boites", "count",
]
UNIT_LABELS: dict[str, tuple[str, str]] = {  # unit → (French, English) label, from the message catalogue
    code: (fr, texts.prefixed("unit_name.", "en")[code]) for code, fr in texts.prefixed("unit_name.", "fr").items()
}
Grain = Literal["month", "quarter", "year"]
Dimension = Literal["region", "departement", "couloir", "dispositif", "vague", "editeur", "document_type"]
Periodicity = Literal["monthly", "quarterly", "yearly"]

IndicatorId = Annotated[str, Strict(), Field(pattern=ID_PATTERN)]
Fraction = Annotated[float, Strict(), Field(gt=0, le=1)]


class Text(CatalogueModel):
    """A text in both languages of the dashboard."""

    fr: Str
    en: Str


class StatusThresholds(CatalogueModel):
    """actual / trajectory-at-date (in the indicator's direction): ≥ on_track → on_track; ≥ watch → watch."""

    on_track: Fraction
    watch: Fraction

    @model_validator(mode="after")
    def _ordered(self) -> StatusThresholds:
        if not self.on_track > self.watch:
            raise ValueError(f"on_track ({self.on_track}) must be greater than watch ({self.watch})")
        return self


class Freshness(CatalogueModel):
    """When the next value is due: last period end + periodicity + delay_days."""

    periodicity: Periodicity
    delay_days: Annotated[int, Strict(), Field(ge=0, le=366)]


class Completeness(CatalogueModel):
    """How complete a month's data must be before a status colour is given (below: « données incomplètes »)."""

    min_territories: Fraction = Field(0.9, description="Share of the view's départements that delivered for "
                                                       "the month, at least.")


class Defaults(CatalogueModel):
    status: StatusThresholds = StatusThresholds(on_track=0.95, watch=0.80)
    freshness: Freshness = Freshness(periodicity="monthly", delay_days=20)
    completeness: Completeness = Completeness()


class Baseline(CatalogueModel):
    value: Number
    date: Day


class Milestone(CatalogueModel):
    date: Day = Field(description="Date the value is due (YYYY-MM-DD).")
    value: Number
    label: Text | None = None
    source: Str | None = Field(None, description="Public source of the target (site, article).")
    official: Bool = Field(True, description="false: a steering milestone proposed here, not a published target.")
    reference: Bool = Field(False, description="true: a level already observed (a published figure), shown for "
                                               "comparison and never used as a target: no status is derived from it.")


class TerritorialTarget(CatalogueModel):
    """Final target per territory or couloir: explicit values, or the national target split by a share."""

    by: Literal["region", "couloir", "departement"]
    values: dict[Str, Number] | None = Field(None, description="Code → final target value.")
    share: Literal["population", "equal", "explicit"] | None = None
    shares: dict[Str, Fraction] | None = Field(None, description="Code → fraction of the national target (share: explicit).")

    @model_validator(mode="after")
    def _one_rule(self) -> TerritorialTarget:
        if (self.values is None) == (self.share is None):
            raise ValueError("expected exactly one of `values` (per-code targets) or `share` (population, equal, explicit)")
        if (self.share == "explicit") != (self.shares is not None):
            raise ValueError("`shares` goes with `share: explicit`, and only with it")
        if self.share == "population" and self.by == "couloir":
            raise ValueError("share: population needs by: region or by: departement")
        return self

    @field_validator("shares")
    @classmethod
    def _sum_to_one(cls, shares: dict[str, float] | None) -> dict[str, float] | None:
        if shares is not None and abs(sum(shares.values()) - 1) > 0.001:
            raise ValueError(f"shares sum to {sum(shares.values()):g}, expected 1 (±0.001)")
        return shares


class Target(CatalogueModel):
    milestones: tuple[Milestone, ...] = Field(min_length=1, description="Dated values, strictly increasing dates; "
                                                                        "the last one is the final target.")
    territorial: TerritorialTarget | None = None

    @model_validator(mode="after")
    def _references_last(self) -> Target:
        seen_reference = False
        for m in self.milestones:
            if seen_reference and not m.reference:
                raise ValueError("a reference milestone (an observed level) cannot come before a target milestone: "
                                 "list the targets first, or drop `reference: true`")
            seen_reference |= m.reference
        return self

    @property
    def targets(self) -> tuple[Milestone, ...]:
        """The milestones that are targets (not observed reference levels)."""
        return tuple(m for m in self.milestones if not m.reference)

    @property
    def has_target(self) -> bool:
        return bool(self.targets)

    @property
    def final(self) -> Milestone:
        """The final target; for an indicator with reference levels only, the last reference."""
        return (self.targets or self.milestones)[-1]


class Indicator(CatalogueModel):
    id: IndicatorId
    label: Text
    description: Text
    unit: Unit
    direction: Literal["up", "down"] = Field(description="up: more is better; down: less is better.")
    owner: Str = Field(description="Who answers for the figure (Cnam, ANS, DNS, DGOS, CNSA, ASP…).")
    sources: tuple[Str, ...] = Field(min_length=1, description="Source contract names (etl.sources.CONTRACTS).")
    public: Bool = Field(description="true: may be shown outside the steering team.")
    tags: tuple[Annotated[str, Strict(), Field(pattern=TAG_PATTERN)], ...] = ()
    notes: Text | None = Field(None, description="Caveats a reader must know (sources that disagree, denominators).")
    measure: Measure
    grains: tuple[Grain, ...] = Field(min_length=1)
    dimensions: tuple[Dimension, ...] = ()
    baseline: Baseline
    target: Target
    status: StatusThresholds | None = Field(None, description="Default: defaults.status.")
    freshness: Freshness | None = Field(None, description="Default: defaults.freshness.")
    completeness: Completeness | None = Field(None, description="Default: defaults.completeness.")


class Objective(CatalogueModel):
    id: Annotated[str, Strict(), Field(pattern=OBJECTIVE_ID_PATTERN)]
    label: Text
    description: Text
    weights: dict[IndicatorId, Fraction] = Field(min_length=1, description="Indicator id → weight; sum to 1.")

    @field_validator("weights")
    @classmethod
    def _sum_to_one(cls, weights: dict[str, float]) -> dict[str, float]:
        total = sum(weights.values())
        if abs(total - 1) > 0.001:
            raise ValueError(f"weights sum to {total:g}, expected 1 (±0.001)")
        return weights


class CatalogueFile(CatalogueModel):
    """The root of indicators.yaml."""

    version: Literal[1]
    defaults: Defaults = Defaults()
    objectives: tuple[Objective, ...] = Field(min_length=1)
    indicators: tuple[Indicator, ...] = Field(min_length=1)
