"""The shell in a real browser: offline, no console error, language toggle, URL filters, keyboard."""

import re

import pytest

from tests.e2e.browser_tools import wait_for_page

pytestmark = pytest.mark.browser


def test_donnees_renders_offline_without_errors(page, live_server, artifacts):
    page.goto(live_server + "/donnees")
    wait_for_page(page, "Fraîcheur par source")
    page.get_by_text("mes_documents_2025.csv").first.wait_for()  # the AG Grid of source files
    assert page.title() == "Données — Ségur numérique"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("[aria-current=page]").inner_text() == "Données"
    assert page.get_by_text("Publié avec rejets").count() >= 1
    page.screenshot(path=artifacts / "donnees.png", full_page=True)


def test_language_toggle_switches_ui_and_url(page, live_server, artifacts):
    page.goto(live_server + "/donnees")
    wait_for_page(page, "Fraîcheur par source")
    page.get_by_text("EN", exact=True).click()
    wait_for_page(page, "Freshness by source")
    assert re.search(r"[?&]lang=en\b", page.url)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("textbox", name="Region", exact=True).count() == 1
    assert page.locator("[aria-current=page]").inner_text() == "Data"
    page.screenshot(path=artifacts / "donnees-en.png", full_page=True)
    page.go_back()  # back to French, without a reload
    wait_for_page(page, "Fraîcheur par source")
    assert "lang=en" not in page.url


def test_filters_live_in_the_url(page, live_server, artifacts):
    page.goto(live_server + "/")
    wait_for_page(page, "Vue d'ensemble")
    region = page.get_by_role("textbox", name="Région")
    region.click()
    region.fill("Occitanie")
    page.get_by_role("option", name="Occitanie").click()
    page.wait_for_url(re.compile(r"region=76"))
    dep = page.get_by_role("textbox", name="Département")
    dep.click()
    options = page.get_by_role("option")
    options.first.wait_for()
    assert options.count() == 13  # Occitanie's départements only
    page.get_by_role("option", name="31 Haute-Garonne").click()
    page.wait_for_url(re.compile(r"region=76&departement=31"))
    copied = page.url

    page.go_back()  # the previous view: région only
    page.wait_for_url(re.compile(r"region=76$"))
    page.wait_for_function("() => document.querySelector('#filter-departement')?.value === ''")

    fresh = page.context.new_page()  # a copied URL reproduces the view
    fresh.goto(copied)
    fresh.wait_for_function("() => document.querySelector('#filter-departement')?.value === '31 Haute-Garonne'")
    assert fresh.get_by_role("textbox", name="Région").input_value() == "Occitanie"
    fresh.close()


def test_bad_url_parameters_are_explained(page, live_server, artifacts):
    page.goto(live_server + "/?region=99&as_of=2025-13")
    wait_for_page(page, "Certains paramètres de l'adresse ont été ignorés")
    assert page.get_by_text("région inconnue « 99 »").count() == 1
    assert page.get_by_text("mois mal formé « 2025-13 »").count() == 1
    page.screenshot(path=artifacts / "bad-parameters.png", full_page=True)


def test_keyboard_reaches_skip_link_then_filters(page, live_server):
    page.goto(live_server + "/")
    wait_for_page(page, "Vue d'ensemble")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "skip-link"
    assert page.locator("#skip-link").is_visible()
    reached = []
    for _ in range(30):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
        if reached[-1] == "filter-vague":
            break
    for control in ("filter-as_of", "filter-region", "filter-departement", "filter-couloir", "filter-dispositif",
                    "filter-vague"):
        assert control in reached, reached
    assert reached.index("filter-as_of") < reached.index("filter-vague")


def test_skip_link_moves_focus_to_the_content(page, live_server):
    page.goto(live_server + "/donnees")
    wait_for_page(page, "Fraîcheur par source")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'contenu'")


def test_as_of_select_lists_published_months(page, live_server):
    page.goto(live_server + "/")
    wait_for_page(page, "Vue d'ensemble")
    page.get_by_role("textbox", name="Mois de référence").click()
    page.get_by_role("option", name="oct. 2025").click()
    page.wait_for_url(re.compile(r"as_of=2025-10"))


@pytest.mark.parametrize(("path", "text", "name"), [
    ("/", "Vue d'ensemble", "overview"),
    ("/donnees?lang=en", "Freshness by source", "donnees-en-direct"),
    ("/pas-une-page", "Page introuvable", "not-found"),
])
def test_screenshot_each_page(page, live_server, artifacts, path, text, name):
    page.goto(live_server + path)
    wait_for_page(page, text)
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)


def test_navigation_keeps_filters_without_reloading(page, live_server):
    page.goto(live_server + "/donnees?region=76")
    wait_for_page(page, "Fraîcheur par source")
    page.evaluate("window.__noReload = true")
    page.get_by_role("link", name="Vue d'ensemble").click()
    page.wait_for_url(re.compile(r"/\?region=76$"))
    wait_for_page(page, "Indicateurs par objectif")
    assert page.evaluate("window.__noReload") is True
    assert page.locator("[aria-current=page]").inner_text() == "Vue d'ensemble"
    assert page.get_by_role("textbox", name="Région").input_value() == "Occitanie"
