""""Expliquer ce chiffre" and the engine's sentences exist in English too: an English reader sees no French."""

from __future__ import annotations

import re

import pytest

from indicators.explain import describe, explain, progress_rule
from indicators.query import ViewFilters

FRENCH = re.compile(r"\b(somme|nombre|moyenne|cumul|dernière|glissant|jours|renseigné|vide|où|depuis|part|cible|"
                    r"déclarée?|n'est|pas|de|des|du|la|le)\b", re.IGNORECASE)


def test_every_formula_of_the_catalogue_reads_in_english(tiny_catalogue):
    for ind in tiny_catalogue.indicators:
        english, french = describe(ind.measure, "en"), describe(ind.measure, "fr")
        assert english != french, ind.id
        assert not FRENCH.search(english), (ind.id, english)


def test_real_catalogue_formulas_and_rules_in_english():
    from indicators.catalog import load_catalogue

    for ind in load_catalogue().indicators:
        assert not FRENCH.search(describe(ind.measure, "en")), ind.id
        rule = progress_rule(ind, "en")
        assert f"{ind.status.on_track:.0%} on track" in rule and not FRENCH.search(rule)


def test_explain_carries_both_languages(engine):
    e = explain(engine, "TST-05", "2024-03", ViewFilters(region="11"))
    assert e["formula_en"].startswith("(") and "÷" in e["formula_en"]
    assert all(leaf["formula_en"] and not FRENCH.search(leaf["formula_en"]) for leaf in e["leaves"])
    assert e["target_scope"] and e["target_scope_en"] and not FRENCH.search(e["target_scope_en"])
    assert e["reason_en"] and not FRENCH.search(e["reason_en"])
    assert e["progress_formula_en"].startswith("progress = ")


@pytest.mark.parametrize(("filters", "word"), [(ViewFilters(couloir="biologie"), "couloir")])
def test_not_applicable_reason_in_english(engine, filters, word):
    r = engine.compute("TST-02", "2024-03", filters, with_forecast=False)
    assert r.not_applicable
    assert word in r.reason_en and "declared dimension" in r.reason_en and not FRENCH.search(r.reason_en)


def test_regional_target_note_in_both_languages(engine):
    r = engine.compute("TST-01", "2024-03", ViewFilters(region="11"), with_forecast=False)
    assert r.target_note_fr and r.target_note_en
    assert r.target_note_fr != r.target_note_en and not FRENCH.search(r.target_note_en)
