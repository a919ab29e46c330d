"""The budget table: envelope, committed, paid and what remains, by dispositif × couloir × vague × région × year.

Envelopes come from fact_envelope (planned amounts per budget year, national when région is empty);
committed = commitments − cancellations and paid = advances + balances + lump sums, from
fact_funding_event, by the year of the event (read from its monthly sums, `derived_funding_month`, when the
warehouse has them). As of a month: events dated up to the end of that month, envelopes of budget years up to
that year. The view's filters apply to each table that has the column;
an envelope has no vague (it takes its dispositif's) and no département (envelope left empty).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Numeric, case, cast, func, literal, null, select, union_all

from etl.sources.budget import CANCELLED, COMMITTED, PAID
from indicators.budget_rates import REGION_VIEW_KEY, SCOPES_KEY, envelope_scopes
from indicators.compute import month_end
from indicators.query import ViewFilters
from indicators.tables import FACTS, derived_funding_month, dim_dispositif, has_derived

KEYS = ("dispositif_code", "couloir_code", "vague", "region_code", "year")
AMOUNTS = ("envelope_eur", "committed_eur", "paid_eur", "to_commit_eur", "to_pay_eur")


def _zero():
    return cast(literal(0), Numeric(15, 2))


def envelope_select(as_of: date, view: ViewFilters):
    """Envelope per key, or None when the view filters on something envelopes are not broken down by."""
    if view.departement:
        return None
    env = FACTS["fact_envelope"]
    vague = dim_dispositif.c.vague
    where = [env.c.year <= as_of.year]
    for dim, col in (("region", env.c.region_code), ("couloir", env.c.couloir_code),
                     ("dispositif", env.c.dispositif_code), ("vague", vague)):
        code = getattr(view, dim)
        if code:
            where.append(col == code)
    source = env.outerjoin(dim_dispositif, dim_dispositif.c.dispositif_code == env.c.dispositif_code)
    return (select(env.c.dispositif_code, env.c.couloir_code, vague.label("vague"), env.c.region_code,
                   env.c.year.label("year"), env.c.amount_eur.label("envelope_eur"),
                   _zero().label("committed_eur"), _zero().label("paid_eur"))
            .select_from(source).where(*where))


def view_clauses(t, view: ViewFilters) -> list:
    """The view's filters on a table carrying every dimension (events, or their monthly sums)."""
    cols = {"region": t.c.region_code, "departement": t.c.departement_code, "couloir": t.c.couloir_code,
            "dispositif": t.c.dispositif_code, "vague": t.c.vague}
    return [cols[dim] == code for dim, code in view.items()]


def events_select(as_of: date, view: ViewFilters, derived: bool = False):
    """Committed and paid per event (or per month from `derived_funding_month`, the same sums)."""
    if derived:
        m = derived_funding_month
        return select(m.c.dispositif_code, m.c.couloir_code, m.c.vague, m.c.region_code,
                      func.year(m.c.month).label("year"), null().label("envelope_eur"),
                      m.c.committed_eur, m.c.paid_eur).where(m.c.month <= as_of.replace(day=1),
                                                             *view_clauses(m, view))
    ev = FACTS["fact_funding_event"]
    amount = ev.c.amount_eur
    where = [ev.c.event_date <= month_end(as_of), ev.c.event_type.in_(COMMITTED + CANCELLED + PAID),
             *view_clauses(ev, view)]
    committed = case((ev.c.event_type.in_(COMMITTED), amount), (ev.c.event_type.in_(CANCELLED), -amount),
                     else_=_zero())
    paid = case((ev.c.event_type.in_(PAID), amount), else_=_zero())
    return select(ev.c.dispositif_code, ev.c.couloir_code, ev.c.vague, ev.c.region_code,
                  func.year(ev.c.event_date).label("year"), null().label("envelope_eur"),
                  committed.label("committed_eur"), paid.label("paid_eur")).where(*where)


def budget_select(as_of: date, view: ViewFilters | None = None, derived: bool = False):
    view = view or ViewFilters()
    parts = [s for s in (envelope_select(as_of, view), events_select(as_of, view, derived)) if s is not None]
    u = union_all(*parts).subquery("flows")
    keys = [u.c[k] for k in KEYS]
    return (select(*keys, func.sum(u.c.envelope_eur).label("envelope_eur"),
                   func.sum(u.c.committed_eur).label("committed_eur"), func.sum(u.c.paid_eur).label("paid_eur"))
            .group_by(*keys).order_by(*(k.asc().nulls_first() for k in keys)))


def budget_frame(db, as_of: date, view: ViewFilters | None = None) -> pd.DataFrame:
    """One row per key with envelope, committed, paid, to-commit (envelope − committed) and to-pay
    (committed − paid), in euros (floats, cents exact). `db` is an indicators.db.WarehouseDB.

    `frame.attrs["envelope_note"]` says why envelopes are missing for this view, if they are;
    `frame.attrs` also carries what indicators.budget_rates needs to know which amounts a rate compares.
    """
    view = view or ViewFilters()
    frame = db.frame(budget_select(as_of, view, has_derived(db)))
    for col in ("envelope_eur", "committed_eur", "paid_eur"):
        frame[col] = frame[col].astype("float64")
    frame[["committed_eur", "paid_eur"]] = frame[["committed_eur", "paid_eur"]].fillna(0.0)
    frame["year"] = frame["year"].astype("int64")
    frame["to_commit_eur"] = frame["envelope_eur"] - frame["committed_eur"]
    frame["to_pay_eur"] = frame["committed_eur"] - frame["paid_eur"]
    for col in ("dispositif_code", "couloir_code", "vague", "region_code"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    frame.attrs["envelope_note"] = (
        "Les enveloppes ne sont pas déclinées par département : seules les dépenses sont filtrées."
        if view.departement else "")
    frame.attrs[SCOPES_KEY] = envelope_scopes(db, as_of, view)
    frame.attrs[REGION_VIEW_KEY] = bool(view.region or view.departement)
    return frame[list(KEYS + AMOUNTS)]
