"""The Budget page in-process (Dash's router through the Flask test client) over the tiny budget warehouse."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import create_app, ids
from dashboard.format import fmt_percent
from indicators.budget import budget_frame
from indicators.budget_views import money_at_risk, totals
from indicators.db import Warehouse
from tests.dashboard.render import find_by_id, page_text, render
from tests.dashboard.test_budget_fixture import budget_settings


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return budget_settings(tmp_path_factory)


@pytest.fixture(scope="module")
def client(settings):
    return create_app(settings).server.test_client()


find = find_by_id


def texts(node) -> list[str]:
    """The text children of a rendered component tree, in order (not its other props)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [text for child in node for text in texts(child)]
    if isinstance(node, dict) and "props" in node:
        return texts(node["props"].get("children"))
    return []


def kpis(rendered) -> dict[str, str]:
    """KPI label → value, from the KPI strip."""
    strip = find(rendered, ids.BUDGET_KPIS)
    out = {}
    heading, *tiles = strip["props"]["children"]
    assert heading["type"] == "H2" and heading["props"]["className"] == "visually-hidden"  # h1 → h2 → tiles' h3
    for tile in tiles:
        label, value = tile["props"]["children"][:2]
        label_text = "".join(texts(label))
        out[label_text] = value["props"]["children"]
    return out


def grid_cells(rendered, grid_id) -> list[dict[str, str]]:
    """The grid's rows as header → displayed text."""
    grid = find(rendered, grid_id)["props"]
    headers = {c["field"]: c["headerName"] for c in grid["columnDefs"]}
    return [{headers[f]: row[f + "_fmt"] for f in headers} for row in grid["rowData"]]


def test_kpis_are_the_query_results_formatted_in_french(client, settings):
    from dashboard.pages.budget import fmt_meur  # pages register themselves: import after the app exists

    rendered = render(client, "/budget")
    db = Warehouse(settings.warehouse)
    total = totals(budget_frame(db, date(2023, 9, 1)))
    at_risk = money_at_risk(db, date(2023, 9, 1))["at_risk_eur"].sum()
    got = kpis(rendered)
    assert got == {
        "Enveloppe": fmt_meur(total["envelope_eur"], "fr"), "Engagé": fmt_meur(total["committed_eur"], "fr"),
        "Versé": fmt_meur(total["paid_eur"], "fr"), "Montant à risque": fmt_meur(at_risk, "fr"),
        "Reste à engager": fmt_meur(total["to_commit_eur"], "fr"), "Reste à payer": fmt_meur(total["to_pay_eur"], "fr"),
        "Taux d'engagement": fmt_percent(total["committed_rate"], "fr"),
        "Taux de versement": fmt_percent(total["paid_rate"], "fr"),
    }
    assert got["Engagé"] == "550\u202f000\u00a0€" and got["Enveloppe"] == "1,9\u00a0M€"
    assert got["Montant à risque"] == "115\u202f000\u00a0€" and got["Taux d'engagement"] == "28,9\u00a0%"
    text = page_text(rendered)
    assert "48,9\u00a0% du reste à payer" in text  # 115 000 / 235 000
    assert "à fin sept. 2023" in text
    assert rendered["_pages_store"]["data"]["title"] == "Budget — Ségur numérique"


def test_french_sections_and_notes(client):
    text = page_text(render(client, "/budget"))
    for expected in ("Des enveloppes qui diffèrent selon la source", "630 M€ sur les pages des ARS",
                     "Voir les 3 source(s) des enveloppes", "DNS — SONS vague 1", "Consommation dans le temps",
                     "Fin des crédits PNRR", "Enveloppe, engagé et versé par regroupement", "Regrouper par",
                     "Montant à risque par région", "Montant à risque par dispositif", "Délai de paiement",
                     "Cible d'usage non atteinte", "Commande non validée après 12 mois", "Bénéficiaires",
                     "Voir les données", "Voir le calendrier du programme",
                     "Auvergne-Rhône-Alpes concentre le plus gros montant à risque : 115\u202f000\u00a0€, soit 100\u00a0% du total.",
                     "Délai médian le plus long : SUN-ES volet 1 (DMP) (242\u00a0jours) ; le plus court : ESMS numérique "
                     "(122\u00a0jours)."):
        assert expected in text, expected


def test_filters_change_the_figures(client):
    region = kpis(render(client, "/budget", "?region=84"))
    assert region["Engagé"] == "330\u202f000\u00a0€" and region["Enveloppe"] == "600\u202f000\u00a0€"
    assert "50\u202f000\u00a0€ sont engagés sur des dispositifs à enveloppe nationale" in page_text(
        render(client, "/budget", "?region=84"))
    earlier = kpis(render(client, "/budget", "?as_of=2022-10"))
    assert earlier["Engagé"] == "350\u202f000\u00a0€" and earlier["Versé"] == "115\u202f000\u00a0€"
    assert earlier["Montant à risque"] == "200\u202f000\u00a0€" and earlier["Enveloppe"] == "1,5\u00a0M€"
    dep = render(client, "/budget", "?departement=75")
    assert kpis(dep)["Enveloppe"] == "—"
    assert "Les enveloppes ne sont pas déclinées par département" in page_text(dep)


def test_the_table_follows_the_by_parameter(client):
    rows = grid_cells(render(client, "/budget"), ids.BUDGET_GRID)
    assert [r["Dispositif"] for r in rows] == ["ESMS numérique", "SONS vague 1 Hôpital", "SUN-ES volet 1 (DMP)"]
    sons = rows[1]
    assert (sons["Enveloppe"], sons["Engagé"], sons["Versé"], sons["Reste à payer"], sons["Taux d'engagement"]) == (
        "1\u00a0M€", "150\u202f000\u00a0€", "115\u202f000\u00a0€", "35\u202f000\u00a0€", "15\u00a0%")
    by_region = grid_cells(render(client, "/budget", "?by=region"), ids.BUDGET_GRID)
    assert [r["Région"] for r in by_region] == ["Île-de-France", "Auvergne-Rhône-Alpes", "National (non territorialisé)"]
    two = grid_cells(render(client, "/budget", "?by=year,dispositif"), ids.BUDGET_GRID)
    assert list(two[0])[:2] == ["Dispositif", "Année"] and two[0]["Année"] == "2023"


@pytest.mark.parametrize("by", ["zzz", "region;drop table", "%3Cscript%3E"])
def test_a_bad_by_parameter_is_explained_and_ignored(client, by):
    rendered = render(client, "/budget", f"?by={by}")
    text = page_text(rendered)
    assert "Paramètre « by » : regroupement inconnu" in text
    assert "Regroupement utilisé : dispositif" in text or "Regroupement utilisé : region" in text
    assert find(rendered, ids.BUDGET_GRID) is not None


def test_parse_by(client):
    from dashboard.pages.budget import parse_by

    assert parse_by(None) == (["dispositif"], [])
    assert parse_by("year, Region,zzz") == (["region", "year"], ["zzz"])
    assert parse_by(",,") == (["dispositif"], [])


def test_grouping_chips_toggle_keys_and_keep_the_filters(client):
    chips = find(render(client, "/budget", "?region=84&by=region"), ids.BUDGET_BY)
    links = {"".join(texts(a)).replace("✓ ", ""): (a["props"]["href"],
                                                                         a["props"].get("aria-current"))
             for a in chips["props"]["children"][1]["props"]["children"]}
    assert links["Région"] == ("/budget?region=84&by=region", "true")  # the last key cannot be removed
    assert links["Dispositif"] == ("/budget?region=84&by=dispositif%2Cregion", None)


def test_beneficiaries_grid(client):
    rows = grid_cells(render(client, "/budget"), ids.BUDGET_BENEFICIARIES_GRID)
    assert [r["Identifiant"] for r in rows][:3] == ["690000019", "690781810", "552100554"]
    hcl = rows[1]
    assert (hcl["Bénéficiaire"], hcl["Type"], hcl["Statut"], hcl["À risque"], hcl["Dernier événement"]) == (
        "HCL", "FINESS", "✖ À risque", "80\u202f000\u00a0€", "15 sept. 2022")
    assert rows[0]["Statut"] == "○ En cours" and rows[-1]["Statut"] == "✔ Soldé"


def test_in_english(client):
    rendered = render(client, "/budget", "?lang=en")
    text = page_text(rendered)
    for expected in ("Envelopes differ by source", "Money at risk by region", "Group by", "Payment lag",
                     "Beneficiaries"):
        assert expected in text, expected
    assert kpis(rendered)["Committed"] == "€550,000"
    assert "Montant à risque" not in text


def test_without_a_warehouse_the_page_shows_the_empty_state(empty_app):
    text = page_text(render(empty_app.server.test_client(), "/budget"))
    assert "Aucune donnée publiée" in text


def test_a_warehouse_without_envelopes_or_deployments_still_renders(app):
    """The shared tiny warehouse: one SONS order and its advance, no envelope, no deployment file."""
    shared = app.server.test_client()
    rendered = render(shared, "/budget")
    text = page_text(rendered)
    assert "Cette page n'a pas pu être affichée" not in text
    got = kpis(rendered)
    assert got["Enveloppe"] == "—" and got["Engagé"] == "1,3\u00a0M€" and got["Versé"] == "375\u202f000\u00a0€"
    assert got["Taux d'engagement"] == "—"
    text = page_text(render(shared, "/deploiement"))
    assert "Cette page n'a pas pu être affichée" not in text
    assert "Aucune commande SONS dans cette vue" in text
