"""The Déploiement page in-process over the tiny budget / deployment warehouse (figures hand-computed in
tests/indicators/test_deployment.py)."""

from __future__ import annotations

import pytest

from dashboard import create_app, ids
from tests.dashboard.render import page_text, render
from tests.dashboard.test_budget_fixture import budget_settings
from tests.dashboard.test_budget_page import find, grid_cells, texts


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return create_app(budget_settings(tmp_path_factory)).server.test_client()


def kpis(rendered) -> dict[str, tuple[str, str]]:
    """KPI label → (value, detail)."""
    out = {}
    for tile in find(rendered, ids.DEPLOIEMENT_KPIS)["props"]["children"]:
        label, value, *rest = tile["props"]["children"]
        out["".join(texts(label))] = ("".join(texts(value)), "".join(texts(rest[0])) if rest else "")
    return out


def funnel_of(rendered):
    return find(rendered, ids.DEPLOIEMENT_FUNNEL_GRAPH)["props"]["figure"]["data"][0]


def test_kpis_in_french(client):
    rendered = render(client, "/deploiement")
    got = kpis(rendered)
    assert got["Solutions référencées"] == ("4", "de 2 éditeur(s) ; liste nationale")
    assert got["Sites commandés"][0] == "5"
    assert got["Sites installés"] == ("4", "80\u00a0% des sites commandés")
    assert got["Sites validés"] == ("3", "75\u00a0% des sites installés (MOM / VA)")
    assert got["Sites en usage"] == ("1", "50\u00a0% des sites validés des couloirs mesurés (biologie médicale, hôpital)")
    # medians over the 5 installed orders (31, 31, 50, 78, 89 days) and the 3 validated ones (19, 31, 31)
    assert got["Délai médian commande → installation"] == ("50\u00a0jours", "Installation → validation : 31\u00a0jours")
    assert got["Sites en attente de validation"][0] == "2"
    assert rendered["_pages_store"]["data"]["title"] == "Déploiement — Ségur numérique"


def test_funnel_tables_and_non_measured_usage(client):
    rendered = render(client, "/deploiement")
    volumes = {r["Couloir et vague"]: r for r in grid_cells(rendered, ids.DEPLOIEMENT_FUNNEL_GRID)}
    assert set(volumes) == {"Biologie médicale · Vague 1", "Hôpital · Vague 1", "Médecin de ville · Vague 1"}
    hop = volumes["Hôpital · Vague 1"]
    assert (hop["Solutions référencées"], hop["Commandés"], hop["Installés"], hop["Validés"], hop["En usage"]) == (
        "2", "3", "2", "1", "1")
    assert volumes["Médecin de ville · Vague 1"]["En usage"] == "non mesuré"
    rates = {r["Couloir et vague"]: r for r in grid_cells(rendered, ids.DEPLOIEMENT_RATES_GRID)}
    assert (rates["Hôpital · Vague 1"]["Taux d'installation"], rates["Hôpital · Vague 1"]["Taux de validation"],
            rates["Hôpital · Vague 1"]["Délai commande → installation"]) == ("66,7\u00a0%", "50\u00a0%", "78\u00a0jours")
    assert rates["Médecin de ville · Vague 1"]["Taux d'usage"] == "—"
    text = page_text(rendered)
    # "Ensemble": not every couloir measures usage, so the funnel stops at "Validé" and says why
    assert "Tous couloirs et vagues : 5 sites commandés ; 80\u00a0% installés, 75\u00a0% des installés validés ; " \
           "usage non mesuré." in text
    assert list(funnel_of(rendered)["y"]) == ["Commandé", "Installé", "Validé"]


def test_the_segment_selector_shows_one_couloir_and_vague(client):
    rendered = render(client, "/deploiement", "?segment=hopital-1")
    funnel = funnel_of(rendered)
    assert list(funnel["y"]) == ["Commandé", "Installé", "Validé", "En usage"]
    assert list(funnel["text"]) == ["3", "2 (66,7\u00a0%)", "1 (50\u00a0%)", "1 (100\u00a0%)"]
    text = page_text(rendered)
    assert "Entonnoir : Hôpital · Vague 1" in text
    chips = find(rendered, ids.DEPLOIEMENT_SEGMENTS)["props"]["children"][1]["props"]["children"]
    current = [c for c in chips if c["props"].get("aria-current") == "true"]
    assert len(current) == 1 and "".join(texts(current[0])) == "✓ Hôpital · Vague 1"
    assert {c["props"]["href"] for c in chips} >= {"/deploiement", "/deploiement?segment=biologie-1"}


@pytest.mark.parametrize("segment", ["nope", "hopital-9", "%3Cb%3E"])
def test_an_unknown_segment_is_explained(client, segment):
    text = page_text(render(client, "/deploiement", f"?segment={segment}"))
    assert "Paramètre « segment »" in text and "L'ensemble est affiché." in text


def test_filters_apply(client):
    rendered = render(client, "/deploiement", "?region=84")
    assert kpis(rendered)["Sites commandés"][0] == "1"
    editeurs = grid_cells(rendered, ids.DEPLOIEMENT_EDITEURS_GRID)
    assert [r["Éditeur"] for r in editeurs] == ["Éditeur A"]
    assert kpis(render(client, "/deploiement", "?couloir=biologie"))["Sites commandés"][0] == "1"


def test_editeurs_table(client):
    rows = {r["Éditeur"]: r for r in grid_cells(render(client, "/deploiement"), ids.DEPLOIEMENT_EDITEURS_GRID)}
    a = rows["Éditeur A"]
    assert (a["SIREN"], a["Solutions"], a["Couloirs"], a["Vague"], a["Premier référencement"]) == (
        "552100554", "DPI Alpha 1.0, PFI Beta 2.0", "Hôpital", "Vague 1", "15 oct. 2021")
    assert (a["Commandés"], a["Installés"], a["Validés"], a["Taux d'installation"]) == ("3", "2", "1", "66,7\u00a0%")
    assert rows["Éditeur B"]["Couloirs"] == "Biologie médicale, Médecin de ville"


def test_orders_chart_has_its_table_and_deadlines(client):
    rendered = render(client, "/deploiement")
    figure = find(rendered, ids.DEPLOIEMENT_ORDERS_GRAPH)["props"]["figure"]
    assert [t["name"] for t in figure["data"]] == ["Commandées", "Installées", "Validées", "Clôture d'un guichet SONS"]
    text = page_text(rendered)
    assert "Jusqu'au sept. 2023 : 6 commandes passées, 5 installées, 3 validées" in text
    assert "Voir les clôtures des guichets SONS" in text and "SONS vague 1 Hôpital" in text


def test_a_usage_dispositif_has_no_orders(client):
    text = page_text(render(client, "/deploiement", "?dispositif=ESMS-NUM"))
    assert "Aucune commande SONS dans cette vue" in text


def test_in_english(client):
    rendered = render(client, "/deploiement", "?lang=en")
    text = page_text(rendered)
    for expected in ("From referencing to use", "Vendors and solutions", "Orders over time", "not measured"):
        assert expected in text, expected
    assert kpis(rendered)["Sites in use"][0] == "1"


def test_without_a_warehouse_the_page_shows_the_empty_state(empty_app):
    assert "Aucune donnée publiée" in page_text(render(empty_app.server.test_client(), "/deploiement"))
