"""Territoires and the fiche territoriale in a real browser: offline, no console error, URL-driven selectors."""

import re

import pytest

from tests.e2e.browser_tools import wait_for_page

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1366, "height": 768}
MAP_TEXT = "#territoires-carte .scatterlayer"


def open_map(page, url: str, heading: str) -> None:
    page.set_viewport_size(VIEWPORT)
    page.goto(url)
    wait_for_page(page, heading)
    page.locator("#territoires-carte .shapelayer path").first.wait_for()


def test_map_page_renders_offline(page, live_server, artifacts):
    open_map(page, live_server + "/territoires", "Statut par région")
    assert page.title() == "Territoires — Ségur numérique"
    assert page.locator("[aria-current=page]").inner_text() == "Territoires"
    assert page.locator("#territoires-carte .shapelayer path").count() == 18  # one tile per région
    tiles = page.locator(MAP_TEXT).text_content()
    for abbr in ("GUA", "MTQ", "GUF", "RÉU", "MAY", "IDF", "OCC", "COR"):
        assert abbr in tiles
    page.get_by_text("Dispersion entre territoires").wait_for()
    page.locator("#territoires-classement .ag-row").first.wait_for()
    page.screenshot(path=artifacts / "territoires.png", full_page=True)


def test_departement_map_of_a_region(page, live_server, artifacts):
    open_map(page, live_server + "/territoires?region=76&mesure=valeur", "Valeur par département")
    assert page.locator("#territoires-carte .shapelayer path").count() == 101
    assert "971" in page.locator(MAP_TEXT).text_content()
    page.get_by_text("Départements de la région Occitanie").wait_for()
    page.screenshot(path=artifacts / "territoires-occitanie.png", full_page=True)


def test_indicator_selector_changes_the_map_and_the_url(page, live_server):
    open_map(page, live_server + "/territoires?mesure=valeur", "Valeur par région")
    before = page.locator(MAP_TEXT).text_content()
    page.get_by_role("textbox", name="Indicateur").click()
    page.get_by_role("option", name=re.compile(r"^USE-01 ")).click()
    page.wait_for_url(re.compile(r"[?&]indicateur=USE-01\b"))
    assert "mesure=valeur" in page.url  # the other parameters stay
    page.get_by_text("Documents envoyés à Mon espace santé (12 mois glissants) — ensemble de la vue").wait_for()
    page.wait_for_function(f"() => document.querySelector('{MAP_TEXT}')?.textContent !== {before!r}")
    assert page.locator(MAP_TEXT).text_content() != before
    page.get_by_text("Départements", exact=True).click()  # the level selector writes the URL too
    page.wait_for_url(re.compile(r"[?&]niveau=departement\b"))
    wait_for_page(page, "Valeur par département")


def test_ranking_row_link_opens_the_fiche(page, live_server, artifacts):
    open_map(page, live_server + "/territoires", "Statut par région")
    page.locator("#territoires-classement").get_by_role("link", name="Occitanie", exact=True).click()
    page.wait_for_url(re.compile(r"/territoires/76\?region=76$"))
    wait_for_page(page, "Fiche territoriale — Occitanie")
    page.get_by_text("Indicateurs de la région").first.wait_for()
    assert page.title() == "Fiche territoriale Occitanie — Ségur numérique"
    assert page.locator("#fiche-indicateurs a[href^='/indicateurs/CIT-02']").count() == 1
    page.screenshot(path=artifacts / "fiche-territoriale.png", full_page=True)
    page.get_by_role("link", name="Carte nationale").click()
    page.wait_for_url(re.compile(r"/territoires$"))
    wait_for_page(page, "Statut par région")


def test_unknown_region_is_explained(page, live_server):
    page.set_viewport_size(VIEWPORT)
    page.goto(live_server + "/territoires/99")
    wait_for_page(page, "Région inconnue")
    assert page.get_by_text("Codes valides : 01 Guadeloupe", exact=False).count() == 1
