"""Comments on an indicator: the write functions behind the callbacks, the author rule, the page block."""

from __future__ import annotations

import dataclasses

import pytest

from appstate import service
from dashboard import create_app
from dashboard.components import comments
from dashboard.context import EXTENSION
from tests.dashboard.render import as_json, page_text, render


@pytest.fixture(scope="module")
def state_app(loaded_settings, tmp_path_factory):
    """An app over the tiny warehouse with its own, empty app-state database."""
    db = tmp_path_factory.mktemp("appstate") / "app.db"
    return create_app(dataclasses.replace(loaded_settings, app_db=f"sqlite:///{db}"))


@pytest.fixture(scope="module")
def ctx(state_app):
    return state_app.server.extensions[EXTENSION]


def scope(indicator_id="USE-01", region=None, lang="fr"):
    return comments.scope_of(indicator_id, region, None, None, lang)


def text_of(component) -> str:
    return as_json(component)


def test_add_comment_is_listed_with_kind_author_and_body(ctx):
    items, message, body = comments.add(ctx, scope(), "risque", "Grève des laboratoires en novembre", "C. Martin")
    assert body == ""
    assert "Enregistré." in text_of(message)
    listed = text_of(items)
    assert "Grève des laboratoires en novembre" in listed
    assert "Risque" in listed and "C. Martin" in listed
    assert '"data-kind": "risque"' in listed


def test_a_write_without_author_asks_for_the_name(ctx):
    items, message, body = comments.add(ctx, scope(), "analyse", "Sans auteur", "  ")
    assert items is comments.no_update and body is comments.no_update
    assert "Indiquez votre nom" in text_of(message)
    with ctx.sessions()() as s:
        assert not [c for c in service.list_comments(s, "USE-01") if c.body == "Sans auteur"]
    _, message_en, _ = comments.add(ctx, scope(lang="en"), "analyse", "Sans auteur", None)
    assert "Enter your name" in text_of(message_en)


def test_bad_input_shows_the_service_message(ctx):
    _, message, _ = comments.add(ctx, scope(), "analyse", "   ", "C. Martin")
    assert "Non enregistré" in text_of(message)


def test_edit_keeps_the_old_and_new_values_in_the_history(ctx):
    comments.add(ctx, scope("USE-02"), "analyse", "Première lecture", "A. Dupont")
    with ctx.sessions()() as s:
        comment_id = service.list_comments(s, "USE-02")[0].id
    items, message = comments.edit(ctx, scope("USE-02"), comment_id, "action", "Relance des éditeurs", "B. Leroy")
    assert "Enregistré." in text_of(message)
    listed = text_of(items)
    assert "Relance des éditeurs" in listed
    assert "modifié le" in listed and "voir l'historique" in listed
    assert "« Première lecture » → « Relance des éditeurs »" in listed
    assert "Analyse → Action" in listed and "B. Leroy" in listed


def test_edit_without_change_is_refused_with_a_message(ctx):
    comments.add(ctx, scope("USE-03"), "analyse", "Inchangé", "A. Dupont")
    with ctx.sessions()() as s:
        comment_id = service.list_comments(s, "USE-03")[0].id
    items, message = comments.edit(ctx, scope("USE-03"), comment_id, "analyse", "Inchangé", "A. Dupont")
    assert items is comments.no_update
    assert "aucune modification" in text_of(message)


def test_region_scope_attaches_the_comment_to_the_region(ctx):
    comments.add(ctx, scope("USE-01", region="11"), "information", "Point Île-de-France", "C. Martin")
    with ctx.sessions()() as s:
        assert [c.region_code for c in service.list_comments(s, "USE-01", region="11")] == ["11"]
    listed = text_of(comments.comment_items(ctx, scope("USE-01", region="11")))
    assert "Point Île-de-France" in listed and "Grève des laboratoires" not in listed
    assert "Île-de-France" in listed


def test_snapshot_view_reads_comments_as_of_creation_without_forms(ctx):
    from datetime import UTC, datetime, timedelta

    frozen = comments.Frozen("s-test", "COSUI test", datetime.now(UTC) - timedelta(days=1))
    listed = text_of(comments.comment_items(ctx, comments.scope_of("USE-01", None, None, frozen, "fr")))
    assert "Aucun commentaire" in listed  # everything above was written after the frozen moment
    assert comments.ids.COMMENT_SAVE not in listed


def test_indicator_page_embeds_the_comments_section(state_app, ctx):
    comments.add(ctx, scope("USE-01"), "decision", "Décision de relancer la campagne", "C. Martin")
    rendered = render(state_app.server.test_client(), "/indicateurs/USE-01")
    text = page_text(rendered)
    assert "Commentaires" in text and "Ajouter un commentaire" in text
    assert "Décision de relancer la campagne" in text
    assert "Type de commentaire" in text and "Publier le commentaire" in text


def test_author_name_is_the_given_identity_or_none():
    assert comments.author_name("  Zoé ") == "Zoé" and comments.author_name("") is None

def test_a_comment_about_a_couloir_shows_its_badge_and_the_list_filters_by_couloir(state_app, ctx):
    comments.add(ctx, scope("USE-04"), "risque", "DRIMbox en attente", "C. Martin", couloir="radiologie")
    comments.add(ctx, scope("USE-04"), "analyse", "Sans couloir", "C. Martin")
    listed = text_of(comments.comment_items(ctx, scope("USE-04")))
    assert "Couloir : Radiologie / imagerie" in listed and '"data-couloir": "radiologie"' in listed
    with state_app.server.app_context():
        filtered, kept = comments.on_couloir_filter("radiologie", scope("USE-04"))
        assert "DRIMbox en attente" in text_of(filtered) and "Sans couloir" not in text_of(filtered)
        assert kept["couloir"] == "radiologie"
        none, _ = comments.on_couloir_filter("biologie", scope("USE-04"))
        assert "Aucun commentaire sur ce couloir." in text_of(none)
        everything, kept = comments.on_couloir_filter(None, kept)
        assert "Sans couloir" in text_of(everything) and kept["couloir"] is None
    english = text_of(comments.comment_items(ctx, scope("USE-04", lang="en")))
    assert "Strand: Radiology / imaging" in english


def test_an_unknown_couloir_is_refused_with_the_service_message(ctx):
    items, message, _ = comments.add(ctx, scope("USE-04"), "risque", "Couloir inventé", "C. Martin", couloir="radio")
    assert items is comments.no_update
    assert "couloir inconnu(e) « radio »" in text_of(message)


def test_a_block_over_several_indicators_writes_on_the_chosen_one_and_lists_the_newest(ctx):
    block = comments.scope_of("USE-05", None, None, None, "fr", indicators=["USE-05", "USE-06"], compact=True)
    for n in range(4):
        comments.add(ctx, block, "analyse", f"Point n° {n}", "C. Martin", indicator="USE-06")
    comments.add(ctx, block, "analyse", "Hors bloc", "C. Martin", indicator="CIT-01")  # not offered: the lead one
    with ctx.sessions()() as s:
        assert [c.indicator_id for c in service.list_comments(s, indicator_ids=["USE-05", "USE-06"])] == [
            "USE-05", "USE-06", "USE-06", "USE-06", "USE-06"]
    listed = text_of(comments.comment_items(ctx, block))
    assert "Hors bloc" in listed and "Point n° 3" in listed and "Point n° 2" in listed
    assert "Point n° 1" not in listed and "… et 2 commentaire(s) plus ancien(s)" in listed  # compact: the 3 newest
    assert comments.ids.COMMENT_SAVE not in listed  # no edit forms on a slide


def test_indicator_page_offers_the_couloir_in_the_form_and_as_a_filter(state_app):
    text = page_text(render(state_app.server.test_client(), "/indicateurs/USE-02"))
    assert "Couloir concerné (facultatif)" in text and "Filtrer par couloir" in text
    assert "Radiologie / imagerie" in text


def test_a_comment_whose_answer_fails_is_not_saved(ctx, monkeypatch):
    def broken(*_a, **_k):
        raise RuntimeError("the answer could not be built")

    monkeypatch.setattr(comments, "_head", broken)
    with pytest.raises(RuntimeError):
        comments.add(ctx, scope(), "analyse", "Écrit puis réponse en erreur", "C. Martin")
    with ctx.sessions()() as s:
        assert [c for c in service.list_comments(s, "USE-01") if c.body == "Écrit puis réponse en erreur"] == []


def test_a_scope_with_a_bad_month_is_refused_and_saves_nothing(ctx):
    bad = {**scope(), "as_of": "0000-13-45"}
    items, message, _ = comments.add(ctx, bad, "analyse", "Mois du scope invalide", "C. Martin")
    assert items is comments.no_update and "Non enregistré" in text_of(message)
    with ctx.sessions()() as s:
        assert [c for c in service.list_comments(s, "USE-01") if c.body == "Mois du scope invalide"] == []
