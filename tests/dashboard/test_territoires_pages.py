"""Territoires and the fiche territoriale, in process, over a small demo warehouse (scale 0.05)."""

from __future__ import annotations

import sys
from datetime import date
from types import SimpleNamespace

import pytest
from dash import no_update

from dashboard import create_app, ids
from dashboard.components.indicator_format import fmt_value, status_rank
from etl.demo import generate
from etl.load import load
from indicators.compute import Engine
from indicators.query import ViewFilters
from settings import load_settings
from tests.dashboard.render import page_text, render

TODAY = "2026-11-28"
NB = "\u00a0"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    base = tmp_path_factory.mktemp("territoires")
    files = generate(base / "raw", scale=0.05, seed=11, today=date.fromisoformat(TODAY))
    settings = load_settings({"SEGUR_DATA_DIR": str(base / "data"), "SEGUR_TODAY": TODAY})
    assert load(files, settings).status == "published"
    app = create_app(settings)
    page_module = sys.modules["dashboard.pages.territoires"]  # pages are imported by Dash, after the app exists
    return SimpleNamespace(app=app, client=app.server.test_client(), select=page_module.select,
                           engine=Engine(settings.warehouse, today=date.fromisoformat(TODAY)))


def show(demo, path: str, search: str = "") -> tuple[dict, str]:
    rendered = render(demo.client, path, search)
    return rendered, page_text(rendered)


def component(rendered: dict, component_id: str) -> dict:
    """The props of the component with this id in a rendered page."""
    def walk(node):
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and props.get("id") == component_id:
                return props
            for value in node.values():
                found = walk(value)
                if found is not None:
                    return found
        elif isinstance(node, list):
            for value in node:
                found = walk(value)
                if found is not None:
                    return found
        return None

    found = walk(rendered["_pages_content"]["children"])
    assert found is not None, f"no component {component_id!r}"
    return found


def assert_ranking_is_the_breakdown(grid: dict, rows: list) -> None:
    """Every number of the ranking grid is the engine's, in the engine's order (fields c0…: see ranking_frame)."""
    data = grid["rowData"]
    assert len(data) == len(rows)
    fields = {d["headerName"].split(" (")[0]: d["field"] for d in grid["columnDefs"]}  # "Valeur (documents)"
    value, target, progress = fields["Valeur"], fields["Cible"], fields["Progression"]
    status, gap, trend = fields["Statut"], fields["Écart au national"], fields["Tendance"]
    for i, (line, r) in enumerate(zip(data, rows, strict=True), start=1):
        assert line["c0"] == i
        assert line[value] == pytest.approx(r.value) and line[target] == pytest.approx(r.target)
        assert line[progress] == pytest.approx(r.progress_raw) and line[status] == status_rank(r.status)
        assert line[gap] == pytest.approx(r.gap_points)
        assert (line[trend] is None and r.trend is None) or line[trend] == pytest.approx(r.trend)


def test_default_view_ranks_the_regions_with_the_engine_figures(demo):
    rendered, text = show(demo, "/territoires")
    result = demo.engine.compute("CIT-02", None, ViewFilters(), breakdown="region", with_forecast=False)
    assert len(result.breakdown) == 18
    assert_ranking_is_the_breakdown(component(rendered, ids.TERR_RANKING_GRID), result.breakdown)
    first = component(rendered, ids.TERR_RANKING_GRID)["rowData"][0]
    assert first["c1"].startswith("[") and "](/territoires/" in first["c1"]  # a link to the région's fiche
    figure = component(rendered, ids.TERR_MAP)["figure"]
    assert len(figure["layout"]["shapes"]) == 18
    for expected in ("Territoires", "Statut par région", "régions sur 18 en retard", "Dispersion entre territoires",
                     "Classement", "Médiane", "Rapport meilleur / moins bon", "ensemble de la vue"):
        assert expected in text, expected
    assert rendered["_pages_store"]["data"]["title"] == "Territoires — Ségur numérique"


def test_departements_of_the_filtered_region_against_the_national_breakdown(demo):
    rendered, text = show(demo, "/territoires", "?region=76&indicateur=USE-01&mesure=valeur")
    national = demo.engine.compute("USE-01", None, ViewFilters(), breakdown="departement", with_forecast=False)
    occitanie = [r for r in national.breakdown if r.key in {"09", "11", "12", "30", "31", "32", "34", "46", "48",
                                                            "65", "66", "81", "82"}]
    assert len(occitanie) == 13
    grid = component(rendered, ids.TERR_RANKING_GRID)
    assert_ranking_is_the_breakdown(grid, occitanie)
    assert all("](/territoires/76" in line["c2"] for line in grid["rowData"])  # "Région (fiche)" links
    assert "Départements de la région Occitanie" in text and "Valeur par département" in text
    assert "Occitanie" in text and "Écart au national" in text  # the région's own tile


def test_dispersion_statistics_of_the_page(demo):
    rendered, text = show(demo, "/territoires", "?indicateur=CIT-02")
    result = demo.engine.compute("CIT-02", None, ViewFilters(), breakdown="region", with_forecast=False)
    values = sorted(r.value for r in result.breakdown if r.value is not None)
    assert f"{len(values)}" in text
    assert fmt_value(values[0], "pct", "fr") in text and fmt_value(values[-1], "pct", "fr") in text
    off = sum(r.status == "off_track" for r in result.breakdown)
    assert f"{off} / 18" in text


@pytest.mark.parametrize(("search", "message"), [
    ("?indicateur=NOPE", "« NOPE » n'est pas un indicateur ventilé par territoire"),
    ("?niveau=canton", "valeur inconnue « canton »"),
    ("?mesure=%3Cb%3E", "valeur inconnue « <b> »"),
    ("?indicateur=DEP-04&niveau=departement", "n'est pas suivi par département"),
])
def test_bad_parameters_are_explained_and_the_page_still_renders(demo, search, message):
    rendered, text = show(demo, "/territoires", search)
    assert "Certains paramètres de l'adresse ont été ignorés" in text and message in text
    assert component(rendered, ids.TERR_MAP)["figure"]["data"]
    assert "Cette page n'a pas pu être affichée" not in text


def test_a_filter_the_indicator_cannot_break_down_is_said(demo):
    _, text = show(demo, "/territoires", "?couloir=hopital")
    assert "Non disponible pour ce filtre" in text and "Couloir : Hôpital" in text
    _, text = show(demo, "/territoires", "?couloir=hopital&indicateur=USE-01")
    assert "Non disponible pour ce filtre" not in text and "Classement" in text


def test_in_english(demo):
    _, text = show(demo, "/territoires", "?lang=en&mesure=progression")
    for expected in ("Territories", "Progress by region", "Spread across territories", "Ranking", "whole view"):
        assert expected in text, expected
    assert "Classement" not in text


def test_selector_writes_only_a_change_into_the_url(demo):
    with demo.app.server.app_context():
        select = demo.select
        # a région is filtered: the page shows its départements, and so do the controls when they appear
        assert select("CIT-02", "departement", "statut", "?region=11") is no_update
        assert select("USE-01", "departement", "statut", "?region=11") == "?region=11&indicateur=USE-01"
        assert select("CIT-02", "region", "statut", "?region=11") == "?region=11&niveau=region"
        assert select("USE-01", "region", "valeur", "?indicateur=USE-01") == \
            "?indicateur=USE-01&mesure=valeur"  # the level was already the régions


def test_fiche_shows_every_regional_indicator_against_the_nation(demo):
    rendered, text = show(demo, "/territoires/76")
    assert "Fiche territoriale — Occitanie" in text
    catalogue = demo.engine.catalogue
    for ind in catalogue.indicators:
        assert (ind.id in text) == ("region" in ind.dimensions), ind.id
    result = demo.engine.compute("CIT-02", None, ViewFilters(), breakdown="region", with_forecast=False)
    occ = next(r for r in result.breakdown if r.key == "76")
    table = component(rendered, ids.FICHE_INDICATORS)
    cells = page_text({"_pages_content": {"children": table}})
    assert fmt_value(occ.value, "pct", "fr") in cells and fmt_value(result.current.value, "pct", "fr") in cells
    assert "data:image/svg+xml" in str(table)  # sparklines travel with the page
    assert "Classement des départements : CIT-02" in text
    assert "31 Haute-Garonne" in text and "2A" not in page_text({"_pages_content": {"children": component(
        rendered, ids.FICHE_DEPARTEMENTS)}})
    assert "/indicateurs/CIT-02" in str(table) and "/territoires?" in str(rendered)
    assert rendered["_pages_store"]["data"]["title"] == "Fiche territoriale Occitanie — Ségur numérique"


def test_fiche_under_a_couloir_filter_says_what_is_not_available(demo):
    _, text = show(demo, "/territoires/76", "?couloir=hopital")
    assert "Non disponible pour ce filtre" in text
    assert "Fiche territoriale — Occitanie" in text


@pytest.mark.parametrize("code", ["99", "7", "occitanie", "%3Cscript%3E"])
def test_unknown_region_code_lists_the_valid_ones(demo, code):
    rendered, text = show(demo, f"/territoires/{code}")
    assert "Région inconnue" in text and "Codes valides : 01 Guadeloupe" in text and "94 Corse" in text
    assert "Cette page n'a pas pu être affichée" not in text
