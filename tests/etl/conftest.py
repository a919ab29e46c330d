"""Fixtures for the ETL tests (helpers live in tests/etl/helpers.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.load import load
from etl.report import RunReport
from settings import Settings
from tests.etl.helpers import copy_samples, make_settings


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return make_settings(data_dir)


@pytest.fixture
def raw_samples(tmp_path: Path) -> Path:
    return copy_samples(tmp_path / "raw")


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> tuple[Settings, RunReport, Path]:
    """Built once: a warehouse published (strict) from every sample file. Read it, never write to it."""
    tmp = tmp_path_factory.mktemp("samples")
    settings = make_settings(tmp / "data")
    raw = copy_samples(tmp / "raw")
    report = load([raw], settings)
    assert report.status == "published", report.to_text()
    return settings, report, raw


@pytest.fixture
def loaded(settings: Settings, sample_warehouse) -> RunReport:
    """This test's own copy of the sample warehouse, as if `load` of every sample had just published it."""
    shutil.copyfile(sample_warehouse[0].warehouse, settings.warehouse)
    return sample_warehouse[1]

