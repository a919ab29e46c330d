"""Personal API tokens: a person's key for scripts (Power Query, pandas, R), carrying exactly their rights.

A token is 32 random bytes shown once at creation (`segur_<prefix>_<secret>`); only its SHA-256 is stored
(a random 256-bit secret needs no slow hash: nothing to brute-force). Whoever presents it is that person,
with their roles and régions as they are at each request (a revoked right or a disabled account stops it
at once). Creation, revocation and first use of the day are in the audit journal.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from appstate import validate
from appstate.audit import record_event
from appstate.models import utcnow
from appstate.token_models import NAME_LEN, ApiToken
from appstate.users import scope_of
from indicators.scope import Scope

PREFIX = "segur_"
MAX_PER_PERSON = 10


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > utcnow())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _view(t: ApiToken) -> TokenView:
    return TokenView(t.id, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at, t.revoked_at)


def create_token(session: Session, scope: Scope, name: str, *, days: int | None = 365,
                 now: datetime | None = None) -> tuple[str, TokenView]:
    """A new token for the signed-in person: (the token, shown once; its description). ValueError (French)."""
    if not scope.signed_in or scope.user_id is None:
        raise ValueError("connectez-vous pour créer un jeton d'API")
    name = validate.text(name, "nom du jeton")[:NAME_LEN]
    active = [t for t in list_tokens(session, scope.user_id) if t.active]
    if len(active) >= MAX_PER_PERSON:
        raise ValueError(f"{MAX_PER_PERSON} jetons actifs au plus : révoquez-en un avant d'en créer un autre")
    when = validate.moment(now) or utcnow()
    prefix = secrets.token_hex(4)
    token = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken(user_id=scope.user_id, name=name, prefix=prefix, token_sha256=_digest(token), created_at=when,
                   expires_at=when + timedelta(days=days) if days else None)
    session.add(row)
    session.flush()
    record_event(session, scope.login, "api_token.create", "api_token", str(row.id),
                 {"after": {"name": name, "prefix": prefix, "expires_at": row.expires_at}}, now=when,
                 user_id=scope.user_id)
    return token, _view(row)


def list_tokens(session: Session, user_id: int) -> list[TokenView]:
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc()))
    return [_view(t) for t in rows]


def revoke_token(session: Session, scope: Scope, token_id: int, *, now: datetime | None = None) -> TokenView:
    """Revoke one of the person's own tokens (an administrator may revoke anybody's)."""
    row = session.get(ApiToken, int(token_id))
    if row is None or (row.user_id != scope.user_id and not scope.can_admin):
        raise ValueError(f"jeton introuvable (n° {token_id})")
    if row.revoked_at is None:
        when = validate.moment(now) or utcnow()
        row.revoked_at = when
        record_event(session, scope.login, "api_token.revoke", "api_token", str(row.id),
                     {"before": {"name": row.name, "prefix": row.prefix}}, now=when, user_id=scope.user_id)
        session.flush()
    return _view(row)


def scope_of_token(session: Session, token: str, *, now: datetime | None = None) -> Scope | None:
    """The Scope a presented token stands for (None: unknown, revoked, expired, or its owner disabled)."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_sha256 == _digest(token)))
    when = validate.moment(now) or utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= when):
        return None
    scope = scope_of(session, row.user_id)
    if scope is None:
        return None
    if row.last_used_at is None or row.last_used_at.date() != when.date():  # the journal says it is in use, daily
        record_event(session, scope.login, "api_token.use", "api_token", str(row.id), {"prefix": row.prefix},
                     now=when, user_id=row.user_id)
    row.last_used_at = when
    session.flush()
    return scope
