"""A chart's image is rendered from the server's own figure: the page of the URL (path + query) is rebuilt by
the same layout function Dash's router calls, and the chart is found by its export id. A browser never sends
the figure, so it cannot make the server fetch anything; `safe_figure` strips every external source anyway
(layout images, image traces, map layers, GeoJSON by URL). The image carries its title, scope and month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component

from dashboard import ids

# A value that a browser would fetch: a URL with a scheme, or protocol-relative.
_URL_RE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_INLINE_RE = re.compile(r"^\s*data:image/(?:png|jpeg|gif|webp);base64,", re.IGNORECASE)
# Properties whose string value plotly.js would load (layout.images[].source, image traces, map styles, layers).
_FETCHED_KEYS = {"source", "geojson", "style", "sourcelayer", "topojson", "url"}
_PAGES_CONTENT_ID = "_pages_content"


@dataclass(frozen=True)
class ServerChart:
    figure: dict  # plotly JSON of the page's own figure
    title: str


def _is_external(value: object) -> bool:
    return isinstance(value, str) and bool(_URL_RE.match(value)) and not _INLINE_RE.match(value)


def safe_figure(figure: dict) -> dict:
    """A copy of a plotly JSON figure without anything a renderer would fetch from elsewhere."""
    def clean(node: object, key: str | None = None) -> object:
        if isinstance(node, dict):
            return {k: clean(v, k) for k, v in node.items()
                    if not (k in _FETCHED_KEYS and _is_external(v)) and k != "layers"}
        if isinstance(node, list):
            if key == "images":  # layout images: inline data only
                return [clean(i) for i in node if isinstance(i, dict) and _INLINE_RE.match(str(i.get("source", "")))]
            return [clean(v) for v in node]
        return node

    return clean(figure)  # type: ignore[return-value]


def _walk(node: object):
    if isinstance(node, Component):
        yield node
        yield from _walk(getattr(node, "children", None))
    elif isinstance(node, (list, tuple)):
        for child in node:
            yield from _walk(child)


def _chart_in(layout: object, uid: str) -> ServerChart | None:
    wanted = {"type": ids.EXPORT_FIGURE, "chart": uid}
    for node in _walk(layout):
        if isinstance(node, html.Figure) and getattr(node, "id", None) == wanted:
            graphs = [n for n in _walk(node) if isinstance(n, dcc.Graph)]
            titles = [n for n in _walk(node) if isinstance(n, html.H3)]
            if not graphs:
                return None
            fig = graphs[0].figure
            fig = fig.to_plotly_json() if isinstance(fig, go.Figure) else go.Figure(fig).to_plotly_json()
            title = " ".join(str(t.children) for t in titles[:1] if isinstance(t.children, str))
            return ServerChart(fig, title)
    return None


def page_layout(pathname: str | None, search: str | None):
    """The page layout Dash's router would return for this URL (None for an unknown path)."""
    import dash
    from dash._pages import _parse_query_string, _path_to_page

    app = dash.get_app()
    page, path_variables = _path_to_page(app.strip_relative_path(pathname or "/"))
    if not page:
        return None
    layout = page.get("layout")
    if callable(layout):
        layout = layout(**{**(path_variables or {}), **_parse_query_string(search or "")})
    return layout


def server_chart(pathname: str | None, search: str | None, uid: str) -> ServerChart | None:
    """The chart `uid` of the page at pathname+search, as the server builds it (None when not on that page)."""
    if not isinstance(uid, str):
        return None
    return _chart_in(page_layout(pathname, search), uid)


def stamped(figure: dict, title: str, scope: str, month: str, made: date, lang: str = "fr") -> dict:
    """The figure with its title on top and "scope · month · date" under it: the image says what it shows."""
    fig = go.Figure(figure)
    top = int(fig.layout.margin.t or 40) + (100 if title else 70)  # room above a top legend
    label = {"fr": ("Périmètre", "Mois de situation", "Image du"), "en": ("Scope", "As of", "Image of")}[
        "en" if lang == "en" else "fr"]
    sep = " : " if lang != "en" else ": "
    made_text = made.strftime("%d/%m/%Y") if lang != "en" else made.isoformat()
    line = f"{label[0]}{sep}{scope} · {label[1]}{sep}{month} · {label[2]} {made_text}"
    fig.update_layout(margin={"t": top}, title={
        "text": title or line, "subtitle": {"text": line if title else None, "font": {"size": 12, "color": "#3A3A3A"}},
        "x": 0.01, "xanchor": "left", "xref": "container", "y": 1, "yanchor": "top", "yref": "container",
        "pad": {"t": 12}, "font": {"size": 18}})
    return fig.to_plotly_json()
