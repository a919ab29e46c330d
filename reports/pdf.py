"""The committee pack as a PDF: Jinja2 HTML (reports/templates/pack.html.j2) laid out by WeasyPrint.

A4 landscape, a running header with the committee label, "page X / Y" footers, charts as inline vector
SVG each followed by its data table, statuses as icon + text. The PDF is tagged (structure for screen
readers) and carries the pack's language.
"""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reports.pack_data import PackData
from reports.pack_sections import TEMPLATES

# Plotly writes SVG presentation attributes as inline styles; WeasyPrint's HTML cascade does not know them
# (its SVG renderer does, and draws them) and would log one warning per attribute, thousands per pack.
SVG_STYLE_PROPERTIES = frozenset({"fill", "fill-opacity", "stroke", "stroke-dasharray", "stroke-miterlimit",
                                  "stroke-opacity", "stroke-width", "vector-effect", "shape-rendering"})


class _SvgStyleNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("Ignored `") and message.endswith("unknown property.")
                    and message[9:].split(":", 1)[0] in SVG_STYLE_PROPERTIES)


_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def chart_svgs(pack: PackData) -> dict[str, str]:
    """Every chart of the pack as inline SVG, rendered through one kaleido browser."""
    from reports.charts import chart_renderer, figures, render_svg

    figs = figures(pack)
    with chart_renderer():
        return {key: render_svg(fig) for key, fig in figs.items()}


def render_html(pack: PackData, svgs: dict[str, str] | None = None) -> str:
    """The pack's HTML; `svgs` maps chart keys (see reports.charts.figures) to SVG, none: tables only."""
    return _ENV.get_template("pack.html.j2").render(pack=pack, svgs=svgs or {})


def write_pdf(pack: PackData, path, charts: bool = True) -> Path:
    """Lay the pack out and save it atomically (a partial file never takes the name)."""
    from weasyprint import CSS, HTML

    out = Path(path)
    html = render_html(pack, chart_svgs(pack) if charts else None)
    tmp = out.with_name(f".{out.name}.partial")
    noise, logger = _SvgStyleNoise(), logging.getLogger("weasyprint")
    logger.addFilter(noise)
    try:
        HTML(string=html, base_url=str(TEMPLATES)).write_pdf(
            tmp, stylesheets=[CSS(filename=str(TEMPLATES / "pack.css"))], pdf_tags=True)
        tmp.replace(out)
    finally:
        logger.removeFilter(noise)
        tmp.unlink(missing_ok=True)
    return out


__all__ = ["chart_svgs", "render_html", "write_pdf"]
