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
