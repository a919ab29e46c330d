"""Engine objects as API rows: stable codes (ids, status, unit), numbers as numbers, dates as ISO dates, the
words in the asked language next to the codes. Régions outside the Scope are dropped from every breakdown."""

from __future__ import annotations

from datetime import date

from indicators.explain import describe
from indicators.model import UNIT_LABELS
from indicators.scope import Scope
from indicators.tidy import completeness_of
from reports.excel_text import TEXT


def status_label(status: str, lang: str) -> str:
    return TEXT[lang][f"status.{status}"]


def objective(obj, lang: str) -> dict:
    return {"id": obj.id, "label": getattr(obj.label, lang), "description": getattr(obj.description, lang),
            "weights": dict(obj.weights)}


def indicator(ind, catalogue, lang: str) -> dict:
    """A catalogue entry: definition, unit, direction, baseline, milestones and final target, dimensions."""
    return {
        "id": ind.id, "label": getattr(ind.label, lang), "description": getattr(ind.description, lang),
        "formula": describe(ind.measure, lang), "unit": ind.unit, "unit_label": UNIT_LABELS[ind.unit][lang == "en"],
        "direction": ind.direction, "owner": ind.owner, "sources": list(ind.sources), "public": ind.public,
        "grains": list(ind.grains), "dimensions": list(ind.dimensions),
        "objectives": [o.id for o in catalogue.objectives_of(ind.id)],
        "baseline": {"value": ind.baseline.value, "date": ind.baseline.date},
        "final_target": {"value": ind.target.final.value, "date": ind.target.final.date},
        "milestones": [{"date": m.date, "value": m.value, "label": getattr(m.label, lang) if m.label else None,
                        "official": m.official} for m in ind.target.milestones],
        "notes": getattr(ind.notes, lang) if ind.notes else None,
    }


def forecast(f, lang: str) -> dict | None:
    if f is None:
        return None
    return {"method": f.method, "projected_value": f.projected_value, "low": f.low, "high": f.high,
            "reaches_target_on": f.reaches_target_on, "message": f.message_fr if lang == "fr" else f.message_en}


def value(res, lang: str) -> dict:
    """One indicator in one view: its current point against the target, status, forecast and freshness."""
    cur, ind = res.current, res.indicator
    return {
        "indicator_id": ind.id, "label": res.label(lang), "unit": ind.unit,
        "unit_label": UNIT_LABELS[ind.unit][lang == "en"], "as_of": res.as_of, "grain": res.grain,
        "filters": dict(res.filters.items()), "period": cur.period if cur else None,
        "value": cur.value if cur else None, "target": cur.target if cur else None,
        "progress": cur.progress if cur else None, "expected_progress": cur.expected if cur else None,
        "status": res.status, "status_label": status_label(res.status, lang),
        "reason": res.reason_fr if lang == "fr" else res.reason_en, "trend": res.trend,
        "completeness": completeness_of(res)[1],
        "final_target": {"value": ind.target.final.value, "date": ind.target.final.date},
        "national_value": res.national.value if res.national else None, "gap_points": res.gap_points,
        "freshness": {"last_period": res.freshness.last_period, "expected_next": res.freshness.expected_next,
                      "stale": res.freshness.stale},
        "forecast": forecast(res.forecast, lang),
        "not_applicable": res.not_applicable,
    }


def series(res, lang: str) -> list[dict]:
    return [{"period": p.period, "value": p.value, "target": p.target, "progress": p.progress, "status": p.status,
             "status_label": status_label(p.status, lang),
             "completeness": share if p.period == assessed else None}
            for assessed, share in [completeness_of(res)]
            for p in res.series if p.value is not None or p.target is not None]


def breakdown(res, engine, who: Scope, lang: str) -> list[dict] | None:
    """The breakdown rows the scope may see (a région, or a département of a région, in the scope)."""
    if res.breakdown is None:
        return None
    dep_region = engine.territory().dep_region
    rows = []
    for b in res.breakdown:
        if res.breakdown_dim == "region" and not who.allows_region(b.key):
            continue
        if res.breakdown_dim == "departement" and not who.allows_region(dep_region.get(b.key)):
            continue
        rows.append({"key": b.key, "label": b.label, "value": b.value, "target": b.target, "progress": b.progress,
                     "status": b.status, "status_label": status_label(b.status, lang), "gap_points": b.gap_points,
                     "trend": b.trend})
    return rows


def flat(row: dict, prefix: str = "") -> dict:
    """A nested row as one level (`forecast.low` → `forecast_low`), lists as text: a CSV line."""
    out = {}
    for k, v in row.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flat(v, key + "_"))
        elif isinstance(v, list):
            out[key] = " ; ".join(_text(x) for x in v)
        else:
            out[key] = v
    return out


def _text(x) -> str:
    if isinstance(x, dict):
        return " ".join(f"{k}={_text(v)}" for k, v in x.items() if v is not None)
    return x.isoformat() if isinstance(x, date) else str(x)
