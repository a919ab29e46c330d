"""The indicator page's own URL parameters — `grain` and `by` — checked against the indicator, and the
link groups that change them (links, not callbacks: the URL stays the single source of truth and the
back button works)."""

from __future__ import annotations

from dataclasses import dataclass, field

import dash_mantine_components as dmc
from dash import html

from dashboard.components.indicator_common import dimension_label
from dashboard.i18n import t

GRAINS = ("month", "quarter", "year")
DIMENSIONS = ("region", "departement", "couloir", "dispositif", "vague", "editeur", "document_type")
BY_PREFERENCE = ("region", "couloir", "departement", "dispositif", "vague", "document_type", "editeur")


@dataclass(frozen=True)
class IndicatorParams:
    grain: str
    by: str | None
    messages: list[str] = field(default_factory=list)


def default_grain(indicator) -> str:
    return "month" if "month" in indicator.grains else indicator.grains[0]


def default_by(indicator, filters=None) -> str | None:
    """Régions in a national view, départements in a région view, else the first useful dimension."""
    order = BY_PREFERENCE
    if filters is not None and filters.departement:
        order = tuple(d for d in BY_PREFERENCE if d not in ("region", "departement"))
    elif filters is not None and filters.region:
        order = ("departement", *(d for d in BY_PREFERENCE if d not in ("region", "departement")))
    return next((d for d in order if d in indicator.dimensions),
                next((d for d in BY_PREFERENCE if d in indicator.dimensions), None))


def parse_params(indicator, extra: dict[str, str], lang: str, filters=None) -> IndicatorParams:
    """`grain` and `by` from the query string; a value the indicator cannot use is replaced by its
    default, with a message saying what was found and what is possible."""
    messages = []
    grain = (extra.get("grain") or "").strip().lower() or default_grain(indicator)
    if grain not in indicator.grains:
        allowed = ", ".join(f"{g} ({t(f'grain.{g}', lang).lower()})" for g in indicator.grains)
        key = "params.grain_unknown" if grain not in GRAINS else "params.grain_unavailable"
        messages.append(t(key, lang, value=extra.get("grain", "")[:40], allowed=allowed))
        grain = default_grain(indicator)
    by = (extra.get("by") or "").strip().lower() or default_by(indicator, filters)
    if by is not None and by not in indicator.dimensions:
        allowed = ", ".join(f"{d} ({dimension_label(d, lang).lower()})" for d in indicator.dimensions) or "—"
        key = "params.by_unknown" if by not in DIMENSIONS else "params.by_unavailable"
        messages.append(t(key, lang, value=extra.get("by", "")[:40], allowed=allowed))
        by = default_by(indicator, filters)
    return IndicatorParams(grain, by, messages)


def _choices(label: str, options: list[tuple[str, str, str]], current: str | None, nav_id: str) -> html.Nav:
    """A labelled group of links; the current one is marked for assistive technology."""
    items = []
    for value, text, href in options:
        active = value == current
        items.append(html.Li(dmc.Anchor(text, href=href, underline="never",
                                        className="choice" + (" choice-active" if active else ""),
                                        **({"aria-current": "true"} if active else {}))))
    return html.Nav([html.Span(label, className="choice-label"), html.Ul(items, className="choice-list")],
                    className="choice-group", id=nav_id, **{"aria-label": label})


def grain_choices(indicator, params: IndicatorParams, page, nav_id: str) -> html.Nav | None:
    if len(indicator.grains) < 2:
        return None
    path = f"/indicateurs/{indicator.id}"
    extra = {"by": params.by} if params.by else {}
    options = [(g, page.t(f"grain.{g}"), page.href(path, **extra, grain=g)) for g in GRAINS if g in indicator.grains]
    return _choices(page.t("params.grain_label"), options, params.grain, nav_id)


def by_choices(indicator, params: IndicatorParams, page, nav_id: str) -> html.Nav | None:
    if not indicator.dimensions:
        return None
    path = f"/indicateurs/{indicator.id}"
    options = [(d, dimension_label(d, page.lang), page.href(path, grain=params.grain, by=d))
               for d in DIMENSIONS if d in indicator.dimensions]
    return _choices(page.t("params.by_label"), options, params.by, nav_id)
