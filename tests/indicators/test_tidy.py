"""The tidy table on the tiny warehouse: hand-counted values per territory and month, and the scope's régions."""

from __future__ import annotations

from datetime import date

import pytest

from indicators.scope import Scope, ScopeDenied
from indicators.tidy import COLUMNS, territories, tidy_table

PARIS = Scope.of(7, "ars-idf", "ARS IdF", ["lecteur"], ["11"])


def _value(df, level, territory, month):
    """The row of a territory and month (a code names a région or a département: "11" is both)."""
    row = df[(df.territory_level == level) & (df.territory_code.fillna("FR") == territory) & (df.period == month)]
    assert len(row) == 1, row
    return row.iloc[0]


def test_values_per_territory_and_month(engine):
    df = tidy_table(engine, Scope.system(), "2024-03", ["TST-01"])
    assert list(df.columns) == list(COLUMNS)
    # documents by month: Paris (75, région 11) 110, 120, 170; Bouches-du-Rhône (13, région 93) 50, 60, 70
    assert _value(df, "national", "FR", date(2024, 1, 1)).value == 160
    assert _value(df, "region", "11", date(2024, 3, 1)).value == 170
    assert _value(df, "departement", "75", date(2024, 2, 1)).value == 120
    assert _value(df, "region", "93", date(2024, 2, 1)).value == 60
    row = _value(df, "departement", "13", date(2024, 1, 1))
    assert (row.territory_level, row.region_code, row.unit, row.grain) == ("departement", "93", "documents", "month")
    assert df.period.max() == date(2024, 3, 1)


def test_a_regional_scope_sees_its_region_its_departements_and_the_nation_only(engine):
    df = tidy_table(engine, PARIS, "2024-03")
    assert set(df.territory_level) == {"national", "region", "departement"}
    assert set(df.region_code.dropna()) == {"11"}
    assert set(df[df.territory_level == "departement"].territory_code) <= {"75", "77", "78", "91", "92", "93", "94",
                                                                           "95"}
    assert "13" not in set(df[df.territory_level == "departement"].territory_code)
    with pytest.raises(ScopeDenied):
        territories(engine, PARIS, regions=["93"])


def test_nobody_and_the_public(engine):
    nobody = Scope(None, "", "", frozenset(), None)
    with pytest.raises(ScopeDenied):
        tidy_table(engine, nobody)
    public = tidy_table(engine, Scope.public_reader(), "2024-03", ["TST-01"])
    assert set(public.territory_level) == {"national"}


def test_bad_level_and_region_are_named(engine):
    with pytest.raises(ValueError, match="niveau de territoire inconnu « commune »"):
        territories(engine, Scope.system(), levels=["commune"])
    with pytest.raises(ValueError, match="région inconnue « 99 »"):
        territories(engine, Scope.system(), regions=["99"])
