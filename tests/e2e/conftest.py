"""Browser fixtures: the real app in a subprocess over a tiny loaded warehouse, and a watched Chromium page.

`live_server` (base URL) and `page` (fails the test on a console error or a request that leaves
127.0.0.1) are meant to be reused by every browser test.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.dashboard.factory import build_warehouse
from tests.e2e.browser_tools import serve_app

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


@pytest.fixture()
def page(browser, live_server):
    """A fresh page; `page.console_errors` and `page.external_requests` are checked after the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    pg = context.new_page()
    pg.set_default_timeout(45_000)  # a cold engine on a busy 2-core machine can take seconds per page
    pg.console_errors = []
    pg.external_requests = []
    allowed = (live_server + "/", "data:", "blob:", "about:")
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    pg.on("request", lambda r: None if r.url.startswith(allowed) else pg.external_requests.append(r.url))
    yield pg
    context.close()
    assert pg.console_errors == [], f"console errors: {pg.console_errors}"
    assert pg.external_requests == [], f"requests leaving 127.0.0.1: {pg.external_requests}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
