"""Budget and Déploiement in a real browser over a small demo warehouse: offline, no console error,
filters and page selectors change the figures and the URL; screenshots at 1366×768 in test-artifacts/."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from etl.demo import generate
from etl.load import load
from settings import load_settings
from tests.e2e.browser_tools import serve_app, wait_for_page

pytestmark = pytest.mark.browser

TODAY = "2026-11-28"
VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """Overrides the shared server: the app over a demo warehouse (scale 0.02) that has budget and deployments."""
    base_dir = tmp_path_factory.mktemp("budget-live")
    raw = base_dir / "raw"
    settings = load_settings({"SEGUR_DATA_DIR": str(base_dir / "data"), "SEGUR_TODAY": TODAY})
    report = load(generate(raw, scale=0.02, seed=42, today=date.fromisoformat(TODAY)), settings)
    assert report.ok, report.to_text()
    with serve_app(settings.data_dir, TODAY) as base:
        yield base


def kpi_value(page, label: str) -> str:
    tile = page.locator(".kpi-tile", has=page.get_by_role("heading", name=label, exact=True))
    return tile.locator(".kpi-value").inner_text()


def wait_until_changed(page, label: str, before: str) -> str:
    page.wait_for_function(
        """([label, before]) => [...document.querySelectorAll('.kpi-tile')].some(t =>
               t.querySelector('.kpi-label').innerText.trim() === label &&
               t.querySelector('.kpi-value').innerText.trim() !== before)""", arg=[label, before])
    return kpi_value(page, label)


def choose(page, filter_label: str, option: str) -> None:
    box = page.get_by_role("textbox", name=filter_label, exact=True)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()


def test_budget_renders_offline_without_errors(page, live_server, artifacts):
    page.set_viewport_size(VIEWPORT)
    page.goto(live_server + "/budget")
    wait_for_page(page, "Montant à risque par dispositif")
    assert page.title() == "Budget — Ségur numérique"
    assert page.locator("[aria-current=page]").inner_text() == "Budget"
    assert page.locator("#budget-kpis .kpi-tile").count() == 8
    # consumption, risk by région and dispositif, lag: Plotly draws them after the text is in (auto-waiting)
    expect(page.locator(".js-plotly-plot")).to_have_count(4)
    page.locator("#budget-grid .ag-row").first.wait_for()
    page.locator("#budget-beneficiaries-grid .ag-row").first.wait_for()
    assert "M€" in kpi_value(page, "Engagé")
    page.screenshot(path=artifacts / "budget-1366.png")
    page.screenshot(path=artifacts / "budget-1366-full.png", full_page=True)
    page.get_by_text("Voir les 10 source(s) des enveloppes").click()
    page.get_by_text("CNSA — ESMS numérique").first.wait_for()


def test_budget_filter_and_grouping_change_figures_and_url(page, live_server, artifacts):
    page.set_viewport_size(VIEWPORT)
    page.goto(live_server + "/budget")
    wait_for_page(page, "Montant à risque par dispositif")
    before = kpi_value(page, "Engagé")
    choose(page, "Région", "Occitanie")
    page.wait_for_url(re.compile(r"/budget\?region=76$"))
    after = wait_until_changed(page, "Engagé", before)
    assert after != before
    assert page.get_by_text("qu'aux enveloppes entièrement territorialisées").count() == 1

    page.locator("#budget-by").get_by_role("link", name="Année").click()
    page.wait_for_url(re.compile(r"region=76&by=dispositif(%2C|,)year$"))
    page.locator("#budget-grid .ag-header-cell-text", has_text="Année").wait_for()
    assert page.locator("#budget-by [aria-current=true]").count() == 2
    page.screenshot(path=artifacts / "budget-occitanie-by-year.png", full_page=True)
    page.go_back()
    page.wait_for_url(re.compile(r"/budget\?region=76$"))
    page.wait_for_function("() => document.querySelectorAll('#budget-by [aria-current=true]').length === 1")


def test_budget_in_english(page, live_server, artifacts):
    page.set_viewport_size(VIEWPORT)
    page.goto(live_server + "/budget?lang=en")
    wait_for_page(page, "Money at risk by scheme")
    assert page.locator("html").get_attribute("lang") == "en"
    assert kpi_value(page, "Committed").startswith("€")
    page.screenshot(path=artifacts / "budget-en-1366.png")


def test_deploiement_renders_offline_without_errors(page, live_server, artifacts):
    page.set_viewport_size(VIEWPORT)
    page.goto(live_server + "/deploiement")
    wait_for_page(page, "Commandes dans le temps")
    assert page.title() == "Déploiement — Ségur numérique"
    assert page.locator("#deploiement-kpis .kpi-tile").count() == 7
    expect(page.locator(".js-plotly-plot")).to_have_count(2)  # funnel, orders per month
    page.locator("#deploiement-editeurs-grid .ag-row").first.wait_for()
    assert page.locator("#deploiement-funnel-grid").get_by_text("non mesuré").count() >= 1
    page.screenshot(path=artifacts / "deploiement-1366.png")
    page.screenshot(path=artifacts / "deploiement-1366-full.png", full_page=True)


def test_deploiement_segment_and_filter_change_figures_and_url(page, live_server, artifacts):
    page.set_viewport_size(VIEWPORT)
    page.goto(live_server + "/deploiement")
    wait_for_page(page, "Entonnoir : Tous couloirs et vagues")
    page.locator("#deploiement-segments").get_by_role("link", name="Hôpital · Vague 2").click()
    page.wait_for_url(re.compile(r"/deploiement\?segment=hopital-2$"))
    wait_for_page(page, "Entonnoir : Hôpital · Vague 2")
    page.locator("#deploiement-funnel-graph").get_by_text("En usage").wait_for()  # measured for hospitals

    before = kpi_value(page, "Sites commandés")
    choose(page, "Couloir", "Hôpital")
    page.wait_for_url(re.compile(r"segment=hopital-2&couloir=hopital$|couloir=hopital&segment=hopital-2$"))
    assert wait_until_changed(page, "Sites commandés", before) != before
    wait_for_page(page, "Entonnoir : Hôpital · Vague 2")  # the segment is still in this view
    page.screenshot(path=artifacts / "deploiement-hopital-v2.png", full_page=True)
