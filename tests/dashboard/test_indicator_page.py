"""Indicateur and Indicateurs pages, in process, over the small demo warehouse; figure builders alone."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from dashboard import create_app
from dashboard.components.indicator_common import fmt_value
from dashboard.components.indicator_controls import default_by, parse_params
from dashboard.figures.indicator_chart import axis_scale, forecast_table, indicator_figure, series_table
from dashboard.figures.indicator_map import progress_map
from dashboard.figures.sparkline import sparkline_values
from dashboard.i18n import t
from indicators.compute import Engine
from indicators.explain import explain
from indicators.query import ViewFilters
from tests.dashboard.render import page_text, render
from tests.dashboard.test_overview import DEMO_TODAY, demo_settings, find_all


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    settings = demo_settings(tmp_path_factory)
    app = create_app(settings)
    engine = Engine(settings.warehouse, today=date.fromisoformat(DEMO_TODAY))
    return SimpleNamespace(app=app, client=app.server.test_client(), engine=engine)


def show(demo, path: str, search: str = "") -> tuple[dict, str]:
    rendered = render(demo.client, path, search)
    return rendered, page_text(rendered)


def by_id(rendered, component_id: str) -> dict:
    nodes = find_all(rendered, lambda p: p.get("id") == component_id)
    assert nodes, component_id
    return nodes[0]


# -- the page ---------------------------------------------------------------------------------------


def test_indicator_page_shows_engine_values_forecast_and_explanation(demo):
    rendered, text = show(demo, "/indicateurs/USE-01")
    r = demo.engine.compute("USE-01", breakdown="region")
    assert rendered["_pages_store"]["data"]["title"] == "USE-01 — Ségur numérique"
    assert "Documents envoyés à Mon espace santé (12 mois glissants)" in text
    assert r.reason_fr in text
    assert t("tile.target_now", "fr", target=fmt_value(r.current.target, "documents", "fr")) in text
    assert r.forecast.message_fr in text
    assert "Rythme nécessaire" in text and "Rythme observé (6 derniers mois)" in text
    assert t("ind.forecast.per_month", "fr", value=fmt_value(r.forecast.recent_pace_per_month, "documents", "fr")) \
        in text
    assert "Expliquer ce chiffre" in text
    info = explain(demo.engine, "USE-01")
    assert info["leaves"][0]["sql"] in text
    assert info["source_files"][0]["sha256"][:12] in text
    assert info["source_files"][0]["file_name"] in text
    assert info["load_runs"][0]["run_id"] in text
    assert "À savoir avant de citer ce chiffre" in text and "Grève des laboratoires" in text


def test_series_chart_and_its_twin(demo):
    rendered, _ = show(demo, "/indicateurs/USE-01", "?grain=quarter")
    figure = by_id(rendered, "indicateur-chart")["props"]["figure"]
    metas = [trace.get("meta") for trace in figure["data"]]
    assert {"actual", "target", "milestones", "forecast", "forecast_band"} <= set(metas)
    r = demo.engine.compute("USE-01", grain="quarter")
    actual = figure["data"][metas.index("actual")]
    assert len(actual["x"]) == len(r.series)
    text = page_text(rendered)
    assert "T3 2026" in text and "T4 2026" in text  # quarter periods in the table twin
    grain_nav = by_id(rendered, "indicateur-grain")
    active = find_all(grain_nav, lambda p: p.get("aria-current") == "true")
    assert [a["props"]["children"] for a in active] == ["Trimestre"]


def test_breakdown_by_region_has_map_and_table(demo):
    rendered, text = show(demo, "/indicateurs/CIT-01", "?by=region")
    r = demo.engine.compute("CIT-01", breakdown="region", with_forecast=False)
    by_id(rendered, "indicateur-map")
    table = find_all(by_id(rendered, "indicateur-breakdown"), lambda p: p.get("className") == "data-table")[0]
    body = find_all(table, lambda p: "children" in p and isinstance(p["children"], list))
    rows = [n for n in body if n["type"] == "Tr"]
    assert len(rows) == len(r.breakdown) + 1  # header row
    assert "Par région" in text and "Occitanie" in text


def test_breakdown_by_couloir_has_no_map(demo):
    rendered, text = show(demo, "/indicateurs/USE-02", "?by=couloir")
    assert not find_all(rendered, lambda p: p.get("id") == "indicateur-map")
    assert "Par couloir" in text and "Biologie médicale" in text


@pytest.mark.parametrize(("path", "search", "message"), [
    ("/indicateurs/USE-01", "?grain=week", "valeur inconnue « week »"),
    ("/indicateurs/BUD-01", "?grain=month", "n'est pas suivi à la granularité « month »"),
    ("/indicateurs/USE-01", "?by=planete", "dimension inconnue « planete »"),
    ("/indicateurs/DEP-04", "?by=departement", "n'est pas ventilé par « departement »"),
    ("/indicateurs/USE-01", "?by=%3Cscript%3E", "dimension inconnue « <script> »"),
])
def test_bad_page_parameters_give_a_message(demo, path, search, message):
    _, text = show(demo, path, search)
    assert message in text
    assert "Certains paramètres de l'adresse ont été ignorés" in text
    assert "Cette page n'a pas pu être affichée" not in text


def test_unknown_indicator_lists_valid_ids(demo):
    rendered, text = show(demo, "/indicateurs/NOPE-99")
    assert "Indicateur inconnu" in text and "« NOPE-99 »" in text
    hrefs = {n["props"]["href"] for n in find_all(rendered, lambda p: str(p.get("href", "")).startswith("/indic"))}
    assert {f"/indicateurs/{i.id}" for i in demo.engine.catalogue.indicators} <= hrefs


def test_lower_case_id_is_accepted(demo):
    _, text = show(demo, "/indicateurs/use-05")
    assert "Indicateur inconnu" not in text and "SUN-ES volet 1" in text


def test_filter_the_indicator_cannot_honour(demo):
    rendered, text = show(demo, "/indicateurs/BUD-01", "?region=76")
    assert "Non disponible pour ce filtre" in text and "n'est pas décliné par région" in text
    by_id(rendered, "indicateur-definition")  # the definition is still there


def test_region_view_breaks_down_by_departement_by_default(demo):
    rendered, text = show(demo, "/indicateurs/CIT-01", "?region=76")
    assert "Par département" in text and "31 Haute-Garonne" in text
    r = demo.engine.compute("CIT-01", filters=ViewFilters(region="76"), with_forecast=False)
    assert fmt_value(r.current.value, "profils", "fr").split("\u00a0")[0] in text
    assert "Valeur nationale" in text


def test_indicator_page_in_english(demo):
    _, text = show(demo, "/indicateurs/USE-01", "?lang=en")
    for expected in ("Explain this figure", "Forecast", "Pace needed", "Definition", "By region"):
        assert expected in text, expected


def test_indicator_list_groups_by_objective(demo):
    rendered, text = show(demo, "/indicateurs")
    assert rendered["_pages_store"]["data"]["title"] == "Indicateurs — Ségur numérique"
    for obj in demo.engine.catalogue.objectives:
        assert obj.label.fr in text
    r = demo.engine.compute("DEP-02", with_forecast=False)
    assert fmt_value(r.current.value, "pct", "fr") in text
    hrefs = {n["props"]["href"] for n in find_all(rendered, lambda p: str(p.get("href", "")).startswith("/indic"))}
    assert len([h for h in hrefs if h.startswith("/indicateurs/")]) == len(demo.engine.catalogue.indicators)


# -- parameters and figure builders -----------------------------------------------------------------


def _indicator(grains=("month", "quarter", "year"), dimensions=("region", "departement", "couloir")):
    return SimpleNamespace(id="TST-01", grains=grains, dimensions=dimensions)


def test_parse_params_defaults_and_corrections():
    p = parse_params(_indicator(), {}, "fr")
    assert (p.grain, p.by, p.messages) == ("month", "region", [])
    p = parse_params(_indicator(grains=("year",)), {"grain": "Quarter", "by": "COULOIR"}, "en")
    assert (p.grain, p.by) == ("year", "couloir")
    assert p.messages == ["Parameter “grain”: this indicator is not tracked at granularity “Quarter” (possible "
                          "values: year (year)). Default granularity used."]
    assert default_by(_indicator(), ViewFilters(region="76")) == "departement"
    assert default_by(_indicator(), ViewFilters(region="76", departement="31")) == "couloir"
    assert default_by(_indicator(dimensions=())) is None


def test_figure_builder_traces_and_table_twin(tmp_path_factory):
    engine = Engine(demo_settings(tmp_path_factory).warehouse, today=date.fromisoformat(DEMO_TODAY))
    r = engine.compute("CIT-01")  # final target in 2027: a forecast band
    fig = indicator_figure(r, "fr")
    metas = [trace.meta for trace in fig.data]
    assert metas.count("actual") == metas.count("target") == metas.count("forecast_band") == 1
    band = fig.data[metas.index("forecast_band")]
    path = [step for step in r.forecast.path if step[0] <= r.forecast.target_date]
    assert band.fill == "tonexty" and len(band.x) == len(path) + 1 and max(band.x) == r.forecast.target_date
    target = fig.data[metas.index("target")]
    assert target.line.dash == "dash"
    assert fig.layout.yaxis.title.text == "millions de profils"
    df, headers, formats = series_table(r, "fr")
    assert len(df) == len(r.series) and headers["target"] == "Cible à date"
    assert formats["value"](r.current.value, "fr") == fmt_value(r.current.value, "profils", "fr")
    fdf, _, _ = forecast_table(r.forecast, "profils", "fr")
    assert len(fdf) == len(path)


def test_figure_without_forecast_or_target():
    ind = SimpleNamespace(unit="pct")
    point = SimpleNamespace(period=date(2025, 1, 1), period_end=date(2025, 1, 31), value=50.0, target=None,
                            progress=None, status="no_target")
    r = SimpleNamespace(indicator=ind, series=[point], milestones=[], forecast=None, grain="month")
    fig = indicator_figure(r, "en")
    assert [trace.meta for trace in fig.data] == ["actual"]
    assert len(series_table(r, "en")[0]) == 1


@pytest.mark.parametrize(("unit", "largest", "expected"), [
    ("EUR", 2e9, (1e6, "M€")), ("EUR", 5e5, (1.0, "€")), ("pct", 80, (1.0, "%")),
    ("documents", 5e8, (1e6, "millions de documents")), ("jours", 250, (1.0, "jours")), ("count", 10, (1.0, "nombre")),
])
def test_axis_scale(unit, largest, expected):
    scale = axis_scale(unit, largest, "fr")
    assert (scale.divisor, scale.title) == expected


def test_progress_map_shows_status_icons():
    rows = [SimpleNamespace(key="76", progress=0.4, status="off_track"),
            SimpleNamespace(key="11", progress=1.0, status="on_track")]
    fig = progress_map(rows, "region", "fr")
    texts = dict(zip(fig.data[0].hovertext, fig.data[0].text, strict=True))
    occ = next(v for k, v in texts.items() if k.startswith("<b>76 "))
    assert "40\u00a0%" in occ and "✖" in occ
    assert any("✖ En retard" in h for h in fig.data[0].hovertext)
    fig = progress_map(rows, "departement", "en")  # région codes are not départements: empty tiles, no error
    assert fig.data[0].text


def test_sparkline_keeps_the_last_24_values():
    series = [SimpleNamespace(period=date(2020 + i // 12, i % 12 + 1, 1), value=None if i < 3 else float(i))
              for i in range(40)]
    points = sparkline_values(series)
    assert len(points) == 24 and points[-1][1] == 39.0
