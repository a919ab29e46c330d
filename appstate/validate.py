"""Checks on user input before it is written, each failing with a French ValueError that says what to do."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from datetime import date, datetime

from appstate.models import AUTHOR_LEN, INDICATOR_ID_LEN, Snapshot

INDICATOR_ID = re.compile(r"^[A-Z]{3,4}-[0-9]{2}$")
OBJECTIVE_ID = re.compile(r"^OBJ-[A-Z]+$")
MAX_TEXT = 20_000


def author(value: str | None, what: str = "auteur") -> str:
    text = (value or "").strip()
    if not text:
        raise ValueError(f"{what} manquant : indiquez qui fait la modification (nom ou identifiant)")
    if len(text) > AUTHOR_LEN:
        raise ValueError(f"{what} trop long ({len(text)} caractères, au plus {AUTHOR_LEN})")
    return text


def text(value: str | None, what: str, max_len: int = MAX_TEXT) -> str:
    out = (value or "").strip()
    if not out:
        raise ValueError(f"{what} vide : écrivez au moins quelques mots")
    if len(out) > max_len:
        raise ValueError(f"{what} trop long ({len(out)} caractères, au plus {max_len})")
    return out


def optional_text(value: str | None, what: str, max_len: int) -> str | None:
    return text(value, what, max_len) if value is not None and value.strip() else None


def choice(value: str | None, allowed: Iterable[str], what: str) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{what} inconnu « {value} » (attendu : {', '.join(allowed)})")
    return value


def _suggest(value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    return f" ; vouliez-vous dire {close[0]} ?" if close else ""


def indicator_id(value: str | None, catalogue=None) -> str:
    """An indicator id shaped like USE-01, and present in the catalogue when one is given."""
    ident = (value or "").strip().upper()
    if not INDICATOR_ID.match(ident) or len(ident) > INDICATOR_ID_LEN:
        raise ValueError(f"identifiant d'indicateur invalide « {value} » (attendu p. ex. USE-01)")
    if catalogue is not None:
        known = [i.id for i in catalogue.indicators]
        if ident not in known:
            raise ValueError(f"indicateur inconnu « {ident} » dans le catalogue {catalogue.file}{_suggest(ident, known)}")
    return ident


def objective_id(value: str | None, catalogue=None) -> str:
    ident = (value or "").strip().upper()
    if not OBJECTIVE_ID.match(ident) or len(ident) > INDICATOR_ID_LEN:
        raise ValueError(f"identifiant d'objectif invalide « {value} » (attendu p. ex. OBJ-ALIM)")
    if catalogue is not None:
        known = [o.id for o in catalogue.objectives]
        if ident not in known:
            raise ValueError(f"objectif inconnu « {ident} » dans le catalogue {catalogue.file}{_suggest(ident, known)}")
    return ident


def territory(region: str | None = None, departement: str | None = None) -> tuple[str | None, str | None]:
    """Région and département codes checked against the reference data (and against each other)."""
    from indicators.cli_compute import view_filters

    region = (region or "").strip() or None
    departement = (departement or "").strip().upper() or None
    view_filters(region=region, departement=departement)  # raises FilterError (a ValueError) in French
    return region, departement


def couloir(value: str | None) -> str | None:
    """An optional couloir code, checked against the reference couloirs (reference/couloirs.csv)."""
    from indicators.cli_compute import view_filters

    code = (value or "").strip() or None
    view_filters(couloir=code)  # raises FilterError (a ValueError) in French, listing the known codes
    return code


def codes(values: Iterable[str] | None, level: str) -> list[str]:
    """Distinct région or département codes, each checked, in a stable order."""
    out: list[str] = []
    for value in values or ():
        region, dep = territory(region=value) if level == "region" else territory(departement=value)
        code = region or dep
        if code and code not in out:
            out.append(code)
    return sorted(out)


def day(value: date | str | None, what: str = "échéance") -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{what} invalide « {value} » (attendu une date AAAA-MM-JJ)") from None


def moment(value: datetime | None, what: str = "date") -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError(f"{what} sans fuseau horaire : {value.isoformat()} (attendu une date-heure UTC)")
    return value


def snapshot_id(session, value: str | None) -> str | None:
    """A snapshot a comment or a decision may refer to: it must exist and not be deleted."""
    if value is None:
        return None
    snap = session.get(Snapshot, value)
    if snap is None or snap.deleted_at is not None:
        raise ValueError(f"instantané inconnu ou supprimé « {value} »")
    return value
