"""The tidy table (indicators/tidy.py) as a file: XLSX (with Contexte and Dictionnaire), CSV or Parquet (with
column metadata), through the same streaming writers as the extracts (reports/formats.py).

Column names are stable codes (`indicator_id`, `territory_code`, `value`…) in every format and language, so a
Power Query or pandas script keeps working; `status` is a code and `status_label` the same in words.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import pandas as pd

import texts
from indicators.compute import Engine, parse_month
from indicators.model import UNIT_LABELS
from indicators.query import ViewFilters
from indicators.scope import Scope
from indicators.tidy import COLUMNS, LEVELS, tidy_table
from reports.extract_context import ColumnDoc, file_metadata, sheets
from reports.formats import TABLE_FORMATS, TableOptions

DESCRIPTIONS = {  # column → (label, description), French
    "indicator_id": ("Indicateur (code)", "Identifiant stable de l'indicateur dans indicators.yaml (ex. USE-01)"),
    "indicator_label": ("Indicateur", "Libellé de l'indicateur dans la langue de l'export"),
    "territory_level": ("Niveau", "national, region ou departement"),
    "territory_code": ("Territoire (code)", "Code INSEE de la région ou du département ; vide pour le national"),
    "region_code": ("Région (code)", "Région du territoire (la région elle-même, ou celle du département)"),
    "territory_label": ("Territoire", "Nom du territoire"),
    "period": ("Période (début)", "Premier jour du mois (ou du trimestre, de l'année selon la granularité)"),
    "grain": ("Granularité", "month, quarter ou year"),
    "value": ("Valeur", "Valeur de l'indicateur sur la période, dans son unité"),
    "target": ("Cible à date", "Cible de la trajectoire à la fin de la période, pour ce territoire"),
    "progress": ("Progression", "(valeur − référence) / (cible finale − référence), bornée entre 0 et 1"),
    "status": ("Statut (code)", "on_track, watch, off_track, no_target, no_data ou incomplete "
                                 f"({texts.status_label('incomplete', lower=True)})"),
    "status_label": ("Statut", "Le statut en toutes lettres"),
    "completeness": ("Complétude", "Part des données attendues reçues (départements ayant transmis, sinon mois "
                     "présents), sur la dernière période de la série ; vide ailleurs"),
    "unit": ("Unité (code)", "Unité de la valeur et de la cible (EUR, pct, documents…)"),
    "unit_label": ("Unité", "L'unité en toutes lettres"),
}
LABELS_EN = {
    "indicator_id": "Indicator (code)", "indicator_label": "Indicator", "territory_level": "Level",
    "territory_code": "Territory (code)", "region_code": "Region (code)", "territory_label": "Territory",
    "period": "Period (start)", "grain": "Grain", "value": "Value", "target": "Target to date",
    "progress": "Progress", "status": "Status (code)", "status_label": "Status", "completeness": "Completeness",
    "unit": "Unit (code)", "unit_label": "Unit",
}
EXTRA_TYPES = {"status_label": "text", "unit_label": "text"}


def tidy_frame(engine: Engine, scope: Scope, as_of: str | date | None = None,
               indicator_ids: Iterable[str] | None = None, levels: Iterable[str] = LEVELS,
               regions: Iterable[str] | None = None, filters: ViewFilters | None = None,
               lang: str = "fr") -> pd.DataFrame:
    """The tidy table with the words next to the codes (status_label, unit_label)."""
    df = tidy_table(engine, scope, as_of, indicator_ids, levels, regions, filters, lang)
    words = texts.prefixed("status.", lang)
    df.insert(df.columns.get_loc("status") + 1, "status_label",
              df["status"].map(lambda s: words.get(s) or words["no_data"]))
    df["unit_label"] = df["unit"].map(lambda u: UNIT_LABELS[u][lang == "en"])
    return df


def column_docs() -> list[ColumnDoc]:
    order = list(COLUMNS)
    order.insert(order.index("status") + 1, "status_label")
    order.append("unit_label")
    types = {**COLUMNS, **EXTRA_TYPES}
    return [ColumnDoc(c, types[c], *DESCRIPTIONS[c]) for c in order]


def arrow_table(df: pd.DataFrame):
    """The frame as Arrow with its declared types: periods as dates, numbers as float64, codes as text."""
    import pyarrow as pa

    fields = []
    for doc in column_docs():
        kind = "date" if doc.type == "date" else "number" if doc.type in ("number", "ratio") else "text"
        fields.append(pa.field(doc.name, {"date": pa.date32(), "number": pa.float64(), "text": pa.string()}[kind]))
    schema = pa.schema(fields)
    # NaN (a missing number, or a missing code in pandas' string dtype) → null: an empty cell
    data = {f.name: [None if v is None or v != v else v for v in df[f.name].tolist()] for f in schema}
    return pa.Table.from_pydict(data, schema=schema)


def _facts(engine: Engine, scope: Scope, as_of: date, levels, regions, filters: ViewFilters | None,
           rows: int) -> list[tuple[str, object]]:
    seen = "national" if scope.national else "régions " + ", ".join(sorted(scope.regions or ()))
    return [("Contenu", "chaque indicateur × territoire × période : valeur, cible à date, progression, statut"),
            ("Mois de situation", as_of.isoformat()[:7]), ("Niveaux", ", ".join(levels)),
            ("Régions demandées", ", ".join(regions) if regions else "toutes celles du périmètre"),
            ("Périmètre de la personne", seen),
            ("Autres filtres", ", ".join(f"{k} = {v}" for k, v in (filters or ViewFilters()).items()) or "aucun"),
            ("Lignes", rows)]


def tidy_pieces(fmt: str, engine: Engine, scope: Scope, as_of: str | date | None = None,
                indicator_ids: Iterable[str] | None = None, levels: Iterable[str] = LEVELS,
                regions: Iterable[str] | None = None, filters: ViewFilters | None = None, lang: str = "fr",
                csv_sep: str = ";", decimal_comma: bool = True) -> Iterator[bytes]:
    """The file's bytes (computed now, so bad input raises before the first byte)."""
    if fmt not in TABLE_FORMATS:
        raise ValueError(f"format inconnu « {fmt} » (formats : {', '.join(TABLE_FORMATS)})")
    as_of_m = parse_month(as_of) or engine.latest_month()
    levels, regions = tuple(levels), list(regions) if regions is not None else None
    table = arrow_table(tidy_frame(engine, scope, as_of_m, indicator_ids, levels, regions, filters, lang))
    docs = column_docs()
    facts = _facts(engine, scope, as_of_m, levels, regions, filters, table.num_rows)
    title = "Table longue des indicateurs"
    options = TableOptions("Indicateurs", table.num_rows, None, csv_sep, decimal_comma,
                           {d.name: d.metadata() for d in docs}, tuple(_widths(docs)), sheets(title, facts, docs),
                           file_metadata(title, facts))
    return (data for data, _ in TABLE_FORMATS[fmt].render(table.to_reader(max_chunksize=32_768), options))


def _widths(docs: list[ColumnDoc]) -> Iterator[float]:
    for d in docs:
        yield {"indicator_label": 40, "territory_label": 28, "status_label": 16, "period": 12}.get(d.name, 14)


def write_tidy(path, fmt: str, engine: Engine, scope: Scope, **kwargs) -> Path:
    """Write the tidy table to `path` atomically (a partial file never takes the name)."""
    out = Path(path)
    tmp = out.with_name(f".{out.name}.partial")
    try:
        with open(tmp, "wb") as fh:
            for data in tidy_pieces(fmt, engine, scope, **kwargs):
                fh.write(data)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def view_levels(view: ViewFilters) -> tuple[tuple[str, ...], list[str] | None]:
    """The territories of a view's tidy sheet: the view's own and one level below (national → régions,
    région → its départements), as its breakdown tables show them."""
    if view.departement:  # the caller keeps the département's own rows
        return ("departement",), None
    if view.region:
        return ("region", "departement"), [view.region]
    return ("national", "region"), None


__all__ = ["LABELS_EN", "arrow_table", "column_docs", "tidy_frame", "tidy_pieces", "view_levels", "write_tidy"]
