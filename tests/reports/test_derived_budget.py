"""The budget views read tables derived at publish time (etl/derived.py); a warehouse published before them
is read from the raw funding events. Both ways give the same numbers: checked on the demo data for several
as-of months and filters (the raw path is the definition; the derived one is the fast one)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from indicators import budget, budget_views
from indicators.db import Warehouse
from indicators.query import ViewFilters
from indicators.tables import has_derived

AS_OF = (date(2022, 6, 1), date(2024, 1, 1), date(2025, 9, 1))
VIEWS = (ViewFilters(), ViewFilters(region="84"), ViewFilters(couloir="hopital"), ViewFilters(dispositif="SUNES-V1"),
         ViewFilters(region="11", departement="75"), ViewFilters(vague="2"))


@pytest.fixture(scope="module")
def both(demo_settings):
    derived = Warehouse(demo_settings.warehouse)
    assert has_derived(derived)  # etl load builds them
    raw = Warehouse(demo_settings.warehouse)
    return derived, raw


def _raw(monkeypatch):
    for module in (budget, budget_views):
        monkeypatch.setattr(module, "has_derived", lambda db: False)


def _same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True), check_exact=False,
                                  rtol=1e-9, atol=0.005)


@pytest.mark.parametrize("as_of", AS_OF)
def test_derived_tables_give_the_raw_events_numbers(both, monkeypatch, as_of):
    derived, raw = both
    fast = {v.key(): (budget.budget_frame(derived, as_of, v), budget_views.consumption(derived, as_of, v),
                      budget_views.commitment_views(derived, as_of, v)) for v in VIEWS}
    _raw(monkeypatch)
    checked = 0
    for v in VIEWS:
        frame, curve, parts = fast[v.key()]
        _same(frame, budget.budget_frame(raw, as_of, v))
        _same(curve, budget_views.consumption(raw, as_of, v))
        expected = budget_views.commitment_views(raw, as_of, v)
        for name in ("risk", "lag", "beneficiaries"):
            _same(parts[name], expected[name])
            checked += len(parts[name])
    assert checked > 50  # the demo data has money at risk, paid commitments and beneficiaries to compare


def test_derived_tables_are_rebuilt_at_each_publish(demo_settings):
    import duckdb

    with duckdb.connect(str(demo_settings.warehouse), read_only=True) as con:
        events = con.execute("SELECT count(*) FROM fact_funding_event WHERE event_type = 'commitment'").fetchone()[0]
        states = con.execute("SELECT count(DISTINCT commitment_id), count(*) FILTER (WHERE valid_to = DATE "
                             "'9999-12-31') FROM derived_commitment_state").fetchone()
        amounts = con.execute("SELECT (SELECT sum(amount_eur) FROM fact_funding_event WHERE event_type IN "
                              "('advance', 'balance', 'lump_sum')), (SELECT sum(paid_eur) FROM "
                              "derived_funding_month)").fetchone()
    assert states == (events, events)  # every commitment, with exactly one current state
    assert amounts[0] == amounts[1]
