"""Decisions: links to indicators and territories, one revision per changed field, due and overdue lists."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from appstate import service
from appstate.models import DecisionIndicator, DecisionTerritory

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _add(session, **kw):
    args = {"text": "Relancer les éditeurs de LGC", "owner": "DNS", "author": "secretariat",
            "due_date": "2026-06-30", "committee_label": "COSUI n°13", "now": T0} | kw
    return service.add_decision(session, **args)


def test_a_decision_links_indicators_and_territories(sessions, catalogue):
    with sessions.begin() as session:
        d = _add(session, indicator_ids=["TST-04", "tst-01", "TST-01"], regions=["84", "93"], departements=["69"],
                 catalogue=catalogue)
    with sessions() as session:
        [view] = service.list_decisions(session)
        assert session.query(DecisionIndicator).count() == 2
        assert session.query(DecisionTerritory).count() == 3
    assert view.id == d.id
    assert (view.indicator_ids, view.regions, view.departements) == (("TST-01", "TST-04"), ("84", "93"), ("69",))
    assert (view.status, view.due_date, view.created_by, view.committee_label) == (
        "a_faire", date(2026, 6, 30), "secretariat", "COSUI n°13")


@pytest.mark.parametrize(("kw", "message"), [
    ({"status": "fini"}, "statut de décision inconnu « fini » (attendu : a_faire, en_cours, fait, abandonne)"),
    ({"text": ""}, "texte de la décision vide"),
    ({"owner": ""}, "responsable manquant"),
    ({"due_date": "30/06/2026"}, "échéance invalide « 30/06/2026 » (attendu une date AAAA-MM-JJ)"),
    ({"indicator_ids": ["TST-07"]}, "indicateur inconnu « TST-07 »"),
    ({"regions": ["00"]}, "région inconnu(e) « 00 »"),
    ({"departements": ["20"]}, "département inconnu(e) « 20 »"),
])
def test_bad_decisions_are_refused(sessions, catalogue, kw, message):
    with pytest.raises(ValueError) as caught, sessions.begin() as session:
        _add(session, catalogue=catalogue, **kw)
    assert message in str(caught.value)


def test_updates_keep_one_revision_per_changed_field(sessions):
    with sessions.begin() as session:
        d = _add(session, indicator_ids=["TST-01"], regions=["84"])
        service.update_decision(session, d.id, "dns", status="en_cours", text="Relancer les éditeurs de LGC",
                                regions=["84", "93"], now=T0 + timedelta(days=10))
        service.update_decision(session, d.id, "dgos", due_date=date(2026, 9, 30), status="fait",
                                indicator_ids=[], now=T0 + timedelta(days=20))
    with sessions() as session:
        history = service.decision_history(session, d.id)
        assert [(h["field"], h["old"], h["new"], h["author"]) for h in history] == [
            ("status", "a_faire", "en_cours", "dns"),
            ("regions", ["84"], ["84", "93"], "dns"),
            ("due_date", date(2026, 6, 30), date(2026, 9, 30), "dgos"),
            ("status", "en_cours", "fait", "dgos"),
            ("indicator_ids", ["TST-01"], [], "dgos"),
        ]
        [now] = service.list_decisions(session)
        [then] = service.list_decisions(session, as_of=T0 + timedelta(days=15))
        assert service.list_decisions(session, as_of=T0 - timedelta(seconds=1)) == []
    assert (now.status, now.due_date, now.indicator_ids, now.regions) == ("fait", date(2026, 9, 30), (), ("84", "93"))
    assert (then.status, then.due_date, then.indicator_ids, then.regions) == (
        "en_cours", date(2026, 6, 30), ("TST-01",), ("84", "93"))
    assert now.revisions == 5 and then.revisions == 2


def test_an_update_that_changes_nothing_is_refused(sessions):
    with sessions.begin() as session:
        d = _add(session)
    with pytest.raises(ValueError, match="aucune modification"), sessions.begin() as session:
        service.update_decision(session, d.id, "dns", status="a_faire", owner="DNS")
    with pytest.raises(ValueError, match="introuvable"), sessions.begin() as session:
        service.update_decision(session, 404, "dns", status="fait")


def test_due_and_overdue_decisions(sessions):
    today = date(2026, 7, 1)
    with sessions.begin() as session:
        late = _add(session, due_date="2026-06-30")
        _add(session, due_date="2026-06-01", status="fait")  # done: never overdue
        soon = _add(session, due_date="2026-07-31")
        _add(session, due_date="2026-08-15")  # beyond 30 days
        _add(session, due_date=None)
    with sessions() as session:
        assert [d.id for d in service.overdue_decisions(session, today)] == [late.id]
        assert [d.id for d in service.due_decisions(session, today)] == [soon.id]
        assert len(service.due_decisions(session, today, within_days=60)) == 2
        listed = service.list_decisions(session)
        assert listed[-1].due_date is None  # undated last
        assert len(service.list_decisions(session, open_only=True)) == 4


def test_filters_by_link(sessions):
    with sessions.begin() as session:
        a = _add(session, indicator_ids=["TST-01"], regions=["84"])
        _add(session, indicator_ids=["TST-04"], departements=["13"])
    with sessions() as session:
        assert [d.id for d in service.list_decisions(session, indicator_id="TST-01")] == [a.id]
        assert [d.id for d in service.list_decisions(session, region="84")] == [a.id]
        assert len(service.list_decisions(session, departement="13")) == 1


def test_export_state_is_plain_json_data(sessions):
    import json

    with sessions.begin() as session:
        _add(session, indicator_ids=["TST-01"])
        service.add_comment(session, "TST-01", "analyse", "Bon rythme", "cnam", now=T0)
        service.set_meteo(session, "indicator", "TST-01", "securise", "Cible atteinte", "cnam", now=T0)
    with sessions() as session:
        state = service.export_state(session, as_of=T0 + timedelta(hours=1))
    data = json.loads(json.dumps(state))
    assert [c["body"] for c in data["comments"]] == ["Bon rythme"]
    assert data["decisions"][0]["indicator_ids"] == ["TST-01"]
    assert data["meteo_current"][0]["level"] == "securise"
    assert data["as_of"] == "2026-03-02T10:00:00+00:00"
