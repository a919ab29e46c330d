"""The "before → after" of a change in words (FR, EN): statuses, milestone states, decision statuses, météo
levels and comment kinds by their labels, values in their indicator's unit, dates and months formatted; never
a code (`watch → off_track`, `a_faire`) or a raw decimal. Pages, exports and packs all use `values_text`."""

from __future__ import annotations

from datetime import date, datetime

from appstate.labels import COMMENT_KIND_LABELS, DECISION_STATUS_LABELS, METEO_LEVEL_LABELS, label
from indicators import fmt
from texts import status_label

NONE = {"fr": "—", "en": "—"}


def _get(c, name: str):
    return c.get(name) if isinstance(c, dict) else getattr(c, name, None)


def _day(x, lang: str) -> str:
    if isinstance(x, str):
        try:
            x = date.fromisoformat(x[:10])
        except ValueError:
            return x
    if isinstance(x, datetime):
        x = x.date()
    return fmt.day(x, lang) if isinstance(x, date) else NONE[lang]


def _month(x, lang: str) -> str:
    if isinstance(x, str):
        try:
            x = date.fromisoformat(x[:10])
        except ValueError:
            return x
    return fmt.month(x, lang) if isinstance(x, date) else NONE[lang]


def _target(x, unit: str, lang: str) -> str:
    if not isinstance(x, dict):
        return NONE[lang]
    at = "au" if lang == "fr" else "by"
    return f"{fmt.value(x.get('value'), unit, lang)} {at} {_day(x.get('date'), lang)}"


def side_text(c, side: str, lang: str) -> str:
    """One side ("before" or "after") of a change, in words."""
    kind, x = _get(c, "kind"), _get(c, side)
    detail = _get(c, "detail") or {}
    if x is None:
        return NONE[lang]
    if kind == "status":
        return status_label(x, lang, lower=True)
    if kind == "milestone":
        state = label("milestone", x, lang)
        return state[:1].lower() + state[1:]
    if kind == "value":
        return fmt.value(x, detail.get("unit", "count"), lang)
    if kind == "target":
        return _target(x, detail.get("unit", "count"), lang)
    if kind == "new_data":
        return _month(x, lang)
    if kind == "data_revised":
        return ", ".join(x) if isinstance(x, list | tuple) else str(x)
    if kind in ("decision_overdue", "decision_due"):
        return (f"{'échéance' if lang == 'fr' else 'due'} {_day(x, lang)}" if side == "before"
                else label(DECISION_STATUS_LABELS, x, lang))
    if kind == "meteo":
        return label(METEO_LEVEL_LABELS, x, lang)
    if kind == "comment":
        return label(COMMENT_KIND_LABELS, x, lang)
    if isinstance(x, float):
        return fmt.number(x, lang)
    return str(x)


def values_text(c, lang: str) -> str:
    """`à surveiller → en retard`, `24,0 M profils → 24,5 M profils`, `échéance 3 mars 2026 → À faire`."""
    return f"{side_text(c, 'before', lang)} → {side_text(c, 'after', lang)}"
