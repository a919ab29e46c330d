"""The "Exporter" menu of every chart and table: its data as XLSX or CSV, the chart as PNG or SVG.

One set of pattern-matching callbacks serves every menu of every page. A menu carries its table's raw
values in a dcc.Store (the twin table's DataFrame, small by construction); the figure is read from the
graph already in the page (State of its wrapper's children), so it is not sent twice. Files go back
through dcc.Download: fine for these small files; large extracts are streamed by Flask routes instead.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import threading
import unicodedata
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import date, datetime

import pandas as pd
from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.development.base_component import Component
from openpyxl import Workbook

from dashboard import ids
from dashboard.i18n import normalise_lang, t
from reports.xlsx import (
    FMT_DATE,
    FMT_DATETIME,
    FMT_DECIMAL,
    FMT_EUR,
    FMT_INT,
    FMT_RATIO,
    Col,
    clean_text,
    export_filename,
    is_formula_like,
    sheet_title,
    write_table,
)

log = logging.getLogger(__name__)

DATA_FORMATS = ("xlsx", "csv")
IMAGE_FORMATS = ("png", "svg")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The dashboard's format kinds (components/table.py) → Excel number formats (stored locale-free).
KIND_FORMATS = {"int": FMT_INT, "count": FMT_INT, "count_compact": FMT_INT, "number": FMT_DECIMAL,
                "days": FMT_DECIMAL, "eur": FMT_EUR, "eur_compact": FMT_EUR, "eur_cents": '#,##0.00 "€"',
                "percent": FMT_RATIO, "date": FMT_DATE, "month": "mm/yyyy", "datetime": FMT_DATETIME}
IMAGE_TIMEOUT_S = 45


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
    """What the store keeps for a table: columns (key, header, format kind) and raw rows."""
    from dashboard.components.table import guess_format

    columns = []
    for col in df.columns:
        kind = (formats or {}).get(col) or guess_format(df[col])
        columns.append({"key": str(col), "header": str((headers or {}).get(col, col)),
                        "kind": kind if isinstance(kind, str) else None})
    rows = [[_raw(v) for v in record] for record in df.itertuples(index=False, name=None)]
    return {"title": title or "", "lang": normalise_lang(lang), "columns": columns, "rows": rows}


def export_menu(uid: str, lang: str | None, payload: dict, *, image: bool = False,
                title: str | None = None) -> html.Div:
    """A labelled <details> menu (keyboard: Tab, Enter) with one button per format, and its download target."""
    lang = normalise_lang(lang)
    label = t("export.menu_label", lang, title=title) if title else t("export.menu_label_untitled", lang)
    items = [html.Li(html.Button(t(f"export.{fmt}", lang), id={"type": ids.EXPORT_BTN, "chart": uid, "fmt": fmt},
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
        dcc.Download(id={"type": ids.EXPORT_DOWNLOAD, "chart": uid}),
        html.Div(id={"type": ids.EXPORT_STATUS, "chart": uid}, role="status", className="export-status"),
        *extra,
    ], className="export-menu-wrap")


# -- files -------------------------------------------------------------------------------------------------

def _view(search: str | None) -> tuple[str | None, list[tuple[str, str]]]:
    """(as-of month, filters) of the page's URL, validated, for the file name."""
    from dashboard.context import current
    from dashboard.state import parse_search, parse_view_state

    try:
        context = current()
        state, _ = parse_view_state(parse_search(search), context.reference, context.months())
    except Exception:  # noqa: BLE001 - no app context (direct calls): a name without the view
        return None, []
    as_of = state.as_of or (context.months()[0] if context.months() else None)
    return as_of, list(state.filters.items())


def file_name(payload: dict, search: str | None, ext: str) -> str:
    as_of, filters = _view(search)
    ascii_title = unicodedata.normalize("NFKD", payload.get("title") or "").encode("ascii", "ignore").decode()
    kind = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-")[:60] or "tableau"  # "Région" → "Region"
    return export_filename(kind, as_of, filters, ext)


def _typed(value: object, kind: str | None) -> object:
    """Store values back to Python: ISO text of a date column → a date (Excel shows a real date)."""
    if isinstance(value, str) and kind in ("date", "month", "datetime"):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        return parsed if kind == "datetime" else parsed.date()
    return value


def table_xlsx(payload: dict) -> bytes:
    """One sheet: styled, frozen header, real Excel table, number formats; text is never a formula."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(payload.get("title") or t("export.sheet", payload.get("lang")), set())
    columns = payload["columns"]
    cols = [Col(c["header"], KIND_FORMATS.get(c["kind"] or "")) for c in columns]
    rows = ([_typed(v, c["kind"]) for v, c in zip(row, columns, strict=True)] for row in payload["rows"])
    write_table(ws, cols, rows, "Donnees")
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _csv_text(value: object, decimal_comma: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        text = repr(value) if isinstance(value, float) else str(value)
        return text.replace(".", ",") if decimal_comma else text
    text = clean_text(str(value))
    return "'" + text if is_formula_like(text) else text  # formula injection: the quote keeps it text


def table_csv(payload: dict, sep: str = ";", decimal_comma: bool = True) -> bytes:
    """French Excel CSV: UTF-8 with BOM, `;`, decimal comma, CRLF; formula-like text neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow([_csv_text(c["header"]) for c in payload["columns"]])
    for row in payload["rows"]:
        writer.writerow([_csv_text(v, decimal_comma) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# -- images (kaleido's persistent browser, started on first use and kept) -----------------------------------

_image_lock = threading.Lock()
_image_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-image")


def _calc(fig: dict, opts: dict) -> bytes:
    import kaleido

    # Offline: plotly.js from the plotly package, no MathJax from a CDN. A no-op when already running.
    kaleido.start_sync_server(mathjax=False, timeout=IMAGE_TIMEOUT_S, silence_warnings=True)
    return kaleido.calc_fig_sync(fig, opts=opts)


def render_image(figure: dict, fmt: str, timeout: float = IMAGE_TIMEOUT_S) -> bytes:
    """PNG or SVG bytes of a figure (dict); raises RuntimeError when the browser cannot render it."""
    import warnings

    layout = figure.get("layout") or {}
    opts = {"format": fmt, "width": layout.get("width") or 1100, "height": layout.get("height") or 550,
            "scale": 2 if fmt == "png" else 1}
    with _image_lock, warnings.catch_warnings():  # one render at a time: kaleido's server is not re-entrant
        warnings.simplefilter("ignore")
        future = _image_pool.submit(_calc, figure, opts)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout as e:
            raise RuntimeError(f"rendu de l'image interrompu après {timeout:.0f} s") from e
        except Exception as e:
            raise RuntimeError(str(e) or type(e).__name__) from e


def figure_of(children: object) -> dict | None:
    """The figure of the dcc.Graph inside the wrapper's children (as the browser holds it)."""
    nodes = children if isinstance(children, list) else [children]
    for node in nodes:
        if isinstance(node, dict):
            props = node.get("props") or {}
            if isinstance(props.get("figure"), dict):
                return props["figure"]
            found = figure_of(props.get("children"))
            if found:
                return found
    return None


# -- callbacks ---------------------------------------------------------------------------------------------

def data_download(fmt: str, payload: dict | None, search: str | None) -> tuple[dict | object, str]:
    """(dcc.Download data, status message) for a table export; pure enough to test directly."""
    lang = (payload or {}).get("lang") or "fr"
    if not payload or fmt not in DATA_FORMATS:
        return no_update, t("export.failed", lang, reason=t("export.no_data", lang))
    name = file_name(payload, search, fmt)
    if fmt == "xlsx":
        return dcc.send_bytes(table_xlsx(payload), name, type=XLSX_MIME), t("export.ready", lang, name=name)
    return dcc.send_bytes(table_csv(payload), name, type="text/csv"), t("export.ready", lang, name=name)


def image_download(fmt: str, children: object, payload: dict | None, search: str | None
                   ) -> tuple[dict | object, str]:
    lang = (payload or {}).get("lang") or "fr"
    figure = figure_of(children)
    if fmt not in IMAGE_FORMATS or figure is None:
        return no_update, t("export.failed", lang, reason=t("export.no_figure", lang))
    try:
        data = render_image(figure, fmt)
    except RuntimeError as e:
        log.warning("image export failed: %s", e)
        return no_update, t("export.image_failed", lang)
    name = file_name(payload or {}, search, fmt)
    mime = "image/png" if fmt == "png" else "image/svg+xml"
    return dcc.send_bytes(data, name, type=mime), t("export.ready", lang, name=name)


def _clicked_fmt() -> str | None:
    trigger = ctx.triggered_id
    if not isinstance(trigger, Mapping) or not (ctx.triggered and ctx.triggered[0].get("value")):
        return None  # a menu appearing (n_clicks=0) is not a click
    return trigger.get("fmt")


@callback(
    Output({"type": ids.EXPORT_DOWNLOAD, "chart": MATCH}, "data"),
    Output({"type": ids.EXPORT_STATUS, "chart": MATCH}, "children"),
    Input({"type": ids.EXPORT_BTN, "chart": MATCH, "fmt": ALL}, "n_clicks"),
    State({"type": ids.EXPORT_DATA, "chart": MATCH}, "data"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def export_data(_clicks, payload, search):
    fmt = _clicked_fmt()
    return data_download(fmt, payload, search) if fmt else (no_update, no_update)


@callback(
    Output({"type": ids.EXPORT_IMG_DOWNLOAD, "chart": MATCH}, "data"),
    Output({"type": ids.EXPORT_IMG_STATUS, "chart": MATCH}, "children"),
    Input({"type": ids.EXPORT_IMG_BTN, "chart": MATCH, "fmt": ALL}, "n_clicks"),
    State({"type": ids.EXPORT_FIGURE, "chart": MATCH}, "children"),
    State({"type": ids.EXPORT_DATA, "chart": MATCH}, "data"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def export_image(_clicks, children, payload, search):
    fmt = _clicked_fmt()
    return image_download(fmt, children, payload, search) if fmt else (no_update, no_update)
