"""Settings are declared once and documented: a setting missing from the README fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings import ROOT, SETTINGS, load_settings


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in readme]
    assert missing == []


def test_defaults_and_overrides(tmp_path):
    default = load_settings({})
    assert default.data_dir == ROOT / "data"
    assert default.warehouse == ROOT / "data" / "warehouse.duckdb"
    assert default.raw_dir == ROOT / "data" / "raw"
    assert default.app_db == f"sqlite:///{ROOT / 'data' / 'app.db'}"
    assert (default.host, default.port) == ("127.0.0.1", 8050)
    custom = load_settings({"SEGUR_DATA_DIR": str(tmp_path), "PORT": "9000", "SEGUR_WAREHOUSE": "x/w.duckdb"})
    assert custom.data_dir == tmp_path
    assert custom.raw_dir == tmp_path / "raw"
    assert custom.warehouse == ROOT / "x" / "w.duckdb"
    assert custom.port == 9000
    assert isinstance(custom.reference_dir, Path) and (custom.reference_dir / "regions.csv").exists()


def test_public_url_is_configured_never_guessed():
    assert load_settings({}).dashboard_url == "http://127.0.0.1:8050/"
    assert load_settings({"HOST": "0.0.0.0", "PORT": "9000"}).dashboard_url == "http://127.0.0.1:9000/"
    public = load_settings({"SEGUR_PUBLIC_URL": " https://segur.example.fr/pilotage "})
    assert public.dashboard_url == "https://segur.example.fr/pilotage/"
    for bad in ("segur.example.fr", "ftp://segur.example.fr/", "https://segur.example.fr/?x=1", "https:///x"):
        with pytest.raises(ValueError, match=r"SEGUR_PUBLIC_URL: adresse invalide"):
            load_settings({"SEGUR_PUBLIC_URL": bad})


def test_a_bad_setting_stops_the_app_with_a_sentence_not_a_traceback():
    import os
    import subprocess
    import sys

    env = {**os.environ, "SEGUR_PUBLIC_URL": "segur.example.fr"}
    proc = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "SEGUR_PUBLIC_URL: adresse invalide « segur.example.fr »" in proc.stderr
    assert "Traceback" not in proc.stderr
