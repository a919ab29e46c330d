"""The English screens an auditor meets, in Chromium: no French load description, no "Weather", no
« Région of the fiche »."""

from __future__ import annotations

import pytest

from tests.e2e.browser_tools import wait_for_page

pytestmark = pytest.mark.browser


def test_donnees_says_what_was_detected_in_english(page, live_server):
    page.goto(live_server + "/donnees?lang=en")
    wait_for_page(page, "Freshness by source")
    cell = page.get_by_text("CSV; encoding utf-8; separator ';'", exact=False).first
    cell.wait_for()
    assert "header on line 1" in cell.inner_text()
    assert page.get_by_text("encodage", exact=False).count() == 0


def test_meteo_and_pack_region_in_english(page, live_server):
    page.goto(live_server + "/indicateurs/USE-01?lang=en")
    wait_for_page(page, "Météo (manual status):")
    assert page.get_by_text("Weather", exact=False).count() == 0
    page.goto(live_server + "/comite?lang=en")
    wait_for_page(page, "Steering committee")
    assert page.get_by_role("textbox", name="Région for the regional fact sheet").count() == 1
