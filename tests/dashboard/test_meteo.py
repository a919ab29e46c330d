"""The météo: shown beside the computed status, set with a required justification, signed by its author."""

from __future__ import annotations

import dataclasses

import pytest

from dashboard import create_app
from dashboard.components import meteo
from dashboard.context import EXTENSION
from tests.dashboard.render import as_json, page_text, render


@pytest.fixture(scope="module")
def state_app(loaded_settings, tmp_path_factory):
    db = tmp_path_factory.mktemp("appstate-meteo") / "app.db"
    return create_app(dataclasses.replace(loaded_settings, app_db=f"sqlite:///{db}"))


@pytest.fixture(scope="module")
def ctx(state_app):
    return state_app.server.extensions[EXTENSION]


def scope(target_type="indicator", target_id="USE-01", status="off_track", lang="fr"):
    return meteo.scope_of(target_type, target_id, lang, status)


def test_without_meteo_the_computed_status_is_shown_and_the_meteo_is_not_set(ctx):
    text = as_json(meteo.meteo_line(ctx, scope()))
    assert "Statut calculé :" in text and "En retard" in text
    assert "Météo :" in text and "non renseignée" in text


def test_meteo_without_justification_is_refused_with_a_message(ctx):
    line, message, kept = meteo.save(ctx, scope(), "compromis", "   ", "C. Martin")
    assert line is meteo.no_update and kept is meteo.no_update
    assert "La justification est obligatoire" in as_json(message)
    _, no_level, _ = meteo.save(ctx, scope(), None, "Pourquoi", "C. Martin")
    assert "Choisissez un niveau" in as_json(no_level)
    _, no_author, _ = meteo.save(ctx, scope(), "compromis", "Pourquoi", "")
    assert "Indiquez votre nom" in as_json(no_author)


def test_meteo_is_shown_beside_the_computed_status_never_instead(ctx):
    line, message, cleared = meteo.save(ctx, scope(), "appuis_necessaires", "Deux éditeurs en retard de livraison",
                                        "C. Martin")
    assert cleared == "" and "Enregistré." in as_json(message)
    text = as_json(line)
    assert text.index("Statut calculé :") < text.index("En retard") < text.index("Météo :") \
        < text.index("Appuis nécessaires")
    assert "Deux éditeurs en retard de livraison" in text and "C. Martin" in text
    assert '"data-meteo": "appuis_necessaires"' in text and "☁" in text


def test_objective_meteo_and_unknown_target(ctx):
    line, _, _ = meteo.save(ctx, scope("objective", "OBJ-ALIM", None), "securise", "Financement acquis", "A. Dupont")
    text = as_json(line)
    assert "Sécurisé" in text and "Statut calculé" not in text
    _, message, _ = meteo.save(ctx, scope("objective", "OBJ-NOPE", None), "securise", "x", "A. Dupont")
    assert "Non enregistré" in as_json(message)


def test_indicator_page_and_overview_show_the_meteo(state_app):
    client = state_app.server.test_client()
    text = page_text(render(client, "/indicateurs/USE-01"))
    assert "Statut calculé :" in text and "Appuis nécessaires" in text and "Donner la météo" in text
    overview = page_text(render(client, "/"))
    assert "Financement acquis" in overview


def test_in_english_the_meteo_says_what_it_is(state_app):
    """Not "Weather": the programme's word, said to be the owner's manual (RAG-style) status."""
    text = page_text(render(state_app.server.test_client(), "/indicateurs/USE-01", "?lang=en"))
    assert "Météo (manual status):" in text and "Set the météo" in text
    assert "manual status, a RAG-style judgement" in text
    assert "Weather" not in text and "weather" not in text
