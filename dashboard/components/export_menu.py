"""The "Exporter" menu of every chart and table: its data as XLSX or CSV, the chart as PNG or SVG.

One set of pattern-matching callbacks serves every menu of every page. A chart's menu carries its table's
raw values in a dcc.Store (the twin table's DataFrame, small by construction); an image is rendered from the
server's own figure, rebuilt from the page URL and the chart's id (dashboard/image_export.py): a browser
never sends the figure to render. A standalone AG Grid
is read back the same way (`grid_export`): its rows after the user's own sort and filter (virtualRowData),
its headers as shown. Files go back through dcc.Download: fine for these small files; large extracts are
streamed by Flask routes instead. Every workbook has a second sheet with the view (month, filters, time).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.development.base_component import Component
from openpyxl import Workbook
from openpyxl.styles import Font

from dashboard import ids
from dashboard.components.table import SHOWN, Formatter, export_kind, formatter, guess_format, simple_table
from dashboard.i18n import normalise_lang, t
from dashboard.theme import status_style
from reports.formats import KIND_FORMATS, VALUE_KINDS, media_type, rounded, table_bytes
from reports.xlsx import FMT_DATETIME, FMT_INT, TITLE_FONT, Col, export_filename, put, sheet_title, write_table

log = logging.getLogger(__name__)

# The menu's formats (names of reports/formats.py's registry, which gives their media types and writers); the
# number formats and decimals of each value kind come from there too (VALUE_KINDS).
DATA_FORMATS = ("xlsx", "csv")
IMAGE_FORMATS = ("png", "svg")


def export_uid(*parts: object) -> str:
    """A stable id for a menu from what identifies its chart (graph id, or title and columns)."""
    text = "|".join(str(p) for p in parts if p is not None)
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "export"
    return f"{slug}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"  # noqa: S324 - an id, not security


def _text_of(node: object) -> str:
    """The visible text of a Dash component (a status badge → "Atteint"), for a cell of an export."""
    if isinstance(node, Component):
        if getattr(node, "aria-hidden", None) == "true":
            return ""
        return _text_of(getattr(node, "children", None))
    if isinstance(node, (list, tuple)):
        return " ".join(s for s in (_text_of(n) for n in node) if s).strip()
    return "" if node is None else str(node)


def _raw(value: object) -> object:
    """A JSON value for the store: numbers stay numbers, dates become ISO text, components their text."""
    if isinstance(value, Component):
        return _text_of(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, (int, float, str, bool)):
        return value
    return str(value)  # Decimal and the like: exported as their exact text


def export_payload(df: pd.DataFrame, title: str | None, lang: str | None, headers: Mapping[str, str] | None = None,
                   formats: Mapping[str, object] | None = None) -> dict:
    """What the store keeps for a table: columns (key, header, format kind) and raw rows (or, for a column
    tagged "shown", the text on screen)."""
    lang = normalise_lang(lang)
    columns, values = [], []
    for col in df.columns:
        fmt = (formats or {}).get(col) or guess_format(df[col])
        kind = export_kind(fmt)
        columns.append({"key": str(col), "header": str((headers or {}).get(col, col)), "kind": kind})
        cells = df[col].tolist()
        if kind == SHOWN:
            values.append([_raw(formatter(fmt)(v, lang)) for v in cells])
        elif kind == "status":  # a status code → its words, as the screen says them (without the icon)
            values.append([None if v is None else status_style(v).label(lang) for v in cells])
        else:
            values.append([rounded(_raw(v), kind) for v in cells])
    rows = [list(row) for row in zip(*values, strict=True)] if values else []
    return {"title": title or "", "lang": lang, "columns": columns, "rows": rows}


def typed_payload(df: pd.DataFrame, title: str | None, lang: str | None, headers: Mapping[str, str] | None = None,
                  formats: Mapping[str, str | Formatter] | None = None, raw: pd.DataFrame | None = None,
                  raw_formats: Mapping[str, str | Formatter] | None = None,
                  cell_kinds: Mapping[str, Sequence[str | None]] | None = None) -> dict:
    """The store of a table whose `df` may hold text already formatted for the screen: `raw` gives those
    columns' values (same rows; `raw_formats` their kinds) and `cell_kinds` one kind per row for a column mixing
    units ("pct_value", "eur_meur", "month", "year"…); numbers are rounded to what their kind shows."""
    data, kinds = df.copy(), dict(formats or {})
    for col in (raw.columns if raw is not None else []):
        if col in data.columns:
            data[col] = pd.Series(raw[col].tolist(), index=data.index, dtype=object)
            kinds.pop(col, None)  # the screen's formatter was for the text, not the raw value
    kinds.update(raw_formats or {})
    payload = export_payload(data, title, lang, headers, kinds)
    for j, column in enumerate(payload["columns"]):
        if cell_kinds and column["key"] in cell_kinds:
            column["kinds"] = list(cell_kinds[column["key"]])
            for i, row in enumerate(payload["rows"]):
                row[j] = rounded(row[j], _cell_kind(column, i))
    return payload


# The ids of a menu's buttons, download and status: a chart's (data and images) or a grid's (data only).
# A plain table's menu ("table") is a chart's without the images: its store holds the rows (table_with_export).
MENU_IDS = {"chart": (ids.EXPORT_BTN, ids.EXPORT_DOWNLOAD, ids.EXPORT_STATUS),
            "grid": (ids.EXPORT_GRID_BTN, ids.EXPORT_GRID_DOWNLOAD, ids.EXPORT_GRID_STATUS),
            "table": (ids.EXPORT_BTN, ids.EXPORT_DOWNLOAD, ids.EXPORT_STATUS)}


def export_menu(uid: str, lang: str | None, payload: dict, *, image: bool = False,
                title: str | None = None, source: str = "chart") -> html.Div:
    """A labelled <details> menu (keyboard: Tab, Enter) with one button per format, and its download target.

    `source`: "chart" or "table" (the store holds the rows) or "grid" (the rows are read from the grid, see
    grid_export).
    """
    lang = normalise_lang(lang)
    btn, download, status = MENU_IDS[source]
    untitled = {"chart": "export.menu_label_untitled", "table": "export.table_label_untitled"}.get(
        source, "export.grid_label_untitled")
    label = t("export.menu_label", lang, title=title) if title else t(untitled, lang)
    items = [html.Li(html.Button(t(f"export.{fmt}", lang), id={"type": btn, "chart": uid, "fmt": fmt},
                                 n_clicks=0, type="button", className="export-item")) for fmt in DATA_FORMATS]
    extra: list = []
    if image:
        items += [html.Li(html.Button(t(f"export.{fmt}", lang), id={"type": ids.EXPORT_IMG_BTN, "chart": uid, "fmt": fmt},
                                      n_clicks=0, type="button", className="export-item")) for fmt in IMAGE_FORMATS]
        extra = [dcc.Download(id={"type": ids.EXPORT_IMG_DOWNLOAD, "chart": uid}),
                 html.Div(id={"type": ids.EXPORT_IMG_STATUS, "chart": uid}, role="status", className="export-status")]
    return html.Div([
        html.Details([
            html.Summary([html.Span("⤓ ", **{"aria-hidden": "true"}), t("export.menu", lang)],
                         className="export-summary", title=label, **{"aria-label": label}),
            html.Ul(items, className="export-list", **{"aria-label": label}),
        ], className="export-menu"),
        dcc.Store(id={"type": ids.EXPORT_DATA, "chart": uid}, data=payload),
        dcc.Download(id={"type": download, "chart": uid}),
        html.Div(id={"type": status, "chart": uid}, role="status", className="export-status"),
        *extra,
    ], className="export-menu-wrap")


def grid_export(block: Component, lang: str | None, title: str | None = None) -> html.Div:
    """An AG Grid (or a block holding one, e.g. dense_grid's) with an "Exporter" menu (XLSX, CSV) above it.

    The menu's store keeps only the title and language: the rows, headers and export kinds are read back
    from the grid when a format is clicked (State of the wrapper's children), as the user has them.
    """
    grid = _grid_in(block)
    if grid is None:
        raise TypeError("grid_export needs an AG Grid")
    lang = normalise_lang(lang)
    uid = export_uid("grid", grid.id)
    meta = {"title": title or str(grid.id), "lang": lang}
    return html.Div([
        export_menu(uid, lang, meta, title=title, source="grid"),
        html.Div(block, id={"type": ids.EXPORT_GRID, "chart": uid}, className="export-grid"),
    ], className="grid-with-export")


def _grid_in(block: Component) -> Component | None:
    """The AG Grid of a block: the block itself or the first grid among its children."""
    if getattr(block, "_type", None) == "AgGrid":
        return block
    children = getattr(block, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        found = _grid_in(child) if isinstance(child, Component) else None
        if found is not None:
            return found
    return None


# --- table exports ---
def table_with_export(df: pd.DataFrame, lang: str | None, title: str | None, *,
                      headers: Mapping[str, str] | None = None,
                      formats: Mapping[str, str | Formatter] | None = None, caption: str | None = None,
                      table: Component | None = None, raw: pd.DataFrame | None = None,
                      raw_formats: Mapping[str, str | Formatter] | None = None,
                      cell_kinds: Mapping[str, Sequence[str | None]] | None = None,
                      scope: Mapping[str, str | None] | None = None, export_id: str | None = None,
                      max_rows: int = 200) -> html.Div:
    """A plain HTML table with an "Exporter" menu (XLSX, CSV) above it: the chart menus' store and callback.

    The table on screen is `table` when given (a page's own html.Table) or `simple_table(df, …)` as before.
    The store keeps `df`'s rows (every row, not only the first `max_rows` shown), headers as on screen:
    numbers as numbers and dates as dates (`formats` kinds → Excel formats), a component (status badge,
    link) as its text. A page whose `df` holds text already formatted for screen passes the raw values of
    those columns in `raw` (same rows; `raw_formats` their kinds), and `cell_kinds` for a column mixing
    units (one kind per row: "pct_value", "eur_meur", "month", "year"…). `scope`: the filters the page sets
    itself, for the "Contexte" sheet and the file name (a fiche's région, from its path).
    """
    lang = normalise_lang(lang)
    shown = table if table is not None else simple_table(df, lang, headers=headers, formats=formats,
                                                         caption=caption if caption is not None else title,
                                                         max_rows=max_rows)
    payload = typed_payload(df, title, lang, headers, formats, raw, raw_formats, cell_kinds)
    if scope:
        payload["scope"] = dict(scope)
    uid = export_id or export_uid("table", title, *df.columns)
    return html.Div([export_menu(uid, lang, payload, title=title, source="table"), shown],
                    id={"type": ids.EXPORT_TABLE, "chart": uid}, className="table-with-export")


def text_of(node: object) -> str:
    """The words of a component (links, badges) as one line of text, for a table's export."""
    return " ".join(_text_of(node).split())


def unit_kind(value: float | None, unit: str) -> str:
    """The export kind of an indicator value in its unit (a column of indicators mixes units)."""
    if unit == "pct":
        return "pct_value"
    if unit == "EUR":
        return "eur_meur" if value is not None and abs(value) >= 1e6 else "eur"
    if unit == "jours":
        return "days"
    if value is None or abs(value) >= 100 or float(value).is_integer():
        return "int"
    return "number"


def grain_kind(grain: str | None) -> str:
    """The export kind of a period's first day at a grain (a year shows as 2026, a month as 10/2026)."""
    return "year" if grain == "year" else "month"
# --- end table exports ---


def _find_props(children: object, accept) -> dict | None:
    """The props of the first component of a layout tree, as the browser sends it back, that `accept(node)`."""
    for node in children if isinstance(children, list) else [children]:
        if isinstance(node, dict):
            props = node.get("props") or {}
            if accept(node):
                return props
            found = _find_props(props.get("children"), accept)
            if found is not None:
                return found
    return None


def _ordered(columns: list[dict], state: list | None) -> list[dict]:
    """Columns in the order the user left them (columnState, once the grid reports it), hidden ones dropped."""
    by_field = {c["field"]: c for c in columns}
    if not state:
        return columns
    return [by_field[s["colId"]] for s in state if s.get("colId") in by_field and not s.get("hide")]


def grid_payload(children: object, meta: dict | None) -> dict | None:
    """A grid's export read back from the page: its columns as on screen, its rows after the user's sort and
    filter (virtualRowData; all rows until the grid reports it); a "shown" column gives its text (cN_fmt)."""
    props = _find_props(children, lambda node: node.get("type") == "AgGrid")
    if not props or not meta:
        return None
    all_rows = props.get("rowData") or []
    rows = props.get("virtualRowData")
    rows = all_rows if rows is None else rows
    columns = _ordered([c for c in props.get("columnDefs") or [] if c.get("field")], props.get("columnState"))
    kinds = [(c.get("context") or {}).get("export") for c in columns]
    fields = [c["field"] + ("_fmt" if kind == SHOWN else "") for c, kind in zip(columns, kinds, strict=True)]
    return {**meta, "total_rows": len(all_rows),
            "columns": [{"key": c["field"], "header": str(c.get("headerName") or c["field"]), "kind": kind}
                        for c, kind in zip(columns, kinds, strict=True)],
            "rows": [[rounded(row.get(f), kind) for f, kind in zip(fields, kinds, strict=True)] for row in rows]}


# -- files -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportView:
    """The view of the page an export comes from: as-of month and filters (validated), the filters in words."""

    as_of: str | None = None
    filters: tuple[tuple[str, str], ...] = ()
    described: str | None = None


def _view(search: str | None, lang: str | None = "fr", scope: Mapping[str, str | None] | None = None) -> ExportView:
    """The page URL's view; an empty one without an app context (direct calls). `scope`: filters the page sets
    itself (a fiche's région comes from its path, not the query string; None drops a filter)."""
    from dashboard.components.indicator_common import dimension_label, key_label
    from dashboard.context import current
    from dashboard.state import parse_search, parse_view_state

    lang = normalise_lang(lang)
    try:
        context = current()
        state, _ = parse_view_state(parse_search(search), context.reference, context.months())
    except Exception:  # noqa: BLE001 - no app context (direct calls): a name without the view
        return ExportView()
    # Without as_of the page shows the latest published month of monthly data (the engine's default), not the
    # newest month of any row (a funding event dated in the current month).
    as_of = state.as_of or (f"{context.engine().latest_month():%Y-%m}" if context.months() else None)
    merged = dict(state.filters.items())
    for dim, code in (scope or {}).items():
        if code is None:
            merged.pop(dim, None)
        else:
            merged[dim] = code
    filters = tuple(merged.items())
    sep = " : " if lang == "fr" else ": "
    described = " ; ".join(f"{dimension_label(d, lang)}{sep}{key_label(d, c, c, context.reference, lang)} ({c})"
                           for d, c in filters) or t("scope.national", lang)
    return ExportView(as_of, filters, described)


def file_name(payload: dict, view: ExportView, ext: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", payload.get("title") or "").encode("ascii", "ignore").decode()
    kind = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-")[:60] or "tableau"  # "Région" → "Region"
    return export_filename(kind, view.as_of, view.filters, ext)


def _typed(value: object, kind: str | None) -> object:
    """Store values back to Python: ISO text of a date column → a date (Excel shows a real date)."""
    spec = VALUE_KINDS.get(kind or "")
    if isinstance(value, str) and spec is not None and spec.date:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        return parsed if kind == "datetime" else parsed.date()
    return value


def table_xlsx(payload: dict, view: ExportView | None = None) -> bytes:
    """The data sheet (styled, frozen header, real Excel table, number formats; text is never a formula), then
    a "Contexte" sheet: the view (month, filters), when the file was made, how many rows."""
    wb = Workbook()
    ws = wb.active
    used: set[str] = set()
    ws.title = sheet_title(payload.get("title") or t("export.sheet", payload.get("lang")), used)
    columns = payload["columns"]
    cols = [Col(c["header"], KIND_FORMATS.get(c["kind"] or "")) for c in columns]
    rows = ([_typed(v, _cell_kind(c, i)) for v, c in zip(row, columns, strict=True)]
            for i, row in enumerate(payload["rows"]))
    write_table(ws, cols, rows, "Donnees")
    _cell_formats(ws, columns)
    ws.freeze_panes = "A2"
    _context_sheet(wb.create_sheet(sheet_title(t("export.context_sheet", payload.get("lang")), used)), payload,
                   view or ExportView())
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cell_kind(column: dict, i: int) -> str | None:
    """The export kind of row i of a column: its own (a table mixing units, see table_with_export) or the column's."""
    kinds = column.get("kinds")
    return (kinds[i] if kinds and i < len(kinds) else None) or column["kind"]


def _cell_formats(ws, columns: list[dict]) -> None:
    """Number formats of the cells whose kind is their own (a column of values in several units)."""
    for j, column in enumerate(columns, start=1):
        for i, kind in enumerate(column.get("kinds") or []):
            if kind in KIND_FORMATS:
                ws.cell(row=i + 2, column=j).number_format = KIND_FORMATS[kind]


def _context_sheet(ws, payload: dict, view: ExportView) -> None:
    lang = payload.get("lang")
    as_of = _typed(f"{view.as_of}-01", "month") if view.as_of else None
    facts = [("export.context.as_of", as_of, KIND_FORMATS["month"]),
             ("export.context.filters", view.described or t("scope.national", lang), None),
             ("export.context.generated", datetime.now().replace(microsecond=0), FMT_DATETIME),
             ("export.context.rows", len(payload["rows"]), FMT_INT)]
    total = payload.get("total_rows")
    if total is not None and total != len(payload["rows"]):  # the grid's own filter left rows out
        facts.append(("export.context.rows_total", total, FMT_INT))
    put(ws, 1, 1, payload.get("title") or t("export.sheet", lang), font=TITLE_FONT)
    for r, (key, value, number_format) in enumerate(facts, start=3):
        put(ws, r, 1, t(key, lang), font=Font(bold=True))
        put(ws, r, 2, value, number_format)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 34, 60


def table_csv(payload: dict, sep: str = ";", decimal_comma: bool = True) -> bytes:
    """French Excel CSV (UTF-8 with BOM, `;`, decimal comma, CRLF; formula-like text neutralised), written by the
    extracts' CSV writer (reports/formats.py): dates as ISO dates, numbers as the screen rounds them."""
    import pyarrow as pa

    from reports.formats import TableOptions

    columns = payload["columns"]
    arrays = [_arrow_column([_typed(row[j], _cell_kind(column, i)) for i, row in enumerate(payload["rows"])],
                            decimal_comma) for j, column in enumerate(columns)]
    table = pa.Table.from_arrays(arrays, names=[c["header"] for c in columns]) if columns else \
        pa.table({"": pa.array([], pa.string())})
    return table_bytes("csv", table, TableOptions(csv_sep=sep, decimal_comma=decimal_comma))


def _arrow_column(cells: list, decimal_comma: bool = True):
    """One column as Arrow: numbers, dates or text; a column mixing kinds (a count, a ratio, "3 / 18") is written
    as text, its numbers with the file's decimal mark."""
    import pyarrow as pa

    def text(v) -> str | None:
        if v is None:
            return None
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, float) and decimal_comma:
            return repr(v).replace(".", ",")
        return str(v)

    try:
        arr = pa.array(cells)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = pa.array([text(v) for v in cells], pa.string())
    return arr.cast(pa.string()) if pa.types.is_null(arr.type) else arr


# -- images (the server's own figure, dashboard.image_export; one shared renderer, reports/renderer.py) ----

def render_image(figure: dict, fmt: str) -> bytes:
    """PNG or SVG bytes of a server-built figure (dict), made safe first; RuntimeError when it cannot render
    (RendererBusy when too many are waiting)."""
    from dashboard.image_export import safe_figure
    from reports import renderer

    figure = safe_figure(figure)
    layout = figure.get("layout") or {}
    return renderer.shared().render(figure, fmt, int(layout.get("width") or 1100), int(layout.get("height") or 550),
                                    2 if fmt == "png" else 1)


def figure_of(children: object) -> dict | None:
    """The figure of the dcc.Graph inside the wrapper's children (as the browser holds it): for tests and
    tools only, never rendered (see image_download)."""
    props = _find_props(children, lambda node: isinstance((node.get("props") or {}).get("figure"), dict))
    return props["figure"] if props else None


# -- callbacks ---------------------------------------------------------------------------------------------

def data_download(fmt: str, payload: dict | None, search: str | None) -> tuple[dict | object, str]:
    """(dcc.Download data, status message) for a table export; pure enough to test directly."""
    lang = (payload or {}).get("lang") or "fr"
    if not payload or fmt not in DATA_FORMATS:
        return no_update, t("export.failed", lang, reason=t("export.no_data", lang))
    limit = _max_rows()
    if len(payload.get("rows") or []) > limit:  # a big table is a background extract (page Données), not a callback
        from dashboard.format import fmt_count

        return no_update, t("export.too_many_rows", lang, rows=fmt_count(len(payload["rows"]), lang, compact=False),
                            limit=fmt_count(limit, lang, compact=False))
    view = _view(search, lang, payload.get("scope"))
    name = file_name(payload, view, fmt)
    if fmt == "xlsx":
        return (dcc.send_bytes(table_xlsx(payload, view), name, type=media_type("xlsx")),
                t("export.ready", lang, name=name))
    return dcc.send_bytes(table_csv(payload), name, type=media_type("csv")), t("export.ready", lang, name=name)


def _max_rows() -> int:
    """SEGUR_EXPORT_MAX_ROWS of the app serving the request (the default outside one)."""
    import flask

    from dashboard.context import EXTENSION

    context = flask.current_app.extensions.get(EXTENSION) if flask.has_app_context() else None
    return context.settings.export_max_rows if context is not None else 50_000


def image_download(fmt: str, uid: str | None, payload: dict | None, pathname: str | None, search: str | None
                   ) -> tuple[dict | object, str]:
    """(dcc.Download data, status) for chart `uid` of the page at pathname+search, rebuilt on the server: nothing
    the browser sends (store, figure) reaches the renderer, only the URL and the chart's id."""
    from dashboard import rate_limits
    from dashboard.format import fmt_month
    from dashboard.image_export import server_chart, stamped
    from reports.renderer import RendererBusy

    lang = normalise_lang((payload or {}).get("lang"))
    chart = server_chart(pathname, search, uid) if fmt in IMAGE_FORMATS and uid else None
    if chart is None:
        return no_update, t("export.failed", lang, reason=t("export.no_figure", lang))
    try:
        rate_limits.check("export")
    except rate_limits.RateLimited as e:
        return no_update, str(e)
    view = _view(search, lang)
    month = fmt_month(f"{view.as_of}-01", lang) if view.as_of else t("export.no_month", lang)
    figure = stamped(chart.figure, chart.title, view.described or t("scope.national", lang), month, date.today(), lang)
    try:
        data = render_image(figure, fmt)
    except RendererBusy:
        return no_update, t("export.image_busy", lang)
    except RuntimeError as e:
        log.warning("image export failed: %s", e)
        return no_update, t("export.image_failed", lang)
    name = file_name({"title": chart.title or (payload or {}).get("title")}, view, fmt)
    return dcc.send_bytes(data, name, type=media_type(fmt)), t("export.ready", lang, name=name)


def _clicked_fmt() -> str | None:
    trigger = ctx.triggered_id
    if not isinstance(trigger, Mapping) or not (ctx.triggered and ctx.triggered[0].get("value")):
        return None  # a menu appearing (n_clicks=0) is not a click
    return trigger.get("fmt")


def _menu_callback(buttons: str, download: str, status: str, *states: State):
    """A callback of every menu's buttons of one type (MATCH: the clicked menu's download and status); the
    callback receives the clicks, the `states` of that menu, then the page's URL search."""
    return callback(
        Output({"type": download, "chart": MATCH}, "data"),
        Output({"type": status, "chart": MATCH}, "children"),
        Input({"type": buttons, "chart": MATCH, "fmt": ALL}, "n_clicks"),
        *states,
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )


_STORE = State({"type": ids.EXPORT_DATA, "chart": MATCH}, "data")


@_menu_callback(*MENU_IDS["chart"], _STORE)
def export_data(_clicks, payload, search):
    fmt = _clicked_fmt()
    return data_download(fmt, payload, search) if fmt else (no_update, no_update)


@_menu_callback(ids.EXPORT_IMG_BTN, ids.EXPORT_IMG_DOWNLOAD, ids.EXPORT_IMG_STATUS, _STORE,
                State(ids.URL, "pathname"))
def export_image(_clicks, payload, pathname, search):
    fmt = _clicked_fmt()
    uid = ctx.triggered_id.get("chart") if isinstance(ctx.triggered_id, Mapping) else None
    return image_download(fmt, uid, payload, pathname, search) if fmt else (no_update, no_update)


@_menu_callback(*MENU_IDS["grid"], State({"type": ids.EXPORT_GRID, "chart": MATCH}, "children"), _STORE)
def export_grid(_clicks, children, meta, search):
    fmt = _clicked_fmt()
    return data_download(fmt, grid_payload(children, meta), search) if fmt else (no_update, no_update)
