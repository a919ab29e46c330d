"""The decision log: add, overdue flag, filters, edit with history, the author rule, the page."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from dashboard import create_app
from dashboard.components import decisions
from dashboard.context import EXTENSION
from tests.access import EVERYTHING, as_person
from tests.dashboard.render import as_json, page_text, render

TODAY = date(2025, 12, 15)  # SEGUR_TODAY of the test settings


@pytest.fixture(scope="module")
def state_app(loaded_settings, tmp_path_factory):
    db = tmp_path_factory.mktemp("appstate-decisions") / "app.db"
    return create_app(dataclasses.replace(loaded_settings, app_db=f"sqlite:///{db}"))


@pytest.fixture(scope="module")
def ctx(state_app):
    return state_app.server.extensions[EXTENSION]


def scope(lang="fr", region=None):
    return decisions.scope_of(lang, TODAY, region)


def values(text, **extra):
    return {"text": text, "owner": "ANS", "status": "a_faire", **extra}


def test_added_decision_is_in_the_log_with_status_links_and_committee(ctx):
    log, message, cleared = decisions.add(ctx, scope(), values(
        "Relancer les éditeurs de biologie", due_date="2026-03-31", indicator_ids=["USE-01"], regions=["11"],
        committee_label="COSUI de novembre 2025"), "C. Martin")
    assert cleared == "" and "Enregistré." in as_json(message)
    text = as_json(log)
    assert "Relancer les éditeurs de biologie" in text
    assert "À faire" in text and '"data-status": "a_faire"' in text
    assert "USE-01" in text and "Île-de-France" in text and "COSUI de novembre 2025" in text
    assert "31 mars 2026" in text


def test_overdue_decision_is_flagged_en_retard(ctx):
    decisions.add(ctx, scope(), values("Publier le guide d'usage", due_date="2025-10-01", status="en_cours"),
                  "C. Martin")
    decisions.add(ctx, scope(), values("Clore la vague 1", due_date="2025-09-01", status="fait"), "C. Martin")
    text = as_json(decisions.decision_log(ctx, scope()))
    assert text.count("decision-overdue") == 1  # the done one is not late
    assert "en retard" in text
    assert "dont 1 en retard" in text
    assert "overdue" in as_json(decisions.decision_log(ctx, scope("en")))


def test_filters_status_open_only_indicator_and_region(ctx):
    assert "Clore la vague 1" in as_json(decisions.decision_log(ctx, scope(), status="fait"))
    assert "Clore la vague 1" not in as_json(decisions.decision_log(ctx, scope(), open_only=True))
    by_indicator = as_json(decisions.decision_log(ctx, scope(), indicator="USE-01"))
    assert "Relancer les éditeurs" in by_indicator and "Publier le guide" not in by_indicator
    by_region = as_json(decisions.decision_log(ctx, scope(region="11")))
    assert "Relancer les éditeurs" in by_region and "Clore la vague 1" not in by_region


def test_edit_status_keeps_old_and_new_in_the_history(ctx):
    from appstate import service

    with ctx.sessions()() as s:
        decision = next(d for d in service.list_decisions(s) if d.text == "Publier le guide d'usage")
    log, message = decisions.update(ctx, scope(), decision.id, {"status": "fait", "owner": "ANS", "due_date":
                                                                 "2025-10-01", "text": decision.text}, "B. Leroy")
    assert "Enregistré." in as_json(message)
    text = as_json(log)
    assert "statut « En cours » → « Fait »" in text and "B. Leroy" in text
    assert text.count("decision-overdue") == 0
    _, unchanged = decisions.update(ctx, scope(), decision.id, {"status": "fait"}, "B. Leroy")
    assert "aucune modification" in as_json(unchanged)


def test_a_write_without_author_asks_for_the_name(ctx):
    log, message, cleared = decisions.add(ctx, scope(), values("Sans auteur"), None)
    assert log is decisions.no_update and cleared is decisions.no_update
    assert "Indiquez votre nom" in as_json(message)
    assert "Sans auteur" not in as_json(decisions.decision_log(ctx, scope()))


def test_bad_input_shows_the_service_message(ctx):
    _, message, _ = decisions.add(ctx, scope(), values("Lien inconnu", indicator_ids=["NOPE-99"]), "C. Martin")
    assert "Non enregistré" in as_json(message)


def test_decisions_page_renders_log_filters_and_form(state_app):
    client = state_app.server.test_client()
    rendered = render(client, "/decisions", "?indicateur=USE-01")
    text = page_text(rendered)
    for expected in ("Décisions du comité", "Relevé des décisions", "Ajouter une décision", "Responsable",
                     "Échéance", "Indicateurs concernés", "Régions concernées", "Comité (libellé)",
                     "Décisions ouvertes seulement", "Relancer les éditeurs de biologie"):
        assert expected in text, expected
    assert "Publier le guide" not in text  # preselected indicator filter
    assert "Decision log" in page_text(render(client, "/decisions", "?lang=en"))


def test_log_has_an_export_menu_with_the_decisions_in_words(ctx, state_app):
    import io
    import json

    from openpyxl import load_workbook

    from dashboard.components.export_menu import data_download
    from tests.dashboard.test_table_exports import decode, store_of, wrappers

    decisions.add(ctx, scope(), values("=HYPERLINK(\"x\")", due_date="2026-02-01", indicator_ids=["USE-01"]),
                  "C. Martin")
    layout = json.loads(as_json(decisions.decision_log(ctx, scope())))
    [wrapper] = wrappers(layout)
    assert "Exporter « Relevé des décisions »" in as_json(wrapper) and "decision-table" in as_json(wrapper)
    data = store_of(wrapper)
    with as_person(state_app.server, EVERYTHING):
        download, _ = data_download("xlsx", data, "")
    ws = load_workbook(io.BytesIO(decode(download))).worksheets[0]
    header = [c.value for c in ws[1]]
    assert header == ["N°", "Décision", "Responsable", "Échéance", "Statut", "Indicateurs et territoires", "Comité"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == '=HYPERLINK("x")')
    record = dict(zip(header, row, strict=True))
    assert row[1].data_type == "s"  # the label stays text
    assert record[header[0]].number_format == "#,##0" and isinstance(record[header[0]].value, int)
    assert record[header[3]].value.date() == date(2026, 2, 1) and record[header[3]].number_format == "dd/mm/yyyy"
    assert record[header[4]].value == "À faire" and record[header[5]].value == "USE-01"
