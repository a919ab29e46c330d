"""Browser fixtures: the real app in a subprocess over a tiny loaded warehouse, and a watched Chromium page.

`live_server` (base URL) and `page` (fails the test on a console error or a request that leaves
127.0.0.1) are meant to be reused by every browser test. `page` is signed in as `e2e.admin` (national, every
role); `page_as(login, roles, regions)` gives a page signed in as someone else, through the login form;
`anonymous_page` a page nobody signed in.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.dashboard.factory import build_warehouse
from tests.e2e.browser_tools import create_account, serve_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_data_dir(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("live")
    build_warehouse(data_dir)
    return data_dir


@pytest.fixture(scope="session")
def live_server(live_data_dir):
    """Base URL of `python app.py` serving the tiny warehouse (a subprocess, stopped at the end)."""
    with serve_app(live_data_dir, "2025-12-15") as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=45_000)  # assertions that wait get the same patience as the pages
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _watched_page(browser, live_server, contexts: list, cookie: str | None):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    contexts.append(context)
    if cookie:
        name, _, value = cookie.partition("=")
        context.add_cookies([{"name": name, "value": value, "url": str(live_server)}])
    pg = context.new_page()
    pg.set_default_timeout(45_000)  # a cold engine on a busy 2-core machine can take seconds per page
    pg.console_errors = []
    pg.external_requests = []
    allowed = (live_server + "/", "data:", "blob:", "about:")
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    pg.on("request", lambda r: None if r.url.startswith(allowed) else pg.external_requests.append(r.url))
    return pg


def _check_and_close(pages: list, contexts: list) -> None:
    for context in contexts:
        context.close()
    for pg in pages:
        assert pg.console_errors == [], f"console errors: {pg.console_errors}"
        assert pg.external_requests == [], f"requests leaving 127.0.0.1: {pg.external_requests}"


@pytest.fixture()
def page(browser, live_server):
    """A fresh page signed in as `e2e.admin`; `page.console_errors` and `page.external_requests` are checked
    after the test."""
    contexts: list = []
    pg = _watched_page(browser, live_server, contexts, live_server.cookie)
    yield pg
    _check_and_close([pg], contexts)


@pytest.fixture()
def anonymous_page(browser, live_server):
    """A fresh page nobody signed in to (watched like `page`)."""
    contexts: list = []
    pg = _watched_page(browser, live_server, contexts, None)
    yield pg
    _check_and_close([pg], contexts)


@pytest.fixture()
def page_as(browser, live_server):
    """`page_as(login, roles, regions=())`: a page signed in as that person (created on first use), through the
    login form as a browser does; watched like `page`."""
    pages, contexts = [], []

    def _open(login: str, roles, regions=()):
        password = create_account(live_server.data_dir, login, roles, regions)
        pg = _watched_page(browser, live_server, contexts, None)
        resp = pg.context.request.post(live_server + "/auth/login", headers={"Origin": str(live_server)},
                                       form={"login": login, "password": password, "next": "/"},
                                       max_redirects=0)
        assert resp.status == 302, resp.text()
        pages.append(pg)
        return pg

    yield _open
    _check_and_close(pages, contexts)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
