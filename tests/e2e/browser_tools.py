"""Helpers of the browser tests."""

from __future__ import annotations

import http.cookiejar
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def wait_for_page(pg, text: str) -> None:
    """Wait until the page content shows `text` and Dash has no callback in flight."""
    pg.get_by_text(text, exact=False).first.wait_for()
    pg.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


E2E_LOGIN = "e2e.admin"


class LiveServer(str):
    """The base URL of a served app (a str), with the signed-in test account: `login`, `password`, and
    `cookie` (a `Cookie:` header value of its session, for requests made outside the browser)."""

    data_dir: Path
    login: str
    password: str
    cookie: str


def create_account(data_dir: Path, login: str, roles: Iterable[str] | None = None,
                   regions: Iterable[str] = ()) -> str:
    """A person in the served app's app-state database (created once); returns their password."""
    from appstate import db, users
    from indicators.scope import ROLES

    password = secrets.token_urlsafe(18)
    sessions = db.session_factory(f"sqlite:///{data_dir / 'app.db'}")
    with sessions.begin() as session:
        user = users.find(session, login)
        if user is None:
            users.create_user(session, login, by="tests", roles=ROLES if roles is None else roles, regions=regions,
                              password=password)
        else:
            users.set_password(session, user, password, by="tests")
    return password


def sign_in_cookie(base: str, login: str, password: str) -> str:
    """Sign in through the login form (as a browser would) and return the session cookie as a header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = urllib.parse.urlencode({"login": login, "password": password, "next": "/"}).encode()
    with opener.open(urllib.request.Request(base + "/auth/login", data=body, method="POST",
                                            headers={"Origin": base}), timeout=60) as r:
        assert r.status == 200, r.status
    cookies = [f"{c.name}={c.value}" for c in jar if c.name == "segur_session"]
    assert cookies, f"sign-in as {login} failed on {base}"
    return cookies[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_app(data_dir: Path, today: str, ready_path: str = "/", *, env: dict[str, str] | None = None,
              port: int | None = None, sign_in: bool = True) -> Iterator[LiveServer]:
    """`python app.py` over `data_dir` on a free loopback port; yields its base URL (a `LiveServer` signed in as
    `e2e.admin`, a national person with every role, unless `sign_in=False`), stops it afterwards."""
    port = port or free_port()
    # The served app warms its national views only: the browser tests share two cores with it.
    env = {"SEGUR_WARMUP": "national", **os.environ, "SEGUR_DATA_DIR": str(data_dir), "SEGUR_TODAY": today,
           "HOST": "127.0.0.1", "PORT": str(port), **(env or {})}
    log_path = data_dir / f"server-{port}.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180  # a loaded 2-core machine imports Dash, pandas and DuckDB slowly
            while True:
                try:
                    probe = urllib.request.Request(base + ready_path, headers={"Accept": "text/html"})
                    with urllib.request.urlopen(probe, timeout=2) as r:  # noqa: S310 - local server (→ login page)
                        if r.status == 200:
                            break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the app did not start: {log_path.read_text()}") from None
                    time.sleep(0.2)
            server = LiveServer(base)
            server.data_dir, server.login = data_dir, E2E_LOGIN
            server.password = create_account(data_dir, E2E_LOGIN) if sign_in else ""
            server.cookie = sign_in_cookie(base, E2E_LOGIN, server.password) if sign_in else ""
            yield server
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
