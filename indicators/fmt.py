"""Numbers and months in words, French first (Babel), for the engine's sentences and every display.

The dashboard, the exports and the packs format through these functions so a figure reads the same
everywhere: `1 234,5 M€`, `42,8 M`, `85,3 %`, `janv. 2026`.
"""

from __future__ import annotations

import math
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

import texts

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
# Unit words of indicators.yaml's unit codes, from the message catalogue (`count` has none).
UNIT_SUFFIX = {code: (fr, texts.prefixed("unit.", "en")[code]) for code, fr in texts.prefixed("unit.", "fr").items()
               if code not in ("points", "pct_points", "progress_points")} | {"count": ("", "")}
_SCALES = {"fr": ((1e9, "Md"), (1e6, "M"), (1e3, "k")), "en": ((1e9, "bn"), (1e6, "M"), (1e3, "k"))}


def _locale(lang: str) -> str:
    return LOCALES.get(lang, "fr_FR")


def number(value: float | None, lang: str = "fr", digits: int = 1, compact: bool = True,
           max_scale: float = 1e9) -> str:
    """`42 800 000` → `42,8 M` (fr) / `42.8 M` (en); below a million, in full with separators."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    loc = _locale(lang)
    if compact:
        for factor, suffix in _SCALES.get(lang, _SCALES["fr"]):
            if factor <= max_scale and factor >= 1e6 and abs(value) >= factor:
                return f"{format_decimal(value / factor, format=_pattern(digits), locale=loc)}\u00a0{suffix}"
    if abs(value) >= 100 or float(value).is_integer():
        return format_decimal(round(value), format="#,##0", locale=loc)
    return format_decimal(value, format=_pattern(digits), locale=loc)


def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "#" * digits if digits else "")


def value(v: float | None, unit: str, lang: str = "fr", digits: int = 1) -> str:
    """A value with its unit: `1 234,5 M€`, `85,3 %`, `24,1 M profils`, `38 jours`."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if unit == "pct":
        pattern = "#,##0.0 %" if lang == "fr" else "#,##0.0%"
        return format_percent(v / 100, format=pattern, locale=_locale(lang)).replace(" %", "\u00a0%")
    if unit == "EUR":  # budget people count in M€, even above a billion
        text = number(v, lang, digits, max_scale=1e6)
        return text + ("€" if text[-1].isalpha() else "\u00a0€")
    text = number(v, lang, digits)
    suffix = UNIT_SUFFIX.get(unit, (unit, unit))[0 if lang == "fr" else 1]
    return f"{text}\u00a0{suffix}" if suffix else text


GAP_UNITS = {k: (texts.word(f"unit.{k}", "fr"), texts.word(f"unit.{k}", "en")) for k in ("pct_points", "progress_points")}


def gap(g: float | None, gap_unit: str, lang: str = "fr") -> str:
    """A territory's gap to the national value in the indicator's own unit, signed and labelled:
    `+12 jours`, `−3,2 pts de %` (rates), `−8,5 pts d'avancement` (counts and amounts, where a région's value
    is a part of the nation's: their progress towards the target is compared instead)."""
    if g is None or (isinstance(g, float) and math.isnan(g)):
        return "—"
    if gap_unit in GAP_UNITS:
        rounded = round(abs(g), 1)
        sign = "+" if g > 0 and rounded else "−" if g < 0 and rounded else ""
        body = format_decimal(rounded, format="#,##0.0", locale=_locale(lang))
        return f"{sign}{body}\u00a0{GAP_UNITS[gap_unit][0 if lang == 'fr' else 1]}"
    text = value(abs(g), gap_unit, lang)
    zero = not any(ch in "123456789" for ch in text)
    return ("" if zero else "+" if g > 0 else "−") + text


def gap_unit_label(gap_unit: str, lang: str = "fr") -> str:
    """What a gap is counted in, for a column header: `jours`, `pts de %`, `pts d'avancement`."""
    i = 0 if lang == "fr" else 1
    if gap_unit in GAP_UNITS:
        return GAP_UNITS[gap_unit][i]
    return UNIT_SUFFIX.get(gap_unit, (gap_unit, gap_unit))[i]


def percent(ratio: float | None, lang: str = "fr", digits: int = 0) -> str:
    """A 0–1 ratio as a percentage: `0.473` → `47 %`."""
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return "—"
    fmt = "#,##0" + ("." + "0" * digits if digits else "") + (" %" if lang == "fr" else "%")
    return format_percent(ratio, format=fmt, locale=_locale(lang)).replace(" %", "\u00a0%")


def month(d: date | None, lang: str = "fr") -> str:
    """`janv. 2026` / `Jan 2026`."""
    if d is None:
        return "—"
    return format_date(d, "MMM y", locale=_locale(lang))


def day(d: date | None, lang: str = "fr") -> str:
    if d is None:
        return "—"
    return format_date(d, "d MMM y", locale=_locale(lang))
