"""Vue d'ensemble, in process: real values from a small demo warehouse, alerts on constructed cases."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from dashboard import create_app
from dashboard.components.indicator_common import fmt_value
from dashboard.components.overview_alerts import collect_alerts
from dashboard.components.overview_budget import budget_figures
from dashboard.components.overview_data import (
    BudgetTotals,
    OverviewData,
    TerritoryGap,
    behind,
    build_overview,
    gap_level,
)
from dashboard.format import fmt_percent
from dashboard.i18n import t
from etl.demo import generate
from etl.load import load
from indicators.compute import Engine
from indicators.query import ViewFilters
from settings import load_settings
from tests.dashboard.render import render

DEMO_TODAY = "2026-11-28"
_DEMO: dict = {}


def demo_settings(tmp_path_factory):
    """Settings of a demo warehouse at scale 0.05, generated and loaded once per test process."""
    if "settings" not in _DEMO:
        base = tmp_path_factory.mktemp("demo-wh")
        files = generate(base / "raw", scale=0.05, today=date.fromisoformat(DEMO_TODAY))
        settings = load_settings({"SEGUR_DATA_DIR": str(base / "data"), "SEGUR_TODAY": DEMO_TODAY})
        report = load(files, settings)
        assert report.status == "published", report.to_text()
        _DEMO["settings"] = settings
    return _DEMO["settings"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    settings = demo_settings(tmp_path_factory)
    app = create_app(settings)
    engine = Engine(settings.warehouse, today=date.fromisoformat(DEMO_TODAY))
    return SimpleNamespace(settings=settings, app=app, client=app.server.test_client(), engine=engine)


def page_text_of(rendered) -> str:
    from tests.dashboard.render import page_text

    return page_text(rendered)


def find_all(node, predicate) -> list[dict]:
    """Every component (as JSON) of a rendered layout that satisfies `predicate(props)`."""
    found = []
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and predicate(props):
            found.append(node)
        for value in node.values():
            found += find_all(value, predicate)
    elif isinstance(node, list):
        for value in node:
            found += find_all(value, predicate)
    return found


def text_of(rendered, attr: str, value: str, class_name: str) -> str:
    """The text of the first component with `attr`=`value` and the CSS class `class_name`."""
    nodes = find_all(rendered, lambda p: p.get(attr) == value and class_name in str(p.get("className", "")).split())
    assert nodes, f"no .{class_name} with {attr}={value!r}"
    return page_text_of({"_pages_content": {"children": nodes[0]}})


# -- the page over real data ------------------------------------------------------------------------


def test_tiles_show_the_engine_values_formatted(demo):
    rendered = render(demo.client, "/")
    for ind_id in ("USE-01", "CIT-01", "BUD-05", "DEP-02", "BUD-03"):
        r = demo.engine.compute(ind_id, with_forecast=False)
        tile = text_of(rendered, "data-indicator", ind_id, "indicator-tile")
        assert fmt_value(r.current.value, r.indicator.unit, "fr") in tile, ind_id
        assert t(f"status.{r.status}", "fr") in tile, ind_id
        assert t("tile.target_now", "fr", target=fmt_value(r.current.target, r.indicator.unit, "fr")) in tile
        assert ("En retard · attendue le" if r.freshness.stale else "À jour · prochaine le") in tile


def test_tile_trend_is_a_small_svg_image_with_words(demo):
    """The tile's trend is an image travelling with the page (no Plotly graph per tile), its last point the engine's
    last value, and its alternative text says what it shows."""
    from urllib.parse import unquote

    from dashboard.figures.sparkline import sparkline_values

    rendered = render(demo.client, "/")
    [tile] = find_all(rendered, lambda p: p.get("data-indicator") == "CIT-01" and "indicator-tile" in p["className"])
    assert not find_all(tile, lambda p: "figure" in p), "a tile draws no Plotly graph"
    [img] = find_all(tile, lambda p: p.get("className") == "tile-spark")
    assert img["type"] == "Img" and img["props"]["src"].startswith("data:image/svg+xml")
    svg = unquote(img["props"]["src"].split(",", 1)[1])
    points = sparkline_values(demo.engine.compute("CIT-01", with_forecast=False).series)
    polyline = svg.split('points="')[1].split('"')[0].split()
    assert len(polyline) == len(points) >= 2
    assert img["props"]["alt"].startswith(f"Évolution sur {len(points)} périodes")
    assert fmt_value(points[-1][1], "profils", "fr") in img["props"]["alt"]


def test_objective_cards_show_the_rollup(demo):
    from indicators.rollup import rollup

    rendered = render(demo.client, "/")
    results = {i.id: demo.engine.compute(i.id, with_forecast=False) for i in demo.engine.catalogue.indicators}
    for obj in rollup(demo.engine.catalogue, results):
        card = text_of(rendered, "data-objective", obj.id, "objective-card")
        assert obj.label_fr in card
        assert fmt_percent(obj.progress, "fr", decimals=0) in card
        assert t(f"status.{obj.status}", "fr") in card


def test_budget_strip_agrees_with_the_indicators(demo):
    from indicators.budget import budget_frame

    rendered = render(demo.client, "/")
    text = page_text_of(rendered)
    as_of = demo.engine.latest_month()
    frame = budget_frame(demo.engine.db, as_of)
    assert fmt_value(frame["committed_eur"].sum(), "EUR", "fr") in text
    assert fmt_value(frame["paid_eur"].sum(), "EUR", "fr") in text
    bud01 = demo.engine.compute("BUD-01", with_forecast=False).current.value
    bud04 = demo.engine.compute("BUD-04", with_forecast=False).current.value
    assert t("budget_strip.of_envelope", "fr", pct=fmt_percent(bud01 / 100, "fr")) in text
    assert fmt_value(bud04, "EUR", "fr") in text


def test_tiles_link_to_their_page_keeping_the_filters(demo):
    rendered = render(demo.client, "/", "?region=76&as_of=2026-06")
    hrefs = {n["props"]["href"] for n in find_all(rendered, lambda p: "tile-link" in str(p.get("className")))}
    assert "/indicateurs/USE-01?as_of=2026-06&region=76" in hrefs
    assert len(hrefs) == len(demo.engine.catalogue.indicators)
    assert "Situation à fin juin 2026 · Occitanie" in page_text_of(rendered)


def test_a_filter_the_indicator_cannot_honour_says_so(demo):
    rendered = render(demo.client, "/", "?region=76&departement=31")
    tile = text_of(rendered, "data-indicator", "BUD-01", "indicator-tile")
    assert "Non disponible pour ce filtre" in tile
    assert "L'indicateur n'est pas décliné par région." in tile
    usable = text_of(rendered, "data-indicator", "USE-01", "indicator-tile")
    r = demo.engine.compute("USE-01", filters=ViewFilters(region="76", departement="31"), with_forecast=False)
    assert fmt_value(r.current.value, "documents", "fr") in usable


def test_alerts_list_the_territories_behind(demo):
    rendered = render(demo.client, "/")
    data = build_overview(demo.engine, None, ViewFilters())
    wide = demo.engine.compute("USE-01", breakdown="region", with_forecast=False)
    expected = sorted(r.key for r in wide.breakdown if r.gap_points is not None and r.gap_points < -10)
    assert sorted(g.key for g in data.gaps.get("USE-01", [])) == expected
    items = find_all(rendered, lambda p: p.get("data-kind") == "territory")
    assert {i["props"]["data-indicator"] for i in items} == set(data.gaps)
    off = {i["props"]["data-indicator"] for i in find_all(rendered, lambda p: p.get("data-kind") == "off_track")}
    assert off == {i for i, r in data.results.items() if r is not None and r.status == "off_track"}


def test_region_view_compares_its_departements(demo):
    data = build_overview(demo.engine, None, ViewFilters(region="76"))
    assert data.gap_level == "departement"
    deps = {g.key for gaps in data.gaps.values() for g in gaps}
    assert deps and all(d in {"09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"}
                        for d in deps)


def test_overview_in_english(demo):
    text = page_text_of(render(demo.client, "/", "?lang=en"))
    for expected in ("Objectives", "Alerts", "Indicators by objective", "Envelope opened", "All of France"):
        assert expected in text, expected
    assert "Objectifs" not in text


def test_overview_over_a_tiny_warehouse_has_no_error(client, render_page):
    _, text = render_page(client, "/")
    assert "Cette page n'a pas pu être affichée" not in text
    assert "Vue d'ensemble" in text and "Alertes" in text


# -- alerts on constructed cases --------------------------------------------------------------------


def _result(status="on_track", stale=False, milestones=(), gap=None, value=10.0):
    ind = SimpleNamespace(unit="count", label=SimpleNamespace(fr="Test", en="Test"))
    return SimpleNamespace(
        indicator=ind, status=status, reason_fr="raison", reason_en="reason", gap_points=gap,
        freshness=SimpleNamespace(stale=stale, expected_next=date(2026, 1, 20), last_period=date(2025, 11, 1)),
        milestones=list(milestones), current=SimpleNamespace(value=value), label=lambda lang: "Test")


def _milestone(state):
    return SimpleNamespace(date=date(2026, 12, 31), value=100.0, label_fr="J", label_en="M", state=state, actual=None)


def _data(results, unavailable=(), gaps=None, view_gap=None, level="region"):
    avail = {i: SimpleNamespace(available=i not in unavailable) for i in results}
    return OverviewData(date(2025, 11, 1), results, avail, [], level, gaps or {}, view_gap or {})


def test_alerts_on_constructed_cases():
    results = {
        "A-01": _result("off_track"),
        "B-01": _result("on_track", stale=True),
        "C-01": _result("watch", milestones=[_milestone("due_soon"), _milestone("upcoming"), _milestone("missed")]),
        "D-01": _result("on_track"),
        "E-01": _result("off_track", stale=True),  # not available for the view: no alert at all
    }
    gaps = {"D-01": [TerritoryGap("06", -40.0), TerritoryGap("03", -12.5)]}
    alerts = collect_alerts(_data(results, unavailable={"E-01"}, gaps=gaps))
    assert [(a.kind, a.indicator_id) for a in alerts] == [
        ("off_track", "A-01"), ("territory", "D-01"), ("stale", "B-01"), ("milestone", "C-01")]
    assert alerts[-1].milestone.state == "due_soon"
    assert [g.key for g in alerts[1].territories] == ["06", "03"]


def test_territory_threshold_is_strictly_more_than_ten_points():
    rows = [SimpleNamespace(key=k, gap_points=g, gap=None, gap_unit="progress_points") for k, g in
            (("a", -10.0), ("b", -10.01), ("c", -35.0), ("d", None), ("e", 4.0))]
    assert [g.key for g in behind(rows)] == ["c", "b"]
    assert behind(None) == []


def test_a_filtered_territory_behind_the_nation_is_an_alert():
    results = {"A-01": _result(), "B-01": _result()}
    alerts = collect_alerts(_data(results, view_gap={"A-01": -15.0, "B-01": -9.0}, level=None))
    assert [(a.kind, a.indicator_id, a.view_gap) for a in alerts] == [("territory", "A-01", -15.0)]


def test_territory_alerts_give_a_lags_gap_in_days():
    """BUD-03 (days, lower is better): 52,7 days longer than the nation is 58,5 progress points behind; the
    alert names the gap in days, never « -58,5 pts »."""
    from dashboard.components.overview_alerts import alert_text
    from dashboard.i18n import t

    results = {"BUD-03": _result()}
    gaps = {"BUD-03": [TerritoryGap("53", -58.5, 52.66, "jours")]}
    data = _data(results, gaps=gaps, view_gap={})
    alert = collect_alerts(data)[0]
    for lang, expected in (("fr", "Bretagne (+52,7\u00a0jours)"), ("en", "Bretagne (+52.7\u00a0days)")):
        page = SimpleNamespace(lang=lang, t=lambda key, lang=lang, **kw: t(key, lang, **kw),
                               reference=SimpleNamespace(label=lambda table, code, lg: "Bretagne"))
        text = alert_text(alert, data, page)
        assert expected in text and "pts" not in text.split(":")[-1], text
    data = _data(results, view_gap={"BUD-03": -30.0})
    data.view_gap_shown["BUD-03"] = TerritoryGap("", -30.0, 27.0, "jours")
    page = SimpleNamespace(lang="fr", t=lambda key, **kw: t(key, "fr", **kw), reference=None)
    assert alert_text(collect_alerts(data)[0], data, page) == (
        "Ce territoire est nettement en retard sur la valeur nationale (écart : +27\u00a0jours).")


@pytest.mark.parametrize(("filters", "level"), [
    (ViewFilters(), "region"), (ViewFilters(couloir="biologie"), "region"),
    (ViewFilters(region="76"), "departement"), (ViewFilters(region="76", departement="31"), None),
])
def test_gap_level(filters, level):
    assert gap_level(filters) == level


def test_budget_figures_without_envelope_show_no_rate():
    results = {i: None for i in ("BUD-01", "BUD-02", "BUD-04", "BUD-05")}
    data = _data(results)
    data.budget = BudgetTotals(None, 100.0, 40.0)
    f = budget_figures(data)
    assert f["committed_pct"] is None and f["paid_pct"] is None
    assert f["paid_of_committed"] == pytest.approx(40.0)
    data.budget = BudgetTotals(200.0, 100.0, 40.0)
    f = budget_figures(data)
    assert f["committed_pct"] == pytest.approx(50.0) and f["paid_pct"] == pytest.approx(20.0)


@pytest.mark.parametrize(("value", "unit", "lang", "expected"), [
    (507_328_839.0, "documents", "fr", "507,3\u00a0M\u00a0documents"),
    (21697.0, "structures", "fr", "21\u202f697\u00a0structures"),
    (77.33, "pct", "fr", "77,3\u00a0%"),
    (1_031_303_558.67, "EUR", "fr", "1\u202f031,3\u00a0M€"),
    (1_031_303_558.67, "EUR", "en", "€1,031.3M"),
    (250.04, "jours", "fr", "250\u00a0jours"),
    (2_919_370.0, "count", "en", "2.9M"),
    (None, "pct", "fr", "—"),
])
def test_fmt_value(value, unit, lang, expected):
    assert fmt_value(value, unit, lang) == expected
