"""Measures: how an indicator's value is computed from warehouse rows, as frozen pydantic models.

A measure is a tree: leaves read one warehouse table (sum, count, count_distinct, avg, last); composites
combine measures (ratio, cumulative, rolling, difference). Filters are structured, never SQL. The small
validated scalar types shared with the catalogue models (`indicators.model`) live here too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    WithJsonSchema,
    model_validator,
)

Str = Annotated[str, Strict(), Field(min_length=1)]
Number = Annotated[float, Strict()]
Bool = Annotated[bool, Strict()]


def _to_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected YYYY-MM-DD, got '{value.isoformat(sep=' ')}' (a date has no time)")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected YYYY-MM-DD, got {value!r}")


Day = Annotated[dt.date, BeforeValidator(_to_date), WithJsonSchema({"type": "string", "format": "date"})]


def _filter_value(value: object) -> str | int | dt.date:
    if isinstance(value, dt.datetime) or isinstance(value, bool) or not isinstance(value, str | int | dt.date):
        raise ValueError(f"expected a code, a whole number or a date, got {value!r}")
    return value


def _bound(value: object) -> int | float | dt.date:
    if isinstance(value, dt.datetime) or isinstance(value, bool) or not isinstance(value, int | float | dt.date):
        raise ValueError(f"expected a number or a date (YYYY-MM-DD), got {value!r}")
    return value


FilterValue = Annotated[str | int | dt.date, PlainValidator(_filter_value, json_schema_input_type=str | int)]
Bound = Annotated[int | float | dt.date, PlainValidator(_bound, json_schema_input_type=float | str)]

class CatalogueModel(BaseModel):
    """Base of every catalogue model: frozen, and an unknown key is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class _Kind(CatalogueModel):
    """What the engine, the checks and the territorial targets need to know of a measure kind, declared on the
    kind itself (SQLMesh's per-kind strategy) rather than tested for by type across modules. A new kind states
    its traits here, its SQL in indicators.query (a leaf) and its words in indicators.explain."""

    leaf: ClassVar[bool] = False  # read from one table (indicators.query builds its SQL)
    flow: ClassVar[bool] = False  # a monthly flow: periods add up (quarter = sum of its months)
    empty_month: ClassVar[str] = "zero"  # a month without rows: "zero", "missing" (a mean) or "carry" (a stock)
    additive: ClassVar[bool] = True  # a territory's value is a part of the nation's (counts, amounts)
    accumulable: ClassVar[bool] = False  # cumulative / rolling may add it up month after month
    requires: ClassVar[tuple[str, ...]] = ()  # derived warehouse tables it reads (etl/derived.py)

class Filter(CatalogueModel):
    """One condition on a column: listed values, not null, null, or a range (bounds included)."""

    values: tuple[FilterValue, ...] | None = Field(None, min_length=1, description="Row matches one of these.")
    not_null: Literal[True] | None = Field(None, description="Row has a value in this column.")
    is_null: Literal[True] | None = Field(None, description="Row has no value in this column.")
    gte: Bound | None = Field(None, description="Lower bound, included.")
    lte: Bound | None = Field(None, description="Upper bound, included.")

    @model_validator(mode="after")
    def _one_form(self) -> Filter:
        forms = [self.values is not None, bool(self.not_null), bool(self.is_null),
                 self.gte is not None or self.lte is not None]
        if sum(forms) != 1:
            raise ValueError("expected exactly one of: a value, a list of values, {not_null: true}, "
                             "{is_null: true}, {gte: …, lte: …}")
        return self


def _filter_shorthand(value: object) -> object:
    """`column: value` and `column: [values]` are shorthands for `column: {values: [...]}`."""
    if isinstance(value, dict | Filter):
        return value
    if isinstance(value, list | tuple):
        return {"values": tuple(value)}
    return {"values": (value,)}


FilterSpec = Annotated[
    Filter, BeforeValidator(_filter_shorthand, json_schema_input_type=str | int | list[str | int] | Filter)
]


class _Leaf(_Kind):
    """A measure read from one warehouse table."""

    leaf: ClassVar[bool] = True

    table: Str = Field(description="Warehouse table: the `table` of a source contract (etl/sources).")
    date: Str = Field(description="Column dating each row: a date or month column (`year` / `reference_year` "
                                  "for yearly tables). A row counts in the period its date falls in.")
    filters: dict[Str, FilterSpec] = Field(default_factory=dict, description="Column → condition (all must hold).")

    def leaves(self) -> Iterator[LeafMeasure]:
        yield self  # type: ignore[misc]

    def children(self) -> dict[str, Measure]:
        return {}


class SumMeasure(_Leaf):
    """Flow: sum of `column` over the rows dated in the period."""

    kind: Literal["sum"]
    column: Str
    flow: ClassVar[bool] = True
    accumulable: ClassVar[bool] = True


class CountMeasure(_Leaf):
    """Flow: number of rows dated in the period."""

    kind: Literal["count"]
    flow: ClassVar[bool] = True
    accumulable: ClassVar[bool] = True


class CountDistinctMeasure(_Leaf):
    """Number of distinct values of `column` among the rows dated in the period."""

    kind: Literal["count_distinct"]
    column: Str
    accumulable: ClassVar[bool] = True  # cumulative: distinct over the whole span (indicators.compute)


class AvgMeasure(_Leaf):
    """Mean of `column`, or of the days between two date columns, over the rows dated in the period."""

    kind: Literal["avg"]
    empty_month: ClassVar[str] = "missing"
    additive: ClassVar[bool] = False
    column: Str | None = None
    days_between: tuple[Str, Str] | None = Field(None, description="[start_column, end_column]: days from start to end.")

    @model_validator(mode="after")
    def _one_operand(self) -> AvgMeasure:
        if (self.column is None) == (self.days_between is None):
            raise ValueError("expected exactly one of `column` or `days_between`")
        return self


class LastMeasure(_Leaf):
    """Stock: the value at the latest date ≤ period end, summed across the breakdown."""

    kind: Literal["last"]
    column: Str
    empty_month: ClassVar[str] = "carry"


class AtRiskMeasure(_Leaf):
    """Money at risk at each month's end: committed, not paid yet, and liable to be lost (indicators/at_risk.py).

    An open commitment is at risk when it is on a usage dispositif whose window closes within
    `window_months` of the month ("window") or whose usage target is not met yet, i.e. no lump sum paid on
    it ("target"); or on an equipment (SONS) order with no balance `validation_months` after the order
    ("not_validated": the 70 % balance follows validation, MOM / VA). Read from the funding events."""

    kind: Literal["at_risk"]
    table: Literal["fact_funding_event"] = "fact_funding_event"
    date: Literal["event_date"] = "event_date"
    requires: ClassVar[tuple[str, ...]] = ("derived_commitment_state",)
    window_months: Annotated[int, Strict(), Field(ge=0, le=60)] = 6
    validation_months: Annotated[int, Strict(), Field(ge=1, le=60)] = 12

    @model_validator(mode="after")
    def _no_filters(self) -> AtRiskMeasure:
        if self.filters:
            raise ValueError("at_risk takes no filters: the view's filters (région, dispositif…) apply to it")
        return self


class _Composite(_Kind):
    def leaves(self) -> Iterator[LeafMeasure]:
        for child in self.children().values():
            yield from child.leaves()

    def children(self) -> dict[str, Measure]:
        raise NotImplementedError


class RatioMeasure(_Composite):
    """numerator / denominator × scale."""

    kind: Literal["ratio"]
    additive: ClassVar[bool] = False
    numerator: Measure
    denominator: Measure
    scale: Annotated[float, Strict(), Field(gt=0)] = 1.0

    def children(self) -> dict[str, Measure]:
        return {"numerator": self.numerator, "denominator": self.denominator}


class CumulativeMeasure(_Composite):
    """Running total of `of` from `start` (or from the first data) to the period end."""

    kind: Literal["cumulative"]
    of: Measure
    start: Day | None = None

    def children(self) -> dict[str, Measure]:
        return {"of": self.of}


class RollingMeasure(_Composite):
    """Sum of `of` over the last `months` months ending with the period (annualised committee figures)."""

    kind: Literal["rolling"]
    of: Measure
    months: Annotated[int, Strict(), Field(ge=1, le=120)]

    def children(self) -> dict[str, Measure]:
        return {"of": self.of}


class DifferenceMeasure(_Composite):
    """left − right (e.g. committed − paid)."""

    kind: Literal["difference"]
    accumulable: ClassVar[bool] = True
    left: Measure
    right: Measure

    def children(self) -> dict[str, Measure]:
        return {"left": self.left, "right": self.right}


LeafMeasure = Union[SumMeasure, CountMeasure, CountDistinctMeasure, AvgMeasure, LastMeasure, AtRiskMeasure]  # noqa: UP007
Measure = Annotated[
    Union[  # noqa: UP007
        SumMeasure, CountMeasure, CountDistinctMeasure, AvgMeasure, LastMeasure, AtRiskMeasure,
        RatioMeasure, CumulativeMeasure, RollingMeasure, DifferenceMeasure,
    ],
    Field(discriminator="kind"),
]
KIND_CLASSES = (SumMeasure, CountMeasure, CountDistinctMeasure, AvgMeasure, LastMeasure, AtRiskMeasure, RatioMeasure,
                CumulativeMeasure, RollingMeasure, DifferenceMeasure)
KINDS = {cls.model_fields["kind"].annotation.__args__[0]: cls for cls in KIND_CLASSES}  # kind name → class
MEASURE_KINDS = tuple(KINDS)
for _composite in (RatioMeasure, CumulativeMeasure, RollingMeasure, DifferenceMeasure):
    _composite.model_rebuild()
