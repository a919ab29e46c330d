"""`python -m indicators compute|explain`: the engine from the command line (table or --json)."""

from __future__ import annotations

import argparse
import csv
import json
from functools import cache

from indicators import fmt
from indicators.query import DIMENSIONS, ViewFilters
from settings import load_settings
from texts import status_icon, status_label


def status_text(code: str, lang: str = "fr") -> str:
    """`⚠ à surveiller`: a status as the screen shows it (icon and word from the message catalogue)."""
    return f"{status_icon(code)} {status_label(code, lang, lower=True)}"


class FilterError(ValueError):
    """A view filter that names no known code."""


@cache
def _codes(file: str, column: str) -> tuple[str, ...]:
    with (load_settings().reference_dir / file).open(encoding="utf-8") as fh:
        return tuple(row[column] for row in csv.DictReader(fh))


def view_filters(region=None, departement=None, couloir=None, dispositif=None, vague=None) -> ViewFilters:
    """ViewFilters from user input, every code checked against the reference data."""
    checks = [("région", region, "regions.csv", "region_code"),
              ("département", departement, "departements.csv", "departement_code"),
              ("couloir", couloir, "couloirs.csv", "couloir_code"),
              ("dispositif", dispositif, "dispositifs.csv", "dispositif_code"),
              ("vague", vague, "vagues.csv", "vague")]
    for what, value, file, column in checks:
        if value and value not in _codes(file, column):
            raise FilterError(f"{what} inconnu(e) « {value} » (attendu : {', '.join(_codes(file, column))})")
    if region and departement:
        with (load_settings().reference_dir / "departements.csv").open(encoding="utf-8") as fh:
            dep_region = {r["departement_code"]: r["region_code"] for r in csv.DictReader(fh)}
        if dep_region[departement] != region:
            raise FilterError(f"le département {departement} n'est pas dans la région {region}")
    return ViewFilters(region, departement, couloir, dispositif, vague)


def _engine():
    from indicators.compute import Engine
    from indicators.db import NoWarehouse

    s = load_settings()
    if not s.warehouse.exists():
        raise NoWarehouse(f"aucun entrepôt publié ({s.warehouse}) : lancez `python -m etl demo && python -m etl load`")
    from datetime import date

    return Engine(s.warehouse, today=date.fromisoformat(s.today) if s.today else None)


def result_dict(r) -> dict:
    cur = r.current
    f = r.forecast
    return {
        "id": r.id, "label_fr": r.indicator.label.fr, "label_en": r.indicator.label.en, "unit": r.indicator.unit,
        "as_of": r.as_of.isoformat()[:7], "filters": dict(r.filters.items()), "grain": r.grain,
        "period": cur.period.isoformat() if cur else None, "value": cur.value if cur else None,
        "target": cur.target if cur else None, "progress": cur.progress if cur else None,
        "progress_raw": cur.progress_raw if cur else None, "expected": cur.expected if cur else None,
        "status": r.status, "reason_fr": r.reason_fr, "reason_en": r.reason_en, "trend": r.trend,
        "final_target": {"value": r.indicator.target.final.value, "date": r.indicator.target.final.date.isoformat()},
        "target_factor": r.target_factor, "gap_points": r.gap_points,
        "freshness": {"last_period": str(r.freshness.last_period) if r.freshness.last_period else None,
                      "expected_next": str(r.freshness.expected_next) if r.freshness.expected_next else None,
                      "stale": r.freshness.stale},
        "completeness": None if r.completeness is None else r.completeness.as_dict(),
        "carried_periods": [p.period.isoformat()[:7] for p in r.series if p.carried],
        "forecast": None if f is None else forecast_dict(f),
        "breakdown": None if r.breakdown is None else [
            {"key": b.key, "label": b.label, "value": b.value, "target": b.target, "progress": b.progress,
             "status": b.status, "gap_points": b.gap_points} for b in r.breakdown],
    }


def forecast_dict(f) -> dict:
    """The forecast as data: verdict, path, method and the candidates it was compared with in the backtest."""
    def day(d):
        return d.isoformat() if d else None

    return {
        "method": f.method, "target_value": f.target_value, "target_date": day(f.target_date),
        "projected_value": f.projected_value, "low": f.low, "high": f.high, "interval": 0.8,
        "reached": f.reached, "reaches_target_on": day(f.reaches_target_on), "not_before": day(f.not_before),
        "never_at_this_pace": f.never_at_this_pace, "pace_needed_per_month": f.pace_needed_per_month,
        "projected_pace_per_month": f.projected_pace_per_month, "recent_pace_per_month": f.recent_pace_per_month,
        "observed_months": f.observed_months, "interpolated_months": f.interpolated_months,
        "warnings": list(f.warnings),
        "baselines": [{"method": c.name, "backtest_error_pct": c.error_pct, "forecasts_scored": c.forecasts,
                       "chosen": c.chosen, "best_baseline_error_pct_same_origins": c.baseline_error_pct}
                      for c in f.candidates],
        "path": [{"period": d.isoformat()[:7], "value": v, "low": lo, "high": hi} for d, v, lo, hi in f.path],
        "message_fr": f.message_fr, "message_en": f.message_en,
    }


def cmd_compute(args: argparse.Namespace) -> int:
    try:
        view = view_filters(args.region, args.departement, args.couloir, args.dispositif, args.vague)
        engine = _engine()
        ids = args.ids or [i.id for i in engine.catalogue.indicators]
        results = [engine.compute(i, args.as_of, view, args.by, with_forecast=not args.no_forecast) for i in ids]
    except (FilterError, KeyError, ValueError) as e:
        print(f"erreur : {e.args[0] if e.args else e}")
        return 1
    except Exception as e:  # NoWarehouse and friends: a sentence, not a traceback
        if type(e).__name__ == "NoWarehouse":
            print(f"erreur : {e}")
            return 1
        raise
    if args.json:
        print(json.dumps([result_dict(r) for r in results], ensure_ascii=False, indent=2, default=str))
        return 0
    lang = args.lang
    for r in results:
        cur = r.current
        print(f"{r.id}  {r.label(lang)}")
        print(f"    {fmt.month(cur.period, lang) if cur else '—'} : {fmt.value(cur.value if cur else None, r.indicator.unit, lang)}"
              f"   cible à date {fmt.value(cur.target if cur else None, r.indicator.unit, lang)}"
              f"   progression {fmt.percent(cur.progress if cur else None, lang)}   {status_text(r.status, lang)}")
        print(f"    {r.reason_fr if lang == 'fr' else r.reason_en}")
        if r.forecast and r.forecast.method != "insufficient_data":
            print(f"    {r.forecast.message_fr if lang == 'fr' else r.forecast.message_en}")
        for b in r.breakdown or []:
            print(f"      {b.label:<32} {fmt.value(b.value, r.indicator.unit, lang):>18}  "
                  f"{fmt.percent(b.progress, lang):>6}  {status_text(b.status, lang)}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from indicators.explain import explain

    try:
        view = view_filters(args.region, args.departement, args.couloir, args.dispositif, args.vague)
        engine = _engine()
        data = [explain(engine, i, args.as_of, view) for i in args.ids]
    except (FilterError, KeyError, ValueError) as e:
        print(f"erreur : {e.args[0] if e.args else e}")
        return 1
    except Exception as e:
        if type(e).__name__ == "NoWarehouse":
            print(f"erreur : {e}")
            return 1
        raise
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return 0
    for d in data:
        print(f"{d['indicator']}  {d['label_fr']}  (au {d['as_of'][:7]})")
        print(f"  valeur : {d['value']}  ({d['value_period']})   statut : {d['status']}")
        print(f"  formule : {d['formula_fr']}")
        print(f"  {d['progress_formula_fr']}")
        print(f"  cible : {d['target_scope']} ; finale {d['final_target']['value']} au {d['final_target']['date']}")
        for leaf in d["leaves"]:
            print(f"  requête ({leaf['source']}) : {' '.join(leaf['sql'].split())}  paramètres {leaf['params']}")
        if d["completeness"] and not d["completeness"]["complete"]:
            print(f"  complétude : {d['completeness']['sentence_fr']}")
        for line in (d["forecast"] or {}).get("explanation_fr", []):
            print(f"  projection : {line}")
        for f in d["source_files"]:
            print(f"  fichier : {f['file_name']}  sha256 {f['sha256'][:12]}…  {f['period_min']} → {f['period_max']}"
                  f"  exécution {f['run_id']}")
    return 0


def add_commands(sub) -> None:
    for name, func, helptext in (("compute", cmd_compute, "compute indicators for a view"),
                                 ("explain", cmd_explain, "explain the inputs behind an indicator's value")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("ids", nargs="*" if name == "compute" else "+", metavar="ID")
        p.add_argument("--as-of", dest="as_of", help="YYYY-MM (default: the last month loaded)")
        p.add_argument("--region")
        p.add_argument("--departement")
        p.add_argument("--couloir")
        p.add_argument("--dispositif")
        p.add_argument("--vague")
        if name == "compute":
            p.add_argument("--by", choices=DIMENSIONS)
            p.add_argument("--no-forecast", action="store_true")
            p.add_argument("--lang", choices=("fr", "en"), default="fr")
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=func)
