"""Explain a number: the measure in words, the queries, the periods, the source files and load runs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from indicators.compute import Engine, month_end, parse_month
from indicators.model import (
    AvgMeasure,
    CountDistinctMeasure,
    CountMeasure,
    CumulativeMeasure,
    DifferenceMeasure,
    LastMeasure,
    RatioMeasure,
    RollingMeasure,
    SumMeasure,
)
from indicators.query import NotApplicable, ViewFilters, leaf_select
from indicators.tables import CONTRACT_OF_TABLE, load_run, source_file


def _filters_text(filters) -> str:
    parts = []
    for col, f in filters.items():
        if f.values is not None:
            parts.append(f"{col} ∈ {{{', '.join(str(v) for v in f.values)}}}")
        elif f.not_null:
            parts.append(f"{col} renseigné")
        elif f.is_null:
            parts.append(f"{col} vide")
        else:
            parts.append(" et ".join(x for x in (f"{col} ≥ {f.gte}" if f.gte is not None else "",
                                                f"{col} ≤ {f.lte}" if f.lte is not None else "") if x))
    return (" où " + ", ".join(parts)) if parts else ""


def describe(measure, lang: str = "fr") -> str:
    """The formula in words (French by default)."""
    fr = lang == "fr"
    if isinstance(measure, SumMeasure):
        return (f"somme de {measure.table}.{measure.column} par mois ({measure.date}){_filters_text(measure.filters)}"
                if fr else f"sum of {measure.table}.{measure.column} per month{_filters_text(measure.filters)}")
    if isinstance(measure, CountMeasure):
        return f"nombre de lignes de {measure.table} datées par {measure.date}{_filters_text(measure.filters)}"
    if isinstance(measure, CountDistinctMeasure):
        return f"nombre de {measure.column} distincts dans {measure.table}{_filters_text(measure.filters)}"
    if isinstance(measure, AvgMeasure):
        what = measure.column or f"jours entre {measure.days_between[0]} et {measure.days_between[1]}"
        return f"moyenne de {what} ({measure.table}){_filters_text(measure.filters)}"
    if isinstance(measure, LastMeasure):
        return (f"dernière valeur connue (stock) de {measure.table}.{measure.column}"
                f"{_filters_text(measure.filters)}")
    if isinstance(measure, RatioMeasure):
        scale = f" × {measure.scale:g}" if measure.scale != 1 else ""
        return f"({describe(measure.numerator, lang)}) ÷ ({describe(measure.denominator, lang)}){scale}"
    if isinstance(measure, CumulativeMeasure):
        start = f" depuis le {measure.start:%d/%m/%Y}" if measure.start else ""
        return f"cumul{start} de ({describe(measure.of, lang)})"
    if isinstance(measure, RollingMeasure):
        return f"total glissant sur {measure.months} mois de ({describe(measure.of, lang)})"
    if isinstance(measure, DifferenceMeasure):
        return f"({describe(measure.left, lang)}) − ({describe(measure.right, lang)})"
    return measure.kind


def explain(engine: Engine, indicator_id: str, as_of: str | date | None = None,
            filters: ViewFilters | None = None) -> dict:
    """Everything behind a value, as plain data the dashboard and the CLI can show."""
    ind = engine.catalogue.indicator(indicator_id)
    as_of_m = parse_month(as_of) or engine.latest_month()
    view = filters or ViewFilters()
    result = engine.compute(indicator_id, as_of_m, view, with_forecast=False)
    leaves = []
    tables = set()
    for leaf in ind.measure.leaves():
        tables.add(leaf.table)
        try:
            stmt = leaf_select(leaf, month_end(as_of_m), view, None)
            sql, values = engine.db.sql_text(stmt)
            params = {str(i + 1): v for i, v in enumerate(values)}
        except NotApplicable as e:
            sql, params = f"-- non applicable : {e}", {}
        leaves.append({"kind": leaf.kind, "table": leaf.table, "source": CONTRACT_OF_TABLE[leaf.table].name,
                       "formula_fr": describe(leaf, "fr"), "sql": sql,
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
        "progress_formula_fr": "progression = (valeur − référence) ÷ (cible finale − référence) ; statut = "
                               "progression ÷ progression attendue par la trajectoire à la même date "
                               f"(≥ {ind.status.on_track:.0%} en bonne voie, ≥ {ind.status.watch:.0%} à surveiller)",
        "status": result.status,
        "reason_fr": result.reason_fr,
        "leaves": leaves,
        "source_files": [{"file_name": f[0], "sha256": f[1], "source": f[2],
                          "period_min": str(f[3]) if f[3] else None, "period_max": str(f[4]) if f[4] else None,
                          "rows": f[5], "run_id": f[6]} for f in files],
        "load_runs": [{"run_id": r[0], "started_at": str(r[1]), "status": r[2], "rows_loaded": r[3]} for r in runs],
    }
