"""Signed-in identities for the tests: every app the tests build has the sign-in gate, so clients sign in.

- `SignedInClient` (installed as Flask's test client class by tests/conftest.py): `app.server.test_client()`
  is signed in as `test.admin`, a national person with every role, created on first use in the app's
  app-state database (no password: the session is written directly, as the sign-in view would).
- `client_as(app, login, roles, regions)`: a client signed in as someone else (a lecteur, an ARS user…).
- `anonymous_client(app)`: a client nobody signed in (the gate's own tests).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from flask.testing import FlaskClient

from indicators.scope import ROLES

DEFAULT_LOGIN = "test.admin"


def ensure_user(server, login: str, roles: Iterable[str] = ROLES, regions: Iterable[str] = (),
                password: str | None = None) -> int:
    """The id of `login` in the app's app-state database, created with these rights when missing."""
    from appstate import users
    from dashboard.context import EXTENSION

    with server.extensions[EXTENSION].sessions().begin() as session:
        user = users.find(session, login)
        if user is None:
            user = users.create_user(session, login, by="tests", roles=roles, regions=regions, password=password)
        return user.id


def sign_in(client: FlaskClient, user_id: int, method: str = "local") -> FlaskClient:
    from dashboard.auth import session as auth_session

    with client.session_transaction() as sess:
        sess.clear()
        sess.permanent = True
        sess.update({auth_session.UID: user_id, auth_session.ISSUED: int(time.time()), auth_session.METHOD: method})
    return client


def _server(app):
    return getattr(app, "server", app)


def anonymous_client(app) -> FlaskClient:
    return FlaskClient(_server(app), _server(app).response_class, use_cookies=True)


def client_as(app, login: str, roles: Iterable[str], regions: Iterable[str] = ()) -> FlaskClient:
    server = _server(app)
    return sign_in(anonymous_client(server), ensure_user(server, login, roles, regions))


class SignedInClient(FlaskClient):
    """A test client signed in as `test.admin` (national, every role) on apps that have the sign-in gate."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "segur-auth" in self.application.extensions:
            sign_in(self, ensure_user(self.application, DEFAULT_LOGIN))
