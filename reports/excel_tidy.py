"""The workbook's « Table longue » sheet: the view's indicators × territories × periods, one row each, ready for
a pivot table (the same rows as the tidy extract and the API, restricted to the view's territories)."""

from __future__ import annotations

from datetime import date

from indicators.model import UNIT_LABELS
from indicators.query import ViewFilters
from indicators.scope import Scope
from reports.tidy_export import DESCRIPTIONS, LABELS_EN, column_docs, tidy_frame, view_levels
from reports.xlsx import FMT_DATE, FMT_RATIO, Col, unit_format, write_table

SHEET = {"fr": "Table longue", "en": "Long table"}
# Codes the extract and the API keep for scripts; a person reads their words in the next column.
WORKBOOK_DROPS = ("grain", "status", "unit")


def write_tidy_sheet(ws, engine, as_of: date, view: ViewFilters, lang: str, scope: Scope | None = None) -> int:
    """Write the sheet; returns its number of data rows. `scope` (default: the scoped engine's, else the
    operator's) limits the régions."""
    scope = scope or getattr(engine, "scope", None) or Scope.system()
    levels, regions = view_levels(view)
    if view.departement:
        regions = [engine.territory().dep_region[view.departement]]
    df = tidy_frame(engine, scope, as_of, levels=levels, regions=regions, filters=view, lang=lang)
    if view.departement:
        df = df[df.territory_code == view.departement]
    docs = [d for d in column_docs() if d.name not in WORKBOOK_DROPS]
    formats = {"period": FMT_DATE, "progress": FMT_RATIO, "completeness": FMT_RATIO}
    cols = []
    unit_at = [d.name for d in docs].index("unit_label")
    unit_of = {labels[lang == "en"]: code for code, labels in UNIT_LABELS.items()}  # labels are unique
    for d in docs:
        header = DESCRIPTIONS[d.name][0] if lang == "fr" else LABELS_EN[d.name]
        fmt = formats.get(d.name)
        if d.name in ("value", "target"):
            fmt = lambda row: unit_format(unit_of[row[unit_at]])  # noqa: E731  (each row in its own unit)
        cols.append(Col(header, fmt, {"indicator_label": 40, "territory_label": 26}.get(d.name)))
    names = [d.name for d in docs]
    rows = ([None if (isinstance(v, float) and v != v) else v for v in row]
            for row in df[names].itertuples(index=False, name=None))
    first, last = write_table(ws, cols, rows, "Table_longue")
    ws.freeze_panes = "C2"
    return last - first + 1 if len(df) else 0
