"""Shared by the Budget and Déploiement pages: the as-of month of a view, cached queries, link selectors.

Selectors are plain links (dmc.Anchor, like the menu: no reload, one history entry) that set a page parameter in the URL, so
that a copied address reproduces the view and no callback is needed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

import dash_mantine_components as dmc
from dash import html

from indicators.compute import parse_month

T = TypeVar("T")


def view_month(page) -> date:
    """The as-of month (first day): the URL's, else the engine's latest month, else the newest published one."""
    if page.state.as_of_date:
        return page.state.as_of_date
    try:
        return page.engine.latest_month()
    except Exception:  # noqa: BLE001 - an invalid catalogue must not hide the budget: fall back on the data
        months = page.ctx.months()
        return parse_month(months[0]) if months else page.ctx.today().replace(day=1)


def cached(page, fn: Callable[..., T], *args) -> T:
    """`fn(warehouse, *args)` computed once per published warehouse (a `by` change re-renders the page)."""
    key = f"{fn.__module__}.{fn.__qualname__}|{args!r}"
    return page.warehouse.cached(key, lambda: fn(page.warehouse, *args))


def link_chips(options: Sequence[tuple[str, str, bool]], label: str, chips_id: str | None = None) -> html.Div:
    """A row of links shown as chips: (label, href, pressed). A pressed chip shows a check mark (not colour
    alone) and carries aria-current."""
    links = [dmc.Anchor([html.Span("✓ ", className="chip-check", **{"aria-hidden": "true"}), text] if pressed
                        else text, href=href, underline="never", className="chip chip-active" if pressed else "chip",
                        **({"aria-current": "true"} if pressed else {}))
             for text, href, pressed in options]
    props = {"id": chips_id} if chips_id else {}
    return html.Div([html.Span(label, className="chip-label"), html.Div(links, className="chip-row")],
                    className="chip-group", role="group", **{"aria-label": label}, **props)


HEADER_CHAR_PX = 10.5  # a bold header letter at 14 px (measured in Chromium: « d'engagement » 122 px)
HEADER_PADDING_PX = 40  # cell padding, sort and resize handles


def header_min_width(label: str) -> int:
    """The narrowest column whose header shows its longest word whole (headers wrap between words only)."""
    longest = max((len(word) for word in str(label).split()), default=0)
    return math.ceil(longest * HEADER_CHAR_PX) + HEADER_PADDING_PX


def wrapped_headers(grid):
    """The same AG Grid with header labels wrapped on several lines, between words, instead of cut
    ("Reste à e…") or broken inside a word ("Taux d'engage-ment"): each column is at least as wide as its
    header's longest word; the grid scrolls sideways when the screen is narrower than that."""
    grid.defaultColDef = {**grid.defaultColDef, "wrapHeaderText": True, "autoHeaderHeight": True}
    defs = []
    for d in grid.columnDefs:
        need = header_min_width(d.get("headerName", ""))
        if "width" in d:
            d = {**d, "width": max(d["width"], need)}
        else:
            d = {**d, "minWidth": max(d.get("minWidth", 0), need)}
        defs.append(d)
    grid.columnDefs = defs
    return grid


def dense_grid(grid, min_width: int = 95) -> html.Div:
    """A wide AG Grid made to fit a 1366-pixel screen: header labels wrapped (by word), smaller header
    font and padding, flexible columns allowed down to `min_width` pixels."""
    grid = wrapped_headers(grid)
    grid.columnDefs = [d if "width" in d else {**d, "minWidth": min_width} for d in grid.columnDefs]
    return html.Div(grid, className="dense-grid")
