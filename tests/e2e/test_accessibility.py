"""Accessibility in Chromium: axe-core finds no WCAG 2.1 A/AA violation on any page, nor on the open freeze
dialog and export menu; nor does it break the best practices kept (axe_tools.BEST_PRACTICES: one footer
landmark, headings that do not skip a level, content inside landmarks)."""

from __future__ import annotations

import pytest

from tests.e2e.axe_tools import axe_violations, describe, require_axe
from tests.e2e.browser_tools import wait_for_page

pytestmark = pytest.mark.browser

PAGES = [
    ("/", "Vue d'ensemble"),
    ("/indicateurs", "Indicateurs"),
    ("/indicateurs/USE-01", "Expliquer ce chiffre"),
    ("/budget", "Taux d'engagement"),
    ("/territoires", "Territoires"),
    ("/territoires/11", "Île-de-France"),
    ("/deploiement", "Déploiement"),
    ("/donnees", "Fraîcheur par source"),
    ("/comite", "Comité de suivi"),
    ("/decisions", "Décisions"),
    ("/?lang=en", "Overview"),
]


@pytest.fixture(autouse=True)
def _axe_installed():
    require_axe()


@pytest.mark.parametrize("path,ready", PAGES, ids=[p for p, _ in PAGES])
def test_no_wcag_violation_on_the_page(page, live_server, path, ready):
    page.goto(live_server + path)
    wait_for_page(page, ready)
    violations = axe_violations(page)
    assert violations == [], f"{path}:\n{describe(violations)}"


def test_no_violation_in_the_open_freeze_dialog(page, live_server):
    page.goto(live_server + "/comite")
    wait_for_page(page, "Comité de suivi")
    page.get_by_role("button", name="Figer pour le comité").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert dialog.get_by_role("button", name="Fermer").count() == 1  # the × had no accessible name
    box, width = dialog.bounding_box(), page.viewport_size["width"]
    assert abs(box["x"] + box["width"] / 2 - width / 2) < 20, box  # centred, though rendered in its landmark
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_no_violation_in_the_open_export_menu(page, live_server):
    page.goto(live_server + "/budget")
    wait_for_page(page, "Taux d'engagement")
    menu = page.locator(".export-menu").first
    menu.locator("summary").click()
    menu.get_by_role("button").first.wait_for()
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_export_menu_closes_with_escape_and_focus_returns_to_its_button(page, live_server):
    page.goto(live_server + "/budget")
    wait_for_page(page, "Taux d'engagement")
    menu = page.locator("details.export-menu").first
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("m => m.open", arg=menu.element_handle())
    page.keyboard.press("Tab")  # into the menu: its first format
    assert page.evaluate("() => document.activeElement.classList.contains('export-item')")
    page.keyboard.press("Escape")
    page.wait_for_function("m => !m.open", arg=menu.element_handle())
    assert page.evaluate("() => document.activeElement.matches('details.export-menu > summary')")
    assert menu.locator("summary").evaluate("s => s === document.activeElement")


def test_no_violation_on_the_sign_in_page(anonymous_page, live_server):
    anonymous_page.goto(live_server + "/auth/login")
    anonymous_page.get_by_role("heading", level=1).wait_for()
    violations = axe_violations(anonymous_page)
    assert violations == [], describe(violations)
