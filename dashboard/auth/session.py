"""The signed-in session: who (user id), since when, how (local or OIDC), kept in Flask's signed cookie.

The cookie only carries the user id and the sign-in time; rights are read from the app-state database on
every request, so a revoked right or a disabled account stops working at the next request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import flask

UID, ISSUED, METHOD, MUST_CHANGE, ID_TOKEN, LANG = "uid", "iat", "m", "mcp", "idt", "lang"


@dataclass(frozen=True)
class SessionInfo:
    user_id: int | None
    expired: bool = False
    must_change_password: bool = False
    method: str = ""


def start(user_id: int, method: str, *, must_change_password: bool = False, id_token: str | None = None) -> None:
    """A fresh session (the previous one's keys are dropped: no fixation of pre-sign-in state)."""
    lang = flask.session.get(LANG)
    flask.session.clear()
    flask.session.permanent = True
    flask.session.update({UID: user_id, ISSUED: int(time.time()), METHOD: method})
    if must_change_password:
        flask.session[MUST_CHANGE] = True
    if id_token:
        flask.session[ID_TOKEN] = id_token  # for the provider's end-session (id_token_hint)
    if lang:
        flask.session[LANG] = lang


def read(lifetime_s: float, now: float | None = None) -> SessionInfo:
    uid = flask.session.get(UID)
    if not isinstance(uid, int):
        return SessionInfo(None)
    issued = flask.session.get(ISSUED)
    now = time.time() if now is None else now
    if not isinstance(issued, int) or now - issued > lifetime_s or issued > now + 60:
        return SessionInfo(None, expired=True)
    return SessionInfo(uid, must_change_password=bool(flask.session.get(MUST_CHANGE)),
                       method=str(flask.session.get(METHOD, "")))


def end() -> str | None:
    """Clear the session; returns the OIDC id token when there was one (for the provider's logout)."""
    id_token = flask.session.get(ID_TOKEN)
    flask.session.clear()
    return id_token
