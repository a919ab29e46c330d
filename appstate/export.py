"""The whole app state at a moment, as JSON-ready data: what a committee snapshot freezes."""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from appstate.comments import list_comments
from appstate.decisions import list_decisions
from appstate.meteo import current_meteos, meteo_history
from appstate.models import utcnow

FORMAT_VERSION = 1


def _plain(value):
    if is_dataclass(value):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def export_state(session: Session, as_of: datetime | None = None) -> dict:
    """Comments, météo (current and history) and decisions as they stood at `as_of` (default: now)."""
    moment = as_of or utcnow()
    return _plain({
        "format_version": FORMAT_VERSION,
        "as_of": moment,
        "comments": list_comments(session, as_of=moment),
        "meteo_current": list(current_meteos(session, as_of=moment).values()),
        "meteo_history": meteo_history(session, as_of=moment),
        "decisions": list_decisions(session, as_of=moment),
    })


def dumps(state: dict) -> str:
    return json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True)
