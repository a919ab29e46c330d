"""A standalone grid's "Exporter" menu in Chromium: opened and used with the keyboard, the downloaded workbook
holds the values on screen; a sort made in the grid is the order of the exported rows."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from dashboard import ids
from tests.e2e.browser_tools import wait_for_page

pytestmark = pytest.mark.browser


def _grid_block(page, grid_id: str):
    return page.locator(".grid-with-export", has=page.locator(f"#{grid_id}"))


def _download(page, block, label: str, tmp_path):
    menu = block.locator(".export-menu")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")  # the keyboard opens the menu…
    menu.get_by_role("button", name=label).focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")  # …and picks the format
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_budget_grid_xlsx_has_the_values_on_screen(page, live_server, tmp_path):
    page.goto(live_server + "/budget?region=11")
    wait_for_page(page, "Bénéficiaires")
    block = _grid_block(page, ids.BUDGET_BENEFICIARIES_GRID)
    name = block.locator('.ag-center-cols-container [row-index="0"] [col-id="c1"]').inner_text()
    paid = block.locator('.ag-center-cols-container [row-index="0"] [col-id="c6"]').inner_text()  # "375 000 €"
    path = _download(page, block, "Données (XLSX)", tmp_path)
    assert re.fullmatch(r"extrait_Beneficiaires_\d{4}-\d{2}_region-11\.xlsx", path.name)
    wb = load_workbook(path)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Bénéficiaire"] == name
    assert record["Versé"] == int(re.sub(r"\D", "", paid))  # a number, equal to the one shown
    assert wb.worksheets[1]["B4"].value.startswith("Région : Île-de-France (11)")
    block.get_by_text("Fichier prêt").wait_for()


def test_ranking_csv_follows_the_sort_made_in_the_grid(page, live_server, tmp_path):
    page.goto(live_server + "/territoires")
    wait_for_page(page, "Classement")
    block = _grid_block(page, ids.TERR_RANKING_GRID)
    block.locator('[role=columnheader][col-id="c2"]').click()  # "Valeur": ascending
    block.locator('[role=columnheader][col-id="c2"][aria-sort="ascending"]').wait_for()
    first = block.locator('.ag-pinned-left-cols-container [row-index="0"] [col-id="c1"]').inner_text()
    path = _download(page, block, "Données (CSV)", tmp_path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))
    values = [float(r[2].replace(",", ".")) for r in rows[1:] if r[2]]  # a territory without data: empty
    assert len(values) >= 2 and values == sorted(values), rows
    ranks = [int(r[0]) for r in rows[1:]]
    assert ranks != sorted(ranks)  # the grid's order, not the engine's ranking
    assert rows[1][1] == first


def test_fiche_table_xlsx_has_the_values_on_screen(page, live_server, tmp_path):
    """A plain HTML table's menu (table_with_export): the région's indicators, exported with the keyboard."""
    page.goto(live_server + "/territoires/11")
    wait_for_page(page, "Indicateurs de la région")
    block = page.locator(f"#{ids.FICHE_INDICATORS} .table-with-export").first
    first = block.locator("tbody tr").first
    indicator = first.locator("td").nth(0).inner_text().strip()
    status = first.locator("td").nth(5).locator(".status-text").inner_text().strip()
    shown = [td.inner_text().strip() for td in block.locator("tbody tr td:nth-child(2)").all()]
    path = _download(page, block, "Données (XLSX)", tmp_path)
    assert re.fullmatch(r"extrait_Indicateurs-de-la-region_\d{4}-\d{2}_region-11\.xlsx", path.name), path.name
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers == [th.inner_text().strip() for th in block.locator("thead th").all()]
    assert ws["A2"].value == indicator and ws["F2"].value == status
    checked = 0
    for cell, text in zip(ws["B"][1:], shown, strict=True):
        if cell.number_format == '#,##0.0 "%"' and isinstance(cell.value, float):  # a rate: as on screen
            assert f"{cell.value:.1f}".replace(".", ",") + "\u00a0%" == text.replace(" %", "\u00a0%")
            checked += 1
    assert checked
    assert wb.worksheets[1]["B4"].value.startswith("Région : Île-de-France (11)")
    block.get_by_text("Fichier prêt").wait_for()
