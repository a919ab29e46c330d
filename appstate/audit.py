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
    user_id: int | None = None
    remote_addr: str | None = None


def record_event(session: Session, author: str, action: str, object_type: str, object_id: str,
                 detail: dict | None = None, *, now: datetime | None = None, user_id: int | None = None,
                 remote_addr: str | None = None) -> AuditEvent:
    """Add one journal entry; `detail` holds what changed (`before` → `after` where there is one)."""
    event = AuditEvent(author=validate.author(author), created_at=validate.moment(now) or utcnow(), action=action,
                       object_type=object_type, object_id=str(object_id), user_id=user_id,
                       remote_addr=(remote_addr or None) and remote_addr[:45],
                       detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str))
    session.add(event)
    session.flush()
    return event


def list_events(session: Session, object_type: str | None = None, object_id: str | None = None,
                action: str | None = None, *, author: str | None = None, since: datetime | None = None,
                until: datetime | None = None, action_prefix: str | None = None,
                newest_first: bool = False, limit: int | None = None) -> list[AuditView]:
    """Audit events, oldest first (or newest first), filtered by object, action, author and period [since, until)."""
    stmt = select(AuditEvent)
    if author:
        stmt = stmt.where(AuditEvent.author == author)
    if since:
        stmt = stmt.where(AuditEvent.created_at >= since)
    if until:
        stmt = stmt.where(AuditEvent.created_at < until)
    if action_prefix:
        stmt = stmt.where(AuditEvent.action.startswith(action_prefix, autoescape=True))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEvent.object_id == str(object_id))
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    order = (AuditEvent.created_at.desc(), AuditEvent.id.desc()) if newest_first else (AuditEvent.created_at,
                                                                                           AuditEvent.id)
    stmt = stmt.order_by(*order)
    if limit:
        stmt = stmt.limit(limit)
    return [AuditView(e.id, e.author, e.created_at, e.action, e.object_type, e.object_id, json.loads(e.detail),
                      e.user_id, e.remote_addr)
            for e in session.scalars(stmt)]
