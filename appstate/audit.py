"""The audit trail: who did what to which object, when (detail as JSON text)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from appstate import validate
from appstate.models import AuditEvent, utcnow


@dataclass(frozen=True)
class AuditView:
    id: int
    author: str
    created_at: datetime
    action: str
    object_type: str
    object_id: str
    detail: dict


def record_event(session: Session, author: str, action: str, object_type: str, object_id: str,
                 detail: dict | None = None, *, now: datetime | None = None) -> AuditEvent:
    event = AuditEvent(author=validate.author(author), created_at=validate.moment(now) or utcnow(), action=action,
                       object_type=object_type, object_id=str(object_id),
                       detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str))
    session.add(event)
    session.flush()
    return event


def list_events(session: Session, object_type: str | None = None, object_id: str | None = None,
                action: str | None = None) -> list[AuditView]:
    """Audit events, oldest first."""
    stmt = select(AuditEvent)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEvent.object_id == str(object_id))
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return [AuditView(e.id, e.author, e.created_at, e.action, e.object_type, e.object_id, json.loads(e.detail))
            for e in session.scalars(stmt.order_by(AuditEvent.created_at, AuditEvent.id))]
