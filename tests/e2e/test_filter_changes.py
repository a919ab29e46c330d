"""A filter change in Chromium, made with the page's own controls: the heading, the tiles and a chart's data (its
plotted values and its folded data table) show the new filter's values (those of the engine), and back/forward
restore the previous filter."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dashboard.components.indicator_common import fmt_period, fmt_value
from dashboard.format import fmt_month
from dashboard.warehouse import Warehouse
from indicators.compute import Engine, parse_month
from indicators.query import ViewFilters
from tests.dashboard.test_overview import DEMO_TODAY, demo_settings
from tests.e2e.browser_tools import serve_app, wait_for_page

pytestmark = pytest.mark.browser
ACTUAL = """() => {
    const plot = document.querySelector('#indicateur-chart .js-plotly-plot');
    const trace = plot && plot.data && plot.data.find(t => t.meta === 'actual');
    return trace ? trace.y : null;
}"""
SETTLED = "() => !document.querySelector('[data-dash-is-loading=\"true\"]')"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    settings = demo_settings(tmp_path_factory)
    engine = Engine(settings.warehouse, today=date.fromisoformat(DEMO_TODAY))
    engine.months = Warehouse(settings.warehouse).months()  # newest first
    with serve_app(settings.data_dir, DEMO_TODAY, ready_path="/donnees") as base:
        yield base, engine


@pytest.fixture()
def live_server(demo):
    return demo[0]


@pytest.fixture(autouse=True)
def patient_page(page):
    page.set_default_timeout(90_000)
    return page


def choose(page, label: str, option: str) -> None:
    page.get_by_role("textbox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def tile_value(page, ind_id: str) -> str:
    return page.locator(f".indicator-tile[data-indicator='{ind_id}'] .tile-value").inner_text()


def expected_tile(engine, ind_id: str, as_of=None, **filters) -> str:
    r = engine.compute(ind_id, as_of, ViewFilters(**filters), with_forecast=False)
    return fmt_value(r.current.value, r.indicator.unit, "fr")


def wait_for_tile(page, ind_id: str, text: str) -> None:
    page.wait_for_function("([id, text]) => { const t = document.querySelector(`.indicator-tile[data-indicator='${id}']"
                           " .tile-value`); return t && t.innerText === text; }", arg=[ind_id, text])
    page.wait_for_function(SETTLED)


def test_overview_region_and_month_change(page, demo):
    base, engine = demo
    page.goto(base + "/")
    page.locator(".indicator-tile").first.wait_for()
    wait_for_page(page, "Alertes")
    assert tile_value(page, "CIT-01") == expected_tile(engine, "CIT-01")

    choose(page, "Région", "Bretagne")
    page.wait_for_url(re.compile(r"/\?region=53$"))
    breton = expected_tile(engine, "CIT-01", region="53")
    wait_for_tile(page, "CIT-01", breton)
    assert "Bretagne" in page.locator(".page-lead").inner_text()

    month = engine.months[4]
    choose(page, "Mois de référence", fmt_month(month, "fr"))
    page.wait_for_url(re.compile(rf"/\?as_of={month}&region=53$"))
    in_month = expected_tile(engine, "CIT-01", parse_month(month), region="53")
    wait_for_tile(page, "CIT-01", in_month)
    assert fmt_month(month, "fr") in page.locator(".page-lead").inner_text()

    page.go_back()  # the previous filter, as it was
    page.wait_for_url(re.compile(r"/\?region=53$"))
    wait_for_tile(page, "CIT-01", breton)
    assert fmt_month(month, "fr") not in page.locator(".page-lead").inner_text()
    page.go_back()
    page.wait_for_url(re.compile(r"/$"))
    wait_for_tile(page, "CIT-01", expected_tile(engine, "CIT-01"))
    assert page.get_by_role("textbox", name="Région", exact=True).input_value() == ""
    page.go_forward()
    page.wait_for_url(re.compile(r"/\?region=53$"))
    wait_for_tile(page, "CIT-01", breton)
    assert page.get_by_role("textbox", name="Région", exact=True).input_value() == "Bretagne"


def _series(engine, as_of=None, **filters):
    return engine.compute("CIT-01", as_of, ViewFilters(**filters), with_forecast=False)


def wait_for_series(page, result) -> None:
    values = [p.value for p in result.series]
    # the chart plots large numbers in thousands or millions (its axis says which): same values, one scale
    page.wait_for_function(f"""(want) => {{ const y = ({ACTUAL})();
        if (!y || y.length !== want.length) return false;
        const last = want.length - 1, k = want[last] / y[last];
        if (![1, 1e3, 1e6, 1e9].some(s => Math.abs(k - s) <= 1e-6 * s)) return false;
        return y.every((v, i) => (v === null) === (want[i] === null) &&
                                 (v === null || Math.abs(v * k - want[i]) <= 1e-6 * Math.max(1, Math.abs(want[i])))); }}""",
                           arg=values)
    page.wait_for_function(SETTLED)
    rows = "#indicateur-series .chart-data tbody tr"
    page.wait_for_function("([sel, n, last]) => { const r = document.querySelectorAll(sel); return r.length === n &&"
                           " r[n - 1].cells[0].textContent === last; }",
                           arg=[rows, len(result.series), fmt_period(result.series[-1].period, result.grain, "fr")])


def test_indicator_page_region_and_month_change(page, demo):
    base, engine = demo
    page.goto(base + "/indicateurs/CIT-01")
    wait_for_page(page, "Expliquer ce chiffre")
    wait_for_series(page, _series(engine))
    choose(page, "Région", "Bretagne")
    page.wait_for_url(re.compile(r"/indicateurs/CIT-01\?region=53$"))
    wait_for_series(page, _series(engine, region="53"))
    assert "Bretagne" in page.locator(".page-context").inner_text()

    month = engine.months[6]
    choose(page, "Mois de référence", fmt_month(month, "fr"))
    page.wait_for_url(re.compile(rf"\?as_of={month}&region=53$"))
    wait_for_series(page, _series(engine, parse_month(month), region="53"))
    assert fmt_month(month, "fr") in page.locator(".page-context").inner_text()
    page.go_back()
    page.wait_for_url(re.compile(r"/indicateurs/CIT-01\?region=53$"))
    wait_for_series(page, _series(engine, region="53"))
