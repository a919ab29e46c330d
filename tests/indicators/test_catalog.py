"""The real catalogue: it loads, and it says what the programme's public sources say."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

import settings
from indicators.catalog import load_catalogue


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def final(cat, indicator_id):
    ms = cat.indicator(indicator_id).target.final
    return ms.value, ms.date


def test_real_catalogue_loads_without_warnings(cat):
    assert cat.file == "indicators.yaml"
    assert len(cat.indicators) >= 20
    assert len(cat.objectives) >= 5
    assert cat.warnings == ()
    assert cat.sha256 == hashlib.sha256((settings.ROOT / "indicators.yaml").read_bytes()).hexdigest()


def test_objectives_and_ids(cat):
    assert [o.id for o in cat.objectives] == ["OBJ-ALIM", "OBJ-EQUIP", "OBJ-BUDGET", "OBJ-CITOYEN", "OBJ-ECHANGE",
                                              "OBJ-EPRESC", "OBJ-VAGUE"]
    prefixes = {i.id.split("-")[0] for i in cat.indicators}
    assert prefixes >= {"BUD", "DEP", "USE", "CIT", "MSS", "INS", "EPR"}
    assert all(cat.objectives_of(i.id) for i in cat.indicators)


@pytest.mark.parametrize(("indicator_id", "value", "date"), [
    ("USE-01", 400_000_000, dt.date(2026, 12, 31)),
    ("USE-02", 250_000_000, dt.date(2023, 12, 31)),
    ("USE-03", 20_000_000, dt.date(2023, 12, 31)),
    ("CIT-01", 40_000_000, dt.date(2027, 12, 31)),
    ("USE-05", 80, dt.date(2024, 6, 30)),
    ("USE-06", 70, dt.date(2024, 6, 30)),
    ("DEP-01", 100, dt.date(2023, 9, 20)),
    ("DEP-04", 36_500, dt.date(2025, 12, 31)),
    ("INS-01", 80, dt.date(2022, 12, 31)),
    ("EPR-01", 40_000, dt.date(2024, 12, 31)),
])
def test_public_targets(cat, indicator_id, value, date):
    assert final(cat, indicator_id) == (value, date)
    assert cat.indicator(indicator_id).target.final.official


def test_documents_trajectory_and_baseline(cat):
    use01 = cat.indicator("USE-01")
    assert [(m.date, m.value) for m in use01.target.milestones] == [
        (dt.date(2023, 12, 31), 250_000_000), (dt.date(2026, 12, 31), 400_000_000)]
    assert use01.measure.kind == "rolling" and use01.measure.months == 12
    cit01 = cat.indicator("CIT-01")
    assert (cit01.baseline.value, cit01.baseline.date) == (7_200_000, dt.date(2022, 10, 31))


def test_territorial_targets(cat):
    couloirs = cat.indicator("USE-02").target.territorial
    assert couloirs.by == "couloir"
    assert couloirs.values == {"medecin_ville": 120_000_000, "radiologie": 35_000_000, "biologie": 75_000_000,
                               "hopital": 20_000_000}
    assert sum(couloirs.values.values()) == final(cat, "USE-02")[0]
    regions = cat.indicator("CIT-01").target.territorial
    assert (regions.by, regions.share) == ("region", "population")


def test_lower_is_better_where_it_should_be(cat):
    assert {i.id for i in cat.indicators if i.direction == "down"} == {"BUD-03", "BUD-04"}


def test_caveats_are_notes(cat):
    assert "12 mois" in cat.indicator("USE-01").notes.fr
    assert "assurés" in cat.indicator("CIT-02").notes.fr
    for indicator_id in ("BUD-01", "BUD-02", "BUD-05"):
        assert "630 M€" in cat.indicator(indicator_id).notes.fr
    unofficial = [i for i in cat.indicators if not all(m.official for m in i.target.milestones)]
    assert unofficial and all(i.notes for i in unofficial)


def test_effective_thresholds(cat):
    assert (cat.indicator("USE-01").status.on_track, cat.indicator("USE-01").status.watch) == (0.95, 0.80)
    assert cat.indicator("BUD-03").status.on_track == 0.90
    assert cat.indicator("USE-01").freshness.delay_days == 15
    assert cat.indicator("BUD-01").freshness.delay_days == 20


def test_unknown_indicator_is_a_clear_key_error(cat):
    with pytest.raises(KeyError, match=r"unknown indicator 'USE-99' in indicators.yaml \(did you mean 'USE-0.'\?\); "
                                       r"known: BUD-01, BUD-02, "):
        cat.indicator("USE-99")
    with pytest.raises(KeyError, match="unknown objective 'OBJ-X'"):
        cat.objective("OBJ-X")
