"""The map of the Territoires page: one tile (or polygon) per territory, coloured by the chosen measure.

Built on dashboard.components.tilemap.territory_map (tile grid, or local GeoJSON boundaries for numbers);
this module chooses what is coloured (value, progress or status) and writes each territory's hover:
value, target, progress, status (icon + words) and gap to the national value.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

import plotly.graph_objects as go

from dashboard import tilegrid
from dashboard.access import visible_territory
from dashboard.components.indicator_format import fmt_progress, fmt_value, status_text, unit_noun
from dashboard.components.territory_view import MEASURES
from dashboard.components.tilemap import territory_map
from dashboard.format import fmt_compact, fmt_number
from dashboard.i18n import normalise_lang, t
from dashboard.reference import Reference
from dashboard.theme import GREY_MUTED

TABLES = {"region": "regions", "departement": "departements"}
HEIGHTS = {"region": 460, "departement": 760}
FADED, FADED_TEXT = "#E5E5E5", GREY_MUTED  # muted text still reads at 5.7:1


def territory_label(code: str, level: str, reference: Reference, lang: str | None = "fr") -> str:
    """`Occitanie`, `31 Haute-Garonne` (départements keep their code: readers know them by it)."""
    label = reference.label(TABLES[level], code, lang)
    return f"{code} {label}" if level == "departement" else label


def map_values(rows: Iterable, measure: str) -> dict[str, float | str | None]:
    """Code → what the tiles show: the value, the progress (share of the way to the target) or the status."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, got {measure!r}")
    if measure == "statut":
        return {r.key: r.status for r in rows}
    return {r.key: (r.value if measure == "valeur" else r.progress_raw) for r in rows}


def hover_text(row, label: str, unit: str, lang: str | None = "fr") -> str:
    """Every figure of a territory, one per line, the territory's name first."""
    return "<br>".join([
        f"<b>{label}</b>",
        t("terr.hover.value", lang, value=fmt_value(row.value, unit, lang, noun=True)),
        t("terr.hover.target", lang, value=fmt_value(row.target, unit, lang, noun=True)),
        t("terr.hover.progress", lang, value=fmt_progress(row.progress_raw, lang)),
        t("terr.hover.status", lang, value=status_text(row.status, lang)),
        t("terr.hover.gap", lang, value=row.gap_text(lang)),
    ])


def with_hover(fig: go.Figure, hovers: Mapping[str, str], level: str) -> go.Figure:
    """Replace the hover text of the territories in `hovers` (tile grid or GeoJSON map); others keep theirs."""
    cell_code = {(row, col): code for code, (row, col) in tilegrid.load(level).items()}
    for trace in fig.data:
        if isinstance(trace, go.Choropleth) and trace.locations is not None:
            codes = list(trace.locations)
        elif isinstance(trace, go.Scatter) and trace.hovertext is not None and trace.x is not None:
            codes = [cell_code.get((y, x)) for x, y in zip(trace.x, trace.y, strict=True)]
        else:
            continue
        trace.hovertext = [hovers.get(c, old) if c else old
                           for c, old in zip(codes, trace.hovertext or [""] * len(codes), strict=True)]
    return fig


def tile_format(measure: str, unit: str, level: str):
    """How a tile writes its number: short on the crowded département grid (the scale's title gives the unit)."""
    if measure != "valeur":
        return lambda v, lg: fmt_progress(v, lg)
    if level == "region":
        return lambda v, lg: fmt_value(v, unit, lg)
    if unit == "pct":
        return lambda v, lg: fmt_number(v, lg, decimals=1)
    if unit == "jours":
        return lambda v, lg: fmt_number(v, lg, decimals=0)
    return lambda v, lg: fmt_compact(v, lg)


def colorbar_title(measure: str, unit: str, lang: str) -> str:
    if measure != "valeur":
        return t("terr.measure.progression", lang)
    if unit in ("pct", "EUR"):
        return "%" if unit == "pct" else "€"
    return unit_noun(unit, lang) or t("terr.measure.valeur", lang)


def territory_figure(rows: list, level: str, measure: str, unit: str, lang: str | None = "fr", *,
                     reference: Reference, scope: Collection[str] | None = None,
                     geojson_path: Path | None = None, height: int | None = None) -> go.Figure:
    """The map of one indicator's breakdown (`rows`: engine BreakdownRow) coloured by `measure`.

    `scope`: the codes the view is about (a région's départements); territories outside it stay blank and
    say so on hover.
    """
    lang = normalise_lang(lang)
    shown = [r for r in rows if scope is None or r.key in scope]
    values = map_values(shown, measure)
    fig = territory_map(values, level, lang, geojson_path=geojson_path, value_format=tile_format(measure, unit, level),
                        reference=reference, colorbar_title=colorbar_title(measure, unit, lang),
                        height=height or HEIGHTS[level])
    if measure == "progression":  # the tiles' own formatter is a function: say how to write the scale's ticks
        fig.update_traces(selector=dict(type="scatter"), marker_colorbar_tickformat=".0%")
        fig.update_traces(selector=dict(type="choropleth"), colorbar_tickformat=".0%")
    hovers = {r.key: hover_text(r, territory_label(r.key, level, reference, lang), unit, lang) for r in shown}
    if scope is not None:
        outside = t("terr.map.outside", lang)
        for code in tilegrid.load(level):
            if code not in scope and visible_territory(level, code, reference):
                hovers[code] = f"<b>{territory_label(code, level, reference, lang)}</b><br>{outside}"
        fade_outside(fig, scope, level)
    return with_hover(fig, hovers, level)


def fade_outside(fig: go.Figure, scope: Collection[str], level: str) -> go.Figure:
    """Tiles outside `scope` recede (pale outline, pale code, no dash) so the scope stands out on the map."""
    cell_code = {(row, col): code for code, (row, col) in tilegrid.load(level).items()}
    for shape in fig.layout.shapes:
        code = cell_code.get((round((shape.y0 + shape.y1) / 2), round((shape.x0 + shape.x1) / 2)))
        if code is not None and code not in scope:
            shape.line.color = FADED
    for trace in fig.data:
        if isinstance(trace, go.Scatter) and trace.text is not None and trace.x is not None:
            codes = [cell_code.get((y, x)) for x, y in zip(trace.x, trace.y, strict=True)]
            colors = list(trace.textfont.color) if isinstance(trace.textfont.color, (list, tuple)) \
                else [trace.textfont.color] * len(codes)
            trace.text = [text.split("<br>")[0] if c not in scope else text for c, text in zip(codes, trace.text,
                                                                                                strict=True)]
            trace.textfont.color = [FADED_TEXT if c not in scope else col for c, col in zip(codes, colors,
                                                                                             strict=True)]
    return fig
