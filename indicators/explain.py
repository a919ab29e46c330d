"""Explain a number: the measure in words, the queries, the periods, the source files and load runs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from indicators.cli_compute import forecast_dict
from indicators.compute import Engine, month_end, parse_month
from indicators.forecast_text import explanation
from indicators.query import NotApplicable, ViewFilters, leaf_select
from indicators.tables import CONTRACT_OF_TABLE, load_run, source_file
from indicators.words import describe
from texts import word


def progress_rule(ind, lang: str = "fr") -> str:
    """How progress and status are derived from the value, with the indicator's thresholds (words of the status
    from the message catalogue, so the rule says exactly what the badge says)."""
    return word("explain.progress_formula", lang, on_track=f"{ind.status.on_track:.0%}",
                watch=f"{ind.status.watch:.0%}")


def explain(engine: Engine, indicator_id: str, as_of: str | date | None = None,
            filters: ViewFilters | None = None) -> dict:
    """Everything behind a value, as plain data the dashboard and the CLI can show."""
    ind = engine.catalogue.indicator(indicator_id)
    as_of_m = parse_month(as_of) or engine.latest_month()
    view = filters or ViewFilters()
    result = engine.compute(indicator_id, as_of_m, view)
    leaves = []
    tables = set()
    for leaf in ind.measure.leaves():
        tables.add(leaf.table)
        try:
            stmt = leaf_select(leaf, month_end(as_of_m), view, None)
            sql, values = engine.db.sql_text(stmt)
            params = {str(i + 1): v for i, v in enumerate(values)}
        except NotApplicable as e:
            sql, params = f"-- non applicable : {e} / not applicable: {e.text('en')}", {}
        leaves.append({"kind": leaf.kind, "table": leaf.table, "source": CONTRACT_OF_TABLE[leaf.table].name,
                       "formula_fr": describe(leaf, "fr"), "formula_en": describe(leaf, "en"), "sql": sql,
                       "params": {k: str(v) for k, v in params.items()}})
    sources = [CONTRACT_OF_TABLE[t].name for t in sorted(tables)]
    files = engine.db.rows(
        select(source_file.c.file_name, source_file.c.sha256, source_file.c.source, source_file.c.period_min,
               source_file.c.period_max, source_file.c.rows_loaded, source_file.c.run_id)
        .where(source_file.c.source.in_(sources), source_file.c.superseded_by.is_(None))
        .order_by(source_file.c.source, source_file.c.file_name))
    run_ids = sorted({f[6] for f in files})
    runs = engine.db.rows(select(load_run.c.run_id, load_run.c.started_at, load_run.c.status,
                                 load_run.c.rows_loaded).where(load_run.c.run_id.in_(run_ids))) if run_ids else []
    cur = result.current
    return {
        "indicator": ind.id,
        "label_fr": ind.label.fr,
        "label_en": ind.label.en,
        "as_of": as_of_m.isoformat(),
        "filters": dict(view.items()),
        "formula_fr": describe(ind.measure, "fr"),
        "formula_en": describe(ind.measure, "en"),
        "unit": ind.unit,
        "direction": ind.direction,
        "value": cur.value if cur else None,
        "value_period": cur.period.isoformat() if cur else None,
        "periods": {"first": result.series[0].period.isoformat() if result.series else None,
                    "last": cur.period.isoformat() if cur else None},
        "baseline": {"value": ind.baseline.value, "date": ind.baseline.date.isoformat()},
        "target_at_date": cur.target if cur else None,
        "final_target": {"value": ind.target.final.value, "date": ind.target.final.date.isoformat()},
        "target_scope": result.target_note_fr,
        "target_scope_en": result.target_note_en,
        "progress_formula_fr": progress_rule(ind, "fr"),
        "progress_formula_en": progress_rule(ind, "en"),
        "status": result.status,
        "reason_fr": result.reason_fr,
        "reason_en": result.reason_en,
        "completeness": None if result.completeness is None else {
            **result.completeness.as_dict(), "sentence_fr": result.completeness.sentence("fr"),
            "sentence_en": result.completeness.sentence("en")},
        "carried_periods": [p.period.isoformat()[:7] for p in result.series if p.carried],
        "forecast": None if result.forecast is None else {
            **forecast_dict(result.forecast), "explanation_fr": explanation(result.forecast, "fr"),
            "explanation_en": explanation(result.forecast, "en")},
        "leaves": leaves,
        "source_files": [{"file_name": f[0], "sha256": f[1], "source": f[2],
                          "period_min": str(f[3]) if f[3] else None, "period_max": str(f[4]) if f[4] else None,
                          "rows": f[5], "run_id": f[6]} for f in files],
        "load_runs": [{"run_id": r[0], "started_at": str(r[1]), "status": r[2], "rows_loaded": r[3]} for r in runs],
    }
