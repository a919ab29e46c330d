"""SQLAlchemy Core queries for the leaf measures: one monthly series per breakdown key.

No SQL string is formatted with a value: filters become bound parameters; filter codes were checked
against the reference data when the catalogue was loaded, and view filters are checked by `ViewFilters`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, distinct, func, literal_column, select
from sqlalchemy.sql.elements import ColumnElement

from indicators.at_risk import at_risk_rows, at_risk_select
from indicators.model import (
    AtRiskMeasure,
    AvgMeasure,
    CountDistinctMeasure,
    CountMeasure,
    Filter,
    LastMeasure,
    SumMeasure,
)
from indicators.tables import FACTS, dim_departement, table

YEAR_COLUMNS = {"year", "reference_year"}
DIMENSIONS = ("region", "departement", "couloir", "dispositif", "vague", "editeur", "document_type")
DIMENSION_COLUMN = {
    "departement": "departement_code", "couloir": "couloir_code", "dispositif": "dispositif_code",
    "vague": "vague", "document_type": "document_type",
}


class NotApplicable(Exception):
    """A view filter or breakdown that a measure's table cannot honour (e.g. couloir on MES profiles).

    The message is French (str(e)); `text("en")` gives the English one when it was provided."""

    def __init__(self, message_fr: str, message_en: str | None = None) -> None:
        super().__init__(message_fr)
        self.message_en = message_en or message_fr

    def text(self, lang: str = "fr") -> str:
        return str(self) if lang == "fr" else self.message_en


@dataclass(frozen=True)
class ViewFilters:
    """The global filters of a view; every value already checked against the reference data."""

    region: str | None = None
    departement: str | None = None
    couloir: str | None = None
    dispositif: str | None = None
    vague: str | None = None

    def items(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in (("region", self.region), ("departement", self.departement),
                                    ("couloir", self.couloir), ("dispositif", self.dispositif),
                                    ("vague", self.vague)) if v]

    @property
    def territorial(self) -> bool:
        return bool(self.region or self.departement)

    def key(self) -> tuple:
        return (self.region, self.departement, self.couloir, self.dispositif, self.vague)


def dimension_expr(tbl_name: str, dim: str) -> tuple[ColumnElement, bool]:
    """Column giving `dim` on a table, and whether dim_departement must be joined for it."""
    t = table(tbl_name)
    cols = t.c
    if dim == "region":
        if "region_code" in cols:
            return cols.region_code, False
        if "departement_code" in cols:
            return dim_departement.c.region_code, True
    elif dim == "editeur":
        if "editeur_name" in cols:
            return cols.editeur_name, False
        if "solution_id" in cols:
            return FACTS["dim_solution"].c.editeur_name, False
    elif DIMENSION_COLUMN[dim] in cols:
        return cols[DIMENSION_COLUMN[dim]], False
    raise NotApplicable(f"la table {tbl_name} n'a pas de dimension « {dim} »",
                        f"table {tbl_name} has no “{dim}” dimension")


def supports(tbl_name: str, dim: str) -> bool:
    try:
        dimension_expr(tbl_name, dim)
        return True
    except NotApplicable:
        return False


def _filter_clause(col: ColumnElement, f: Filter) -> ColumnElement:
    if f.values is not None:
        values = list(f.values)
        return col == values[0] if len(values) == 1 else col.in_(values)
    if f.not_null:
        return col.is_not(None)
    if f.is_null:
        return col.is_(None)
    parts = []
    if f.gte is not None:
        parts.append(col >= f.gte)
    if f.lte is not None:
        parts.append(col <= f.lte)
    return and_(*parts)


def period_expr(tbl_name: str, date_col: str) -> ColumnElement:
    col = table(tbl_name).c[date_col]
    if date_col in YEAR_COLUMNS:
        return func.make_date(col, literal_column("1"), literal_column("1"))
    return func.date_trunc(literal_column("'month'"), col)  # our constant, not a value


def first_seen_select(measure: CountDistinctMeasure, as_of_end: date, view: ViewFilters, breakdown: str | None,
                      start: date | None) -> Select:
    """New distinct values per month (first month each value appears): their running total is the
    number of distinct values from `start` to the end of each month."""
    inner = leaf_select(measure, as_of_end, view, breakdown, start=start, first_seen=True).subquery()
    cols = [inner.c.period] + ([inner.c.key] if breakdown else [])
    return select(*cols, func.count().label("value")).group_by(*cols)


def cube_rows(db, measure, as_of_end: date, view: ViewFilters, breakdown: str | None):
    """A leaf's rows read from a cube computed once per published warehouse for every view, when its kind has
    one (money at risk: indicators.at_risk), else None (the leaf's own query). Same rows as `leaf_select`."""
    if isinstance(measure, AtRiskMeasure):
        return at_risk_rows(db, measure, as_of_end, view, breakdown)
    return None


def leaf_select(measure, as_of_end: date, view: ViewFilters, breakdown: str | None, start: date | None = None,
                first_seen: bool = False) -> Select:
    """Monthly value of a leaf measure up to `as_of_end`, grouped by the breakdown key if any."""
    if isinstance(measure, AtRiskMeasure):
        for dim in [d for d, _ in view.items()] + ([breakdown] if breakdown else []):
            dimension_expr(measure.table, dim)  # NotApplicable for a dimension the funding events lack
        return at_risk_select(measure, as_of_end, view, breakdown)
    t = table(measure.table)
    if isinstance(measure, SumMeasure | LastMeasure):
        value = func.sum(t.c[measure.column])
    elif isinstance(measure, CountMeasure):
        value = func.count()
    elif isinstance(measure, CountDistinctMeasure):
        value = func.count(distinct(t.c[measure.column]))
    elif isinstance(measure, AvgMeasure):
        if measure.column:
            value = func.avg(t.c[measure.column])
        else:
            first, last = measure.days_between
            value = func.avg(func.date_diff(literal_column("'day'"), t.c[first], t.c[last]))
    else:
        raise TypeError(f"not a leaf measure: {measure.kind}")
    period = period_expr(measure.table, measure.date).label("period")
    columns = [period]
    joins_dep = False
    join_solution = False
    where = [_filter_clause(t.c[col], f) for col, f in measure.filters.items()]
    date_col = t.c[measure.date]
    where.append(date_col <= (as_of_end.year if measure.date in YEAR_COLUMNS else as_of_end))
    if start is not None:
        where.append(date_col >= (start.year if measure.date in YEAR_COLUMNS else start))
    if isinstance(measure, AvgMeasure) and measure.days_between:
        where.append(t.c[measure.days_between[1]].is_not(None))
    for dim, code in view.items():
        expr, needs_dep = dimension_expr(measure.table, dim)
        joins_dep |= needs_dep
        where.append(expr == code)
    if breakdown:
        expr, needs_dep = dimension_expr(measure.table, breakdown)
        joins_dep |= needs_dep
        join_solution |= breakdown == "editeur" and "editeur_name" not in t.c
        columns.append(expr.label("key"))
    source = t
    if joins_dep:
        source = source.join(dim_departement, dim_departement.c.departement_code == t.c.departement_code)
    if join_solution:
        sol = FACTS["dim_solution"]
        source = source.join(sol, sol.c.solution_id == t.c.solution_id)
    if first_seen:
        distinct_col = t.c[measure.column]
        group = [distinct_col] + ([columns[1].element] if breakdown else [])
        period_min = func.min(period_expr(measure.table, measure.date)).label("period")
        return select(period_min, *columns[1:]).select_from(source).where(*where).group_by(*group)
    group = [period_expr(measure.table, measure.date)] + ([columns[1].element] if breakdown else [])
    return select(*columns, value.label("value")).select_from(source).where(*where).group_by(*group)
