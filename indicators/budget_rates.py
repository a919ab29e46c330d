"""The budget table's totals, groupings and rates, and the one rule of which committed and paid amounts a rate
compares with an envelope.

An envelope is national (région empty: SONS, forfaits, the national calls of ESMS numérique) or
territorialised (one per région: SUN-ES, the ARS calls of ESMS numérique). A funding event always carries the
beneficiary's région, never the envelope it draws on. So a dispositif's committed and paid amounts are
compared with its envelope
- where amounts are not split by région (national view, rows not grouped by région): whenever the dispositif
  has an envelope in the view;
- in a région (région view, or a région row of a table grouped by région): only when all of the dispositif's
  envelope is territorialised. A dispositif whose envelope is national, or partly national (ESMS numérique:
  national calls beside the ARS calls), has no regional rate: its commitments in the région may draw on the
  national envelope, which has no regional share. Its amounts are counted as committed and paid, and as
  `uncovered_committed_eur`, never in a rate nor in the reste à engager.
A compared dispositif whose committed exceeds its envelope really over-commits: its rate stays above 100 % and
`over_committed` names it, so that the page says it in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
from sqlalchemy import func, select

from indicators.query import ViewFilters
from indicators.tables import FACTS, dim_dispositif

SCOPES_KEY = "envelope_scopes"  # frame.attrs: dispositif → "national" | "territorial" | "mixed"
REGION_VIEW_KEY = "region_view"  # frame.attrs: the frame is one région's
GROUPINGS = {"dispositif": "dispositif_code", "couloir": "couloir_code", "vague": "vague",
             "region": "region_code", "year": "year"}
_AMOUNTS = ("envelope_eur", "committed_eur", "paid_eur", "to_commit_eur", "to_pay_eur")
_RATE_AMOUNTS = ("rate_envelope_eur", "rate_committed_eur", "rate_paid_eur")


def scopes_select(as_of: date, view: ViewFilters):
    """Per dispositif with an envelope opened by `as_of` (the view's filters except région and
    département): number of territorialised and of national envelope rows."""
    env = FACTS["fact_envelope"]
    where = [env.c.year <= as_of.year]
    for dim, col in (("couloir", env.c.couloir_code), ("dispositif", env.c.dispositif_code),
                     ("vague", dim_dispositif.c.vague)):
        code = getattr(view, dim)
        if code:
            where.append(col == code)
    source = env.outerjoin(dim_dispositif, dim_dispositif.c.dispositif_code == env.c.dispositif_code)
    return (select(env.c.dispositif_code, func.count(env.c.region_code).label("territorial"),
                   (func.count() - func.count(env.c.region_code)).label("national"))
            .select_from(source).where(*where).group_by(env.c.dispositif_code))


def envelope_scopes(db, as_of: date, view: ViewFilters) -> dict[str, str]:
    """dispositif → "national", "territorial" or "mixed" (both), for the envelopes opened by `as_of`."""
    out = {}
    for code, territorial, national in db.rows(scopes_select(as_of, view)):
        out[code] = "mixed" if territorial and national else "territorial" if territorial else "national"
    return out


def compared(frame: pd.DataFrame, by_region: bool = False) -> pd.Series:
    """Per row of a `budget_frame`: True when its amounts are compared with the dispositif's envelope (rule
    above). `by_region`: the rows are about to be grouped by région."""
    with_envelope = set(frame.loc[frame["envelope_eur"].notna(), "dispositif_code"])
    ok = frame["dispositif_code"].isin(with_envelope)
    if by_region or frame.attrs.get(REGION_VIEW_KEY, False):
        scopes = frame.attrs.get(SCOPES_KEY) or {}
        ok &= frame["dispositif_code"].map(lambda code: scopes.get(code) == "territorial").astype(bool)
    return ok


def with_compared(frame: pd.DataFrame, by_region: bool = False) -> pd.DataFrame:
    """The frame with rate_envelope_eur, rate_committed_eur and rate_paid_eur: the amounts a rate compares
    (envelope NaN and amounts 0 on rows that are not compared)."""
    ok = compared(frame, by_region)
    return frame.assign(rate_envelope_eur=frame["envelope_eur"].where(ok),
                        rate_committed_eur=frame["committed_eur"].where(ok, 0.0),
                        rate_paid_eur=frame["paid_eur"].where(ok, 0.0))


def not_compared(frame: pd.DataFrame) -> list[dict]:
    """Dispositifs of the frame with commitments that no rate compares, and why ("national": no envelope in
    the view; "mixed": partly national envelope), with their committed and their envelope in the view (NaN when
    none): what the page says instead of a rate."""
    ok = compared(frame)
    scopes = frame.attrs.get(SCOPES_KEY) or {}
    out = []
    rest = frame[~ok]
    for code, rows in rest.groupby("dispositif_code", sort=True):
        committed = round(float(rows["committed_eur"].sum()), 2)
        if committed == 0:
            continue
        envelope = rows["envelope_eur"].sum(min_count=1)
        out.append({"dispositif_code": code, "reason": "mixed" if scopes.get(code) == "mixed" else "national",
                    "committed_eur": committed, "envelope_eur": float(envelope)})
    return out


def over_committed(by_dispositif: pd.DataFrame) -> list[dict]:
    """Compared dispositifs (rows of `grouped(frame, ["dispositif"])`) whose committed exceeds the envelope."""
    rows = by_dispositif[by_dispositif["committed_rate"] > 1]
    return [{"dispositif_code": r.dispositif_code, "envelope_eur": float(r.rate_envelope_eur),
             "committed_eur": float(r.rate_committed_eur), "committed_rate": float(r.committed_rate)}
            for r in rows.itertuples()]


def with_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Add committed_rate and paid_rate (of the envelope) and paid_of_committed; NaN where undefined.

    The rates compare rate_committed_eur and rate_paid_eur with rate_envelope_eur when the frame has them
    (indicators.budget_rates: only the amounts whose envelope is in the view), else the plain amounts."""
    out = df.copy()
    prefix = "rate_" if "rate_envelope_eur" in out else ""
    envelope = out[f"{prefix}envelope_eur"].where(out[f"{prefix}envelope_eur"] > 0)
    committed = out["committed_eur"].where(out["committed_eur"] > 0)
    out["committed_rate"] = out[f"{prefix}committed_eur"] / envelope
    out["paid_rate"] = out[f"{prefix}paid_eur"] / envelope
    out["paid_of_committed"] = out["paid_eur"] / committed
    return out


def totals(frame: pd.DataFrame) -> dict:
    """Envelope, committed, paid, remaining and rates of a `budget_frame`.

    Rates, the envelope and the remaining-to-commit only use the amounts compared with an envelope of the
    view (rule in indicators.budget_rates: a région view only compares the dispositifs whose envelope is all
    territorialised); `uncovered_committed_eur` is what is committed elsewhere, `not_compared` lists those
    dispositifs and why, `over_committed` the compared ones whose committed exceeds their envelope.
    The envelope is NaN when none is known for the view."""
    nan = float("nan")
    by = grouped(frame, ["dispositif"]) if len(frame) else pd.DataFrame(
        {c: pd.Series(dtype=float) for c in (*_AMOUNTS[:3], *_RATE_AMOUNTS, "committed_rate")})
    covered = by[by["rate_envelope_eur"].notna()]
    envelope = float(covered["rate_envelope_eur"].sum()) if len(covered) else nan
    committed, paid = float(by["committed_eur"].sum()), float(by["paid_eur"].sum())
    committed_covered, paid_covered = float(by["rate_committed_eur"].sum()), float(by["rate_paid_eur"].sum())
    has_envelope = envelope == envelope and envelope > 0
    return {
        "envelope_eur": round(envelope, 2), "committed_eur": round(committed, 2), "paid_eur": round(paid, 2),
        "to_commit_eur": round(envelope - committed_covered, 2) if envelope == envelope else nan,
        "to_pay_eur": round(committed - paid, 2),
        "committed_rate": committed_covered / envelope if has_envelope else nan,
        "paid_rate": paid_covered / envelope if has_envelope else nan,
        "paid_of_committed": paid / committed if committed > 0 else nan,
        "uncovered_committed_eur": round(committed - committed_covered, 2),
        "not_compared": not_compared(frame) if len(frame) else [],
        "over_committed": over_committed(by) if len(frame) else [],
    }


def grouped(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """The budget table summed by the grouping keys (names of GROUPINGS, in that order), with rates.

    A missing key (national envelope: no région; forfaits: no vague) stays a group of its own (None).
    rate_envelope_eur, rate_committed_eur, rate_paid_eur are the amounts the rates and to_commit_eur compare
    (indicators.budget_rates); uncovered_committed_eur is the committed that no envelope of the row covers."""
    unknown = [k for k in by if k not in GROUPINGS]
    if unknown or not by:
        raise ValueError(f"unknown grouping {unknown or by!r}; expected some of {', '.join(GROUPINGS)}")
    keys = [GROUPINGS[k] for k in GROUPINGS if k in by]
    amounts = [*_AMOUNTS[:3], *_RATE_AMOUNTS]
    work = with_compared(frame, by_region="region" in by)
    sums = work.groupby(keys, dropna=False, sort=True)[amounts].sum(min_count=1).reset_index()
    zero = ["committed_eur", "paid_eur", "rate_committed_eur", "rate_paid_eur"]
    sums[zero] = sums[zero].fillna(0.0)
    sums[amounts] = sums[amounts].round(2)
    stock = _year_end_stocks(sums, keys) if "year" in keys else sums
    sums["to_commit_eur"] = (stock["rate_envelope_eur"] - stock["rate_committed_eur"]).round(2)
    sums["to_pay_eur"] = (stock["committed_eur"] - stock["paid_eur"]).round(2)
    sums["uncovered_committed_eur"] = (sums["committed_eur"] - sums["rate_committed_eur"]).round(2)
    for k in keys:
        sums[k] = sums[k].astype(object).where(sums[k].notna(), None)
    rated = with_rates(stock)
    for col in ("committed_rate", "paid_rate", "paid_of_committed"):
        sums[col] = rated[col].to_numpy()
    return sums


def _year_end_stocks(sums: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """A year row's amounts are the year's flows; what remains and the rates are stocks at the end of that
    year (committed up to then over the envelopes opened up to then), as BUD-01 and BUD-02 are: a year's
    commitments may draw on earlier envelopes, so a flow over the year's envelope is not a rate."""
    others = [k for k in keys if k != "year"]
    ordered = sums.sort_values("year", kind="stable")
    cols = [*_AMOUNTS[:3], *_RATE_AMOUNTS]
    groups = [ordered[k].fillna("") for k in others]

    def running(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.groupby(groups, sort=False).cumsum() if others else frame.cumsum()

    cum = running(ordered[cols].fillna(0.0))
    known = running(ordered[["envelope_eur", "rate_envelope_eur"]].notna().astype(int)) > 0
    for col in ("envelope_eur", "rate_envelope_eur"):  # NaN until an envelope of the group is opened
        cum[col] = cum[col].where(known[col])
    return cum.reindex(sums.index).round(2)
