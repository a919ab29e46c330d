"""Charts: every chart comes with a one-sentence summary and its data as a table (accessibility)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import ids
from dashboard.components.export_menu import export_menu, export_uid, typed_payload
from dashboard.components.table import Formatter, simple_table, twin_table
from dashboard.format import month_names
from dashboard.i18n import normalise_lang, t
from dashboard.theme import plotly_layout_for


def plotly_locale(lang: str | None) -> dict:
    """A Plotly locale built from Babel (month names, separators), passed inline: nothing to download."""
    lang = normalise_lang(lang)
    names = month_names(lang)
    return {
        "format": {
            **names,
            "decimal": "," if lang == "fr" else ".",
            "thousands": "\u202f" if lang == "fr" else ",",
            "grouping": [3],
            "currency": ["", "\u00a0€"] if lang == "fr" else ["€", ""],
            "date": "%d/%m/%Y",
            "periods": ["AM", "PM"],
        },
    }


def graph_config(lang: str | None) -> dict:
    lang = normalise_lang(lang)
    return {
        "displaylogo": False,
        "responsive": True,
        "locale": lang,
        "locales": {lang: plotly_locale(lang)},
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "scale": 2},
    }


def graph(figure: go.Figure, lang: str | None = "fr", graph_id: str | None = None,
          height: int | None = None) -> dcc.Graph:
    """A dcc.Graph with the locale, the "segur" template and no Plotly logo."""
    figure = go.Figure(figure)
    figure.update_layout(template="segur", **plotly_layout_for(lang))
    if height:
        figure.update_layout(height=height)
    props = {"id": graph_id} if graph_id else {}
    return dcc.Graph(figure=figure, config=graph_config(lang), className="segur-graph", **props)


def chart_with_table(figure: go.Figure, df: pd.DataFrame, summary: str, lang: str | None = "fr", *,
                     title: str | None = None, headers: Mapping[str, str] | None = None,
                     formats: Mapping[str, str | Formatter] | None = None, graph_id: str | None = None,
                     height: int | None = None, open_table: bool = False, export: bool = True,
                     export_id: str | None = None, raw: pd.DataFrame | None = None,
                     cell_kinds: Mapping[str, Sequence[str | None]] | None = None) -> html.Figure:
    """Title, summary sentence, "Exporter" menu, chart, and a "Voir les données" disclosure with the same data.

    `export=False` drops the menu; `export_id` names it when two charts of a page share title and columns.
    A table whose `df` holds text formatted for the screen gives the values in `raw` (same rows) and, for a
    column mixing units, one export kind per row in `cell_kinds` (see export_menu.typed_payload).
    """
    lang = normalise_lang(lang)
    parts: list = []
    # --- exports --- the menu sits in the caption, by the title; the image export rebuilds this page on the
    # server and finds the chart by the <figure>'s id (dashboard/image_export.py).
    uid = export_id or export_uid(graph_id, title, summary, *df.columns)
    caption = [html.H3(title, className="chart-title")] if title else []
    if export:
        caption.append(export_menu(uid, lang, typed_payload(df, title or graph_id, lang, headers, formats, raw,
                                                            cell_kinds=cell_kinds), image=True, title=title))
    if caption:
        parts.append(html.Figcaption(caption, className="chart-caption"))
    parts.append(html.P(summary, className="chart-summary"))
    parts.append(graph(figure, lang, graph_id, height))
    table = simple_table if open_table else twin_table  # folded: one component, not one per cell
    parts.append(html.Details(
        [html.Summary(t("chart.see_data", lang)),
         table(df, lang, headers=headers, formats=formats, caption=title)],
        open=open_table, className="chart-data",
    ))
    props = {"id": {"type": ids.EXPORT_FIGURE, "chart": uid}} if export else {}
    return html.Figure(parts, className="chart-with-table", **props)
