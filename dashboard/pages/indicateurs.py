"""Indicateurs: every indicator of the catalogue, grouped by objective, with its value and status for the view."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
import pandas as pd
from dash import html

from dashboard import ids
from dashboard.components import page_header, status_badge
from dashboard.components.export_menu import grain_kind, table_with_export, unit_kind
from dashboard.components.indicator_common import (
    fmt_period,
    fmt_progress,
    fmt_value,
    freshness_badge,
    scope_text,
)
from dashboard.components.overview_data import compute_results
from dashboard.format import fmt_month
from dashboard.pagekit import PageRequest, view
from indicators.rollup import rollup

dash.register_page(__name__, path="/indicateurs", name="Indicateurs", title="Indicateurs — Ségur numérique", order=1)


COLUMNS = ["indicator", "value", "period", "target", "progress", "status", "freshness"]
RAW = ["value", "period", "target", "progress"]


def _rows(inds, results, avail, page) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list]]:
    """The cells on screen, the raw values of the formatted ones (for the export) and their kinds per row
    (the indicators of a list mix units and grains)."""
    lang = page.lang
    rows, raws = [], []
    kinds: dict[str, list] = {"value": [], "target": [], "period": []}
    for ind in inds:
        r, av = results.get(ind.id), avail[ind.id]
        label = ind.label.en if lang == "en" else ind.label.fr
        link = dmc.Anchor(f"{ind.id} · {label}", href=page.href(f"/indicateurs/{ind.id}"))
        if r is None or not av.available:
            rows.append({"indicator": link, "value": page.t("ind.na.short"), "period": "—", "target": "—",
                         "progress": "—", "status": status_badge("no_data", lang, page.t("ind.na.short")),
                         "freshness": "—"})
            raws.append(dict.fromkeys(RAW))
            for k in kinds.values():
                k.append(None)
            continue
        cur = r.current
        value, target = (cur.value, cur.target) if cur else (None, None)
        rows.append({
            "indicator": link, "value": fmt_value(value, ind.unit, lang),
            "period": fmt_period(cur.period, r.grain, lang) if cur else "—",
            "target": fmt_value(target, ind.unit, lang),
            "progress": fmt_progress(cur.progress if cur else None, lang),
            "status": status_badge(r.status, lang), "freshness": freshness_badge(r.freshness, lang),
        })
        raws.append({"value": value, "period": cur.period if cur else None, "target": target,
                     "progress": cur.progress if cur else None})
        kinds["value"].append(unit_kind(value, ind.unit))
        kinds["target"].append(unit_kind(target, ind.unit))
        kinds["period"].append(grain_kind(r.grain))
    return pd.DataFrame(rows, columns=COLUMNS), pd.DataFrame(raws, columns=RAW), kinds


def _table(inds, results, avail, page, headers: dict, title: str, caption: str) -> html.Div:
    shown, raw, kinds = _rows(inds, results, avail, page)
    return table_with_export(shown, page.lang, title, headers=headers, caption=caption, raw=raw,
                             raw_formats={"progress": "percent"}, cell_kinds=kinds)


@view()
def layout(page: PageRequest):
    engine = page.engine
    catalogue = engine.catalogue
    as_of = page.state.as_of_date or engine.latest_month()
    results, avail = compute_results(engine, as_of, page.filters)
    objectives = {o.id: o for o in rollup(catalogue, {i: r for i, r in results.items()
                                                      if r is not None and avail[i].available})}
    headers = {k: page.t(f"list.col.{k}") for k in ("indicator", "value", "period", "target", "progress", "status",
                                                     "freshness")}
    sections, seen = [], set()
    for obj in catalogue.objectives:
        inds = [i for i in catalogue.indicators if i.id in obj.weights]
        seen.update(i.id for i in inds)
        o = objectives[obj.id]
        label = obj.label.en if page.lang == "en" else obj.label.fr
        sections.append(html.Section([
            html.Div([html.H2(label), status_badge(o.status, page.lang),
                      html.Span(page.t("list.objective_progress", pct=fmt_progress(o.progress, page.lang)),
                                className="list-progress")], className="section-head"),
            html.P(obj.description.en if page.lang == "en" else obj.description.fr, className="section-lead"),
            _table(inds, results, avail, page, headers, label, label),
        ], className="page-section", **{"data-objective": obj.id}))
    rest = [i for i in catalogue.indicators if i.id not in seen]
    if rest:
        sections.append(html.Section([html.H2(page.t("tiles.others")),
                                      _table(rest, results, avail, page, headers, page.t("tiles.others"), "")],
                                     className="page-section"))
    lead = page.t("list.lead", n=len(catalogue.indicators), month=fmt_month(as_of, page.lang),
                  scope=scope_text(page.state, page.reference, page.lang))
    return [page_header(page.t("list.title"), lead), html.Div(sections, id=ids.IND_LIST)]
