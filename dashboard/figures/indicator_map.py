"""A breakdown by territory on the tile map: tiles coloured by progress, each labelled with its status icon.

Built on dashboard.components.tilemap.tile_map (progress on the sequential scale); the status icon is
added to each tile's text so that colour is never the only cue, and the hover says the status in words.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard import tilegrid
from dashboard.components.indicator_common import fmt_progress
from dashboard.components.tilemap import tile_map
from dashboard.i18n import t
from dashboard.reference import Reference
from dashboard.theme import status_style


def progress_map(rows, level: str, lang: str, reference: Reference | None = None,
                 height: int | None = None) -> go.Figure:
    """`rows`: engine BreakdownRow-like objects (key, progress, status) at the région or département level."""
    progress = {r.key: r.progress for r in rows if r.progress is not None}
    status = {r.key: r.status for r in rows}
    fig = tile_map(progress, level, lang, value_format=lambda v, lg: fmt_progress(v, lg), reference=reference,
                   vmin=0.0, vmax=1.0, colorbar_title=t("ind.map.colorbar", lang), height=height)
    cell_code = {(row, col): code for code, (row, col) in tilegrid.load(level).items()}
    tiles = fig.data[0]
    texts, hovers = list(tiles.text), list(tiles.hovertext)
    for i, (x, y) in enumerate(zip(tiles.x, tiles.y, strict=True)):
        code = cell_code.get((y, x))
        if code is None or code not in status:
            continue
        style = status_style(status[code])
        # région tiles are big enough for the progress and the icon; a département tile takes the icon only
        texts[i] = f"{texts[i]}<br>{style.icon}" if level == "region" else f"{texts[i].split('<br>')[0]}<br>{style.icon}"
        hovers[i] = f"{hovers[i]}<br>{style.icon} {style.label(lang)}"
    tiles.text, tiles.hovertext = texts, hovers
    return fig
