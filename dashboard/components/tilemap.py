"""Maps of France without any download: a tile grid (default) or real boundaries from a local GeoJSON.

Tile map: one square per département (or région) from data/reference/tilegrid_*.csv, each labelled with
its code and value; numbers are coloured on a sequential scale, statuses by their colour AND their
icon (colour is never the only cue). Pair it with its table (chart_with_table) on a page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from dashboard import tilegrid
from dashboard.access import visible_territory
from dashboard.components.table import Formatter, formatter
from dashboard.i18n import normalise_lang, t
from dashboard.reference import Reference, load_reference
from dashboard.theme import GREY_LINE, GREY_MUTED, SEQUENTIAL, STATUSES, status_style, text_color_on

REGION_ABBR = {
    "01": "GUA", "02": "MTQ", "03": "GUF", "04": "RÉU", "06": "MAY", "11": "IDF", "24": "CVL", "27": "BFC",
    "28": "NOR", "32": "HDF", "44": "GES", "52": "PDL", "53": "BRE", "75": "NAQ", "76": "OCC", "84": "ARA",
    "93": "PACA", "94": "COR",
}
EMPTY_FILL = "#FFFFFF"
Value = float | int | str | None


def _is_status_map(values: Mapping[str, Value]) -> bool:
    present = [v for v in values.values() if v is not None]
    return bool(present) and all(isinstance(v, str) for v in present)


def _name(code: str, level: str, ref: Reference, lang: str) -> str:
    return ref.label("departements" if level == "departement" else "regions", code, lang)


def _short(code: str, level: str) -> str:
    return code if level == "departement" else REGION_ABBR.get(code, code)


def tile_map(values: Mapping[str, Value], level: str = "departement", lang: str | None = "fr", *,
             value_format: str | Formatter = "number", reference: Reference | None = None,
             colorscale: list[str] | None = None, vmin: float | None = None, vmax: float | None = None,
             colorbar_title: str | None = None, title: str | None = None, show_values: bool = True,
             height: int | None = None) -> go.Figure:
    """A tile-grid map of `values` (code → number, or code → status key) at the département or région level.

    Codes missing from `values` get an empty tile (hover: "pas de valeur"); unknown codes are ignored.
    """
    lang = normalise_lang(lang)
    ref = reference or load_reference(tilegrid.REFERENCE_DIR)
    cells = {code: cell for code, cell in tilegrid.load(level).items() if visible_territory(level, code, ref)}
    fmt = formatter(value_format)
    statuses = _is_status_map(values)
    numbers = [float(v) for v in values.values() if v is not None and not isinstance(v, str)]
    low = vmin if vmin is not None else (min(numbers) if numbers else 0.0)
    high = vmax if vmax is not None else (max(numbers) if numbers else 1.0)
    scale = colorscale or SEQUENTIAL
    fig = go.Figure()
    xs, ys, texts, hovers, text_colors, marker_values = [], [], [], [], [], []
    shapes: list[dict] = []  # set once below: add_shape per tile re-validates every shape (quadratic, ~3 s)
    half = 0.46
    for code, (row, col) in sorted(cells.items(), key=lambda kv: kv[1]):
        value = values.get(code)
        if value is None:
            fill, shown, described = EMPTY_FILL, "—", t("map.no_value", lang)
        elif statuses:
            style = status_style(str(value))
            fill = style.color if style.key not in ("no_data", "incomplete") else style.background
            shown, described = style.icon, f"{style.icon} {style.label(lang)}"
        else:
            share = 0.5 if high == low else min(max((float(value) - low) / (high - low), 0.0), 1.0)
            fill = sample_colorscale(_plotly_scale(scale), [share], colortype="rgb")[0]
            shown = described = fmt(value, lang)
        fill_hex = _hex(fill)
        shapes.append(dict(type="rect", x0=col - half, x1=col + half, y0=row - half, y1=row + half,
                           fillcolor=fill_hex, line=dict(color=GREY_MUTED if value is None else GREY_LINE, width=1),
                           layer="below"))
        label = f"<b>{_short(code, level)}</b>"
        if show_values or statuses:
            label += f"<br>{shown}"
        xs.append(col)
        ys.append(row)
        texts.append(label)
        hovers.append(f"<b>{code} {_name(code, level, ref, lang)}</b><br>{described}")
        text_colors.append(text_color_on(fill_hex) if value is not None else GREY_MUTED)
        marker_values.append(None if value is None or statuses else float(value))
    marker = dict(symbol="square", size=34, opacity=0)
    if not statuses and numbers:
        marker.update(color=[v if v is not None else low for v in marker_values], colorscale=_plotly_scale(scale),
                      cmin=low, cmax=high, showscale=True,
                      colorbar=dict(title=dict(text=colorbar_title or ""), thickness=14, len=0.6, outlinewidth=0,
                                    tickformat=".0%" if value_format == "percent" else None))
    fig.add_trace(go.Scatter(
        x=xs, y=ys, mode="markers+text", text=texts, hovertext=hovers, hoverinfo="text", marker=marker,
        textfont=dict(color=text_colors, size=12 if level == "departement" else 14), showlegend=False,
    ))
    if statuses:
        for key in [k for k in STATUSES if k in {status_style(str(v)).key for v in values.values() if v is not None}]:
            style = STATUSES[key]
            swatch = style.color if key not in ("no_data", "incomplete") else style.background
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=f"{style.icon} {style.label(lang)}",
                                     marker=dict(symbol="square", size=14, color=swatch,
                                                 line=dict(color=GREY_MUTED, width=1)), hoverinfo="skip"))
    rows = max((r for r, _ in cells.values()), default=0) + 1
    cols = max((c for _, c in cells.values()), default=0) + 1
    fig.update_layout(
        shapes=shapes, template="segur", title=dict(text=title) if title else None,
        xaxis=dict(visible=False, range=[-0.6, cols - 0.4], fixedrange=True),
        yaxis=dict(visible=False, range=[rows - 0.4, -0.6], scaleanchor="x", scaleratio=1, fixedrange=True),
        height=height or (640 if level == "departement" else 480), showlegend=statuses,
        legend=dict(orientation="h", yanchor="top", y=0, xanchor="left", x=0),
        margin=dict(l=8, r=8, t=48 if title else 8, b=40 if statuses else 8), dragmode=False,
    )
    return fig


def _plotly_scale(colors: list[str]) -> list[list]:
    step = 1 / (len(colors) - 1)
    return [[round(i * step, 6), c] for i, c in enumerate(colors)]


def _hex(color: str) -> str:
    if color.startswith("#"):
        return color.upper()
    r, g, b = (int(float(x)) for x in color[color.index("(") + 1:color.index(")")].split(",")[:3])
    return f"#{r:02X}{g:02X}{b:02X}"


def tile_map_caption(level: str, lang: str | None = "fr") -> str:
    """One sentence that tells how to read a tile map."""
    return t("map.caption", lang, level=t(f"map.level.{level}", lang))


@lru_cache(maxsize=2)
def _read_geojson(path: Path, mtime_ns: int) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def geo_map(values: Mapping[str, float | None], geojson_path: Path, level: str = "departement",
            lang: str | None = "fr", *, id_property: str = "code", value_format: str | Formatter = "number",
            reference: Reference | None = None, colorbar_title: str | None = None,
            height: int | None = None) -> go.Figure:
    """Real boundaries from a local GeoJSON (features carry `properties.<id_property>` = INSEE code).

    No base map, so plotly.js fetches no topojson: only the polygons of the file are drawn.
    """
    lang = normalise_lang(lang)
    ref = reference or load_reference(tilegrid.REFERENCE_DIR)
    geojson = _read_geojson(geojson_path, geojson_path.stat().st_mtime_ns)
    fmt = formatter(value_format)
    codes = [c for c, v in values.items() if v is not None]
    fig = go.Figure(go.Choropleth(
        geojson=geojson, featureidkey=f"properties.{id_property}", locationmode="geojson-id",
        locations=codes, z=[float(values[c]) for c in codes], colorscale=_plotly_scale(SEQUENTIAL),
        marker_line_color="white", marker_line_width=0.8,
        hovertext=[f"<b>{c} {_name(c, level, ref, lang)}</b><br>{fmt(values[c], lang)}" for c in codes],
        hoverinfo="text", colorbar=dict(title=dict(text=colorbar_title or ""), thickness=14, len=0.6),
    ))
    fig.update_geos(visible=False, fitbounds="locations", showland=False, showcoastlines=False,
                    showcountries=False, showframe=False, showlakes=False, showocean=False, showrivers=False,
                    showsubunits=False, projection_type="mercator")
    fig.update_layout(template="segur", height=height or 640, margin=dict(l=8, r=8, t=8, b=8))
    return fig


def territory_map(values: Mapping[str, Value], level: str = "departement", lang: str | None = "fr", *,
                  geojson_path: Path | None = None, **kwargs) -> go.Figure:
    """The map a page should call: real boundaries when a GeoJSON is configured (numbers only), else tiles."""
    if geojson_path is not None and Path(geojson_path).is_file() and not _is_status_map(values):
        keep = {k: kwargs[k] for k in ("value_format", "reference", "colorbar_title", "height") if k in kwargs}
        return geo_map(values, Path(geojson_path), level, lang, **keep)  # type: ignore[arg-type]
    return tile_map(values, level, lang, **kwargs)
