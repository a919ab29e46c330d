"""Money at risk — the one definition behind every "montant à risque" (overview, Budget page, workbook, packs).

Declared in indicators.yaml as the `at_risk` measure of BUD-04 (its rules' parameters live there): an open
commitment (committed net of cancellations, minus paid, when positive) is at risk at a date `end` when
- it is on a usage dispositif whose window closes within `window_months` of `end` ("window"),
- or on a usage dispositif and no lump sum has been paid on it, i.e. its usage target is not met ("target"),
- or it is an equipment (SONS) order with no balance `validation_months` after the order ("not_validated":
  the 70 % balance is only paid after validation, MOM / VA).

`risk_reason` is the rule as a SQL expression; `at_risk_select` the monthly series of one view (the state of
each commitment at each month's end, from `derived_commitment_state`); `at_risk_rows` the same rows for any
view from one cube per published warehouse (month × région × département × couloir × dispositif × vague, in
integer cents so that its sums are exact): the engine reads it, so that a new view costs no query.
`indicators.budget_views` applies the same rule to one as-of month to split the amount by région, dispositif
and reason.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import BigInteger, Date, and_, case, cast, func, literal, literal_column, null, select
from sqlalchemy.sql.elements import ColumnElement

from indicators.measures import AtRiskMeasure
from indicators.tables import derived_commitment_state, dim_dispositif

RISK_REASONS = ("window", "target", "not_validated")
DEFAULT_RULES = AtRiskMeasure(kind="at_risk")
COLUMN_OF = {"region": "region_code", "departement": "departement_code", "couloir": "couloir_code",
             "dispositif": "dispositif_code", "vague": "vague"}


def at_risk_indicator(catalogue):
    """The catalogue's money-at-risk indicator (the one whose measure is `at_risk`), or None."""
    return next((ind for ind in catalogue.indicators if isinstance(ind.measure, AtRiskMeasure)), None)


def risk_rules(catalogue) -> AtRiskMeasure:
    """The rules declared in the catalogue (the `at_risk` measure of its indicator), else the defaults."""
    ind = at_risk_indicator(catalogue)
    return ind.measure if ind is not None else DEFAULT_RULES


def _shifted(end, months: int) -> ColumnElement:
    """`end` moved by whole months in SQL (the day clamped to the month's length, as DuckDB does)."""
    base = literal(end, Date) if isinstance(end, date) else end
    return func.cast(base + func.to_months(months), Date)


def risk_reason(open_eur, lump_sums, balances, commitment_date, end, rules: AtRiskMeasure = DEFAULT_RULES):
    """Why an open commitment is at risk at `end` (a date or a date column), NULL when it is not."""
    kind, close = dim_dispositif.c.kind, dim_dispositif.c.window_close
    return case(
        (open_eur <= 0, null()),
        (and_(kind == "usage", close <= _shifted(end, rules.window_months)), "window"),
        (and_(kind == "usage", func.coalesce(lump_sums, 0) == 0), "target"),
        (and_(kind == "equipement", func.coalesce(balances, 0) == 0,
              commitment_date <= _shifted(end, -rules.validation_months)), "not_validated"),
        else_=null())


def _risk_parts(measure: AtRiskMeasure, as_of_end: date):
    """Each commitment's state at each month's end from the first commitment to `as_of_end`: (months, the
    joined source, its open amount, the reason it is at risk or NULL)."""
    st = derived_commitment_state
    first = select(func.date_trunc(literal_column("'month'"), func.min(st.c.commitment_date))).scalar_subquery()
    series = func.generate_series(func.cast(first, Date), literal(as_of_end, Date), literal_column("INTERVAL 1 MONTH"))
    months = select(func.cast(func.unnest(series), Date).label("period")).subquery("months")
    end = func.cast(func.last_day(months.c.period), Date)
    open_eur = func.greatest(st.c.amount_eur - st.c.cancelled_eur - st.c.paid_eur, 0)
    reason = risk_reason(open_eur, st.c.lump_sums, st.c.balances, st.c.commitment_date, end, measure)
    source = months.join(st, and_(st.c.valid_from <= end, st.c.valid_to > end, st.c.commitment_date <= end)) \
        .outerjoin(dim_dispositif, dim_dispositif.c.dispositif_code == st.c.dispositif_code)
    return months, source, open_eur, reason


def at_risk_select(measure: AtRiskMeasure, as_of_end: date, view, breakdown: str | None):
    """The amount at risk at the end of each month from the first commitment to `as_of_end` (one row per
    month and breakdown key): each commitment's state at that month's end, the rule applied to it."""
    st = derived_commitment_state
    months, source, open_eur, reason = _risk_parts(measure, as_of_end)
    value = func.sum(case((reason.is_not(None), open_eur), else_=0))
    where = [open_eur > 0, *(st.c[COLUMN_OF[dim]] == code for dim, code in view.items())]
    columns = [months.c.period]
    if breakdown:
        columns.append(st.c[COLUMN_OF[breakdown]].label("key"))
    return select(*columns, value.label("value")).select_from(source).where(*where).group_by(*columns)


def _cube_select(measure: AtRiskMeasure, as_of_end: date):
    """`at_risk_select` for every combination of the dimensions at once, the amount in integer cents."""
    st = derived_commitment_state
    months, source, open_eur, reason = _risk_parts(measure, as_of_end)
    cents = cast(func.sum(case((reason.is_not(None), cast(open_eur * 100, BigInteger)), else_=0)), BigInteger)
    columns = [months.c.period, *(st.c[col] for col in COLUMN_OF.values())]
    return select(*columns, cents.label("cents")).select_from(source).where(open_eur > 0).group_by(*columns)


def at_risk_rows(db, measure: AtRiskMeasure, as_of_end: date, view, breakdown: str | None) -> pd.DataFrame:
    """The rows `at_risk_select(measure, as_of_end, view, breakdown)` returns (period, key, value), read from
    the warehouse's cube (computed once per published file and rules), summed in exact cents."""
    key = f"indicators.at_risk.cube|{as_of_end}|{measure.window_months}|{measure.validation_months}"
    cube = db.cached(key, lambda: db.frame(_cube_select(measure, as_of_end)))
    keep = pd.Series(True, index=cube.index)
    for dim, code in view.items():
        keep &= cube[COLUMN_OF[dim]] == code
    cols = ["period"] + ([COLUMN_OF[breakdown]] if breakdown else [])
    rows = cube[keep].groupby(cols, dropna=False, sort=False)["cents"].sum().reset_index()
    rows["value"] = rows.pop("cents").astype("int64") / 100
    return rows.rename(columns={COLUMN_OF[breakdown]: "key"} if breakdown else {})
