"""« Depuis le dernier comité »: exact changes between two tiny warehouses, in the committee's order."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from appstate import service
from appstate.changes import RANKS, capped, make_change
from appstate.db import forget, session_factory
from reports.change_text import values_text
from reports.diff import committee_diff, diff_snapshot, sort_key
from reports.snapshot import SnapshotError, create_snapshot
from tests.appstate.factories import (
    DOCUMENTS_A,
    DOCUMENTS_B,
    PROFILES,
    catalogue_text,
    engines_before_after,
    load_files,
    make_settings,
    run_cli,
)

FEB, MAR = date(2024, 2, 1), date(2024, 3, 1)
T0 = datetime(2024, 3, 5, 10, 0, tzinfo=UTC)  # when the previous committee's snapshot was taken


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """Warehouse A (Jan–Feb, as shown to the last committee) and B (Feb corrected, March added)."""
    return engines_before_after(tmp_path_factory.mktemp("diff"), DOCUMENTS_A, DOCUMENTS_B)


@pytest.fixture
def sessions(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    yield session_factory(url)
    forget(url)


def _seed(sessions) -> None:
    day = timedelta(days=1)
    with sessions.begin() as s:
        service.add_decision(s, "Relancer les laboratoires", "DNS", "sec", due_date="2024-04-01",
                             indicator_ids=["TST-01"], now=T0 - 10 * day)
        service.add_decision(s, "Point avec les ARS", "DGOS", "sec", due_date="2024-05-10", now=T0 - 10 * day)
        service.add_decision(s, "Déjà fait", "DNS", "sec", due_date="2024-04-01", status="fait", now=T0 - 10 * day)
        service.add_comment(s, "TST-01", "analyse", "Déjà présenté", "cnam", now=T0 - day)
        service.add_comment(s, "TST-01", "risque", "Grève des laboratoires", "ars-paca", region="93", now=T0 + 2 * day)
        service.set_meteo(s, "indicator", "TST-01", "securise", "Rythme tenu", "dns", now=T0 - day)
        service.set_meteo(s, "indicator", "TST-01", "compromis", "Grève", "dns", now=T0 + 3 * day)
        service.set_meteo(s, "objective", "OBJ-TEST", "atteignable", "Première météo", "dns", now=T0 + day)


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ")  # Babel separates numbers and units with no-break spaces


def _rows(changes) -> list[tuple]:
    return [(c.rank, c.kind, c.indicator_id, c.territory, c.before, c.after) for c in changes]


def test_exact_changes_in_the_committee_order(engines, sessions):
    a, b = engines
    _seed(sessions)
    previous = (a, FEB, SimpleNamespace(created_at=T0, label="COSUI n°13", id="s-20240305-000000"))
    with sessions() as session:
        changes = committee_diff((b, MAR, None), previous, session)
    assert _rows(changes) == [
        ("status_off_track", "status", "TST-01", None, "watch", "off_track"),
        ("worse", "meteo", "TST-01", None, "securise", "compromis"),  # statuses that worsened come first
        ("milestone_missed", "milestone", "TST-01", None, "due_soon", "missed"),
        ("decision_overdue", "decision_overdue", "TST-01", None, date(2024, 4, 1), "a_faire"),
        ("big_move", "value", "TST-01", None, 180, 230),  # +27,8 % nationally
        ("big_move", "value", "TST-01", "93", 60, 90),  # +50 %: 22 points above the national move
        ("big_move", "value", "TST-01", "11", 120, 140),  # +16,7 %: 11 points below
        ("decision_due", "decision_due", None, None, date(2024, 5, 10), "a_faire"),
        ("info", "meteo", None, None, None, "atteignable"),
        ("data", "new_data", None, None, FEB, MAR),
        ("data", "data_revised", None, None, None, ["mes_documents_2024.csv"]),
        ("comment", "comment", "TST-01", "93", None, "risque"),
    ]
    by_kind = {(c.kind, c.territory): c for c in changes}
    value = by_kind["value", None]
    assert (value.delta, value.delta_pct, value.direction) == (50, pytest.approx(50 / 180), "better")
    assert _plain(value.sentence_fr) == ("TST-01 Indicateur TST-01 : 230 documents (mars 2024) contre 180 documents "
                                 "(févr. 2024), soit +50 documents (+27,8 %).")
    assert _plain(value.sentence_en).startswith("TST-01 Indicator TST-01: 230 documents (Mar 2024) against 180 documents")
    assert by_kind["milestone", None].detail == {"date": date(2024, 3, 31), "target": 300, "actual": 230}
    assert _plain(by_kind["milestone", None].sentence_fr) == ("TST-01 Indicateur TST-01 : jalon du 31 mars 2024 "
                                                      "(300 documents) manqué, valeur 230 documents.")
    assert "en retard de 19 jours" in by_kind["decision_overdue", None].sentence_fr
    assert by_kind["comment", "93"].sentence_fr.endswith("« Grève des laboratoires »")
    assert [c.severity for c in changes[:5]] == ["high", "high", "high", "high", "medium"]
    words = {(c.kind, c.territory): values_text(c, "fr") for c in changes if c.indicator_id or c.kind != "meteo"}
    assert words["status", None] == "à surveiller → en retard"
    assert words["meteo", None] == "Sécurisé → Compromis"
    assert words["milestone", None] == "échéance dans moins de 3 mois → manqué"  # the screen's words
    assert words["decision_overdue", None] == "échéance 1 avr. 2024 → À faire"
    assert _plain(words["value", None]) == "180 documents → 230 documents"
    assert words["new_data", None] == "févr. 2024 → mars 2024"
    assert words["comment", "93"] == "— → Risque"
    assert values_text(by_kind["status", None], "en") == "to watch → off track"
    assert values_text(by_kind["decision_overdue", None], "en") == "due 1 Apr 2024 → To do"
    codes = ("off_track", "on_track", "a_faire", "securise", "compromis", "due_soon", "mes_documents »")
    for c in changes:
        for lang in ("fr", "en"):
            shown = values_text(c, lang) + (c.sentence_fr if lang == "fr" else c.sentence_en)
            assert not any(code in shown for code in codes), shown
    assert all(c.sentence_fr and c.sentence_en for c in changes)
    json.dumps([c.as_dict() for c in changes])  # serialisable for --json and the dashboard


def test_identical_sides_change_nothing(engines):
    a, _ = engines
    assert committee_diff((a, FEB, None), (a, FEB, None), None) == []


def test_improvement_and_national_only(engines):
    a, b = engines
    # Backwards in time: from B in March to A in February the status improves and the value falls.
    changes = committee_diff((a, FEB, None), (b, MAR, None), None, regions=False)
    assert _rows(changes)[:2] == [("big_move", "value", "TST-01", None, 230, 180),  # big moves come first
                                  ("better", "status", "TST-01", None, "off_track", "watch")]
    assert [c.direction for c in changes[:2]] == ["worse", "better"]
    assert all(c.territory is None for c in changes)


def test_sort_order_rules():
    def ch(rank, score=1.0, territory=None):
        return make_change("x", "TST-01", territory, None, None, rank, score, "fr", "en")

    shuffled = [ch("comment"), ch("big_move", 0.5), ch("big_move", 0.9, "93"), ch("big_move", 0.2),
                ch("status_off_track", 1, "11"), ch("status_off_track", 3), ch("small_move")]
    ordered = sorted(shuffled, key=sort_key)
    assert [(c.rank, c.territory, c.score) for c in ordered] == [
        ("status_off_track", None, 3), ("status_off_track", "11", 1), ("big_move", None, 0.5),
        ("big_move", None, 0.2), ("big_move", "93", 0.9), ("comment", None, 1.0), ("small_move", None, 1.0)]
    assert RANKS[0] == "status_off_track" and RANKS[-1] == "small_move"


def test_a_capped_list_never_drops_a_high_severity_change():
    def ch(rank, n):
        return make_change("x", f"TST-{n:02d}", None, None, None, rank, 1.0, "fr", "en")

    changes = sorted([ch("big_move", i) for i in range(10)] + [ch("comment", 10 + i) for i in range(10)]
                     + [ch("status_off_track", 30), ch("milestone_missed", 31)], key=sort_key)
    assert [c.indicator_id for c in changes[:3]] == ["TST-30", "TST-31", "TST-00"]
    late = changes[2:] + changes[:2]  # the two high ones moved past the cap (a région's pack reorders)
    shown, left = capped(late, 5)
    assert [c.indicator_id for c in shown] == ["TST-00", "TST-01", "TST-02", "TST-03", "TST-04", "TST-30", "TST-31"]
    assert left == len(late) - 7
    assert capped(late, None) == (late, 0) and capped(late[:3], 5) == (late[:3], 0)
    assert all(c.severity == "high" for c in changes[:2]) and changes[2].severity == "medium"


@pytest.fixture
def live(tmp_path):
    s = make_settings(tmp_path)
    load_files(s, {"mes_documents_2024.csv": DOCUMENTS_A, "mes_profiles_2024.csv": PROFILES}, tmp_path / "raw-a")
    yield s
    forget(s.app_db)


def test_snapshot_against_live_data_after_a_new_load_and_a_new_target(live, tmp_path):
    snap = create_snapshot(live, "COSUI n°13", author="sec")
    load_files(live, {"mes_documents_2024.csv": DOCUMENTS_B}, tmp_path / "raw-b")
    Path(live.indicators).write_text(catalogue_text(final_docs=600), encoding="utf-8")
    current, previous, changes = diff_snapshot(live, snap.id)
    assert (current.meta, current.as_of, previous.meta.id, previous.as_of) == (None, MAR, snap.id, FEB)
    rows = _rows(changes)
    assert ("status_off_track", "status", "TST-01", None, "watch", "off_track") in rows
    assert ("data", "new_data", None, None, FEB, MAR) in rows
    [target] = [c for c in changes if c.kind == "target"]
    assert (target.before["value"], target.after["value"]) == (300, 600)
    assert "cible finale modifiée, 300 documents au 31 mars 2024 → 600 documents" in _plain(target.sentence_fr)


def test_snapshot_against_the_one_before_it(live, monkeypatch, capsys):
    first = create_snapshot(live, "COSUI n°12", "2024-01", author="sec")
    second = create_snapshot(live, "COSUI n°13", "2024-02", author="sec")
    current, previous, changes = diff_snapshot(live, second.id, "previous")
    assert (previous.meta.id, current.meta.id) == (first.id, second.id)
    assert ("big_move", "value", "TST-01", None, 150, 180) in _rows(changes)
    _, _, same = diff_snapshot(live, first.id, second.id)  # order follows the creation dates
    assert _rows(same) == _rows(changes)
    with pytest.raises(SnapshotError, match="aucun instantané antérieur"):
        diff_snapshot(live, first.id, "previous")

    assert run_cli(monkeypatch, live, "snapshot", "diff", second.id, "--against", "previous") == 0
    out = _plain(capsys.readouterr().out)
    assert out.startswith("Depuis le dernier comité : COSUI n°12 (janv. 2024) → COSUI n°13 (févr. 2024)")
    assert "soit +30 documents (+20,0 %)" in out
    assert run_cli(monkeypatch, live, "snapshot", "diff", first.id, "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["previous"]["id"], data["current"]["id"]) == (first.id, "live")
    assert run_cli(monkeypatch, live, "snapshot", "diff", first.id, "--against", "previous") == 1
    assert "erreur : aucun instantané antérieur" in capsys.readouterr().out
