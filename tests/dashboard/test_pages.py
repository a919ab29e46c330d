"""Pages through the Flask test client: the HTML shell, then each page as Dash's router renders it."""

import json
import re

import pytest

from etl.sources import CONTRACTS
from tests.access import EVERYTHING, as_person
from tests.dashboard.render import as_json, render


@pytest.mark.parametrize("path", ["/", "/donnees", "/nope"])
def test_index_is_served_in_french_with_local_assets_only(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Ségur numérique — pilotage" in html
    links = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert links and all(link.startswith("/") for link in links), links  # every asset from this server


def test_layout_has_the_shell(client):
    layout = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
    for text in ("Aller au contenu", "Vue d'ensemble", "Données", "Mois de référence", "Région", "Département",
                 "Couloir", "Dispositif", "Vague", "Langue", '"refresh": "callback-nav"'):
        assert text in layout, text


def test_overview(client, render_page):
    _, text = render_page(client, "/")
    assert "Vue d'ensemble" in text
    for expected in ("Budget", "Objectifs", "Alertes", "Indicateurs par objectif"):
        assert expected in text, expected


def test_donnees_in_french(client, render_page):
    rendered, text = render_page(client, "/donnees")
    for expected in ("Fraîcheur par source", "Documents envoyés à Mon espace santé", "À jour", "En retard",
                     "Derniers chargements", "Publié avec rejets", "Lignes rejetées", "code inconnu",
                     "Fichiers sources", "mes_documents_2025.csv", "populations_2024.csv",
                     "Modèles de fichiers à envoyer", "Provenance par période", "Première période"):
        assert expected in text, expected
    assert rendered["_pages_store"]["data"]["title"] == "Données — Ségur numérique"


def test_donnees_in_english(client, render_page):
    _, text = render_page(client, "/donnees", "?lang=en")
    for expected in ("Freshness by source", "Up to date", "Latest loads", "Rejected rows", "Source files",
                     "Provenance per period", "First period"):
        assert expected in text, expected
    assert "Fraîcheur par source" not in text
    # what the loader detected, stored in French, said in English (source files grid)
    assert "CSV; encoding utf-8; separator ';'; decimal mark ','; header on line 1" in text
    assert "encodage" not in text and "séparateur" not in text


@pytest.mark.parametrize(("search", "message"), [
    ("?region=99", "région inconnue « 99 »"),
    ("?as_of=2025-13&lang=xx", "mois mal formé « 2025-13 »"),
    ("?region=84&departement=31", "n'appartient pas à la région 84"),
    ("?as_of=2019-01", "aucune donnée publiée pour « 2019-01 »"),
    ("?couloir=%3Cscript%3E", "couloir inconnu « <script> »"),
    ("?region=1&region=2&departement=%00", "région inconnue « 2 »"),
])
def test_bad_parameters_give_a_message_not_a_500(client, render_page, search, message):
    _, text = render_page(client, "/donnees", search)
    assert message in text
    assert "Certains paramètres de l'adresse ont été ignorés" in text


def test_not_found_page(client, render_page):
    rendered, text = render_page(client, "/pas-une-page", "?lang=en")
    assert "Page not found" in text and "Back to the overview" in text


def test_no_warehouse_shows_the_empty_state(empty_app, render_page):
    client = empty_app.server.test_client()
    _, text = render_page(client, "/")
    assert "Aucune donnée publiée. Lancez `make run` ou `python -m etl demo && python -m etl load`." in text
    _, text = render_page(client, "/donnees")
    assert "Aucune donnée publiée" in text and "Modèles de fichiers à envoyer" in text  # templates still there


def test_render_helper_reaches_the_router(client):
    rendered = render(client, "/donnees")
    assert rendered["_pages_content"]["children"]["props"]["className"] == "page"


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_templates_are_downloadable(client, ext):
    for name in CONTRACTS:
        response = client.get(f"/templates/{name}.{ext}")
        assert response.status_code == 200, name
        assert f'filename={name}.{ext}' in response.headers["Content-Disposition"]
    csv_response = client.get("/templates/mes_documents.csv")
    assert csv_response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    body = csv_response.data
    assert body.startswith(b"\xef\xbb\xbfmonth;departement_code;couloir_code;document_type;documents_count")
    assert client.get("/templates/mes_documents.xlsx").data[:2] == b"PK"


@pytest.mark.parametrize("name", ["unknown.csv", "mes_documents.exe", "mes_documents", "mes_documents.csv%00.xlsx",
                                  "reject.csv", ".csv"])
def test_templates_refuse_anything_else(client, name):
    assert client.get(f"/templates/{name}").status_code == 404


@pytest.mark.parametrize("url", ["/templates/..%2F..%2Fsettings.py", "/templates/..%2Fetl%2Fschema.sql",
                                 "/templates/../settings.py", "/templates/%2e%2e/app.py"])
def test_path_traversal_never_serves_a_file(client, url):
    response = client.get(url)
    assert "Content-Disposition" not in response.headers
    assert b"SEGUR_DATA_DIR" not in response.data and b"CREATE TABLE" not in response.data
    assert b"create_app" not in response.data


def test_a_failing_page_shows_a_message_not_a_traceback(app):
    from dashboard.pagekit import view

    @view()
    def layout(page):
        raise ValueError("colonne manquante")

    with as_person(app.server, EVERYTHING):
        text = as_json(layout(region="99", lang="en"))
    assert "This page could not be displayed" in text and "ValueError: colonne manquante" in text
    assert "Traceback" not in text


def test_layout_outside_a_request_is_empty():
    from dashboard.pages.donnees import layout

    assert layout().children is None or layout().children == []
