"""What the overview and the indicator page share: an indicator's value in words, its availability for
a view, its freshness and status badges, and the labels of grains and breakdown dimensions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dash import html

from dashboard.components.status import status_badge
from dashboard.format import MISSING, fmt_count, fmt_date, fmt_days, fmt_month, fmt_number, fmt_percent
from dashboard.i18n import t
from dashboard.reference import Reference
from indicators.model import UNIT_LABELS

FILTER_DIMENSIONS = ("region", "departement", "couloir", "dispositif", "vague")
TERRITORY_TABLES = {"region": "regions", "departement": "departements"}
LABEL_TABLES = {**TERRITORY_TABLES, "couloir": "couloirs", "dispositif": "dispositifs", "vague": "vagues"}


def fmt_value(value: float | None, unit: str, lang: str, compact: bool = True) -> str:
    """An indicator value with its unit: `85,3 %`, `1 031,3 M€`, `507,3 M documents`, `250 jours`."""
    if value is None:
        return MISSING
    if unit == "pct":
        return fmt_number(value, lang, "%", decimals=1)
    if unit == "EUR":  # budget people count in M€, even above a billion
        return fmt_number(value / 1e6, lang, "M€", decimals=1) if abs(value) >= 1e6 else \
            fmt_number(value, lang, "€", decimals=0)
    if unit == "jours":
        return fmt_days(value, lang)
    if abs(value) >= 100:  # a count (or a pace of counts) reads as a whole number
        value = round(value)
    number = fmt_count(value, lang, compact=compact) if float(value).is_integer() or abs(value) >= 1e6 \
        else fmt_number(value, lang, decimals=1)
    label = unit_label(unit, lang)
    return f"{number}\u00a0{label}" if label else number


def fmt_axis_value(value: float | None, unit: str, lang: str) -> str:
    """A value without the unit's noun (for chart labels next to an axis that names it)."""
    if value is None:
        return MISSING
    if unit in ("pct", "EUR", "jours"):
        return fmt_value(value, unit, lang)
    if abs(value) >= 100:
        value = round(value)
    return fmt_count(value, lang) if abs(value) >= 1e6 or float(value).is_integer() else fmt_number(value, lang)


def unit_label(unit: str, lang: str) -> str:
    """The unit's noun (`documents`, `profils`…), "" for a plain count."""
    if unit == "count":
        return ""
    fr, en = UNIT_LABELS.get(unit, (unit, unit))
    return en if lang == "en" else fr


def fmt_points(gap: float | None, lang: str) -> str:
    """A gap in percentage points: `−12,3 pts`."""
    return fmt_number(gap, lang, t("unit.points", lang), decimals=1, signed=True)


def fmt_progress(progress: float | None, lang: str) -> str:
    return fmt_percent(progress, lang, decimals=0)


def fmt_period(period: date | None, grain: str, lang: str) -> str:
    """`oct. 2026`, `T3 2026`, `2026` for a period's first day at a grain."""
    if period is None:
        return MISSING
    if grain == "quarter":
        return t("grain.quarter_label", lang, q=(period.month - 1) // 3 + 1, year=period.year)
    if grain == "year":
        return str(period.year)
    return fmt_month(period, lang)


def dimension_label(dim: str, lang: str) -> str:
    return t(f"dim.{dim}", lang)


def key_label(dim: str, key: str, fallback: str, reference: Reference, lang: str) -> str:
    """A breakdown key in the page's language (reference data when it knows the code)."""
    table = LABEL_TABLES.get(dim)
    if table and key in getattr(reference, table):
        label = reference.label(table, key, lang)
        return f"{key} {label}" if dim == "departement" else label
    return fallback


@dataclass(frozen=True)
class Availability:
    """Whether a view can show an indicator; when not, the filter at fault (or the engine's reason)."""

    available: bool
    dimension: str | None = None
    engine_reason: str | None = None


def availability(indicator, result, filters) -> Availability:
    """Not available when the engine cannot apply a filter, or when the view filters on a dimension the
    catalogue does not declare for the indicator (its figures are not meant to be cut that way)."""
    for dim, _code in filters.items():
        if dim not in indicator.dimensions:
            return Availability(False, dim)
    if result is not None and result.not_applicable:
        return Availability(False, None, result.not_applicable)
    return Availability(True)


def unavailable_detail(av: Availability, lang: str) -> str:
    """Why a view cannot show an indicator: `l'indicateur n'est pas décliné par région.`"""
    if av.dimension:
        return t("ind.na.dimension", lang, dim=dimension_label(av.dimension, lang).lower())
    return av.engine_reason or ""


def unavailable_text(av: Availability, lang: str) -> str:
    """`Non disponible pour ce filtre : l'indicateur n'est pas décliné par région.`"""
    return t("ind.na.sentence", lang, detail=unavailable_detail(av, lang))


def freshness_badge(freshness, lang: str) -> html.Span:
    """À jour / En retard (icon + text) with the date the next value is due."""
    nxt = fmt_date(freshness.expected_next, lang)
    if freshness.expected_next is None:
        return status_badge("no_data", lang, t("fresh.none", lang))
    if freshness.stale:
        return status_badge("watch", lang, t("fresh.stale", lang, date=nxt))
    return status_badge("on_track", lang, t("fresh.ok", lang, date=nxt))


def progress_bar(progress: float | None, expected: float | None, status: str | None, lang: str,
                 label: str) -> html.Div:
    """A progress bar with the expected position marked, and its percentage written next to it."""
    share = 0.0 if progress is None else max(0.0, min(1.0, progress))
    parts = [html.Div(className=f"progress-fill status-fill-{status or 'no_data'}", style={"width": f"{share:.1%}"})]
    if expected is not None:
        parts.append(html.Div(className="progress-expected", style={"left": f"{max(0.0, min(1.0, expected)):.1%}"},
                              title=t("ind.expected_mark", lang, pct=fmt_progress(expected, lang))))
    text = fmt_progress(progress, lang)
    return html.Div([
        html.Div(parts, className="progress-track", role="progressbar",
                 **{"aria-valuenow": round(share * 100), "aria-valuemin": 0, "aria-valuemax": 100,
                    "aria-valuetext": text, "aria-label": label}),
        html.Span(text, className="progress-text"),
    ], className="progress")


def scope_text(state, reference: Reference, lang: str) -> str:
    """The view's perimeter in words: `France entière` or `Occitanie · 31 Haute-Garonne · Biologie médicale`."""
    parts = []
    for dim in FILTER_DIMENSIONS:
        code = getattr(state, dim)
        if code:
            parts.append(key_label(dim, code, code, reference, lang))
    return " · ".join(parts) if parts else t("scope.national", lang)
