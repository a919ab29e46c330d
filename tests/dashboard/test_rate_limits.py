"""Rates of heavy requests per person and overall (the `limits` library): French 429s, others unaffected."""

from __future__ import annotations

import dataclasses

import pytest

from dashboard.rate_limits import RateLimited, Rates
from indicators.scope import LECTEUR
from tests.signin import client_as


def test_per_person_then_overall():
    rates = Rates("2/minute", "100/minute")
    rates.check("alice", "export")
    rates.check("alice", "export")
    with pytest.raises(RateLimited, match=r"au plus 2 par minute par personne\) ; réessayez dans \d+ s"):
        rates.check("alice", "export")
    rates.check("bob", "export")  # somebody else still may
    shared = Rates("10/minute", "3/minute")
    for who in ("a", "b", "c"):
        shared.check(who, "export")
    with pytest.raises(RateLimited, match="Le serveur reçoit trop de demandes d'export"):
        shared.check("d", "export")


def test_export_routes_answer_429_over_the_person_rate(loaded_settings, own_app_factory):
    app = own_app_factory(dataclasses.replace(loaded_settings, rate_per_person="2/minute"))
    alice, bob = client_as(app, "alice", [LECTEUR]), client_as(app, "bob", [LECTEUR])
    url = "/exports/extract/fact_documents.csv?as_of=2025-10"
    assert [alice.get(url).status_code for _ in range(2)] == [200, 200]
    refused = alice.get(url)
    assert refused.status_code == 429
    assert refused.get_data(as_text=True).startswith("Export impossible : Trop de demandes d'export en peu de temps")
    assert bob.get(url).status_code == 200


def test_two_apps_on_one_app_state_database_count_together(loaded_settings, own_app_factory, tmp_path):
    """The default storage (appstate://) counts in the app-state database: a second app (another worker or
    instance) on the same database refuses the request the first one's count makes one too many."""
    settings = dataclasses.replace(loaded_settings, app_db=f"sqlite:///{tmp_path / 'app.db'}",
                                   rate_per_person="2/day")
    assert settings.rate_storage == "appstate://"
    first, second = own_app_factory(settings), own_app_factory(settings)
    url = "/exports/extract/fact_documents.csv?as_of=2025-10"
    assert client_as(first, "alice", [LECTEUR]).get(url).status_code == 200
    assert client_as(second, "alice", [LECTEUR]).get(url).status_code == 200
    refused = client_as(first, "alice", [LECTEUR]).get(url)
    assert refused.status_code == 429 and "au plus 2 par jour par personne" in refused.get_data(as_text=True)
