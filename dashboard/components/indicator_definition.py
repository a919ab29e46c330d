"""The indicator page's definition panel (what the figure is) and "Expliquer ce chiffre" (where it comes from).

Both are plain HTML: a description list, tables, and a native <details> for the explanation, which a
keyboard opens with Enter or Space and a screen reader announces as expandable.
"""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import ids
from dashboard.components.export_menu import table_with_export, unit_kind
from dashboard.components.indicator_common import dimension_label, fmt_value, freshness_badge, key_label, unit_label
from dashboard.components.table import simple_table
from dashboard.figures.indicator_chart import milestone_label
from dashboard.format import fmt_date, fmt_datetime, fmt_month, fmt_number
from etl.sources import CONTRACTS
from indicators.explain import describe

RUN_STATUSES = ("published", "published_with_rejects", "failed")


def _source_title(name: str, lang: str) -> str:
    c = CONTRACTS.get(name)
    if c is None:
        return name
    return f"{c.title_en if lang == 'en' else c.title_fr} ({c.producer})"


def milestones_table(result, page) -> html.Div:
    ind, lang = result.indicator, page.lang
    declared = list(ind.target.targets)
    rows = []
    for i, m in enumerate(result.milestones):
        spec = declared[i] if i < len(declared) else None
        rows.append({
            "date": m.date, "value": fmt_value(m.value, ind.unit, lang), "label": milestone_label(m, lang),
            "official": page.t("ind.def.official" if spec is None or spec.official else "ind.def.steering"),
            "state": page.t(f"milestone.{m.state}"), "actual": fmt_value(m.actual, ind.unit, lang),
        })
    references = [m for m in ind.target.milestones if m.reference]  # observed levels: no state, not a target
    rows += [{"date": m.date, "value": fmt_value(m.value, ind.unit, lang),
              "label": (m.label.en if lang == "en" else m.label.fr) if m.label else "",
              "official": page.t("ind.def.reference"), "state": "—", "actual": "—"} for m in references]
    df = pd.DataFrame(rows, columns=["date", "value", "label", "official", "state", "actual"])
    headers = {k: page.t(f"ind.milestone.col.{k}") for k in df.columns}
    # the export: the values as numbers in the indicator's unit (its Excel format), the rest as on screen
    values = [m.value for m in result.milestones] + [m.value for m in references]
    actuals = [m.actual for m in result.milestones] + [None] * len(references)
    raw = pd.DataFrame({"value": pd.Series(values, dtype=object), "actual": pd.Series(actuals, dtype=object)},
                       index=df.index)
    kinds = {"value": [unit_kind(v, ind.unit) for v in values], "actual": [unit_kind(v, ind.unit) for v in actuals]}
    return table_with_export(df, lang, f"{ind.id} — {page.t('ind.def.milestones')}", headers=headers,
                             formats={"date": "date"}, caption=page.t("ind.def.milestones"), raw=raw,
                             cell_kinds=kinds)


def definition_panel(result, page) -> html.Section:
    ind, lang = result.indicator, page.lang
    text = lambda pair: pair.en if lang == "en" else pair.fr  # noqa: E731
    fresh = ind.freshness
    items = [
        ("ind.def.description", text(ind.description)),
        ("ind.def.formula", describe(ind.measure, lang)),
        ("ind.def.unit", unit_label(ind.unit, lang) or page.t("chart.count")),
        ("ind.def.direction", page.t(f"ind.def.direction.{ind.direction}")),
        ("ind.def.sources", html.Ul([html.Li([html.Code(s), " — ", _source_title(s, lang)]) for s in ind.sources],
                                    className="plain-list")),
        ("ind.def.owner", ind.owner),
        ("ind.def.freshness", html.Span([
            page.t("ind.def.freshness_rule", periodicity=page.t(f"data.periodicity.{fresh.periodicity}"),
                   days=fmt_number(fresh.delay_days, lang, decimals=0)), " ",
            freshness_badge(result.freshness, lang)])),
        ("ind.def.baseline", page.t("ind.def.baseline_value", value=fmt_value(ind.baseline.value, ind.unit, lang),
                                    date=fmt_date(ind.baseline.date, lang))),
        ("ind.def.grains", ", ".join(page.t(f"grain.{g}") for g in ind.grains)),
    ]
    dl = html.Dl([part for key, value in items for part in (html.Dt(page.t(key)), html.Dd(value))],
                 className="definition-list")
    parts = [html.H2(page.t("ind.def.title")), dl, html.H3(page.t("ind.def.milestones")),
             milestones_table(result, page)]
    if ind.notes:
        parts.append(html.Aside([html.H3(page.t("ind.def.notes")), html.P(text(ind.notes))], className="caveats"))
    return html.Section(parts, id=ids.IND_DEFINITION, className="page-section definition-panel")


def _filters_text(filters: dict, page) -> str:
    """`Région : Occitanie (76)` — the label a reader knows and the code the query binds."""
    if not filters:
        return page.t("scope.national")
    return ", ".join(f"{dimension_label(k, page.lang)} : {key_label(k, v, v, page.reference, page.lang)} ({v})"
                     if page.lang == "fr" else
                     f"{dimension_label(k, page.lang)}: {key_label(k, v, v, page.reference, page.lang)} ({v})"
                     for k, v in filters.items())


def _leaf(leaf: dict, page) -> html.Div:
    params = pd.DataFrame([{"param": k, "value": v} for k, v in leaf["params"].items()], columns=["param", "value"])
    return html.Div([
        html.H4(page.t("explain.leaf", kind=leaf["kind"], table=leaf["table"], source=leaf["source"])),
        html.P(leaf["formula_en"] if page.lang == "en" else leaf["formula_fr"]),
        html.Pre(html.Code(leaf["sql"]), className="sql", tabIndex="0",
                 **{"aria-label": page.t("explain.sql_label", table=leaf["table"])}),
        simple_table(params, page.lang, headers={"param": page.t("explain.col.param"),
                                                 "value": page.t("explain.col.value")},
                     caption=page.t("explain.params")) if len(params) else html.P(page.t("explain.no_params")),
    ], className="explain-leaf")


def _forecast_words(explanation: dict, page) -> list:
    """The completeness of the view and the forecast's method, baselines and interval, in words."""
    out = []
    sentence = (explanation.get("completeness") or {}).get(f"sentence_{page.lang}")
    if sentence:
        out += [html.H3(page.t("explain.completeness")), html.P(sentence, className="explain-completeness")]
    lines = (explanation.get("forecast") or {}).get(f"explanation_{page.lang}") or []
    if lines:
        out += [html.H3(page.t("explain.forecast")), *[html.P(x, className="explain-forecast") for x in lines]]
    return out


def explain_panel(explanation: dict, result, page) -> html.Details:
    """Inputs, formula, the SQL with its parameters, source files and load runs behind the value."""
    ind, lang = result.indicator, page.lang
    inputs = pd.DataFrame([
        (page.t("explain.in.as_of"), fmt_month(explanation["as_of"], lang)),
        (page.t("explain.in.filters"), _filters_text(explanation["filters"], page)),
        (page.t("explain.in.value"), f"{fmt_value(explanation['value'], ind.unit, lang)} "
                                     f"({fmt_month(explanation['value_period'], lang)})"),
        (page.t("explain.in.target_now"), fmt_value(explanation["target_at_date"], ind.unit, lang)),
        (page.t("explain.in.final"), f"{fmt_value(explanation['final_target']['value'], ind.unit, lang)} "
                                     f"({fmt_date(explanation['final_target']['date'], lang)})"),
        (page.t("explain.in.scope"), explanation["target_scope_en" if lang == "en" else "target_scope"]),
        (page.t("explain.in.periods"), f"{fmt_month(explanation['periods']['first'], lang)} → "
                                       f"{fmt_month(explanation['periods']['last'], lang)}"),
    ], columns=["what", "value"])
    status = ind.status
    files = pd.DataFrame([{
        "file": f["file_name"], "source": f["source"], "sha256": (f["sha256"] or "")[:12],
        "period": f"{fmt_month(f['period_min'], lang)} → {fmt_month(f['period_max'], lang)}", "rows": f["rows"],
    } for f in explanation["source_files"]], columns=["file", "source", "sha256", "period", "rows"])
    runs = pd.DataFrame([{
        "run": r["run_id"], "started": fmt_datetime(r["started_at"][:19], lang),
        "status": page.t(f"data.run.{r['status']}") if r["status"] in RUN_STATUSES else r["status"],
        "rows": r["rows_loaded"],
    } for r in explanation["load_runs"]], columns=["run", "started", "status", "rows"])
    return html.Details([
        html.Summary(page.t("explain.title"), className="explain-summary"),
        html.Div([
            html.H3(page.t("explain.inputs")),
            simple_table(inputs, lang, headers={"what": page.t("explain.col.what"), "value": page.t("explain.col.value")},
                         caption=page.t("explain.inputs")),
            html.H3(page.t("explain.formula")),
            html.P(describe(ind.measure, lang), className="formula"),
            html.P(page.t("explain.progress_rule", on_track=fmt_number(status.on_track * 100, lang, "%", 0),
                          watch=fmt_number(status.watch * 100, lang, "%", 0))),
            *_forecast_words(explanation, page),
            html.H3(page.t("explain.queries")),
            *[_leaf(leaf, page) for leaf in explanation["leaves"]],
            html.H3(page.t("explain.files")),
            simple_table(files, lang, headers={k: page.t(f"explain.col.{k}") for k in files.columns},
                         formats={"rows": "count"}, caption=page.t("explain.files")),
            html.H3(page.t("explain.runs")),
            simple_table(runs, lang, headers={k: page.t(f"explain.col.{k}") for k in runs.columns},
                         formats={"rows": "count"}, caption=page.t("explain.runs")),
        ], className="explain-body"),
    ], id=ids.IND_EXPLAIN, className="explain-panel page-section")
