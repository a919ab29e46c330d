"""URL query string ⇄ ViewState, with validation against the reference data."""

from pathlib import Path

import pytest

from dashboard.reference import load_reference
from dashboard.state import ViewState, extra_params, parse_search, parse_view_state

REF = load_reference(Path(__file__).resolve().parents[2] / "data" / "reference")
MONTHS = ["2025-10", "2025-09"]


def parse(query, months=None):
    return parse_view_state(query, REF, months)


def test_empty_query_is_the_default_view():
    state, messages = parse({})
    assert state == ViewState()
    assert messages == []
    assert state.to_search() == ""


def test_valid_values_round_trip():
    query = {"as_of": "2025-10", "region": "76", "departement": "31", "couloir": "biologie",
             "dispositif": "SONS-V1-BIO", "vague": "1", "lang": "en", "snapshot": "cosui-13"}
    state, messages = parse(query, MONTHS)
    assert messages == []
    assert state.to_query() == query
    assert parse(parse_search(state.to_search()), MONTHS)[0] == state
    assert state.as_of_date.isoformat() == "2025-10-01"
    assert state.filters == {"region": "76", "departement": "31", "couloir": "biologie",
                             "dispositif": "SONS-V1-BIO", "vague": "1"}


def test_normalisation_of_codes():
    state, messages = parse({"departement": "1", "couloir": " Biologie ", "dispositif": "sons-v1-hop", "lang": "EN"})
    assert (state.departement, state.couloir, state.dispositif, state.lang) == ("01", "biologie", "SONS-V1-HOP", "en")
    assert messages == []
    assert parse({"departement": "2a"})[0].departement == "2A"


@pytest.mark.parametrize(("query", "field", "fr_fragment"), [
    ({"region": "99"}, "region", "région inconnue « 99 »"),
    ({"departement": "975"}, "departement", "département inconnu « 975 »"),
    ({"couloir": "chirurgie"}, "couloir", "couloir inconnu « chirurgie »"),
    ({"dispositif": "SONS-V9"}, "dispositif", "dispositif inconnu « SONS-V9 »"),
    ({"vague": "3"}, "vague", "vague inconnue « 3 » (valeurs possibles : 1, 2)"),
    ({"as_of": "2025-13"}, "as_of", "mois mal formé « 2025-13 »"),
    ({"as_of": "octobre"}, "as_of", "attendu AAAA-MM"),
    ({"snapshot": "../../etc/passwd"}, "snapshot", "identifiant invalide"),
])
def test_invalid_values_are_dropped_with_a_french_message(query, field, fr_fragment):
    state, messages = parse(query)
    assert getattr(state, field) is None
    assert len(messages) == 1
    assert fr_fragment in messages[0]


def test_messages_follow_the_language():
    _, messages = parse({"region": "99", "lang": "en"})
    assert messages == ["Parameter “region”: unknown region “99” (expected an INSEE region code, e.g. 84 for "
                        "Auvergne-Rhône-Alpes). Filter ignored."]


def test_departement_outside_region():
    state, messages = parse({"region": "84", "departement": "31"})
    assert (state.region, state.departement) == ("84", None)
    assert messages == ["Le département 31 (Haute-Garonne) n'appartient pas à la région 84 (Auvergne-Rhône-Alpes) : "
                        "filtre département ignoré."]


def test_month_not_published():
    state, messages = parse({"as_of": "2024-01"}, MONTHS)
    assert state.as_of is None
    assert "aucune donnée publiée pour « 2024-01 » (mois disponibles : sept. 2025 à oct. 2025)" in messages[0]
    assert parse({"as_of": "2024-01"}, [])[0].as_of == "2024-01"  # no warehouse: format check only


def test_unknown_language():
    state, messages = parse({"lang": "de"})
    assert state.lang == "fr"
    assert "langue inconnue « de »" in messages[0]


def test_repeated_and_blank_parameters():
    state, messages = parse({"region": ["11", "84"], "couloir": "", "vague": []})
    assert (state.region, state.couloir, state.vague) == ("84", None, None)
    assert messages == []


def test_extra_parameters_are_kept_for_pages():
    query = {"region": "84", "indicateur": "documents_mes", "lang": "en", "empty": ""}
    assert extra_params(query) == {"indicateur": "documents_mes"}
    state = parse(query)[0]
    assert state.to_search({"indicateur": "documents_mes", "region": "zz"}) == (
        "?region=84&lang=en&indicateur=documents_mes")
    assert state.href("/budget") == "/budget?region=84&lang=en"


def test_parse_search():
    assert parse_search("?a=1&a=2&b=&c=%C3%A9") == {"a": "2", "c": "é"}
    assert parse_search("") == {}
    assert parse_search(None) == {}
