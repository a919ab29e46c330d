"""How an indicator's figures read on the territorial pages: a value in its unit, progress, gaps and trends.

Everything goes through dashboard.format (Babel), so `43,9 %`, `1,2 M`, `12,3 M€`, `+4,1 pt` follow the
locale. Rates (`pct`) are already in percent (43.9 means 43,9 %); progress is a 0–1 share of the way.
"""

from __future__ import annotations

import math

from babel.numbers import get_minus_sign_symbol, get_plus_sign_symbol

from dashboard.format import LOCALES, MISSING, NBSP, fmt_count, fmt_days, fmt_eur, fmt_number, fmt_percent
from dashboard.i18n import normalise_lang, t
from dashboard.theme import status_style
from indicators.model import UNIT_LABELS

# Worst first: the raw value a grid sorts statuses by.
STATUS_ORDER = ("off_track", "watch", "on_track", "no_target", "incomplete", "no_data")  # worst first; not measurable last


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_value(value: float | None, unit: str, lang: str | None = "fr", *, noun: bool = False) -> str:
    """A value in the indicator's unit, compact for counts and amounts: `43,9 %`, `1,2 M`, `465 M€`, `38 jours`.

    `noun`: name what is counted (`1,2 M profils`), for lists that mix indicators.
    """
    if unit == "pct":
        return fmt_number(value, lang, "%", decimals=1)
    if unit == "EUR":
        return fmt_eur(value, lang)
    if unit == "jours":
        return fmt_days(value, lang)
    text = fmt_count(value, lang)
    label = unit_noun(unit, lang) if noun and text != MISSING else ""
    return f"{text}{NBSP}{label}" if label else text


def unit_noun(unit: str, lang: str | None = "fr") -> str:
    """What an indicator counts (`documents`, `profils`…); "" for a plain count, `%`, `€` for rates and amounts."""
    if unit == "count":
        return ""
    fr, en = UNIT_LABELS.get(unit, (unit, unit))
    return en if normalise_lang(lang) == "en" else fr


def fmt_progress(progress: float | None, lang: str | None = "fr") -> str:
    """Share of the way from the baseline to the target: 0.703 → `70 %` (may exceed 100 % or be negative)."""
    return fmt_percent(progress, lang, decimals=0)


def _zero_if_rounds_to_zero(x: float, decimals: int) -> float:
    """-0.02 shown with one decimal is 0, not `-0`."""
    return 0.0 if round(float(x), decimals) == 0 else float(x)


def fmt_points(gap: float | None, lang: str | None = "fr") -> str:
    """A signed gap in points: `+7,2 pt`, `-3 pt`, `0 pt`."""
    if _missing(gap):
        return MISSING
    return fmt_number(_zero_if_rounds_to_zero(gap, 1), lang, t("terr.points", lang), decimals=1, signed=True)


def fmt_trend(delta: float | None, unit: str, lang: str | None = "fr") -> str:
    """The change since the previous period, signed, in the indicator's unit (points for rates)."""
    if _missing(delta):
        return MISSING
    if unit == "pct":
        return fmt_points(delta, lang)
    locale = LOCALES[normalise_lang(lang)]
    text = fmt_value(abs(float(delta)), unit, lang)  # type: ignore[arg-type]
    if text == fmt_value(0.0, unit, lang):  # rounds to nothing: no sign
        return text
    if float(delta) > 0:  # type: ignore[arg-type]
        return get_plus_sign_symbol(locale) + text
    if float(delta) < 0:  # type: ignore[arg-type]
        return get_minus_sign_symbol(locale) + text
    return text


def status_text(status: str | None, lang: str | None = "fr") -> str:
    """Icon and label of a status: `✖ En retard`."""
    style = status_style(status)
    return f"{style.icon} {style.label(lang)}"


def status_rank(status: str | None) -> int:
    """Position of a status in STATUS_ORDER (worst first); unknown → no_data."""
    key = status_style(status).key
    return STATUS_ORDER.index(key)


def status_from_rank(rank: object, lang: str | None = "fr") -> str:
    """The text of a status given its rank (a grid keeps the rank as the raw value, for sorting)."""
    if _missing(rank):
        return MISSING
    return status_text(STATUS_ORDER[int(rank)], lang)  # type: ignore[call-overload]
