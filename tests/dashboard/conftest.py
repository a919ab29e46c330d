"""Fixtures for the dashboard tests: a tiny loaded warehouse, an app over it, an app without data."""

from __future__ import annotations

import pytest

from dashboard import create_app
from tests.dashboard.factory import build_warehouse, settings_for
from tests.dashboard.render import page_text, render


@pytest.fixture(scope="session")
def loaded_settings(tmp_path_factory):
    """Settings of a data directory holding a tiny published warehouse (with one rejected row)."""
    return build_warehouse(tmp_path_factory.mktemp("loaded"))


@pytest.fixture(scope="session")
def empty_settings(tmp_path_factory):
    """Settings of a data directory where nothing was ever published."""
    return settings_for(tmp_path_factory.mktemp("empty"))


@pytest.fixture(scope="session")
def app(loaded_settings):
    return create_app(loaded_settings)


@pytest.fixture()
def client(app):
    return app.server.test_client()


@pytest.fixture(scope="session")
def empty_app(empty_settings):
    return create_app(empty_settings)


@pytest.fixture()
def render_page():
    def _render(client, pathname, search=""):
        rendered = render(client, pathname, search)
        return rendered, page_text(rendered)
    return _render




@pytest.fixture()
def own_app_factory():
    """Build extra apps (other settings) that tests drive over HTTP, without taking the page callbacks away
    from the session's app: Dash hands the callbacks registered on import (`dash.callback`) to the first app
    that serves a request, so they are put back after the test."""
    from dash import _callback

    saved_map, saved_list = dict(_callback.GLOBAL_CALLBACK_MAP), list(_callback.GLOBAL_CALLBACK_LIST)
    yield create_app
    _callback.GLOBAL_CALLBACK_MAP.clear()
    _callback.GLOBAL_CALLBACK_MAP.update(saved_map)
    _callback.GLOBAL_CALLBACK_LIST[:] = saved_list
