"""Tables: an AG Grid for browsing (sort, filter, pages) and a plain HTML table for chart twins.

Numbers and dates are formatted on the server (Babel), so the browser shows `1 234,5` and
`janv. 2026` whatever its locale; grids keep the raw value for sorting and filtering.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from html import escape

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from dashboard import format as fmt
from dashboard.i18n import normalise_lang, t
from dashboard.theme import BLEU_FRANCE

Formatter = Callable[[object, str], str]
FORMATS: dict[str, Formatter] = {
    "int": lambda v, lang: fmt.fmt_number(v, lang, decimals=0),
    "number": lambda v, lang: fmt.fmt_number(v, lang),
    "count": lambda v, lang: fmt.fmt_count(v, lang, compact=False),
    "count_compact": lambda v, lang: fmt.fmt_count(v, lang),
    "eur": lambda v, lang: fmt.fmt_number(v, lang, "€", decimals=0),
    "eur_cents": lambda v, lang: fmt.fmt_eur(v, lang, compact=False),
    "eur_compact": lambda v, lang: fmt.fmt_eur(v, lang),
    "percent": lambda v, lang: fmt.fmt_percent(v, lang),
    "days": lambda v, lang: fmt.fmt_days(v, lang),
    "month": lambda v, lang: fmt.fmt_month(v, lang),
    "date": lambda v, lang: fmt.fmt_date(v, lang),
    "datetime": lambda v, lang: fmt.fmt_datetime(v, lang),
    "text": lambda v, lang: fmt.MISSING if _is_missing(v) else str(v),
}
NUMERIC_FORMATS = {"int", "number", "count", "count_compact", "eur", "eur_cents", "eur_compact", "percent", "days"}

# AG Grid's own words, in French (the grid is otherwise English).
AG_GRID_FR = {
    "page": "Page", "to": "à", "of": "sur", "more": "plus", "next": "Suivant", "last": "Dernier",
    "first": "Premier", "previous": "Précédent", "loadingOoo": "Chargement…", "noRowsToShow": "Aucune ligne",
    "filterOoo": "Filtrer…", "equals": "Égal à", "notEqual": "Différent de", "contains": "Contient",
    "notContains": "Ne contient pas", "startsWith": "Commence par", "endsWith": "Se termine par", "blank": "Vide",
    "notBlank": "Non vide", "lessThan": "Inférieur à", "greaterThan": "Supérieur à",
    "lessThanOrEqual": "Inférieur ou égal à", "greaterThanOrEqual": "Supérieur ou égal à", "inRange": "Entre",
    "inRangeStart": "de", "inRangeEnd": "à", "andCondition": "ET", "orCondition": "OU", "applyFilter": "Appliquer",
    "resetFilter": "Réinitialiser", "clearFilter": "Effacer", "cancelFilter": "Annuler", "searchOoo": "Rechercher…",
    "selectAll": "Tout sélectionner", "pageSizeSelectorLabel": "Lignes par page :",
    "ariaPageSizeSelectorLabel": "Lignes par page", "ariaFilterInput": "Saisie du filtre",
    "ariaFilterValue": "Valeur du filtre", "ariaFilteringOperator": "Opérateur de filtre",
    "ariaColumnFiltered": "Colonne filtrée", "ariaSortableColumn": "Appuyez sur Entrée pour trier",
    "sortAscending": "Tri croissant", "sortDescending": "Tri décroissant", "sortUnSort": "Annuler le tri",
    "pinColumn": "Épingler la colonne", "autosizeThisColumn": "Ajuster cette colonne",
    "autosizeAllColumns": "Ajuster toutes les colonnes", "resetColumns": "Réinitialiser les colonnes",
    "columns": "Colonnes", "filters": "Filtres", "ariaRowSelect": "Appuyez sur Espace pour sélectionner la ligne",
}


GRID_THEME = (f"themeQuartz.withParams({{accentColor: '{BLEU_FRANCE}', fontFamily: 'inherit', fontSize: 15, "
              "headerFontWeight: 700, foregroundColor: '#161616', headerBackgroundColor: '#F6F6F6', "
              "borderRadius: 2, wrapperBorderRadius: 2})")


def _is_missing(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and math.isnan(v)


def guess_format(series: pd.Series) -> str:
    """A format kind from a column's dtype (ints, floats, dates, else text)."""
    if pd.api.types.is_bool_dtype(series):
        return "text"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    sample = series.dropna()
    if len(sample):
        first = sample.iloc[0]
        if isinstance(first, datetime):
            return "datetime"
        if isinstance(first, date):
            return "date"
        if isinstance(first, Decimal):
            return "number"
    return "text"


SHOWN = "shown"  # export_as: the column is exported as the text on screen


def export_as(how: str, fn: Formatter) -> Formatter:
    """`fn` tagged with how the "Exporter" menu writes its column: a format kind of the export (the raw value
    with that kind's Excel number format), or "shown" (the text on screen: a status kept as its rank, a link)."""
    def tagged(value: object, lang: str) -> str:
        return fn(value, lang)

    tagged.export = how  # type: ignore[attr-defined]
    return tagged


def export_kind(kind: str | Formatter | None) -> str | None:
    """How exports write a column of this format: a kind's name, a custom formatter's tag, else None (raw)."""
    return kind if isinstance(kind, str) else getattr(kind, "export", None)


def formatter(kind: str | Formatter) -> Formatter:
    if callable(kind):
        return kind
    if kind not in FORMATS:
        raise ValueError(f"unknown format {kind!r}; expected one of {sorted(FORMATS)} or a callable")
    return FORMATS[kind]


def formatted(df: pd.DataFrame, lang: str, formats: Mapping[str, str | Formatter] | None = None
              ) -> dict[str, list]:
    """Each column of `df` as display strings (Dash components in a cell are kept as they are)."""
    formats = formats or {}
    out = {}
    for col in df.columns:
        fmt_cell = formatter(formats.get(col) or guess_format(df[col]))
        out[col] = [v if isinstance(v, Component) else fmt_cell(v, lang) for v in df[col].tolist()]
    return out


def _raw(v: object) -> object:
    """A JSON-friendly raw value for sorting and filtering."""
    if _is_missing(v):
        return None
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (datetime, date, pd.Timestamp)):
        return v.isoformat()
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def _table_cells(df: pd.DataFrame, lang: str, formats, max_rows: int):
    """(shown rows' cells by column, numeric columns, note under the table or None) of a plain table."""
    shown = df.head(max_rows)
    cells = formatted(shown, lang, formats)
    kinds = {c: (formats or {}).get(c) or guess_format(df[c]) for c in df.columns}
    numeric = {c for c, k in kinds.items() if isinstance(k, str) and k in NUMERIC_FORMATS}
    note = t("table.first_rows", lang, shown=max_rows, total=fmt.fmt_number(len(df), lang, decimals=0)) \
        if len(df) > max_rows else None
    return cells, numeric, note, len(shown)


def simple_table(df: pd.DataFrame, lang: str | None = "fr", *, headers: Mapping[str, str] | None = None,
                 formats: Mapping[str, str | Formatter] | None = None, caption: str | None = None,
                 max_rows: int = 200) -> html.Div:
    """A semantic HTML table (headers, caption, numbers right-aligned): the accessible twin of a chart."""
    lang = normalise_lang(lang)
    cells, numeric, note, n = _table_cells(df, lang, formats, max_rows)
    head = html.Thead(html.Tr([html.Th((headers or {}).get(c, c), scope="col",
                                       className="num" if c in numeric else None) for c in df.columns]))
    body = html.Tbody([
        html.Tr([html.Td(cells[c][i], className="num" if c in numeric else None) for c in df.columns])
        for i in range(n)
    ])
    parts = [html.Caption(caption)] if caption else []
    table = html.Table([*parts, head, body], className="data-table")
    return html.Div([table, *([html.P(note, className="table-note")] if note else [])], className="table-scroll")


def twin_table(df: pd.DataFrame, lang: str | None = "fr", *, headers: Mapping[str, str] | None = None,
               formats: Mapping[str, str | Formatter] | None = None, caption: str | None = None,
               max_rows: int = 200):
    """The same table as `simple_table`, as one component holding its HTML (every text escaped).

    A chart's twin sits folded under the chart; as Dash components its cells were most of a page's components
    (677 of 917 on Budget), each mounted again by the browser on every filter change (docs/performance.md).
    A table holding components (links) stays `simple_table`."""
    lang = normalise_lang(lang)
    cells, numeric, note, n = _table_cells(df, lang, formats, max_rows)
    if any(isinstance(v, Component) for col in cells.values() for v in col):
        return simple_table(df, lang, headers=headers, formats=formats, caption=caption, max_rows=max_rows)

    def cell(tag: str, text: object, col, extra: str = "") -> str:
        css = ' class="num"' if col in numeric else ""
        return f"<{tag}{extra}{css}>{escape(str(text).replace(chr(10), ' '))}</{tag}>"

    head = "".join(cell("th", (headers or {}).get(c, c), c, ' scope="col"') for c in df.columns)
    body = "".join("<tr>" + "".join(cell("td", cells[c][i], c) for c in df.columns) + "</tr>" for i in range(n))
    markup = (f'<table class="data-table">{f"<caption>{escape(caption)}</caption>" if caption else ""}'
              f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
              + (f'<p class="table-note">{escape(note)}</p>' if note else ""))
    return dcc.Markdown(markup, dangerously_allow_html=True, className="table-scroll twin-table")


def data_table(df: pd.DataFrame, grid_id: str, lang: str | None = "fr", *,
               headers: Mapping[str, str] | None = None, formats: Mapping[str, str | Formatter] | None = None,
               widths: Mapping[str, int] | None = None, page_size: int = 20, height: int | None = None,
               wrap: Sequence[str] = (), pinned: Sequence[str] = ()) -> dag.AgGrid:
    """An AG Grid over `df`: sortable, filterable columns, pages, French words, server-formatted cells.

    Fields are renamed `c0…cn` (column names may contain dots or spaces); each keeps its raw value
    for sorting/filtering and shows `cN_fmt`. Each column's `context` says how an export writes it
    (`{"export": kind}`, see `export_kind`): grid_export reads the grid back from the page.
    """
    lang = normalise_lang(lang)
    texts = formatted(df, lang, formats)
    fields = {col: f"c{i}" for i, col in enumerate(df.columns)}
    kinds = {c: (formats or {}).get(c) or guess_format(df[c]) for c in df.columns}
    rows = []
    for i, record in enumerate(df.itertuples(index=False, name=None)):
        row = {}
        for col, value in zip(df.columns, record, strict=True):
            row[fields[col]] = _raw(value)
            row[fields[col] + "_fmt"] = texts[col][i]
        rows.append(row)
    column_defs = []
    for col in df.columns:
        field = fields[col]
        numeric = isinstance(kinds[col], str) and kinds[col] in NUMERIC_FORMATS
        column_defs.append({
            "headerName": (headers or {}).get(col, col),
            "field": field,
            "valueFormatter": {"function": f"params.data ? params.data.{field}_fmt : ''"},
            "filter": "agNumberColumnFilter" if numeric else "agTextColumnFilter",
            "filterValueGetter": None if numeric else {"function": f"params.data.{field}_fmt"},
            "tooltipField": None if numeric or col in wrap else f"{field}_fmt",  # full text of a cut cell
            "type": "rightAligned" if numeric else None,
            "wrapText": col in wrap,
            "autoHeight": col in wrap,
            "pinned": "left" if col in pinned else None,
            "context": {"export": export_kind(kinds[col])},
            **({"width": widths[col]} if widths and col in widths else {"flex": 1, "minWidth": 110}),
        })
    column_defs = [{k: v for k, v in d.items() if v is not None} for d in column_defs]
    return dag.AgGrid(
        id=grid_id,
        rowData=rows,
        columnDefs=column_defs,
        defaultColDef={"sortable": True, "resizable": True, "floatingFilter": True, "suppressHeaderMenuButton": True},
        dashGridOptions={
            "pagination": True, "paginationPageSize": page_size, "paginationPageSizeSelector": [20, 50, 100],
            "localeText": AG_GRID_FR if lang == "fr" else {}, "domLayout": "normal" if height else "autoHeight",
            "enableCellTextSelection": True, "ensureDomOrder": True, "enableBrowserTooltips": True, "suppressColumnVirtualisation": True,
            "animateRows": False, "theme": {"function": GRID_THEME},
        },
        className="segur-grid",
        style={"height": f"{height}px"} if height else {},
    )
