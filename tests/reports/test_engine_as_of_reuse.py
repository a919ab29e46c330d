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
