"""Météo: a justification is required, history is kept, the latest entry per target is current."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from appstate import service

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("args", "message"), [
    (("indicator", "TST-01", "compromis", ""), "justification de la météo vide"),
    (("indicator", "TST-01", "compromis", "   \n"), "justification de la météo vide"),
    (("indicator", "TST-01", "orageux", "car"), "niveau de météo inconnu « orageux » (attendu : securise, "
                                                "atteignable, appuis_necessaires, compromis)"),
    (("programme", "TST-01", "compromis", "car"), "type de cible de la météo inconnu « programme »"),
    (("objective", "OBJ-AUTRE", "compromis", "car"), "objectif inconnu « OBJ-AUTRE »"),
    (("objective", "TST-01", "compromis", "car"), "identifiant d'objectif invalide"),
    (("indicator", "TST-09", "compromis", "car"), "indicateur inconnu « TST-09 »"),
])
def test_meteo_requires_a_justification_and_known_codes(sessions, catalogue, args, message):
    with pytest.raises(ValueError) as caught, sessions.begin() as session:
        service.set_meteo(session, *args, author="dns", catalogue=catalogue)
    assert message in str(caught.value)


def test_latest_entry_is_current_and_history_is_kept(sessions, catalogue):
    with sessions.begin() as session:
        service.set_meteo(session, "objective", "OBJ-TEST", "securise", "Tout va bien", "dns", now=T0,
                          catalogue=catalogue)
        service.set_meteo(session, "objective", "OBJ-TEST", "compromis", "Retard des éditeurs", "ars-ara",
                          now=T0 + timedelta(days=30))
        service.set_meteo(session, "indicator", "TST-01", "atteignable", "Rythme suffisant", "cnam", now=T0)
    with sessions() as session:
        now = service.current_meteo(session, "objective", "OBJ-TEST")
        assert (now.level, now.justification, now.author) == ("compromis", "Retard des éditeurs", "ars-ara")
        before = service.current_meteo(session, "objective", "OBJ-TEST", as_of=T0 + timedelta(days=1))
        assert before.level == "securise"
        assert service.current_meteo(session, "objective", "OBJ-TEST", as_of=T0 - timedelta(days=1)) is None
        assert [m.level for m in service.meteo_history(session, "objective", "OBJ-TEST")] == ["compromis", "securise"]
        current = service.current_meteos(session)
        assert {k: v.level for k, v in current.items()} == {("objective", "OBJ-TEST"): "compromis",
                                                            ("indicator", "TST-01"): "atteignable"}
