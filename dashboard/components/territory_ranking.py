"""The ranking of territories for one indicator: a frame from the engine's breakdown rows, shown as a
sortable grid (Territoires page) or as a plain table with status badges (fiche territoriale).

The rows keep the engine's order (furthest ahead of its territorial target first) and its numbers: the
grid only formats them, so sorting works on the raw values.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import dash_ag_grid as dag
import pandas as pd
from dash import html

from dashboard.components.indicator_format import (
    STATUS_ORDER,
    fmt_progress,
    fmt_trend,
    fmt_value,
    status_from_rank,
    status_rank,
)
from dashboard.components.status import status_badge
from dashboard.components.table import SHOWN, data_table, export_as, simple_table
from dashboard.i18n import t
from dashboard.reference import Reference
from indicators import fmt

NUMERIC = ("rank", "value", "target", "progress", "gap", "trend")
LINKS = ("territory", "region")
MARKDOWN_LINK = re.compile(r"^\[(?P<label>.*)\]\((?P<href>[^)]*)\)$")
Href = Callable[[str], str]


def _link(label: str, href: str) -> str:
    """A Markdown link (the grid renders it); brackets in a label would end it early, so they are dropped."""
    return f"[{label.replace('[', '(').replace(']', ')')}]({href})"


def link_label(value: object, lang: str | None = "fr") -> str:
    """The text of a Markdown link (for sorting, filtering and tooltips), or the value itself."""
    match = MARKDOWN_LINK.match(str(value))
    return match["label"] if match else str(value)


def ranking_frame(rows: list, level: str, unit: str, reference: Reference, lang: str | None = "fr", *,
                  territory_href: Href | None = None, region_href: Href | None = None,
                  badges: bool = False) -> pd.DataFrame:
    """One line per breakdown row, in the engine's order; raw numbers, formatted later.

    `territory_href(code)` makes the territory a link; `region_href(region_code)` adds a "Région" column
    of links (départements: their région's fiche). `badges`: statuses as badges (plain tables), else as
    their rank in STATUS_ORDER (grids sort on it).
    """
    table = "regions" if level == "region" else "departements"
    records = []
    for i, r in enumerate(rows, start=1):
        label = reference.label(table, r.key, lang)
        label = f"{r.key} {label}" if level == "departement" else label
        record: dict = {"rank": i, "territory": _link(label, territory_href(r.key)) if territory_href else label}
        if region_href is not None:
            parent = reference.departements[r.key].parent if level == "departement" else r.key
            record["region"] = _link(reference.label("regions", parent, lang), region_href(parent))
        record.update(value=r.value, target=r.target, progress=r.progress_raw,
                      status=status_badge(r.status, lang) if badges else status_rank(r.status),
                      gap=r.shown_gap, trend=r.trend)
        records.append(record)
    columns = ["rank", "territory", *(["region"] if region_href is not None else []), "value", "target",
               "progress", "status", "gap", "trend"]
    return pd.DataFrame.from_records(records, columns=columns)


def unit_kind(unit: str) -> str:
    """The export kind of a value in the indicator's unit (its Excel number format)."""
    return {"pct": "pct_value", "EUR": "eur", "jours": "days"}.get(unit, "count")


def gap_unit_of(rows) -> str:
    """The unit the rows' gaps are shown in (indicators.fmt.gap): the same for every row of an indicator."""
    return next((r.gap_unit for r in rows or []), "progress_points")


def ranking_formats(unit: str, gap_unit: str = "progress_points") -> dict:
    """Formatters of the ranking's columns, tagged with how exports write them (numbers stay numbers; a
    status, kept as its rank for sorting, and a link are exported as the text shown)."""
    return {
        "rank": "int",
        "territory": export_as(SHOWN, link_label),
        "region": export_as(SHOWN, link_label),
        "value": export_as(unit_kind(unit), lambda v, lg: fmt_value(v, unit, lg)),
        "target": export_as(unit_kind(unit), lambda v, lg: fmt_value(v, unit, lg)),
        "progress": export_as("percent", fmt_progress),
        "status": export_as(SHOWN, status_from_rank),
        "gap": export_as("number", lambda v, lg: fmt.gap(v, gap_unit, lg)),
        "trend": export_as("number" if unit == "pct" else unit_kind(unit), lambda v, lg: fmt_trend(v, unit, lg)),
    }


def ranking_headers(level: str, unit_name: str, lang: str | None = "fr",
                    gap_unit: str = "progress_points") -> dict[str, str]:
    headers = {c: t(f"terr.col.{c}", lang) for c in ("rank", "territory", "region", "value", "target",
                                                        "progress", "status", "gap", "trend")}
    in_unit = fmt.gap_unit_label(gap_unit, lang or "fr")
    headers["gap"] = f"{headers['gap']} ({in_unit})" if in_unit else headers["gap"]
    if unit_name:
        for c in ("value", "target"):
            headers[c] = f"{headers[c]} ({unit_name})"
    return headers


def ranking_grid(df: pd.DataFrame, grid_id: str, unit: str, headers: dict[str, str],
                 lang: str | None = "fr", gap_unit: str = "progress_points") -> dag.AgGrid:
    """The ranking as a sortable AG Grid: numbers right-aligned, links clickable, statuses coloured and worded."""
    widths = {"rank": 80, "territory": 230, "region": 230, "status": 190}
    grid = data_table(df, grid_id, lang, headers=headers, formats=ranking_formats(unit, gap_unit), widths=widths,
                      pinned=("rank", "territory"), page_size=20)
    fields = {col: f"c{i}" for i, col in enumerate(df.columns)}
    for col_def in grid.columnDefs:
        col = next(c for c, f in fields.items() if f == col_def["field"])
        col_def.update(wrapHeaderText=True, autoHeaderHeight=True)
        if col in NUMERIC:
            col_def.update(type="rightAligned", filter="agNumberColumnFilter")
            if col == "progress":
                col_def["minWidth"] = 135
            col_def.pop("filterValueGetter", None)
        if col in LINKS:
            col_def.update(cellRenderer="markdown")
        if col == "status":
            col_def["cellClassRules"] = {f"status-cell status-cell-{key}": f"params.value === {i}"
                                         for i, key in enumerate(STATUS_ORDER)}
    grid.columnDefs = [{k: v for k, v in d.items() if v is not None} for d in grid.columnDefs]
    return grid


def ranking_table(df: pd.DataFrame, unit: str, headers: dict[str, str], lang: str | None = "fr",
                  caption: str | None = None, scope: dict[str, str | None] | None = None,
                  gap_unit: str = "progress_points") -> html.Div:
    """The ranking as a plain HTML table (short lists: a région's départements), with its "Exporter" menu."""
    from dashboard.components.export_menu import table_with_export

    formats = {k: v for k, v in ranking_formats(unit, gap_unit).items() if k != "status"}
    block = simple_table(df, lang, headers=headers, formats=formats, caption=caption)
    table = right_align(block, [i for i, col in enumerate(df.columns) if col in NUMERIC])
    return table_with_export(df, lang, caption, headers=headers, formats=formats, table=table, scope=scope)


def right_align(block: html.Div, columns: list[int]) -> html.Div:
    """Right-align columns of a simple_table (it does so for its named number formats only)."""
    table = block.children[0]
    head, body = table.children[-2], table.children[-1]
    for tr in [head.children, *body.children]:
        for i in columns:
            tr.children[i].className = "num"
    return block
