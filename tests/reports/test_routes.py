"""The download routes on a minimal Flask app: streamed files, and a 400 with a French sentence for bad input."""

from __future__ import annotations

import csv
import dataclasses
import io

import flask
import openpyxl
import pyarrow.parquet as pq
import pytest

from reports import extracts
from reports.routes import exports_bp, init_exports
from tests.access import EVERYTHING, scope_hook
from tests.reports.helpers import assert_well_formed_xlsx


@pytest.fixture(scope="module")
def client(engine, demo_settings):
    app = flask.Flask("exports-test")
    init_exports(app, engine=engine, settings=demo_settings)
    scope_hook(app, {"scope": EVERYTHING})  # the dashboard's gate resolves it; here a national person asks
    return app.test_client()


def _read_me(data: bytes) -> dict:
    ws = openpyxl.load_workbook(io.BytesIO(data))["Read me"]
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, 12)}


def test_workbook_link_comes_from_the_settings_not_the_host_header(engine, demo_settings):
    forged = {"Host": "attacker.example"}
    resp = None
    for public_url, expected in (("", "http://127.0.0.1:8050/"), ("https://segur.example.fr/pilotage/",
                                                                   "https://segur.example.fr/pilotage/")):
        app = flask.Flask("exports-public-url")
        init_exports(app, engine=engine, settings=dataclasses.replace(demo_settings, public_url=public_url))
        scope_hook(app, {"scope": EVERYTHING})
        resp = app.test_client().get("/exports/workbook.xlsx?as_of=2026-10&region=11&lang=en", headers=forged)
        assert resp.status_code == 200
        assert _read_me(resp.data)["The same view in the dashboard"] == expected + "?as_of=2026-10&region=11&lang=en"
    assert b"attacker.example" not in resp.data


def test_workbook_of_a_region_view(client, engine, tmp_path):
    resp = client.get("/exports/workbook.xlsx?as_of=2026-10&region=11&lang=en")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.headers["Content-Disposition"] == 'attachment; filename="export_segur_2026-10_region-11.xlsx"'
    assert resp.mimetype == extracts.FORMATS["xlsx"]
    path = tmp_path / "wb.xlsx"
    path.write_bytes(resp.data)
    assert_well_formed_xlsx(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == ["Read me", "Summary"]
    facts = {wb["Read me"].cell(r, 1).value: wb["Read me"].cell(r, 2).value for r in range(1, 12)}
    assert facts["The same view in the dashboard"] == "http://127.0.0.1:8050/?as_of=2026-10&region=11&lang=en"


def test_workbook_names_the_catalogue_not_the_server_path(demo_settings):
    from indicators.catalog import load_catalogue
    from indicators.compute import Engine
    from tests.reports.conftest import TODAY

    cat = load_catalogue(demo_settings.indicators)  # the absolute path, as the dashboard loads it
    assert cat.file.startswith("/")
    app = flask.Flask("exports-catalogue")
    init_exports(app, engine=Engine(demo_settings.warehouse, cat, today=TODAY), settings=demo_settings)
    scope_hook(app, {"scope": EVERYTHING})
    resp = app.test_client().get("/exports/workbook.xlsx?as_of=2026-10&lang=en")
    label = _read_me(resp.data)["Indicator catalogue"]
    assert label == f"indicators.yaml, version {cat.version} (sha256 {cat.sha256[:12]}…)"


def test_extract_streams_csv(client, demo_settings):
    resp = client.get("/exports/extract/fact_funding_event.csv?as_of=2025-06&region=11&departement=75")
    assert resp.status_code == 200 and resp.is_streamed
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    assert resp.headers["Content-Disposition"].endswith('filename="extrait_fact_funding_event_2025-06_region-11_'
                                                       'departement-75.csv"')
    body = resp.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows and {r["departement_code"] for r in rows} == {"75"}
    assert max(r["event_date"] for r in rows) <= "2025-06-30"


def test_extract_parquet_and_xlsx(client):
    resp = client.get("/exports/extract/fact_documents.parquet?region=84&couloir=BIOLOGIE&lineage=1")
    assert resp.status_code == 200
    table = pq.read_table(io.BytesIO(resp.get_data()))
    assert table.num_rows > 0 and set(table.column("couloir_code").to_pylist()) == {"biologie"}
    assert table.column_names[-2:] == ["file_id", "run_id"]
    resp = client.get("/exports/extract/fact_mes_profiles.xlsx?departement=1")
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(resp.get_data()), read_only=True).active
    assert {r[1] for r in ws.iter_rows(min_row=2, values_only=True)} == {"01"}


@pytest.mark.parametrize("url,message", [
    ("/exports/workbook.xlsx?region=99", "région inconnu(e) « 99 »"),
    ("/exports/workbook.xlsx?as_of=2026-13", "mois de situation invalide « 2026-13 »"),
    ("/exports/workbook.xlsx?as_of=2031-01", "mois de situation indisponible « 2031-01 »"),
    ("/exports/workbook.xlsx?as_of=0000-01", "mois de situation invalide « 0000-01 »"),  # no year 0 in dates
    ("/exports/extract/fact_funding_event.csv?as_of=0000-01", "mois de situation invalide « 0000-01 »"),
    ("/exports/workbook.xlsx?lang=de", "langue inconnue « de »"),
    ("/exports/workbook.xlsx?region=11&departement=13", "n'est pas dans la région 11"),
    ("/exports/extract/fact_nope.csv", "table inconnue « fact_nope »"),
    ("/exports/extract/load_run.csv", "table inconnue « load_run »"),
    ("/exports/extract/fact_documents.pdf", "format inconnu « pdf »"),
    ("/exports/extract/fact_documents", "table inconnue"),
    ("/exports/extract/fact_documents.csv?sep=|", "séparateur inconnu"),
    ("/exports/extract/fact_documents.csv?decimal=virgule", "marque décimale inconnue"),
    ("/exports/extract/fact_documents.csv?couloir=x%27%3B%20DROP%20TABLE%20t", "couloir inconnu(e)"),
])
def test_bad_input_is_a_400_in_french(client, url, message):
    resp = client.get(url)
    assert resp.status_code == 400
    text = resp.get_data(as_text=True)
    assert text.startswith("Export impossible : ") and message in text


def test_xlsx_too_large_is_a_400(client, monkeypatch):
    monkeypatch.setattr(extracts, "MAX_XLSX_DATA_ROWS", 10)
    resp = client.get("/exports/extract/fact_documents.xlsx")
    assert resp.status_code == 400 and "CSV ou Parquet" in resp.get_data(as_text=True)


def test_no_warehouse_is_a_503(tmp_path):
    from settings import load_settings

    app = flask.Flask("exports-empty")
    init_exports(app, settings=load_settings({"SEGUR_DATA_DIR": str(tmp_path)}))
    resp = app.test_client().get("/exports/extract/fact_documents.csv")
    assert resp.status_code == 503 and "aucun entrepôt publié" in resp.get_data(as_text=True)


def test_mounted_in_the_dashboard_uses_its_engine(engine, demo_settings):
    class FakeDashboardContext:  # what dashboard.context.AppContext offers: settings and engine()
        settings = demo_settings
        calls = 0

        def engine(self):
            FakeDashboardContext.calls += 1
            return engine

    app = flask.Flask("exports-in-dashboard")
    app.extensions["segur"] = FakeDashboardContext()
    app.register_blueprint(exports_bp)
    scope_hook(app, {"scope": EVERYTHING})
    resp = app.test_client().get("/exports/extract/fact_eprescription.csv?as_of=2026-10&region=93")
    assert resp.status_code == 200 and FakeDashboardContext.calls == 1
    assert resp.headers["Content-Disposition"].endswith('"extrait_fact_eprescription_2026-10_region-93.csv"')


def test_workbook_of_a_snapshot_and_unknown_snapshot(client, demo_settings, tmp_path):
    from reports.snapshot import create_snapshot, open_snapshot

    meta = create_snapshot(demo_settings, "COSUI test export", "2026-10", author="secretariat")
    resp = client.get(f"/exports/workbook.xlsx?snapshot={meta.id}&as_of=2026-10")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    path = tmp_path / "snap.xlsx"
    path.write_bytes(resp.data)
    summary = openpyxl.load_workbook(path)["Synthèse"]
    header = [c.value for c in summary[1]]
    first = {h: summary.cell(2, i + 1).value for i, h in enumerate(header)}
    frozen, _ = open_snapshot(demo_settings, meta.id)
    expected = frozen.compute(first[header[0]], "2026-10", with_forecast=False).current.value
    assert any(isinstance(v, float | int) and abs(v - expected) < 1e-6 * max(1, abs(expected))
               for v in first.values())
    bad = client.get("/exports/workbook.xlsx?snapshot=s-nope")
    assert bad.status_code == 400
    assert "instantané « s-nope »" in bad.get_data(as_text=True)
