"""Exports in Chromium: the view's workbook from the filter bar, a chart's data from its "Exporter" menu,
a background extract on the Données page. Offline, no console error (the `page` fixture checks both)."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from dashboard import ids
from tests.e2e.browser_tools import wait_for_page

pytestmark = pytest.mark.browser


def test_view_workbook_and_chart_csv(page, live_server, tmp_path):
    page.goto(live_server + "/territoires?region=76")
    wait_for_page(page, "Exporter la vue (Excel)")
    link = page.locator("#export-view-link")
    page.wait_for_function("() => document.querySelector('#export-view-link').getAttribute('href').includes('region=76')")
    assert link.get_attribute("href") == "/exports/workbook.xlsx?region=76"

    with page.expect_download() as info:
        link.click()
    download = info.value
    assert re.fullmatch(r"export_segur_\d{4}-\d{2}_region-76\.xlsx", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    wb = load_workbook(path)
    synthese = wb["Synthèse"]
    rows = [[c for c in r if c is not None] for r in synthese.iter_rows(values_only=True)]
    assert sum(1 for r in rows if r and isinstance(r[0], str) and re.match(r"^[A-Z]{3}-\d{2}", r[0])) >= 3, rows[:15]

    menu = page.locator(".chart-with-table .export-menu").first
    menu.locator("summary").focus()
    page.keyboard.press("Enter")  # keyboard opens the menu
    csv_button = menu.get_by_role("button", name="Données (CSV)")
    csv_button.wait_for()
    with page.expect_download() as info:
        csv_button.click()
    download = info.value
    assert download.suggested_filename.endswith("_region-76.csv")
    data = (tmp_path / "chart.csv")
    download.save_as(data)
    raw = data.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw.decode("utf-8-sig").split("\r\n")[0]
    assert ";" in header and header.split(";")[0] in ("Région", "Département", "Territoire")
    page.get_by_text("Fichier prêt").first.wait_for()

    svg_button = menu.get_by_role("button", name="Image SVG")  # rendered by kaleido on the server
    with page.expect_download(timeout=60_000) as info:
        svg_button.click()
    download = info.value
    assert download.suggested_filename.endswith(".svg")
    image = tmp_path / download.suggested_filename
    download.save_as(image)
    assert image.read_text(encoding="utf-8").lstrip().startswith("<svg")


def test_background_extract_with_progress(page, live_server, tmp_path):
    page.goto(live_server + "/donnees?region=76")
    wait_for_page(page, "Préparer l'extraction")
    page.locator(f"#{ids.EXTRACT_TABLE}").click()
    page.get_by_role("option", name=re.compile(r"fact_documents")).click()
    page.get_by_role("button", name="Préparer l'extraction").click()
    link = page.locator("a.extract-download")
    link.wait_for(timeout=30_000)
    assert page.get_by_text(re.compile(r"Extraction prête : 4 lignes")).count() == 1
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "extrait_fact_documents_2025-10_region-76.csv"
    path = tmp_path / "extract.csv"
    download.save_as(path)
    lines = path.read_bytes().decode("utf-8-sig").strip().split("\r\n")
    assert len(lines) == 5 and lines[0].startswith("month;")
