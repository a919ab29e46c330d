"""Exports from the dashboard: the "Exporter" menu's files, the view's workbook link, background extracts."""

from __future__ import annotations

import base64
import csv
import io
import json
import time

import pandas as pd
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook

from dashboard import ids
from dashboard.components.chart import chart_with_table
from dashboard.components.export_menu import data_download, export_payload, figure_of, image_download, table_csv
from dashboard.context import current
from dashboard.jobs import JobRegistry, registry, start_for_view
from dashboard.routes_exports import view_export_link_props, workbook_href
from reports.extracts import plan_extract
from tests.access import EVERYTHING, as_person
from tests.dashboard.render import as_json, render

FORMULA = '=HYPERLINK("http://example.com","clic")'


def frame() -> pd.DataFrame:
    return pd.DataFrame({"region": ["Occitanie", FORMULA], "documents": [1234, 56], "rate": [0.853, 0.5],
                         "month": [pd.Timestamp("2025-10-01").date(), pd.Timestamp("2025-09-01").date()]})


def payload() -> dict:
    return export_payload(frame(), "Documents par région", "fr", headers={"region": "Région", "rate": "Taux"},
                          formats={"documents": "count", "rate": "percent", "month": "month"})


def _decode(download: dict) -> bytes:
    return base64.b64decode(download["content"]) if download.get("base64") else download["content"].encode()


def test_xlsx_of_a_table_has_the_values_styles_and_inert_formulas(app):
    with as_person(app.server, EVERYTHING):
        download, message = data_download("xlsx", payload(), "?region=76&as_of=2025-09")
    assert download["filename"] == "extrait_Documents-par-region_2025-09_region-76.xlsx"
    assert "Fichier prêt" in message
    ws = load_workbook(io.BytesIO(_decode(download))).active
    assert [c.value for c in ws[1]] == ["Région", "documents", "Taux", "month"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    assert ws["A2"].value == "Occitanie" and ws["B2"].value == 1234 and ws["B2"].number_format == "#,##0"
    assert ws["C2"].value == pytest.approx(0.853) and ws["C2"].number_format == "0.0%"
    assert ws["D2"].value.year == 2025 and ws["D2"].value.month == 10
    assert ws["A3"].value == FORMULA and ws["A3"].data_type == "s"  # text, not a live formula


def test_csv_of_a_table_is_french_excel_and_neutralises_formulas():
    data = table_csv(payload())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Région;documents;Taux;month"
    assert lines[1] == "Occitanie;1234;0,853;2025-10-01"
    row = next(csv.reader(io.StringIO(lines[2]), delimiter=";"))
    assert row[0] == "'" + FORMULA  # the quote keeps it text in Excel
    assert row[2] == "0,5"


def test_csv_through_the_callback_is_named_after_the_view(app):
    with as_person(app.server, EVERYTHING):
        download, _ = data_download("csv", payload(), "?couloir=biologie")
    assert download["filename"].startswith("extrait_Documents-par-region_2025-10_couloir-biologie")
    assert download["filename"].endswith(".csv")
    assert _decode(download).startswith(b"\xef\xbb\xbfR\xc3\xa9gion;")


def test_chart_with_table_carries_the_menu_and_its_data():
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    block = chart_with_table(fig, frame(), "Résumé.", "fr", title="Documents", graph_id="g-docs")
    text = as_json(block)
    for label in ("Données (XLSX)", "Données (CSV)", "Image PNG", "Image SVG", "Exporter"):
        assert label in text
    assert f'"type": "{ids.EXPORT_FIGURE}"' in text
    old = chart_with_table(fig, frame(), "Résumé.", "fr", export=False)  # callers may opt out
    assert "Données (XLSX)" not in as_json(old)
    # the figure wrapper's children, as the browser sends them back, give the figure
    tree = json.loads(text)

    def find(node):
        if isinstance(node, dict):
            if isinstance(node.get("props", {}).get("id"), dict) and node["props"]["id"]["type"] == ids.EXPORT_FIGURE:
                return node["props"]["children"]
            for v in node.get("props", {}).values():
                found = find(v)
                if found is not None:
                    return found
        if isinstance(node, list):
            for v in node:
                found = find(v)
                if found is not None:
                    return found
        return None

    assert figure_of(find(tree))["data"][0]["type"] == "bar"


def test_image_failure_is_a_french_message(app, client, monkeypatch):
    import re

    import dashboard.components.export_menu as menu

    def broken(*_a, **_k):
        raise RuntimeError("no browser")

    monkeypatch.setattr(menu, "render_image", broken)
    uid = re.findall(r'"chart": "([^"]+)", "fmt": "png"', json.dumps(render(client, "/budget", "")))[0]
    with app.server.test_request_context("/"):
        download, message = image_download("png", uid, payload(), "/budget", "")
    assert message.startswith("L'image n'a pas pu être produite")
    assert download is menu.no_update


def test_workbook_link_follows_the_view(app):
    with as_person(app.server, EVERYTHING):
        ctx = current()
        href = workbook_href("?region=76&departement=31&couloir=biologie&lang=en&snapshot=cosui-13&indicateur=x",
                             ctx.reference, ctx.months())
        # the snapshot is kept (the workbook then carries the frozen figures); page-only parameters are not
        assert href == "/exports/workbook.xlsx?region=76&departement=31&couloir=biologie&snapshot=cosui-13&lang=en"
        assert workbook_href("?region=zz", ctx.reference, ctx.months()) == "/exports/workbook.xlsx"
        _, children, title = view_export_link_props("?as_of=2025-09", ctx.reference, ctx.months())
        assert "Exporter la vue (Excel)" in as_json(children)


def test_shell_has_the_view_link_and_the_route_serves_the_workbook(client):
    html_page = client.get("/").get_data(as_text=True)
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert html_page and ids.EXPORT_VIEW_LINK in layout and "Exporter la vue (Excel)" in layout
    r = client.get("/exports/workbook.xlsx?region=76&as_of=2025-09")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data))
    assert "Synthèse" in wb.sheetnames


def _wait(reg: JobRegistry, job_id: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while (job := reg.get(job_id)) and not job.finished and time.monotonic() < deadline:
        time.sleep(0.05)
    return job


def test_job_registry_writes_the_planned_rows(app, loaded_settings):
    with as_person(app.server, EVERYTHING):
        job = start_for_view("?as_of=2025-10", "fact_documents", "csv", ";", "comma")
        reg = registry()
    planned = plan_extract(loaded_settings.warehouse, "fact_documents", "csv", as_of="2025-10").rows
    assert job.rows_total == planned == 28
    job = _wait(reg, job.id)
    assert job.status == "done", job.error
    path = reg.path(job)
    assert path.is_file() and path.parent == loaded_settings.data_dir / "exports"
    lines = path.read_bytes().decode("utf-8-sig").strip().split("\r\n")
    assert len(lines) - 1 == job.rows_done == planned
    assert job.file_name == "extrait_fact_documents_2025-10.csv"
    client = app.server.test_client()
    r = client.get(f"/exports/jobs/{job.id}")
    assert r.status_code == 200 and r.data == path.read_bytes()
    assert "filename=extrait_fact_documents_2025-10.csv" in r.headers["Content-Disposition"]
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once


def test_download_slots_are_given_back_after_each_transfer(app, loaded_settings):
    with as_person(app.server, EVERYTHING):
        job = start_for_view("?as_of=2025-10", "fact_documents", "csv", ";", "comma")
        reg = registry()
    assert _wait(reg, job.id).status == "done"
    client = app.server.test_client()
    for _ in range(loaded_settings.downloads_per_process + 2):  # more than the slots: each one was freed
        r = client.get(f"/exports/jobs/{job.id}")
        assert r.status_code == 200 and r.data.startswith(b"\xef\xbb\xbf")
        r.close()


def test_job_with_filters_xlsx_and_parquet(app, loaded_settings):
    with as_person(app.server, EVERYTHING):
        xlsx = start_for_view("?region=76", "fact_documents", "xlsx")
        parquet = start_for_view("?departement=75", "fact_mes_profiles", "parquet")
        reg = registry()
    xlsx, parquet = _wait(reg, xlsx.id), _wait(reg, parquet.id)
    assert xlsx.status == parquet.status == "done"
    rows = list(load_workbook(reg.path(xlsx), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) - 1 == xlsx.rows_done == 4  # Occitanie: 31 only × 2 couloirs × 2 months
    assert parquet.rows_done == 2 and pd.read_parquet(reg.path(parquet))["departement_code"].eq("75").all()


def test_job_fails_fast_with_a_french_message(app):
    from reports.extracts import ExtractError

    with as_person(app.server, EVERYTHING), pytest.raises(ExtractError, match="table inconnue"):
        start_for_view("", "nope", "csv")


def test_bad_or_unknown_job_id_is_a_404(client):
    for job_id in ("nope", "..", "0" * 32, "A" * 32, "0" * 32 + ".json"):
        r = client.get(f"/exports/jobs/{job_id}")
        assert r.status_code == 404
        assert "Extraction introuvable" in r.get_data(as_text=True)
        assert r.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_old_files_are_cleaned_up(tmp_path):
    reg = JobRegistry(tmp_path, workers=1, max_age_s=10)
    old = tmp_path / ("a" * 32 + ".csv")
    old.write_text("x")
    fresh = tmp_path / ("b" * 32 + ".csv")
    fresh.write_text("y")
    import os

    os.utime(old, (time.time() - 100, time.time() - 100))
    assert reg.cleanup() == 1
    assert not old.exists() and fresh.exists()


def test_donnees_page_has_the_extract_section(client):
    rendered = render(client, "/donnees")
    text = as_json(rendered)
    assert "Préparer l'extraction" in text and ids.EXTRACT_POLL in text


def test_a_synchronous_export_over_the_row_limit_points_to_the_background_extract(loaded_settings):
    import dataclasses

    from dashboard import create_app

    small = create_app(dataclasses.replace(loaded_settings, export_max_rows=1))
    with small.server.test_request_context("/"):
        download, message = data_download("xlsx", payload(), "")
    assert download is no_update_marker()
    assert message == ("Export immédiat limité à 1 lignes (ce tableau en compte 2) : lancez une extraction en "
                       "arrière-plan depuis la page Données.")
    with small.server.test_request_context("/"):
        one_row = {**payload(), "rows": payload()["rows"][:1]}
        assert data_download("csv", one_row, "")[0]["filename"].endswith(".csv")


def no_update_marker():
    import dashboard.components.export_menu as menu

    return menu.no_update
