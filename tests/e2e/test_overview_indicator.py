"""Vue d'ensemble and Indicateur in Chromium, over a small demo warehouse: offline, no console error,
tiles link to indicator pages keeping the filters, the région filter redraws the chart, the
explanation opens with the keyboard. Screenshots at projector sizes go to test-artifacts/."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.dashboard.render import ROUTER_OUTPUT
from tests.dashboard.test_overview import DEMO_TODAY, demo_settings
from tests.e2e.browser_tools import serve_app, wait_for_page

pytestmark = pytest.mark.browser
SIZES = {"1366": (1366, 768), "1920": (1920, 1080)}
ACTUAL_Y = """() => {
    const plot = document.querySelector('#indicateur-chart .js-plotly-plot');
    const trace = plot && plot.data && plot.data.find(t => t.meta === 'actual');
    return trace ? JSON.stringify(trace.y) : null;
}"""


WARM = (("/", ""), ("/", "?region=76&couloir=biologie"), ("/indicateurs/USE-02", "?region=76&couloir=biologie"),
        ("/indicateurs/CIT-01", ""), ("/indicateurs/CIT-01", "?region=53"), ("/indicateurs/USE-01", ""))


def _render(base: str, pathname: str, search: str) -> None:
    """Ask the server for a page as Dash's router does (the layout is computed on this request)."""
    payload = {
        "output": ROUTER_OUTPUT,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname", "_pages_location.search"], "state": [],
    }
    request = urllib.request.Request(base + "/_dash-update-component", data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json", "Cookie": base.cookie},
                                     method="POST")
    with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310 - local server
        assert response.status == 200


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """`python app.py` over the demo warehouse (overrides the tiny one of conftest for this module)."""
    settings = demo_settings(tmp_path_factory)
    with serve_app(settings.data_dir, DEMO_TODAY, ready_path="/donnees") as base:
        for path, search in WARM:  # compute the views once: a busy machine then only has to draw them
            _render(base, path, search)
        yield base


@pytest.fixture(autouse=True)
def patient_page(page):
    """A first computation of a view on a busy CI machine can take a while: wait longer than the default."""
    page.set_default_timeout(60_000)
    return page


def open_overview(page, base: str, search: str = "") -> None:
    page.goto(base + "/" + search, timeout=60_000)
    page.locator(".indicator-tile").first.wait_for(timeout=60_000)
    wait_for_page(page, "Alertes")


@pytest.mark.parametrize("size", SIZES)
def test_overview_renders_offline_without_errors(page, live_server, artifacts, size):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    open_overview(page, live_server)
    assert page.title() == "Ségur numérique — pilotage"
    assert page.locator(".indicator-tile").count() >= 20
    assert page.locator(".objective-card").count() >= 6
    page.locator("img.tile-spark").nth(19).wait_for()  # trends as small SVG images, with their words
    assert page.locator("img.tile-spark").first.get_attribute("alt").startswith("Évolution sur")
    assert page.get_by_text("Indicateurs en retard").count() == 1
    page.screenshot(path=artifacts / f"overview-{size}.png")
    page.screenshot(path=artifacts / f"overview-{size}-full.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the overview scrolls sideways"


def test_tile_opens_its_indicator_page_keeping_filters(page, live_server, artifacts):
    open_overview(page, live_server, "?region=76&couloir=biologie")
    page.evaluate("window.__noReload = true")
    page.locator(".indicator-tile[data-indicator='USE-02'] a.tile-link").click()
    page.wait_for_url(re.compile(r"/indicateurs/USE-02\?region=76&couloir=biologie$"))
    wait_for_page(page, "Expliquer ce chiffre")
    assert page.evaluate("window.__noReload") is True  # client-side navigation
    assert page.get_by_role("textbox", name="Région").input_value() == "Occitanie"
    assert page.locator("h1").inner_text().startswith("Documents par couloir")


def test_region_filter_changes_the_chart_and_the_url(page, live_server, artifacts):
    page.goto(live_server + "/indicateurs/CIT-01", timeout=60_000)
    wait_for_page(page, "Expliquer ce chiffre")
    page.wait_for_function(ACTUAL_Y)
    national = page.evaluate(ACTUAL_Y)
    region = page.get_by_role("textbox", name="Région")
    region.click()
    region.fill("Bretagne")
    page.get_by_role("option", name="Bretagne").click()
    page.wait_for_url(re.compile(r"/indicateurs/CIT-01\?region=53$"))
    page.wait_for_function(f"() => ({ACTUAL_Y})() !== null && ({ACTUAL_Y})() !== {national!r}", timeout=30_000)
    wait_for_page(page, "Par département")
    assert page.get_by_text("Valeur nationale").count() >= 1


@pytest.mark.parametrize("size", SIZES)
def test_explain_panel_opens_with_the_keyboard(page, live_server, artifacts, size):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    page.goto(live_server + "/indicateurs/USE-01", timeout=60_000)
    wait_for_page(page, "Expliquer ce chiffre")
    page.wait_for_function(ACTUAL_Y)
    page.screenshot(path=artifacts / f"indicator-{size}.png")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('explain-summary')"):
            break
    else:
        pytest.fail("the 'Expliquer ce chiffre' summary is not reachable with Tab")
    assert page.locator("#indicateur-explain").get_attribute("open") is None
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#indicateur-explain').open")
    assert page.locator("pre.sql").first.is_visible()
    assert "FROM fact_documents" in page.locator("pre.sql").first.inner_text()
    page.screenshot(path=artifacts / f"indicator-{size}-full.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the indicator page scrolls sideways"


def test_grain_and_breakdown_choices_write_the_url(page, live_server):
    page.goto(live_server + "/indicateurs/CIT-01", timeout=60_000)
    wait_for_page(page, "Expliquer ce chiffre")
    page.locator("#indicateur-grain").get_by_role("link", name="Trimestre").click()
    page.wait_for_url(re.compile(r"grain=quarter"))
    # click the link of the re-rendered page (its href already carries grain=quarter), not a stale one
    page.locator('#indicateur-by a[href*="grain=quarter"]', has_text="Département").click()
    page.wait_for_url(re.compile(r"grain=quarter&by=departement"))
    wait_for_page(page, "Par département")
    page.go_back()
    page.wait_for_url(re.compile(r"by=region"))
    wait_for_page(page, "Par région")


def test_unknown_indicator_in_the_browser(page, live_server):
    page.goto(live_server + "/indicateurs/ABC-12", timeout=60_000)
    wait_for_page(page, "Indicateur inconnu")
    assert page.locator(".indicator-index li").count() >= 20
