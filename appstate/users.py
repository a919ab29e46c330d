"""People and their rights: create, grant and revoke roles and régions, disable; resolve a person to a Scope.

Rights attach to an identity held here: a local account (login + argon2 password), an OIDC identity (`sub`),
or an email an administrator pre-granted rights to, which the first OIDC sign-in with that email (and no
known `sub`) claims. Every change is written to the audit journal with its before → after.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from appstate import validate, version
from appstate.access_models import EMAIL_LEN, LOGIN_LEN, THROTTLE_KEY_LEN, LoginThrottle, User, UserRegion, UserRole
from appstate.audit import record_event
from appstate.models import utcnow
from indicators.scope import ROLES, Scope

LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@+-]*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 12
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))  # verified against for unknown logins (same timing)


@dataclass(frozen=True)
class UserView:
    id: int
    login: str
    email: str | None
    display_name: str
    roles: tuple[str, ...]
    regions: tuple[str, ...]  # () = national
    disabled: bool
    has_password: bool
    oidc_sub: str | None
    must_change_password: bool
    created_at: datetime
    last_login_at: datetime | None

    @property
    def national(self) -> bool:
        return not self.regions


def view(user: User) -> UserView:
    return UserView(user.id, user.login, user.email, user.display_name, tuple(r.role for r in user.roles),
                    tuple(r.region_code for r in user.regions), user.disabled, user.password_hash is not None,
                    user.oidc_sub, user.must_change_password, user.created_at, user.last_login_at)


def _login(value: str | None) -> str:
    login = (value or "").strip().lower()
    if not login:
        raise ValueError("identifiant manquant (p. ex. c.martin ou claire.martin@ars.sante.fr)")
    if len(login) > LOGIN_LEN or not LOGIN.match(login):
        raise ValueError(f"identifiant invalide « {value} » : lettres minuscules, chiffres et . _ @ + - "
                         f"(au plus {LOGIN_LEN} caractères)")
    return login


def _email(value: str | None) -> str | None:
    email = (value or "").strip().lower() or None
    if email is not None and (len(email) > EMAIL_LEN or not EMAIL.match(email)):
        raise ValueError(f"adresse électronique invalide « {value} » (attendu p. ex. prenom.nom@sante.gouv.fr)")
    return email


def _roles(values: Iterable[str]) -> list[str]:
    return sorted({validate.choice((v or "").strip(), ROLES, "rôle") for v in values})


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise ValueError(f"mot de passe trop court ({len(password or '')} caractères, au moins {MIN_PASSWORD})")
    return password


def new_password() -> str:
    """A random one-time password (about 100 bits), easy to type: no look-alike characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def verify_password(user: User | None, password: str) -> bool:
    """True when `password` is the user's; spends the same time for an unknown user or no password."""
    stored = user.password_hash if user is not None and user.password_hash else None
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password or "") and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def find(session: Session, login_or_email: str) -> User | None:
    key = (login_or_email or "").strip().lower()
    if not key:
        return None
    return session.scalars(select(User).where(or_(User.login == key, User.email == key))).first()


def get(session: Session, login_or_email: str) -> User:
    user = find(session, login_or_email)
    if user is None:
        known = session.scalars(select(User.login).order_by(User.login).limit(20)).all()
        raise ValueError(f"personne inconnue « {login_or_email} » (connues : {', '.join(known) or 'aucune'})")
    return user


def _rights(user: User) -> dict:
    return {"roles": sorted(r.role for r in user.roles), "regions": sorted(r.region_code for r in user.regions),
            "disabled": user.disabled}


def create_user(session: Session, login: str, *, by: str, display_name: str | None = None,
                email: str | None = None, password: str | None = None, roles: Iterable[str] = (),
                regions: Iterable[str] = (), must_change_password: bool = False,
                oidc_sub: str | None = None, now: datetime | None = None) -> User:
    """A new person with their rights. Without a password they can only sign in through OIDC."""
    login = _login(login)
    email = _email(email)
    if find(session, login) is not None or (email and find(session, email) is not None):
        raise ValueError(f"« {email or login} » existe déjà : utilisez users grant pour modifier ses droits")
    now = validate.moment(now) or utcnow()
    user = User(login=login, email=email, display_name=(display_name or "").strip()[:200] or login,
                password_hash=hash_password(password) if password else None, oidc_sub=oidc_sub,
                must_change_password=must_change_password and bool(password), created_at=now,
                created_by=validate.author(by), disabled=False)
    user.roles = [UserRole(role=r, granted_at=now, granted_by=by) for r in _roles(roles)]
    user.regions = [UserRegion(region_code=c, granted_at=now, granted_by=by)
                    for c in validate.codes(regions, "region")]
    session.add(user)
    session.flush()
    record_event(session, by, "user.create", "user", user.login, {"after": _rights(user), "email": email},
                 now=now)
    return user


def grant(session: Session, login: str, *, by: str, roles: Iterable[str] = (), regions: Iterable[str] = (),
          now: datetime | None = None) -> User:
    """Add roles and régions (adding a région to a national person makes them regional)."""
    user = get(session, login)
    before, now = _rights(user), validate.moment(now) or utcnow()
    have = {r.role for r in user.roles}
    user.roles.extend(UserRole(role=r, granted_at=now, granted_by=by) for r in _roles(roles) if r not in have)
    seen = {r.region_code for r in user.regions}
    user.regions.extend(UserRegion(region_code=c, granted_at=now, granted_by=by)
                        for c in validate.codes(regions, "region") if c not in seen)
    return _changed(session, user, "user.grant", before, by, now)


def revoke(session: Session, login: str, *, by: str, roles: Iterable[str] = (), regions: Iterable[str] = (),
           now: datetime | None = None) -> User:
    """Remove roles and régions (removing a person's last région makes them national: say so in the UI)."""
    user = get(session, login)
    before, now = _rights(user), validate.moment(now) or utcnow()
    drop_roles, drop_regions = set(_roles(roles)), set(validate.codes(regions, "region"))
    user.roles = [r for r in user.roles if r.role not in drop_roles]
    user.regions = [r for r in user.regions if r.region_code not in drop_regions]
    return _changed(session, user, "user.revoke", before, by, now)


def set_disabled(session: Session, login: str, disabled: bool, *, by: str, now: datetime | None = None) -> User:
    """Disable (or enable again) a person: their sessions stop working at their next request."""
    user = get(session, login)
    before, now = _rights(user), validate.moment(now) or utcnow()
    user.disabled = disabled
    return _changed(session, user, "user.disable" if disabled else "user.enable", before, by, now)


def set_password(session: Session, user: User, password: str, *, by: str, must_change: bool = False,
                 now: datetime | None = None) -> User:
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    session.flush()
    record_event(session, by, "user.password", "user", user.login, {"must_change": must_change},
                 now=validate.moment(now) or utcnow(), user_id=user.id if by == user.login else None)
    return user


def reset_password(session: Session, login: str, *, by: str, now: datetime | None = None) -> tuple[User, str]:
    """An administrator's reset: a new one-time password (returned, never stored in clear) that the person must
    change at their next sign-in; the login's sign-in lock-out is lifted. Refused for an account without a
    local password (OIDC only): its password lives at the identity provider."""
    user = get(session, login)
    if user.password_hash is None:
        raise ValueError(f"« {user.login} » n'a pas de mot de passe local (connexion OIDC seulement) : son mot de "
                         "passe se change chez le fournisseur d'identité, pas ici")
    password, now = new_password(), validate.moment(now) or utcnow()
    user.password_hash, user.must_change_password = hash_password(password), True
    throttle = session.get(LoginThrottle, f"login:{user.login}"[:THROTTLE_KEY_LEN])
    if throttle is not None:
        session.delete(throttle)
    session.flush()
    record_event(session, by, "user.password_reset", "user", user.login,
                 {"must_change": True, "lock_cleared": throttle is not None}, now=now)
    return user, password


def _changed(session: Session, user: User, action: str, before: dict, by: str, now: datetime) -> User:
    session.flush()
    after = _rights(user)
    if after != before:
        record_event(session, by, action, "user", user.login, {"before": before, "after": after}, now=now)
    return user


def list_users(session: Session) -> list[UserView]:
    return [view(u) for u in session.scalars(select(User).order_by(User.login))]


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def scope_of(session: Session, user_id: int) -> Scope | None:
    """The Scope of an enabled person, or None (unknown or disabled: their session no longer counts)."""
    user = session.get(User, user_id)
    if user is None or user.disabled:
        return None
    return Scope.of(user.id, user.login, user.display_name, [r.role for r in user.roles],
                    [r.region_code for r in user.regions] or None)


def claim_oidc(session: Session, sub: str, email: str | None, name: str | None, *,
               email_verified: bool | None = True) -> User | None:
    """The person an OIDC identity signs in as: known by `sub`, or the pre-granted email it claims (once).

    None when nobody granted this identity anything: the provider says who, not what they may do."""
    user = session.scalars(select(User).where(User.oidc_sub == sub)).first()
    if user is not None:
        return user
    email = (email or "").strip().lower()
    if not email or email_verified is False:
        return None
    user = session.scalars(select(User).where(User.email == email, User.oidc_sub.is_(None))).first()
    if user is None:
        return None
    user.oidc_sub = sub
    if name and user.display_name in (user.login, user.email):
        user.display_name = name.strip()[:200]
    session.flush()
    record_event(session, user.login, "user.claim", "user", user.login, {"sub": sub, "email": email},
                 user_id=user.id)
    version.loud(session)  # the account changed: cached pages and Scopes must see it
    return user
