"""Sign-ins: local password check with throttling, OIDC identities, and their trace in the audit journal.

Throttling counts failed sign-ins per login and per client address in a window; past the limit the key is
locked for a while (even the right password is refused then, and the journal says so). A successful sign-in
clears the login's counter, not the address's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from appstate import users, validate, version
from appstate.access_models import THROTTLE_KEY_LEN, LoginThrottle, User
from appstate.audit import record_event
from appstate.models import utcnow

IP_FACTOR = 4  # one address may fail this many times the per-login limit (a shared office proxy)


@dataclass(frozen=True)
class Throttle:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    error: str | None = None  # "bad_credentials", "locked", "disabled", "unknown_identity"
    retry_after_s: int = 0

    @property
    def ok(self) -> bool:
        return self.user is not None and self.error is None


def _keys(login: str, remote_addr: str | None) -> list[tuple[str, int]]:
    keys = [(f"login:{login}"[:THROTTLE_KEY_LEN], 1)]
    if remote_addr:
        keys.append((f"ip:{remote_addr}"[:THROTTLE_KEY_LEN], IP_FACTOR))
    return keys


def _locked_for(session: Session, keys, now: datetime) -> int:
    seconds = 0
    for key, _factor in keys:
        row = session.get(LoginThrottle, key)
        if row is not None and row.locked_until is not None and row.locked_until > now:
            seconds = max(seconds, int((row.locked_until - now).total_seconds()) + 1)
    return seconds


def _count_failure(session: Session, keys, policy: Throttle, now: datetime) -> None:
    for key, factor in keys:
        row = session.get(LoginThrottle, key)
        if row is None or row.window_started_at + policy.window <= now:
            if row is None:
                row = LoginThrottle(key=key, failures=0, window_started_at=now)
                session.add(row)
            row.failures, row.window_started_at, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= policy.max_failures * factor:
            row.locked_until = now + policy.lock
    session.flush()


def _fail(session: Session, login: str, reason: str, remote_addr: str | None, now: datetime,
          user: User | None = None, retry_after_s: int = 0) -> SignInResult:
    record_event(session, (login or "?")[:100], "auth.sign_in_failed", "user", (login or "?")[:64],
                 {"reason": reason}, now=now, user_id=user.id if user else None, remote_addr=remote_addr)
    return SignInResult(None, reason, retry_after_s)


def sign_in_local(session: Session, login: str, password: str, *, remote_addr: str | None = None,
                  policy: Throttle = Throttle(), now: datetime | None = None) -> SignInResult:
    """Check a login (or email) and password; every outcome is journalled. The caller commits.

    Book-keeping for the app-state version (`appstate.version.bookkeeping`): a sign-in changes nothing a
    cached page shows, so 200 people signing in on a committee morning do not empty the response caches."""
    version.bookkeeping(session)
    now = validate.moment(now) or utcnow()
    key = (login or "").strip().lower()[:100]
    keys = _keys(key, remote_addr)
    locked = _locked_for(session, keys, now)
    if locked:
        return _fail(session, key, "locked", remote_addr, now, retry_after_s=locked)
    user = users.find(session, key)
    if not users.verify_password(user, password):
        _count_failure(session, keys, policy, now)
        return _fail(session, key, "bad_credentials", remote_addr, now, user)
    if user.disabled:
        return _fail(session, key, "disabled", remote_addr, now, user)
    row = session.get(LoginThrottle, keys[0][0])
    if row is not None:
        session.delete(row)
    return _succeed(session, user, "local", remote_addr, now)


def sign_in_oidc(session: Session, sub: str, email: str | None, name: str | None, *,
                 email_verified: bool | None = True, remote_addr: str | None = None,
                 now: datetime | None = None) -> SignInResult:
    """The person an OIDC identity is, if rights were granted to it (by `sub` or pre-granted email).

    Book-keeping like a local sign-in, unless the identity claims its pre-granted account (`users.claim_oidc`
    makes the session loud again: the administration page shows the claim)."""
    version.bookkeeping(session)
    now = validate.moment(now) or utcnow()
    user = users.claim_oidc(session, sub, email, name, email_verified=email_verified)
    if user is None:
        return _fail(session, (email or sub)[:100], "unknown_identity", remote_addr, now)
    if user.disabled:
        return _fail(session, user.login, "disabled", remote_addr, now, user)
    return _succeed(session, user, "oidc", remote_addr, now)


def _succeed(session: Session, user: User, method: str, remote_addr: str | None, now: datetime) -> SignInResult:
    user.last_login_at = now
    record_event(session, user.login, "auth.sign_in", "user", user.login, {"method": method}, now=now,
                 user_id=user.id, remote_addr=remote_addr)
    return SignInResult(user)


def record_sign_out(session: Session, user_id: int | None, login: str, remote_addr: str | None = None) -> None:
    version.bookkeeping(session)
    record_event(session, login or "?", "auth.sign_out", "user", login or "?", {}, user_id=user_id,
                 remote_addr=remote_addr)
