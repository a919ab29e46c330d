"""An ARS person in Chromium: their région's overview and map only, and a forged URL refused.

The lecteur's missing write controls are checked in tests/e2e/test_access.py (sign-in pages)."""

from __future__ import annotations

import pytest

from tests.e2e.browser_tools import wait_for_page

pytestmark = pytest.mark.browser

OTHERS = ("Île-de-France", "Guadeloupe", "Corse", "Hauts-de-France", "Paris", "Bouches-du-Rhône")


def test_a_regional_person_sees_their_region_and_nothing_of_another(page_as, live_server, artifacts):
    pg = page_as("ars.occitanie", ["lecteur", "contributeur"], ["76"])
    pg.goto(live_server + "/")
    wait_for_page(pg, "Occitanie")
    # the région filter is filled by a callback after the page's text: wait for it (condition, not time)
    pg.wait_for_function("() => location.search.includes('region=76') || "
                         "(document.querySelector('.filter-region input') || {}).value === 'Occitanie'",
                         timeout=60_000)
    shown = pg.locator("body").inner_text()
    assert [name for name in OTHERS if name in shown] == []
    pg.screenshot(path=str(artifacts / "regional-overview.png"), full_page=True)

    pg.goto(live_server + "/territoires")
    pg.locator("#territoires-carte .shapelayer path").first.wait_for()
    # their région's 13 départements only (the national map has 101 tiles, the régions' 18)
    assert pg.locator("#territoires-carte .shapelayer path").count() == 13
    tiles = pg.locator("#territoires-carte .scatterlayer").text_content()
    assert "31" in tiles and "75" not in tiles and "971" not in tiles and "2A" not in tiles
    assert [name for name in OTHERS if name in pg.content()] == []
    pg.screenshot(path=str(artifacts / "regional-territoires.png"), full_page=True)

    pg.goto(live_server + "/?region=11")
    pg.get_by_text("Accès non autorisé à cette région").wait_for()
    assert "Île-de-France" not in pg.content()
