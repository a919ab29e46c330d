"""The warm-up computes the common views once per published version, through the app's own page callback."""

from __future__ import annotations

import gc

import pytest

from dashboard import create_app, warmup
from dashboard.context import current
from etl.load import load
from tests.dashboard.factory import build_warehouse, write_documents


def test_views_per_mode():
    regions = ["11", "84"]
    assert warmup.views("off", regions) == []
    national = warmup.views("national", regions)
    assert ("/", "") in national and ("/budget", "") in national
    assert not any("region=" in search for _, search in national)
    by_region = warmup.views("regions", regions, ["hopital"])
    assert by_region[:len(national)] == national  # national views first: the most asked
    assert ("/", "?region=84") in by_region and ("/budget", "?region=11") in by_region
    assert not any("couloir=" in search for _, search in by_region)
    everything = warmup.views("full", regions, ["hopital", "biologie"])
    assert everything[:len(by_region)] == by_region
    assert ("/", "?couloir=biologie") in everything and ("/budget", "?couloir=hopital") in everything


def _app_and_warmer(settings, mode="full"):
    app = create_app(settings)
    with app.server.app_context():
        warmer = warmup.install(app.server, current(), mode)
    return app, warmer


def test_unknown_mode_is_a_clear_error(loaded_settings):
    app = create_app(loaded_settings)
    with app.server.app_context(), pytest.raises(ValueError, match="SEGUR_WARMUP='partout'.*full, regions, national, off"):
        warmup.install(app.server, current(), "partout")


def _cached_results(app) -> set:
    with app.server.app_context():
        engine = current().engine()
    return {key for key in engine._cache if isinstance(key, tuple) and key[0] == "result"}


def test_warms_once_per_published_version(tmp_path):
    settings = build_warehouse(tmp_path, months=("2025-09",), with_rejects=False)
    app, warmer = _app_and_warmer(settings)
    assert warmer.status.state == "waiting"
    assert warmer.warm_if_new() is True
    status = warmer.status.as_dict()
    n_regions, n_couloirs = (len(names) for names in current_regions_and_couloirs(app))
    assert status["state"] == "done" and status["failed"] == 0
    assert status["views"] == len(warmup.NATIONAL_PATHS) + (n_regions + n_couloirs) * len(warmup.REGIONAL_PATHS)
    warmed = _cached_results(app)
    assert any(key[1] == "CIT-01" for key in warmed)  # the overview's indicators are computed…
    assert warmer.warm_if_new() is False  # …and not again for the same publish
    assert gc.get_freeze_count() > 0  # what it built is kept out of the collector's full passes
    gc.unfreeze()

    new_file = write_documents(tmp_path / "inbox" / "mes_documents_2025-10.csv", ("2025-09", "2025-10"))
    assert load([new_file], settings).status == "published"
    assert warmer.warm_if_new() is True  # a new publish: warmed again, for the new version
    assert warmer.status.version != status["version"]
    gc.unfreeze()  # leave the test process as it was


def current_regions_and_couloirs(app) -> tuple[list[str], list[str]]:
    with app.server.app_context():
        reference = current().reference
        return list(reference.regions), list(reference.couloirs)


def test_status_route_and_off_mode(loaded_settings):
    app, warmer = _app_and_warmer(loaded_settings, "off")
    client = app.server.test_client()
    assert client.get("/api/warmup").get_json()["state"] == "off"
    warmer.ensure_started()
    assert warmer._thread is None  # off: no thread, nothing computed in the background
