"""A measure in words (French, English): what "Expliquer ce chiffre", the workbook and the generated docs say
a figure is. One function per kind; a new measure kind adds its sentence here."""

from __future__ import annotations

from indicators.model import (
    AtRiskMeasure,
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

WORDS = {
    "fr": {"set": "renseigné", "empty": "vide", "and": " et ", "where": " où ",
           "sum": "somme de {col} par mois ({date})", "count": "nombre de lignes de {table} datées par {date}",
           "distinct": "nombre de {column} distincts dans {table}", "days": "jours entre {first} et {last}",
           "avg": "moyenne de {what} ({table})", "last": "dernière valeur connue (stock) de {col}",
           "since": " depuis le {start:%d/%m/%Y}", "cumulative": "cumul{since} de ({of})",
           "rolling": "total glissant sur {months} mois de ({of})",
           "at_risk": "montant à risque en fin de mois ({table}) : engagé non versé sur un dispositif d'usage dont "
                      "le guichet ferme dans les {window} mois ou sans forfait versé (cible d'usage non atteinte), "
                      "ou commande SONS sans solde {validation} mois après"},
    "en": {"set": "not empty", "empty": "empty", "and": " and ", "where": " where ",
           "sum": "sum of {col} per month ({date})", "count": "number of {table} rows dated by {date}",
           "distinct": "number of distinct {column} in {table}", "days": "days between {first} and {last}",
           "avg": "average of {what} ({table})", "last": "last known value (stock) of {col}",
           "since": " since {start:%d/%m/%Y}", "cumulative": "running total{since} of ({of})",
           "rolling": "rolling {months}-month total of ({of})",
           "at_risk": "money at risk at month end ({table}): committed, unpaid on a usage scheme whose window closes "
                      "within {window} months or with no lump sum paid (usage target not met), or a SONS order with "
                      "no balance {validation} months after"},
}


def _filters_text(filters, lang: str = "fr") -> str:
    w = WORDS["fr" if lang == "fr" else "en"]
    parts = []
    for col, f in filters.items():
        if f.values is not None:
            parts.append(f"{col} ∈ {{{', '.join(str(v) for v in f.values)}}}")
        elif f.not_null:
            parts.append(f"{col} {w['set']}")
        elif f.is_null:
            parts.append(f"{col} {w['empty']}")
        else:
            parts.append(w["and"].join(x for x in (f"{col} ≥ {f.gte}" if f.gte is not None else "",
                                                  f"{col} ≤ {f.lte}" if f.lte is not None else "") if x))
    return (w["where"] + ", ".join(parts)) if parts else ""


def describe(measure, lang: str = "fr") -> str:
    """The formula in words, in French (default) or English."""
    w = WORDS["fr" if lang == "fr" else "en"]
    where = _filters_text(getattr(measure, "filters", {}) or {}, lang)
    if isinstance(measure, SumMeasure):
        return w["sum"].format(col=f"{measure.table}.{measure.column}", date=measure.date) + where
    if isinstance(measure, CountMeasure):
        return w["count"].format(table=measure.table, date=measure.date) + where
    if isinstance(measure, CountDistinctMeasure):
        return w["distinct"].format(column=measure.column, table=measure.table) + where
    if isinstance(measure, AvgMeasure):
        what = measure.column or w["days"].format(first=measure.days_between[0], last=measure.days_between[1])
        return w["avg"].format(what=what, table=measure.table) + where
    if isinstance(measure, AtRiskMeasure):
        return w["at_risk"].format(table=measure.table, window=measure.window_months,
                                   validation=measure.validation_months)
    if isinstance(measure, LastMeasure):
        return w["last"].format(col=f"{measure.table}.{measure.column}") + where
    if isinstance(measure, RatioMeasure):
        scale = f" × {measure.scale:g}" if measure.scale != 1 else ""
        return f"({describe(measure.numerator, lang)}) ÷ ({describe(measure.denominator, lang)}){scale}"
    if isinstance(measure, CumulativeMeasure):
        since = w["since"].format(start=measure.start) if measure.start else ""
        return w["cumulative"].format(since=since, of=describe(measure.of, lang))
    if isinstance(measure, RollingMeasure):
        return w["rolling"].format(months=measure.months, of=describe(measure.of, lang))
    if isinstance(measure, DifferenceMeasure):
        return f"({describe(measure.left, lang)}) − ({describe(measure.right, lang)})"
    return measure.kind
