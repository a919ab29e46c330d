"""The engine answers an earlier as-of month from the rows it read at the latest month (one query per leaf and
view). Checked against an engine that can only query at that month (its `today` is the month's end), over the
real catalogue and the demo data: every indicator, national and by région, several months."""

from __future__ import annotations

from datetime import date

import pytest

from indicators.compute import Engine, month_end

AS_OF = ("2022-09", "2024-01", "2025-06")


def _values(result):
    rows = {r.key: r.value for r in result.breakdown or []}
    return [p.value for p in result.series], rows


@pytest.mark.parametrize("as_of", AS_OF)
def test_earlier_month_from_latest_rows_equals_direct_query(engine, as_of):
    month = date.fromisoformat(as_of + "-01")
    assert engine.latest_month() > month  # the shared engine reads every leaf at its latest month
    direct = Engine(engine.db, engine.catalogue, today=month_end(month))
    assert direct.latest_month() == month  # …this one cannot see past `as_of`
    for ind in engine.catalogue.indicators:
        engine.compute(ind.id, None, with_forecast=False)  # fills the cache at the latest month first
        breakdown = "region" if "region" in ind.dimensions else None
        reused = engine.compute(ind.id, month, breakdown=breakdown, with_forecast=False)
        expected = direct.compute(ind.id, month, breakdown=breakdown, with_forecast=False)
        got_points, got_rows = _values(reused)
        want_points, want_rows = _values(expected)
        assert got_points == pytest.approx(want_points, nan_ok=True), ind.id
        assert got_rows == pytest.approx(want_rows, nan_ok=True), ind.id
        assert reused.status == expected.status, ind.id


def _leaves(catalogue):
    """(leaf measure, first_seen_from) of every indicator, as the engine evaluates them."""
    from indicators.model import CountDistinctMeasure, CumulativeMeasure

    def walk(m):
        if isinstance(m, CumulativeMeasure) and isinstance(m.of, CountDistinctMeasure):
            yield m.of, m.start
        elif hasattr(m, "leaves") and m.leaves() == [m]:
            yield m, False
        else:
            for child in ("numerator", "denominator", "of", "left", "right"):
                if getattr(m, child, None) is not None:
                    yield from walk(getattr(m, child))
    for ind in catalogue.indicators:
        yield from walk(ind.measure)


@pytest.mark.parametrize("as_of", ["2023-06", "2025-06"])
def test_a_regions_departements_are_columns_of_the_national_breakdown(engine, as_of):
    """A région's breakdown by département is cut from the national one; checked against the query filtered
    on the région, for every leaf of the catalogue that has départements."""
    from indicators.query import ViewFilters, first_seen_select, leaf_select, supports

    month = date.fromisoformat(as_of + "-01")
    view = ViewFilters(region="84")
    checked = 0
    for leaf, first_seen in _leaves(engine.catalogue):
        if not supports(leaf.table, "departement"):
            continue
        if first_seen is False:
            stmt = leaf_select(leaf, month_end(month), view, "departement")
        else:
            stmt = first_seen_select(leaf, month_end(month), view, "departement", first_seen or None)
        expected = Engine._leaf_frame(leaf, engine._typed(engine.db.frame(stmt)), month)
        got = engine._leaf(leaf, month, view, "departement", first_seen)
        assert sorted(got.columns) == sorted(expected.columns), leaf
        assert got[sorted(got.columns)].to_numpy() == pytest.approx(
            expected[sorted(expected.columns)].to_numpy(), nan_ok=True), leaf
        checked += 1
    assert checked >= 5
