"""Status badges and KPI tiles (pure builders: values in, components out)."""

from __future__ import annotations

from dash import html

from dashboard.i18n import t
from dashboard.theme import status_style


def status_badge(status: str | None, lang: str | None = "fr", label: str | None = None) -> html.Span:
    """A status as icon + text on a tinted background (colour is never the only cue)."""
    style = status_style(status)
    return html.Span(
        [html.Span(style.icon, className="status-icon", **{"aria-hidden": "true"}),
         html.Span(label or style.label(lang), className="status-text")],
        className=f"status-badge status-{style.key}",
        style={"color": style.color, "backgroundColor": style.background, "borderColor": style.color},
        **{"data-status": style.key},
    )


def kpi_tile(label: str, value: str, lang: str | None = "fr", *, status: str | None = None,
             target: str | None = None, detail: str | None = None, note: str | None = None,
             href: str | None = None, tile_id: str | None = None) -> html.Section:
    """A key figure: label, value (already formatted), optional status, target, detail and source note.

    `href` makes the label a link to the page that explains the figure.
    """
    title = html.A(label, href=href, className="kpi-link") if href else label
    children: list = [html.H3(title, className="kpi-label"), html.P(value, className="kpi-value")]
    if status is not None:
        children.append(html.Div(status_badge(status, lang), className="kpi-status"))
    if target:
        children.append(html.P(t("kpi.target", lang, target=target), className="kpi-target"))
    if detail:
        children.append(html.P(detail, className="kpi-detail"))
    if note:
        children.append(html.P(note, className="kpi-note"))
    props = {"id": tile_id} if tile_id else {}
    return html.Section(children, className="kpi-tile", **props)


def kpi_row(tiles: list, lang: str | None, strip_id: str) -> html.Section:
    """A row of KPI tiles under a visually hidden « Chiffres clés » heading: the tiles' h3 labels then sit
    under an h2, so the page's heading levels do not jump from h1 to h3."""
    return html.Section([html.H2(t("kpi.strip_title", lang), className="visually-hidden"), *tiles],
                        className="kpi-strip", id=strip_id)
