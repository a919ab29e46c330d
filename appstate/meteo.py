"""Manual status (« météo ») of objectives and indicators: each entry is kept; the latest one is current."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from appstate import validate
from appstate.models import METEO_LEVELS, METEO_TARGETS, Meteo, utcnow

LEVEL_RANK = {level: i for i, level in enumerate(METEO_LEVELS)}  # 0 = best (sécurisé)


@dataclass(frozen=True)
class MeteoView:
    id: int
    target_type: str
    target_id: str
    level: str
    justification: str
    author: str
    created_at: datetime


def _view(m: Meteo) -> MeteoView:
    return MeteoView(m.id, m.target_type, m.target_id, m.level, m.justification, m.author, m.created_at)


def _target(target_type: str, target_id: str, catalogue) -> tuple[str, str]:
    target_type = validate.choice(target_type, METEO_TARGETS, "type de cible de la météo")
    if target_type == "objective":
        return target_type, validate.objective_id(target_id, catalogue)
    return target_type, validate.indicator_id(target_id, catalogue)


def set_meteo(session: Session, target_type: str, target_id: str, level: str, justification: str, author: str,
              *, catalogue=None, now: datetime | None = None) -> Meteo:
    """Record a new météo for an objective or an indicator; a justification is required."""
    target_type, target_id = _target(target_type, target_id, catalogue)
    entry = Meteo(target_type=target_type, target_id=target_id,
                  level=validate.choice(level, METEO_LEVELS, "niveau de météo"),
                  justification=validate.text(justification, "justification de la météo"),
                  author=validate.author(author), created_at=validate.moment(now) or utcnow())
    session.add(entry)
    session.flush()
    return entry


def _query(as_of: datetime | None):
    stmt = select(Meteo)
    if validate.moment(as_of, "as_of") is not None:
        stmt = stmt.where(Meteo.created_at <= as_of)
    return stmt.order_by(Meteo.created_at.desc(), Meteo.id.desc())


def current_meteo(session: Session, target_type: str, target_id: str,
                  as_of: datetime | None = None) -> MeteoView | None:
    """The météo in force for this target at `as_of` (default: now), or None if none was ever set."""
    stmt = _query(as_of).where(Meteo.target_type == target_type, Meteo.target_id == target_id).limit(1)
    entry = session.scalars(stmt).first()
    return _view(entry) if entry else None


def current_meteos(session: Session, as_of: datetime | None = None) -> dict[tuple[str, str], MeteoView]:
    """The météo in force for every target that has one: (target_type, target_id) → entry."""
    out: dict[tuple[str, str], MeteoView] = {}
    for entry in session.scalars(_query(as_of)):
        out.setdefault((entry.target_type, entry.target_id), _view(entry))
    return out


def meteo_history(session: Session, target_type: str | None = None, target_id: str | None = None,
                  as_of: datetime | None = None, since: datetime | None = None) -> list[MeteoView]:
    """Every météo entry (of one target if given), newest first."""
    stmt = _query(as_of)
    if target_type:
        stmt = stmt.where(Meteo.target_type == target_type)
    if target_id:
        stmt = stmt.where(Meteo.target_id == target_id)
    if validate.moment(since, "since") is not None:
        stmt = stmt.where(Meteo.created_at > since)
    return [_view(m) for m in session.scalars(stmt)]
