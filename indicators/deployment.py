"""What the Déploiement page shows: the funnel référencé → commandé → installé → validé → en usage per
couloir × vague, the éditeurs table and the orders per month.

Stages as of a month (dates up to the end of that month):
- référencé: solutions referenced by ANS for the couloir × vague (a national list: the territorial filters do
  not apply to it; a dispositif filter keeps its couloir and vague);
- commandé / installé / validé: distinct sites (FINESS or RPPS) with an order / installation / validation
  (MOM / VA) date;
- en usage: validated sites whose FINESS sent documents (fact_usage_etablissement, same couloir) in the
  last 3 months up to the as-of month. Only measured for the couloirs that source covers: NaN elsewhere.
Delays are medians over orders, in days. A stale order is one placed 12 months or more before the end
of the as-of month and not validated by then (its SONS balance cannot be paid).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, case, distinct, false, func, literal, literal_column, null, or_, select

from indicators.budget_views import add_months
from indicators.compute import month_end
from indicators.query import DIMENSION_COLUMN, ViewFilters
from indicators.tables import FACTS, dim_departement, dim_dispositif

USAGE_MONTHS = 3
STALE_MONTHS = 12
SEGMENT = ("couloir_code", "vague")
STAGES = ("ordered", "installed", "validated")
_deployment = FACTS["fact_deployment"]
_solution = FACTS["dim_solution"]
_usage = FACTS["fact_usage_etablissement"]


def _days(first, last):
    return func.date_diff(literal_column("'day'"), first, last)


def deployment_source(view: ViewFilters):
    """fact_deployment (joined to dim_departement for a région filter) and the view's filters on it."""
    d = _deployment
    clauses, source = [], d
    for dim, code in view.items():
        if dim == "region":
            source = d.join(dim_departement, dim_departement.c.departement_code == d.c.departement_code)
            clauses.append(dim_departement.c.region_code == code)
        else:
            clauses.append(d.c[DIMENSION_COLUMN[dim]] == code)
    return source, clauses


def solution_clauses(db, view: ViewFilters) -> list:
    """Filters on dim_solution: couloir and vague, and the couloir (and vague) of a dispositif filter."""
    s = _solution
    clauses = [col == code for col, code in ((s.c.couloir_code, view.couloir), (s.c.vague, view.vague)) if code]
    if view.dispositif:
        rows = db.rows(select(dim_dispositif.c.couloir_code, dim_dispositif.c.vague)
                       .where(dim_dispositif.c.dispositif_code == view.dispositif))
        couloir, vague = rows[0] if rows else (None, None)
        clauses += [col == code for col, code in ((s.c.couloir_code, couloir), (s.c.vague, vague)) if code]
    return clauses


def measured_couloirs(db, as_of: date) -> set[str]:
    """Couloirs for which the per-establishment usage source has data up to the as-of month."""
    rows = db.rows(select(_usage.c.couloir_code).where(_usage.c.month <= month_end(as_of)).distinct())
    return {r[0] for r in rows}


def funnel(db, as_of: date, view: ViewFilters | None = None, by_segment: bool = True) -> pd.DataFrame:
    """The funnel per couloir × vague (or one row for the whole view when `by_segment` is False):
    solutions, editeurs, ordered, installed, validated, in_use, validated_measured (validated sites in
    measured couloirs), stale_orders, usage_measured, install_rate, validation_rate, usage_rate,
    order_to_install_days, install_to_validation_days."""
    view = view or ViewFilters()
    end = month_end(as_of)
    d, s = _deployment, _solution
    measured = measured_couloirs(db, as_of)
    usage = (select(_usage.c.finess, _usage.c.couloir_code)
             .where(_usage.c.month >= add_months(date(as_of.year, as_of.month, 1), 1 - USAGE_MONTHS),
                    _usage.c.month <= end, _usage.c.documents_count > 0).distinct().subquery("usage"))
    source, clauses = deployment_source(view)
    source = source.outerjoin(usage, and_(usage.c.finess == d.c.site_id, usage.c.couloir_code == d.c.couloir_code))
    installed, validated = d.c.installed_date <= end, d.c.validated_date <= end
    in_measured = d.c.couloir_code.in_(sorted(measured)) if measured else false()

    def sites(condition=None):
        return func.count(distinct(d.c.site_id if condition is None else case((condition, d.c.site_id))))

    keys = [d.c[k] for k in SEGMENT] if by_segment else []
    stale = and_(d.c.ordered_date <= add_months(end, -STALE_MONTHS), or_(d.c.validated_date.is_(None),
                                                                          d.c.validated_date > end))
    stmt = (select(*keys, sites().label("ordered"), sites(installed).label("installed"),
                   sites(validated).label("validated"),
                   sites(and_(validated, usage.c.finess.is_not(None))).label("in_use"),
                   sites(and_(validated, in_measured)).label("validated_measured"), sites(stale).label("stale_orders"),
                   func.median(case((installed, _days(d.c.ordered_date, d.c.installed_date)))).label(
                       "order_to_install_days"),
                   func.median(case((validated, _days(d.c.installed_date, d.c.validated_date)))).label(
                       "install_to_validation_days"))
            .select_from(source).where(d.c.ordered_date <= end, *clauses).group_by(*keys))
    sites_df = db.frame(stmt)
    skeys = [s.c[k] for k in SEGMENT] if by_segment else []
    sol = db.frame(select(*skeys, func.count().label("solutions"),
                          func.count(distinct(s.c.editeur_siren)).label("editeurs"))
                   .where(s.c.referenced_date <= end, *solution_clauses(db, view)).group_by(*skeys))
    if by_segment:
        out = sol.merge(sites_df, on=list(SEGMENT), how="outer")
        if view.territorial or view.dispositif:  # keep the segments the view deploys, and those of the filter
            out = out[out["ordered"].notna() | out["solutions"].notna()]
        out = out.sort_values(list(SEGMENT), ignore_index=True)
        out["usage_measured"] = out["couloir_code"].isin(measured)
    else:
        out = pd.concat([sol, sites_df], axis=1)
        out.insert(0, "vague", None)
        out.insert(0, "couloir_code", None)
        out["usage_measured"] = out["validated_measured"].fillna(0) > 0
    counts = ["solutions", "editeurs", "ordered", "installed", "validated", "in_use", "validated_measured",
              "stale_orders"]
    out[counts] = out[counts].fillna(0).astype("int64")
    for col in ("order_to_install_days", "install_to_validation_days"):
        out[col] = out[col].astype("float64")
    out["in_use"] = out["in_use"].where(out["usage_measured"])
    out["install_rate"] = _ratio(out["installed"], out["ordered"])
    out["validation_rate"] = _ratio(out["validated"], out["installed"])
    out["usage_rate"] = _ratio(out["in_use"], out["validated_measured"])
    return out[[*SEGMENT, *counts[:2], *STAGES, "in_use", "validated_measured", "stale_orders", "usage_measured",
                "install_rate", "validation_rate", "usage_rate", "order_to_install_days",
                "install_to_validation_days"]]


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return num.astype("float64") / den.where(den > 0).astype("float64")


def editeurs(db, as_of: date, view: ViewFilters | None = None) -> pd.DataFrame:
    """One row per éditeur × vague: name, SIREN, referenced solutions (count and names), couloir codes, first
    referencing date, sites ordered / installed / validated, install_rate, median order→install days.
    With a territorial or dispositif filter, only the éditeurs with orders in the view."""
    view = view or ViewFilters()
    end = month_end(as_of)
    d, s = _deployment, _solution
    sol = db.frame(select(s.c.editeur_siren, s.c.editeur_name, s.c.vague, s.c.solution_name, s.c.couloir_code,
                          s.c.referenced_date)
                   .where(s.c.referenced_date <= end, *solution_clauses(db, view)))
    key = ["editeur_siren", "vague"]
    per = (sol.sort_values(["solution_name"]).groupby(key, sort=False)
           .agg(editeur_name=("editeur_name", "first"), solutions=("solution_name", "size"),
                solution_names=("solution_name", lambda x: ", ".join(dict.fromkeys(x))),
                couloir_codes=("couloir_code", lambda x: tuple(sorted(set(x)))),
                referenced_date=("referenced_date", "min")).reset_index())
    source, clauses = deployment_source(view)
    installed = d.c.installed_date <= end
    deps = db.frame(select(s.c.editeur_siren, d.c.vague, func.count(distinct(d.c.site_id)).label("ordered"),
                           func.count(distinct(case((installed, d.c.site_id)))).label("installed"),
                           func.count(distinct(case((d.c.validated_date <= end, d.c.site_id)))).label("validated"),
                           func.median(case((installed, _days(d.c.ordered_date, d.c.installed_date)),
                                            else_=null())).label("order_to_install_days"))
                    .select_from(source.join(s, s.c.solution_id == d.c.solution_id))
                    .where(d.c.ordered_date <= end, *clauses).group_by(s.c.editeur_siren, d.c.vague))
    out = per.merge(deps, on=key, how="inner" if (view.territorial or view.dispositif) else "left")
    out[list(STAGES)] = out[list(STAGES)].fillna(0).astype("int64")
    out["order_to_install_days"] = out["order_to_install_days"].astype("float64")
    out["install_rate"] = _ratio(out["installed"], out["ordered"])
    out["referenced_date"] = pd.to_datetime(out["referenced_date"]).dt.date
    out = out.sort_values(["ordered", "editeur_name", "vague"], ascending=[False, True, True], ignore_index=True)
    return out[["editeur_name", "editeur_siren", "solutions", "solution_names", "couloir_codes", "vague",
                "referenced_date", *STAGES, "install_rate", "order_to_install_days"]]


def orders_by_month(db, as_of: date, view: ViewFilters | None = None) -> pd.DataFrame:
    """Orders placed, installed and validated per month (counts of orders), from the first order to as_of."""
    view = view or ViewFilters()
    end = month_end(as_of)
    d = _deployment
    source, clauses = deployment_source(view)
    parts = []
    for stage, col in zip(STAGES, (d.c.ordered_date, d.c.installed_date, d.c.validated_date), strict=True):
        month = func.date_trunc(literal_column("'month'"), col)
        parts.append(select(month.label("month"), literal(stage).label("stage"),
                            func.count().label("orders"))
                     .select_from(source).where(col <= end, *clauses).group_by(month))
    flows = db.frame(parts[0].union_all(*parts[1:]))
    if flows.empty:
        return pd.DataFrame(columns=["month", *STAGES])
    flows["month"] = pd.to_datetime(flows["month"]).dt.date
    wide = flows.pivot_table(index="month", columns="stage", values="orders", aggfunc="sum")
    months = pd.date_range(min(wide.index), date(as_of.year, as_of.month, 1), freq="MS").date
    wide = wide.reindex(index=months, columns=list(STAGES)).fillna(0).astype("int64")
    return wide.rename_axis("month").reset_index().rename_axis(None, axis=1)
