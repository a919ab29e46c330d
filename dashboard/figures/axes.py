"""Axis helpers shared by the figure builders: euros in millions with the locale's unit, dates as ISO text."""

from __future__ import annotations

from datetime import date

from dashboard.i18n import normalise_lang

NBSP = "\u00a0"


def millions_axis(lang: str | None) -> dict:
    """Axis settings for values plotted in millions of euros: `120 M€` / `€120M`."""
    if normalise_lang(lang) == "fr":
        return {"ticksuffix": f"{NBSP}M€", "tickformat": ",~r"}
    return {"tickprefix": "€", "ticksuffix": "M", "tickformat": ",~r"}


def iso(d: date | str) -> str:
    """A date as `YYYY-MM-DD` for Plotly's date axes."""
    return d.isoformat() if isinstance(d, date) else str(d)[:10]


def colon(lang: str | None) -> str:
    """` : ` in French (a no-break space before the colon), `: ` in English."""
    return f"{NBSP}: " if normalise_lang(lang) == "fr" else ": "
