"""Static charts of a committee pack: Plotly figures built from pack data, rendered through kaleido.

`figures(pack)` gives every chart of a pack by key; `render_svg` / `render_png` turn one into vector SVG
(PDF) or PNG (slides) through kaleido's persistent browser, which `chart_renderer()` starts once per pack
run (each plain `plotly.io.to_image` call would start Chromium again, ~6 s). Axis labels are formatted
by `indicators.fmt`, so charts read `1 234,5 M€` and `47,0 %` in French; dates show years only.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from indicators import fmt
from reports.pack_data import ObjectiveSection, PackData, Trajectory
from reports.pack_sections import BudgetSection, Scorecard, Territories
from settings import load_settings

BLEU_FRANCE, ROUGE_MARIANNE, GREY_TEXT, GREY_MUTED, GREY_LINE = "#000091", "#E1000F", "#3A3A3A", "#666666", "#DDDDDD"
STATUS_COLOURS = {  # status → (mark / text colour, light background); always shown with an icon and a label
    "on_track": ("#18753C", "#DFFEE6"), "watch": ("#B34000", "#FFF4E0"), "off_track": ("#CE0500", "#FFE9E9"),
    "no_target": ("#0063CB", "#E8EDFF"), "no_data": (GREY_TEXT, "#EEEEEE"),
    "incomplete": (GREY_TEXT, "#EEEEEE"),
}
SEQUENTIAL = ["#F5F5FE", "#CACAFB", "#8585F6", "#5555D8", "#2323B4", BLEU_FRANCE]
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
REGION_ABBR = {
    "01": "GUA", "02": "MTQ", "03": "GUF", "04": "RÉU", "06": "MAY", "11": "IDF", "24": "CVL", "27": "BFC",
    "28": "NOR", "32": "HDF", "44": "GES", "52": "PDL", "53": "BRE", "75": "NAQ", "76": "OCC", "84": "ARA",
    "93": "PACA", "94": "COR",
}
MM_PER_PX = 0.19  # printed size of a chart pixel: 14 px text prints at 7.5 pt, a 920 px chart 175 mm wide
SIZES = {"objective": (920, 460), "scorecard": (900, 340), "budget": (900, 520), "territories": (460, 520)}


def _layout(fig: go.Figure, width: int, height: int, **kw) -> go.Figure:
    kw.setdefault("margin", dict(l=10, r=20, t=40, b=10))
    fig.update_layout(template="none", width=width, height=height, font=dict(family=FONT, size=14, color=GREY_TEXT),
                      paper_bgcolor="white", plot_bgcolor="white", **kw)
    return fig


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 2.5 or 5 × a power of ten apart)."""
    if not math.isfinite(low) or not math.isfinite(high) or high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    return [first + i * step for i in range(int(math.ceil((high - first) / step)) + 1)]


def _axis(values: list[float | None], unit: str, lang: str, zero: bool = True) -> dict:
    present = [v for v in values if v is not None and math.isfinite(v)]
    low = min([*present, 0.0] if zero else present or [0.0])
    high = max(present or [1.0])
    ticks = nice_ticks(low, high)
    short = (lambda t: fmt.value(t, unit, lang)) if unit in ("pct", "EUR") else (lambda t: fmt.number(t, lang))
    return dict(tickvals=ticks, ticktext=[short(t) for t in ticks],
                range=[ticks[0], ticks[-1]], gridcolor="#E5E5E5", zeroline=False)


def _wrap(text: str, width: int) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def _trajectory_traces(fig: go.Figure, t: Trajectory, row: int, col: int, tx: dict[str, str],
                       shown: set[str]) -> None:
    def add(trace):
        if trace.showlegend is not False:
            trace.showlegend = trace.legendgroup not in shown
            shown.add(trace.legendgroup)
        fig.add_trace(trace, row=row, col=col)
    if t.forecast_x:
        band = dict(x=t.forecast_x, mode="lines", line=dict(width=0), hoverinfo="skip", legendgroup="forecast")
        add(go.Scatter(y=t.forecast_low, showlegend=False, **band))
        add(go.Scatter(y=t.forecast_high, fill="tonexty", fillcolor="rgba(0, 99, 203, 0.15)", showlegend=False,
                       **band))
        add(go.Scatter(x=t.forecast_x, y=t.forecast_mid, mode="lines", name=tx["legend.forecast"],
                       line=dict(color="#0063CB", dash="dot", width=2), legendgroup="forecast"))
    if t.target_x:
        add(go.Scatter(x=t.target_x, y=t.target_y, mode="lines+markers", name=tx["legend.target"],
                       line=dict(color=ROUGE_MARIANNE, dash="dash", width=2), marker=dict(symbol="diamond", size=8),
                       legendgroup="target"))
    if t.national_y:
        add(go.Scatter(x=t.x, y=t.national_y, mode="lines", name=tx["col.national"],
                       line=dict(color=GREY_MUTED, dash="dashdot", width=1.5), legendgroup="national"))
    add(go.Scatter(x=t.x, y=t.actual, mode="lines", name=tx["legend.actual"], line=dict(color=BLEU_FRANCE, width=3),
                   legendgroup="actual"))


def objective_figure(section: ObjectiveSection, tx: dict[str, str], lang: str) -> go.Figure:
    """Small multiples: one panel per indicator of the objective (actual, target trajectory, forecast)."""
    trajs = section.trajectories or []
    cols = 3 if len(trajs) > 4 or len(trajs) == 3 else max(min(len(trajs), 2), 1)
    rows = max(math.ceil(len(trajs) / cols), 1)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[_wrap(t.title, 40 if cols == 3 else 60) for t in trajs],
                        vertical_spacing=0.26 if rows > 1 else 0.1, horizontal_spacing=0.09)
    shown: set[str] = set()
    for i, t in enumerate(trajs):
        r, c = i // cols + 1, i % cols + 1
        _trajectory_traces(fig, t, r, c, tx, shown)
        values = [*t.actual, *t.target_y, *t.forecast_low, *t.forecast_high, *t.national_y]
        fig.update_yaxes(_axis(values, t.unit, lang), row=r, col=c)
        end = max([*t.x, *t.target_x, *t.forecast_x] or [date.today()])
        start = min(t.x or [end])
        fig.update_xaxes(tickformat="%Y", dtick="M12" if end.year - start.year <= 5 else "M24", range=[start, end],
                         showgrid=False, linecolor=GREY_MUTED, ticks="outside", row=r, col=c)
    fig.update_annotations(font=dict(size=14, color="#161616"), yshift=4)
    return _layout(fig, SIZES["objective"][0], SIZES["objective"][1] if rows > 1 else 300,
                   legend=dict(orientation="h", x=0, y=-0.2 if rows == 1 else -0.1, xanchor="left", yanchor="top"),
                   margin=dict(l=50, r=20, t=60, b=50))


def scorecard_figure(card: Scorecard, tx: dict[str, str], lang: str) -> go.Figure:
    """Documents over 12 months per couloir (bars coloured and labelled by status) and each Ségur target."""
    rows = list(reversed(card.rows))  # first row on top
    labels = [r.label for r in rows]
    fig = go.Figure(go.Bar(
        y=labels, x=[r.value or 0 for r in rows], orientation="h", name=tx["col.documents"],
        marker=dict(color=[STATUS_COLOURS[r.status.key][0] for r in rows]),
        text=[f"{r.value_text} · {r.status.icon} {r.achieved_text if r.target else r.status.label}" for r in rows],
        textposition="outside", cliponaxis=False, textfont=dict(size=13)))
    targeted = [r for r in rows if r.target]
    fig.add_trace(go.Scatter(y=[r.label for r in targeted], x=[r.target for r in targeted], mode="markers",
                             name=tx["legend.segur_target"],
                             marker=dict(symbol="line-ns-open", size=26, color="#161616", line=dict(width=4, color="#161616"))))
    unit = "documents"
    xaxis = _axis([*(r.value for r in rows), *(r.target for r in targeted)], unit, lang)
    xaxis["range"] = [0, xaxis["range"][1] * 1.3]  # room for the labels
    fig.update_xaxes(**xaxis)
    fig.update_yaxes(automargin=True)
    return _layout(fig, *SIZES["scorecard"], showlegend=True, bargap=0.35,
                   legend=dict(orientation="h", x=0, y=-0.1, xanchor="left", yanchor="top"),
                   margin=dict(l=10, r=30, t=10, b=40))


def budget_figure(budget: BudgetSection, tx: dict[str, str], lang: str) -> go.Figure:
    """Per dispositif, overlaid bars: envelope (widest, light), committed, paid (narrowest, dark)."""
    lines = list(reversed(budget.lines))
    y = [b.label for b in lines]
    fig = go.Figure()
    for name, values, colour, width in ((tx["legend.envelope"], [b.envelope or 0 for b in lines], "#CACAFB", 0.8),
                                        (tx["legend.committed"], [b.committed for b in lines], "#6A6AF4", 0.55),
                                        (tx["legend.paid"], [b.paid for b in lines], BLEU_FRANCE, 0.3)):
        fig.add_trace(go.Bar(y=y, x=values, orientation="h", name=name, marker=dict(color=colour), width=width))
    fig.update_xaxes(**_axis([*(b.envelope for b in lines), *(b.committed for b in lines)], "EUR", lang))
    fig.update_yaxes(automargin=True, tickfont=dict(size=12))
    return _layout(fig, *SIZES["budget"], barmode="overlay",
                   legend=dict(orientation="h", x=0, y=-0.06, xanchor="left", yanchor="top"),
                   margin=dict(l=10, r=20, t=10, b=30))


def _grid() -> dict[str, tuple[int, int]]:
    with (load_settings().reference_dir / "tilegrid_regions.csv").open(encoding="utf-8") as fh:
        return {r["code"]: (int(r["row"]), int(r["col"])) for r in csv.DictReader(fh)}


def _text_on(fill: str) -> str:
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lum = sum(w * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4) for w, c in zip((0.2126, 0.7152, 0.0722), (r, g, b), strict=True))
    return "#161616" if lum > 0.18 else "#FFFFFF"


def territory_figure(terr: Territories, tx: dict[str, str], lang: str) -> go.Figure:
    """A tile map of the régions: value on a sequential scale, written on each tile with the status icon."""
    cells = _grid()
    by_code = {r.code: r for r in terr.rows}
    values = [r.value for r in terr.rows if r.value is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    fig = go.Figure()
    xs, ys, texts, colours = [], [], [], []
    for code, (row, col) in cells.items():
        r = by_code.get(code)
        share = 0.5 if r is None or high == low else (r.value - low) / (high - low)
        rgb = sample_colorscale([[i / 5, c] for i, c in enumerate(SEQUENTIAL)], [share], colortype="tuple")[0]
        fill = "#FFFFFF" if r is None else "#{:02X}{:02X}{:02X}".format(*(round(v * 255) for v in rgb))
        here = r is not None and r.here
        fig.add_shape(type="rect", x0=col - 0.46, x1=col + 0.46, y0=row - 0.46, y1=row + 0.46, fillcolor=fill,
                      line=dict(color=ROUGE_MARIANNE if here else GREY_MUTED, width=5 if here else 1), layer="below")
        xs.append(col)
        ys.append(row)
        texts.append(f"<b>{REGION_ABBR.get(code, code)}</b><br>{r.value_text}<br>{r.status.icon}" if r else
                     f"<b>{REGION_ABBR.get(code, code)}</b><br>—")
        colours.append(_text_on(fill))
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="text", text=texts, textfont=dict(color=colours, size=13),
                             showlegend=False, hoverinfo="skip"))
    rows = max(r for r, _ in cells.values()) + 1
    cols = max(c for _, c in cells.values()) + 1
    fig.update_xaxes(visible=False, range=[-0.6, cols - 0.4])
    fig.update_yaxes(visible=False, range=[rows - 0.4, -0.6], scaleanchor="x", scaleratio=1)
    return _layout(fig, *SIZES["territories"], margin=dict(l=5, r=5, t=5, b=5))


def figures(pack: PackData) -> dict[str, go.Figure]:
    """Every chart of a pack, by key: `objective:<id>`, `budget`, `scorecard`, `territories`."""
    tx, lang = pack.text, pack.meta.lang
    out = {f"objective:{s.id}": objective_figure(s, tx, lang) for s in pack.objectives if s.trajectories}
    if pack.budget.lines:
        out["budget"] = budget_figure(pack.budget, tx, lang)
    if pack.scorecard.rows:
        out["scorecard"] = scorecard_figure(pack.scorecard, tx, lang)
    if pack.territories.rows:
        out["territories"] = territory_figure(pack.territories, tx, lang)
    return out


@contextmanager
def chart_renderer() -> Iterator[None]:
    """Keep the process's one chart renderer (reports/renderer.py) open for the charts rendered inside."""
    from reports import renderer

    with renderer.shared().held():
        yield


class ChartError(RuntimeError):
    """A chart that kaleido could not draw (no Chromium, browser crash, timeout); the message says what to do."""


def _render(fig: go.Figure, fmt_: str, scale: float = 1.0) -> bytes:
    from reports import renderer

    layout = fig.layout
    try:
        return renderer.shared().render(fig.to_plotly_json(), fmt_, layout.width or 1000, layout.height or 500, scale,
                                        wait=True)
    except RuntimeError as e:
        raise ChartError(f"les graphiques n'ont pas pu être dessinés par kaleido/Chromium ({e}) ; vérifiez "
                         "/usr/bin/chromium, ou relancez sans graphiques (--no-charts)") from e


def render_svg(fig: go.Figure) -> str:
    """The figure as an inline SVG element (no XML prolog), scalable to its container (viewBox)."""
    svg = _render(fig, "svg").decode("utf-8")
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    w, h = fig.layout.width or 1000, fig.layout.height or 500
    head, rest = svg.split(">", 1)  # the <svg …> tag: printed size in mm, drawing scaled by its viewBox
    head = re.sub(r'\s(width|height|viewBox)="[^"]*"', "", head)
    return f'{head} width="{w * MM_PER_PX:.1f}mm" height="{h * MM_PER_PX:.1f}mm" viewBox="0 0 {w} {h}">{rest}'


def render_png(fig: go.Figure, scale: float = 2.0) -> bytes:
    return _render(fig, "png", scale)


__all__ = ["ChartError", "budget_figure", "chart_renderer", "figures", "nice_ticks", "objective_figure", "render_png",
           "render_svg", "scorecard_figure", "territory_figure"]
