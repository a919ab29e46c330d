"""Numbers, amounts, percentages and dates for the UI, by locale (Babel). Never a raw float on screen.

French: `1 234,5 M€`, `1,2 Md€`, `42,8 M`, `85,3 %`, `janv. 2026`. English: `€1,234.5M`, `€1.2bn`,
`42.8M`, `85.3%`, `Jan 2026`. Digit grouping uses the locale's separator (a narrow no-break space in
French); a no-break space joins a number to its unit so that `M€` never wraps alone.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, get_plus_sign_symbol

from dashboard.i18n import normalise_lang

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
MISSING = "—"
NBSP = "\u00a0"
# unit → (French suffix, English prefix, English suffix)
UNITS: dict[str, tuple[str, str, str]] = {
    "€": (f"{NBSP}€", "€", ""),
    "M€": (f"{NBSP}M€", "€", "M"),
    "Md€": (f"{NBSP}Md€", "€", "bn"),
    "M": (f"{NBSP}M", "", "M"),
    "Md": (f"{NBSP}Md", "", "bn"),
    "%": (f"{NBSP}%", "", "%"),
}
DAYS = {"fr": ("jour", "jours"), "en": ("day", "days")}

Number = int | float | Decimal


def _locale(lang: str | None) -> str:
    return LOCALES[normalise_lang(lang)]


def _missing(x: object) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _pattern(decimals: int, fixed: bool) -> str:
    if decimals <= 0:
        return "#,##0"
    return "#,##0." + ("0" if fixed else "#") * decimals


def _round(x: Number, decimals: int) -> Decimal:
    """Round half up (3,25 → 3,3), as readers expect; Babel alone would round half to even."""
    if isinstance(x, Decimal):
        exact = x
    elif isinstance(x, int) and not isinstance(x, bool):
        exact = Decimal(x)
    else:  # floats, numpy numbers: their shortest repr is what the reader would write
        exact = Decimal(repr(float(x)))
    return exact.quantize(Decimal(1).scaleb(-max(decimals, 0)), rounding=ROUND_HALF_UP)


def fmt_number(x: Number | None, lang: str | None = "fr", unit: str | None = None, decimals: int = 1,
               fixed: bool = False, signed: bool = False) -> str:
    """`x` as it is (no scaling) with `decimals` digits (trailing zeros dropped unless `fixed`) and a unit.

    Units: `€`, `M€`, `Md€`, `M`, `Md`, `%` (x already in percent), `days`; any other text is appended
    after a no-break space. `None`/NaN → `—`.
    """
    if _missing(x):
        return MISSING
    lang = normalise_lang(lang)
    if unit == "days":
        return fmt_days(x, lang)
    number = format_decimal(_round(x, decimals), format=_pattern(decimals, fixed), locale=_locale(lang))
    if signed and float(x) > 0:  # type: ignore[arg-type]
        number = get_plus_sign_symbol(_locale(lang)) + number
    if unit is None:
        return number
    if unit not in UNITS:
        return f"{number}{NBSP}{unit}"
    fr_suffix, en_prefix, en_suffix = UNITS[unit]
    if lang == "fr":
        return number + fr_suffix
    if number.startswith(("-", "+", "\u2212")):
        return number[0] + en_prefix + number[1:] + en_suffix
    return en_prefix + number + en_suffix


def fmt_compact(x: Number | None, lang: str | None = "fr", unit: str | None = None, decimals: int = 1) -> str:
    """`x` scaled to millions (M) or milliards (Md / bn) when large; `unit` is None (a count) or `€`."""
    if _missing(x):
        return MISSING
    value = float(x)  # type: ignore[arg-type]
    euro = unit == "€"
    if abs(value) >= 1e9:
        return fmt_number(value / 1e9, lang, "Md€" if euro else "Md", decimals)
    if abs(value) >= 1e6:
        return fmt_number(value / 1e6, lang, "M€" if euro else "M", decimals)
    return fmt_number(value, lang, unit, 0)


def fmt_eur(amount_eur: Number | None, lang: str | None = "fr", compact: bool = True) -> str:
    """An amount in euros: `1,2 Md€`, `465 M€`, `12 345 €` (compact) or `12 345,50 €` (exact)."""
    if compact:
        return fmt_compact(amount_eur, lang, "€")
    return fmt_number(amount_eur, lang, "€", decimals=2, fixed=True)


def fmt_count(n: Number | None, lang: str | None = "fr", compact: bool = True) -> str:
    """A count: `42,8 M` (compact from a million) or `12 345`."""
    return fmt_compact(n, lang) if compact else fmt_number(n, lang, decimals=0)


def fmt_percent(ratio: Number | None, lang: str | None = "fr", decimals: int = 1, signed: bool = False) -> str:
    """A ratio as a percentage: 0.853 → `85,3 %` / `85.3%`."""
    if _missing(ratio):
        return MISSING
    return fmt_number(float(ratio) * 100, lang, "%", decimals, signed=signed)  # type: ignore[arg-type]


def fmt_days(n: Number | None, lang: str | None = "fr") -> str:
    """A number of days: `1 jour`, `45 jours` / `1 day`, `45 days`."""
    if _missing(n):
        return MISSING
    lang = normalise_lang(lang)
    one, many = DAYS[lang]
    value = int(_round(n, 0))
    return f"{format_decimal(value, format='#,##0', locale=_locale(lang))}{NBSP}{one if abs(value) == 1 else many}"


def _no_date(d: object) -> bool:
    """None, "", NaN or NaT (the last two are not equal to themselves)."""
    return d is None or d == "" or d != d


def _as_date(d: date | datetime | str) -> date:
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    text = str(d).strip()
    if len(text) == 7:  # YYYY-MM
        text += "-01"
    return date.fromisoformat(text[:10])


def fmt_month(d: date | datetime | str | None, lang: str | None = "fr") -> str:
    """A month: `janv. 2026` / `Jan 2026` (accepts a date or `YYYY-MM[-DD]`)."""
    if _no_date(d):
        return MISSING
    return format_date(_as_date(d), "MMM y", locale=_locale(lang))


def fmt_date(d: date | datetime | str | None, lang: str | None = "fr") -> str:
    """A day: `15 janv. 2026` / `15 Jan 2026`."""
    if _no_date(d):
        return MISSING
    return format_date(_as_date(d), "medium", locale=_locale(lang))


def fmt_datetime(d: datetime | str | None, lang: str | None = "fr") -> str:
    """A moment to the minute: `15 janv. 2026 14:03` / `15 Jan 2026 14:03`."""
    if _no_date(d):
        return MISSING
    moment = d if isinstance(d, datetime) else datetime.fromisoformat(str(d))
    return f"{format_date(moment.date(), 'medium', locale=_locale(lang))} {format_datetime(moment, 'HH:mm', locale=_locale(lang))}"


def month_names(lang: str | None = "fr") -> dict[str, list[str]]:
    """Month and day names of the locale (for Plotly's `locales` config)."""
    from babel import Locale

    loc = Locale.parse(_locale(lang))
    return {
        "months": [loc.months["stand-alone"]["wide"][i] for i in range(1, 13)],
        "shortMonths": [loc.months["format"]["abbreviated"][i] for i in range(1, 13)],
        "days": [loc.days["stand-alone"]["wide"][i] for i in (6, 0, 1, 2, 3, 4, 5)],
        "shortDays": [loc.days["format"]["abbreviated"][i] for i in (6, 0, 1, 2, 3, 4, 5)],
    }


def fmt_bytes(n: Number | None, lang: str | None = "fr") -> str:
    """A file size: `12,3 ko`, `1,2 Mo` / `12.3 kB`, `1.2 MB`."""
    if _missing(n):
        return MISSING
    lang = normalise_lang(lang)
    units = ("o", "ko", "Mo", "Go") if lang == "fr" else ("B", "kB", "MB", "GB")
    value, i = float(n), 0  # type: ignore[arg-type]
    while abs(value) >= 1000 and i < len(units) - 1:
        value, i = value / 1000, i + 1
    return fmt_number(value, lang, decimals=0 if i == 0 else 1) + NBSP + units[i]
