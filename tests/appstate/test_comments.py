"""Comments: checked input, every edit kept (old and new), a view as of any past moment, soft delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from appstate import service
from appstate.models import CommentRevision

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _add(session, **kw):
    args = {"indicator_id": "TST-01", "kind": "risque", "body": "Grève des laboratoires en novembre",
            "author": "c.martin", "now": T0} | kw
    return service.add_comment(session, **args)


def test_a_comment_is_written_with_its_author_and_territory(sessions, catalogue):
    with sessions.begin() as session:
        c = _add(session, region="84", departement="69", catalogue=catalogue)
    with sessions() as session:
        [view] = service.list_comments(session, "TST-01")
    assert (view.id, view.kind, view.author, view.region_code, view.departement_code) == (
        c.id, "risque", "c.martin", "84", "69")
    assert view.created_at == view.updated_at == T0 and not view.edited


@pytest.mark.parametrize(("kw", "message"), [
    ({"kind": "rumeur"}, "type de commentaire inconnu « rumeur » (attendu : analyse, risque, action, decision, "
                         "information)"),
    ({"body": "   "}, "commentaire vide"),
    ({"author": " "}, "auteur manquant"),
    ({"author": "x" * 101}, "auteur trop long"),
    ({"indicator_id": "use01"}, "identifiant d'indicateur invalide « use01 »"),
    ({"indicator_id": "TST-02"}, "indicateur inconnu « TST-02 » dans le catalogue tiny.yaml ; vouliez-vous dire"),
    ({"region": "99"}, "région inconnu(e) « 99 »"),
    ({"region": "84", "departement": "13"}, "le département 13 n'est pas dans la région 84"),
    ({"snapshot_id": "s-20260101-abcdef"}, "instantané inconnu ou supprimé"),
])
def test_bad_input_is_refused_in_french(sessions, catalogue, kw, message):
    with pytest.raises(ValueError) as caught, sessions.begin() as session:
        _add(session, catalogue=catalogue, **kw)
    assert message in str(caught.value)


def test_every_edit_keeps_the_old_and_new_values(sessions):
    with sessions.begin() as session:
        c = _add(session)
        service.edit_comment(session, c.id, "a.durand", body="Grève terminée", now=T0 + timedelta(days=1))
        service.edit_comment(session, c.id, "b.petit", kind="information", now=T0 + timedelta(days=2))
    with sessions() as session:
        history = service.comment_history(session, c.id)
        assert [(h.author, h.old_kind, h.new_kind, h.old_body, h.new_body) for h in history] == [
            ("a.durand", "risque", "risque", "Grève des laboratoires en novembre", "Grève terminée"),
            ("b.petit", "risque", "information", "Grève terminée", "Grève terminée"),
        ]
        assert session.query(CommentRevision).count() == 2
        [view] = service.list_comments(session)
    assert (view.kind, view.body, view.author, view.edited) == ("information", "Grève terminée", "c.martin", True)
    assert view.updated_at == T0 + timedelta(days=2)


def test_an_edit_that_changes_nothing_is_refused(sessions):
    with sessions.begin() as session:
        c = _add(session)
    with pytest.raises(ValueError, match="aucune modification"), sessions.begin() as session:
        service.edit_comment(session, c.id, "a", body="Grève des laboratoires en novembre", kind="risque")
    with pytest.raises(ValueError, match="auteur manquant"), sessions.begin() as session:
        service.edit_comment(session, c.id, "", body="autre")
    with pytest.raises(ValueError, match="introuvable"), sessions.begin() as session:
        service.edit_comment(session, 999, "a", body="autre")


def test_comments_as_of_a_past_moment(sessions):
    with sessions.begin() as session:
        c = _add(session)
        _add(session, body="Écrit plus tard", now=T0 + timedelta(days=5))
        service.edit_comment(session, c.id, "a", body="Corrigé", kind="analyse", now=T0 + timedelta(days=3))
        service.delete_comment(session, c.id, "chef", now=T0 + timedelta(days=10))
    with sessions() as session:
        assert service.list_comments(session, as_of=T0 - timedelta(seconds=1)) == []
        [first] = service.list_comments(session, as_of=T0 + timedelta(days=1))
        assert (first.body, first.kind, first.edited) == ("Grève des laboratoires en novembre", "risque", False)
        views = service.list_comments(session, as_of=T0 + timedelta(days=6))
        assert [(v.body, v.kind) for v in views] == [("Écrit plus tard", "risque"), ("Corrigé", "analyse")]
        assert [v.body for v in service.list_comments(session)] == ["Écrit plus tard"]  # deleted since
        assert [v.body for v in service.list_comments(session, since=T0 + timedelta(days=1))] == ["Écrit plus tard"]


def test_delete_is_soft_and_audited(sessions):
    with sessions.begin() as session:
        c = _add(session)
        service.delete_comment(session, c.id, "chef", now=T0 + timedelta(hours=1))
    with sessions() as session:
        [gone] = service.list_comments(session, include_deleted=True)
        assert gone.deleted and gone.body == "Grève des laboratoires en novembre"
        [event] = service.list_events(session, "comment", str(c.id))
    assert (event.action, event.author, event.detail["body"]) == ("comment.delete", "chef", gone.body)
    with pytest.raises(ValueError, match="supprimé"), sessions.begin() as session:
        service.edit_comment(session, c.id, "a", body="autre")


def test_filters_by_indicator_territory_and_kind(sessions):
    with sessions.begin() as session:
        _add(session, region="84")
        _add(session, indicator_id="TST-04", kind="decision")
        _add(session, region="93", kind="action")
    with sessions() as session:
        assert len(service.list_comments(session, "TST-01")) == 2
        assert [v.region_code for v in service.list_comments(session, region="93")] == ["93"]
        assert [v.indicator_id for v in service.list_comments(session, kinds=("decision",))] == ["TST-04"]


def test_a_comment_can_be_about_a_couloir(sessions):
    with sessions.begin() as session:
        c = _add(session, indicator_id="TST-04", couloir="radiologie")
        _add(session, body="Sans couloir", now=T0 + timedelta(hours=1))
        service.edit_comment(session, c.id, "a.durand", body="DRIMbox en retard", now=T0 + timedelta(days=1))
    with sessions() as session:
        [about] = service.list_comments(session, couloir="radiologie")
        assert (about.couloir_code, about.body, about.edited) == ("radiologie", "DRIMbox en retard", True)
        [before] = service.list_comments(session, couloir="radiologie", as_of=T0 + timedelta(hours=2))
        assert (before.couloir_code, before.body) == ("radiologie", "Grève des laboratoires en novembre")
        assert [v.couloir_code for v in service.list_comments(session)] == [None, "radiologie"]  # newest first
        [revision] = service.comment_history(session, c.id)  # the history keeps kind and text, as before
        assert (revision.old_body, revision.new_body) == ("Grève des laboratoires en novembre", "DRIMbox en retard")
        state = service.export_state(session, as_of=T0 + timedelta(hours=2))  # what a snapshot freezes
    assert [c["couloir_code"] for c in state["comments"]] == [None, "radiologie"]


def test_filters_by_indicator_list(sessions):
    with sessions.begin() as session:
        _add(session)
        _add(session, indicator_id="TST-04")
        _add(session, indicator_id="TST-05")
    with sessions() as session:
        found = service.list_comments(session, indicator_ids=["TST-04", "TST-05"])
        assert sorted(v.indicator_id for v in found) == ["TST-04", "TST-05"]
        assert service.list_comments(session, indicator_ids=[]) == []


@pytest.mark.parametrize("code", ["radio", "RADIOLOGIE"])
def test_an_unknown_couloir_is_refused_with_the_known_codes(sessions, code):
    with pytest.raises(ValueError) as caught, sessions.begin() as session:
        _add(session, couloir=code)
    assert f"couloir inconnu(e) « {code} » (attendu : hopital, medecin_ville, biologie, radiologie" in str(caught.value)
