"""What the Budget page shows beyond the budget table: totals and groupings of `budget_frame`, monthly
consumption, the programme calendar, payment lag, money at risk and the beneficiaries who hold it.

Money moves by commitment: a commitment (SONS order, selected SUN-ES application, ESMS numérique project,
yearly forfait) is followed by payments and cancellations that name it in `commitment_ref`. As of a month,
only events dated up to the end of that month count. Money at risk is defined once, in indicators/at_risk.py
(its rules declared on BUD-04 in indicators.yaml): here it is split by dispositif, région and reason for
one as-of month, and its total is BUD-04's value for that month (tested).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Float,
    MetaData,
    Numeric,
    String,
    Table,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    union_all,
)

from etl.sources.budget import CANCELLED, FINAL_PAYMENTS, PAID
from indicators.at_risk import DEFAULT_RULES, risk_reason
from indicators.budget import envelope_select, view_clauses
from indicators.budget_rates import GROUPINGS, envelope_scopes, grouped, totals, with_rates  # noqa: F401 (the Budget page's API)
from indicators.compute import month_end
from indicators.measures import AtRiskMeasure
from indicators.query import ViewFilters
from indicators.tables import FACTS, derived_commitment_state, derived_funding_month, dim_dispositif, has_derived

# Not in indicators/tables.py (no indicator reads it): declared here, from etl/schema.sql.
dim_funding_window = Table("dim_funding_window", MetaData(), Column("dispositif_code", String),
                           Column("funding_window", BigInteger), Column("label_fr", String),
                           Column("label_en", String), Column("open_date", Date), Column("close_date", Date),
                           Column("payment_deadline", Date))

PNRR_END = date(2026, 12, 31)
QUANTILES = {"p10": 0.10, "p25": 0.25, "median": 0.50, "p75": 0.75, "p90": 0.90}


def add_months(d: date, months: int) -> date:
    """`d` moved by whole months, the day clamped to the target month's length (31 Aug + 6 → 28/29 Feb)."""
    year, month = divmod(d.year * 12 + d.month - 1 + months, 12)
    last = month_end(date(year, month + 1, 1))
    return last.replace(day=min(d.day, last.day))


def envelope_sources(db, as_of: date, view: ViewFilters | None = None) -> pd.DataFrame:
    """Envelope per public source (`source_label`), largest first: envelopes differ by source."""
    env = envelope_select(as_of, view or ViewFilters())
    if env is None:
        return pd.DataFrame({"source_label": pd.Series(dtype=object), "envelope_eur": pd.Series(dtype=float)})
    e = FACTS["fact_envelope"]
    stmt = env.with_only_columns(e.c.source_label, func.sum(e.c.amount_eur).label("envelope_eur")) \
        .group_by(e.c.source_label).order_by(func.sum(e.c.amount_eur).desc())
    out = db.frame(stmt)
    out["envelope_eur"] = out["envelope_eur"].astype("float64")
    return out


def consumption(db, as_of: date, view: ViewFilters | None = None) -> pd.DataFrame:
    """Per month from the first event to `as_of`: committed and paid in the month, cumulated, and the
    cumulative envelope opened (an envelope opens on 1 January of its budget year; NaN when unknown, and in a
    région whose commitments are not all compared with a territorialised envelope: indicators.budget_rates)."""
    view = view or ViewFilters()
    if has_derived(db):
        m = derived_funding_month
        stmt = (select(m.c.month, func.sum(m.c.committed_eur).label("committed_eur"),
                       func.sum(m.c.paid_eur).label("paid_eur"))
                .where(m.c.month <= as_of.replace(day=1), *view_clauses(m, view)).group_by(m.c.month))
    else:
        ev = FACTS["fact_funding_event"]
        amount, kind = ev.c.amount_eur, ev.c.event_type
        month = func.date_trunc(literal_column("'month'"), ev.c.event_date)
        committed = case((kind == "commitment", amount), (kind.in_(CANCELLED), -amount), else_=0)
        stmt = (select(month.label("month"), func.sum(committed).label("committed_eur"),
                       func.sum(case((kind.in_(PAID), amount), else_=0)).label("paid_eur"))
                .where(ev.c.event_date <= month_end(as_of), *view_clauses(ev, view)).group_by(month))
    flows = db.frame(stmt)
    columns = ["month", "committed_eur", "paid_eur", "committed_cum_eur", "paid_cum_eur", "envelope_cum_eur"]
    if flows.empty:
        return pd.DataFrame(columns=columns)
    flows["month"] = pd.to_datetime(flows["month"]).dt.date
    months = pd.date_range(min(flows["month"]), as_of, freq="MS").date
    out = flows.set_index("month").reindex(months).astype("float64").fillna(0.0).rename_axis("month").reset_index()
    out["committed_cum_eur"] = out["committed_eur"].cumsum()
    out["paid_cum_eur"] = out["paid_eur"].cumsum()
    env = envelope_select(as_of, view) if _envelope_line_holds(db, as_of, view) else None
    by_year = pd.Series(dtype=float)
    if env is not None:
        e = FACTS["fact_envelope"]
        rows = db.frame(env.with_only_columns(e.c.year, func.sum(e.c.amount_eur).label("amount"))
                        .group_by(e.c.year))
        by_year = rows.set_index("year")["amount"].astype("float64").sort_index().cumsum()
    out["envelope_cum_eur"] = [float(by_year[by_year.index <= m.year].iloc[-1]) if (by_year.index <= m.year).any()
                               else float("nan") for m in out["month"]]
    return out[columns]


def _envelope_line_holds(db, as_of: date, view: ViewFilters) -> bool:
    """Whether the view's committed line can be drawn against an envelope line: always outside a région; in a
    région only when every dispositif with events there has an envelope that is all territorialised."""
    if not view.region:
        return True
    t = derived_funding_month if has_derived(db) else FACTS["fact_funding_event"]
    when = t.c.month <= as_of.replace(day=1) if t is derived_funding_month else t.c.event_date <= month_end(as_of)
    present = {code for (code,) in db.rows(select(t.c.dispositif_code).distinct().where(when, *view_clauses(t, view)))}
    scopes = envelope_scopes(db, as_of, view)
    return all(scopes.get(code) == "territorial" for code in present)


def programme_calendar(db, view: ViewFilters | None = None) -> pd.DataFrame:
    """Windows of the dispositifs in the view (funding_window 0) and the SUN-ES funding windows (1 to 4)."""
    view = view or ViewFilters()
    d, w = dim_dispositif, dim_funding_window
    where = [d.c.window_open.is_not(None)]
    for dim, col in (("couloir", d.c.couloir_code), ("dispositif", d.c.dispositif_code), ("vague", d.c.vague)):
        code = getattr(view, dim)
        if code:
            where.append(col == code)
    own = select(d.c.dispositif_code, d.c.kind, d.c.vague, literal(0).label("funding_window"),
                 d.c.window_open.label("open_date"), d.c.window_close.label("close_date")).where(*where)
    windows = (select(d.c.dispositif_code, d.c.kind, d.c.vague, w.c.funding_window, w.c.open_date, w.c.close_date)
               .select_from(w.join(d, d.c.dispositif_code == w.c.dispositif_code)).where(*where))
    out = db.frame(own.union_all(windows).order_by("dispositif_code", "funding_window"))
    out["funding_window"] = out["funding_window"].astype("int64")
    for col in ("open_date", "close_date"):
        out[col] = pd.to_datetime(out[col]).dt.date
    return out


def commitments_select(as_of: date, view: ViewFilters | None = None, derived: bool = False,
                       rules: AtRiskMeasure = DEFAULT_RULES):
    """One row per commitment dated up to the as-of month: what is committed (net of cancellations), paid,
    still open, the risk reason (None when not at risk), the first balance/lump-sum date, the last event.

    `derived`: read each commitment's state at the as-of date from `derived_commitment_state` (one row per
    commitment matches) instead of regrouping every payment; the same rows (tested)."""
    view = view or ViewFilters()
    end = month_end(as_of)
    if derived:
        st = derived_commitment_state
        committed = st.c.amount_eur - st.c.cancelled_eur
        open_eur = func.greatest(committed - st.c.paid_eur, 0)
        source = st.outerjoin(dim_dispositif, dim_dispositif.c.dispositif_code == st.c.dispositif_code)
        return (select(st.c.commitment_id, st.c.dispositif_code, st.c.couloir_code, st.c.vague, st.c.region_code,
                       st.c.departement_code, st.c.beneficiary_id, st.c.beneficiary_kind, st.c.beneficiary_name,
                       st.c.commitment_date, committed.label("committed_eur"), st.c.paid_eur,
                       open_eur.label("open_eur"),
                       risk_reason(open_eur, st.c.lump_sums, st.c.balances, st.c.commitment_date, end, rules)
                       .label("risk_reason"), st.c.final_date,
                       func.greatest(st.c.commitment_date, st.c.valid_from).label("last_event_date"))
                .select_from(source)
                .where(st.c.valid_from <= end, st.c.valid_to > end, st.c.commitment_date <= end,
                       *view_clauses(st, view)))
    ev = FACTS["fact_funding_event"]
    pay, c = ev.alias("pay"), ev.alias("c")
    t, amount = pay.c.event_type, pay.c.amount_eur
    flows = (select(pay.c.commitment_ref.label("ref"),
                    func.sum(case((t.in_(CANCELLED), amount), else_=0)).label("cancelled_eur"),
                    func.sum(case((t.in_(PAID), amount), else_=0)).label("paid_eur"),
                    func.count().filter(t == "lump_sum").label("lump_sums"),
                    func.count().filter(t == "balance").label("balances"),
                    func.min(case((t.in_(FINAL_PAYMENTS), pay.c.event_date))).label("final_date"),
                    func.max(pay.c.event_date).label("last_date"))
             .where(pay.c.commitment_ref.is_not(None), pay.c.event_date <= end, *view_clauses(pay, view))
             .group_by(pay.c.commitment_ref).subquery("flows"))
    committed = c.c.amount_eur - func.coalesce(flows.c.cancelled_eur, 0)
    paid = func.coalesce(flows.c.paid_eur, 0)
    open_eur = func.greatest(committed - paid, 0)
    reason = risk_reason(open_eur, flows.c.lump_sums, flows.c.balances, c.c.event_date, end, rules)
    source = c.outerjoin(flows, flows.c.ref == c.c.event_id).outerjoin(
        dim_dispositif, dim_dispositif.c.dispositif_code == c.c.dispositif_code)
    return (select(c.c.event_id.label("commitment_id"), c.c.dispositif_code, c.c.couloir_code, c.c.vague,
                   c.c.region_code, c.c.departement_code, c.c.beneficiary_id, c.c.beneficiary_kind,
                   c.c.beneficiary_name, c.c.event_date.label("commitment_date"), committed.label("committed_eur"),
                   paid.label("paid_eur"), open_eur.label("open_eur"), reason.label("risk_reason"),
                   flows.c.final_date, func.greatest(c.c.event_date, func.coalesce(flows.c.last_date, c.c.event_date))
                   .label("last_event_date"))
            .select_from(source)
            .where(c.c.event_type == "commitment", c.c.event_date <= end, *view_clauses(c, view)))


RISK_COLUMNS = ["dispositif_code", "region_code", "reason", "at_risk_eur", "commitments"]
LAG_COLUMNS = ["dispositif_code", "commitments", *QUANTILES]
BENEFICIARY_COLUMNS = ["beneficiary_id", "beneficiary_kind", "beneficiary_name", "dispositif_code", "commitments",
                       "committed_eur", "paid_eur", "open_eur", "at_risk_eur", "last_event_date"]
_PARTS_COLUMNS = ["part", "dispositif_code", "region_code", "reason", "beneficiary_id", "beneficiary_kind",
                  "beneficiary_name", "commitments", "committed_eur", "paid_eur", "open_eur", "at_risk_eur",
                  "last_event_date", *QUANTILES]


def _parts_select(as_of: date, view: ViewFilters, limit: int, derived: bool = False,
                  rules: AtRiskMeasure = DEFAULT_RULES):
    """Money at risk, payment lag and the top beneficiaries in one statement over one scan of the commitments
    (a materialised CTE): each part fills its own columns of a common layout, the others are NULL."""
    s = commitments_select(as_of, view, derived, rules).cte("commitments").prefix_with("MATERIALIZED")
    typed = {"dispositif_code": String, "region_code": String, "reason": String, "beneficiary_id": String,
             "beneficiary_kind": String, "beneficiary_name": String, "commitments": BigInteger,
             "committed_eur": Numeric(18, 2), "paid_eur": Numeric(18, 2), "open_eur": Numeric(18, 2),
             "at_risk_eur": Numeric(18, 2), "last_event_date": Date, **{q: Float for q in QUANTILES}}

    def layout(part: str, **given):
        return [literal(part).label("part")] + [
            (given[name] if name in given else cast(null(), typed[name])).label(name) for name in _PARTS_COLUMNS[1:]]

    risk = (select(*layout("risk", dispositif_code=s.c.dispositif_code, region_code=s.c.region_code,
                              reason=s.c.risk_reason, commitments=func.count(),
                              at_risk_eur=func.sum(s.c.open_eur)))
            .where(s.c.risk_reason.is_not(None)).group_by(s.c.dispositif_code, s.c.region_code, s.c.risk_reason))
    lag = func.date_diff(literal_column("'day'"), s.c.commitment_date, s.c.final_date)
    lags = (select(*layout("lag", dispositif_code=s.c.dispositif_code, commitments=func.count(),
                           **{name: func.quantile_cont(lag, q) for name, q in QUANTILES.items()}))
            .where(s.c.final_date.is_not(None)).group_by(s.c.dispositif_code))
    open_sum = func.sum(s.c.open_eur)
    top = (select(*layout("beneficiary", dispositif_code=s.c.dispositif_code, beneficiary_id=s.c.beneficiary_id,
                          beneficiary_kind=s.c.beneficiary_kind, beneficiary_name=func.max(s.c.beneficiary_name),
                          commitments=func.count(), committed_eur=func.sum(s.c.committed_eur),
                          paid_eur=func.sum(s.c.paid_eur), open_eur=open_sum,
                          at_risk_eur=func.coalesce(func.sum(case((s.c.risk_reason.is_not(None), s.c.open_eur))), 0),
                          last_event_date=func.max(s.c.last_event_date)))
           .group_by(s.c.beneficiary_id, s.c.beneficiary_kind, s.c.dispositif_code)
           .order_by(open_sum.desc(), s.c.beneficiary_id, s.c.dispositif_code).limit(limit)).subquery("top")
    return union_all(risk, lags, select(*top.c))


def commitment_views(db, as_of: date, view: ViewFilters | None = None, limit: int = 100,
                     rules: AtRiskMeasure = DEFAULT_RULES) -> dict[str, pd.DataFrame]:
    """{"risk", "lag", "beneficiaries"}: what `money_at_risk`, `payment_lag` and `beneficiaries` return, from
    one query (the commitments of a national view are the costly part: read them once), kept per publish.
    `rules`: the catalogue's (`indicators.at_risk.risk_rules`), so that the split adds up to BUD-04."""
    view = view or ViewFilters()
    key = (f"indicators.budget_views.commitment_views|{as_of}|{view.key()}|{limit}"
           f"|{rules.window_months}|{rules.validation_months}")
    return db.cached(key, lambda: _split_parts(db.frame(_parts_select(as_of, view, limit, has_derived(db), rules))))


def _split_parts(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    def part(name: str, columns: list[str], order: list[str], descending: str | None) -> pd.DataFrame:
        out = df.loc[df["part"] == name, columns]
        ascending = [col != descending for col in order]
        return out.sort_values(order, ascending=ascending, kind="stable").reset_index(drop=True)

    risk = part("risk", RISK_COLUMNS, ["at_risk_eur", "dispositif_code", "region_code", "reason"], "at_risk_eur")
    risk = risk.astype({"at_risk_eur": "float64", "commitments": "int64"})
    lag = part("lag", LAG_COLUMNS, ["dispositif_code"], None)
    lag = lag.astype({"commitments": "int64", **{name: "float64" for name in QUANTILES}})
    top = part("beneficiary", BENEFICIARY_COLUMNS, ["open_eur", "beneficiary_id", "dispositif_code"], "open_eur")
    top = top.astype({col: "float64" for col in ("committed_eur", "paid_eur", "open_eur", "at_risk_eur")})
    top["commitments"] = top["commitments"].astype("int64")
    top["last_event_date"] = pd.to_datetime(top["last_event_date"]).dt.date
    top["status"] = ["at_risk" if r > 0 else "open" if o > 0 else "paid"
                     for r, o in zip(top["at_risk_eur"], top["open_eur"], strict=True)]
    return {"risk": risk, "lag": lag, "beneficiaries": top}


def money_at_risk(db, as_of: date, view: ViewFilters | None = None,
                  rules: AtRiskMeasure = DEFAULT_RULES) -> pd.DataFrame:
    """Money at risk by dispositif × région × reason (euros and number of commitments), largest first."""
    return commitment_views(db, as_of, view, rules=rules)["risk"].copy()


def payment_lag(db, as_of: date, view: ViewFilters | None = None, rules: AtRiskMeasure = DEFAULT_RULES) -> pd.DataFrame:
    """Days from commitment to its first balance or lump sum, per dispositif: number of commitments paid
    so far and the 10th, 25th, 50th, 75th, 90th percentiles (commitments not paid yet are left out)."""
    return commitment_views(db, as_of, view, rules=rules)["lag"].copy()


def beneficiaries(db, as_of: date, view: ViewFilters | None = None, limit: int = 100,
                  rules: AtRiskMeasure = DEFAULT_RULES) -> pd.DataFrame:
    """The `limit` beneficiaries × dispositifs with the most committed-not-paid money: identifier and kind
    (FINESS, SIREN, RPPS), name, committed, paid, open, at risk, last event date and status
    ("at_risk" when some of it is at risk, "open" when something is left to pay, else "paid")."""
    return commitment_views(db, as_of, view, limit, rules)["beneficiaries"].copy()
