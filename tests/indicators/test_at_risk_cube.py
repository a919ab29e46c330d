"""BUD-04's monthly series read from one cube per published warehouse equals the per-view query, exactly."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from indicators.at_risk import at_risk_rows, at_risk_select, risk_rules
from indicators.catalog import load_catalogue
from indicators.compute import Engine
from indicators.db import Warehouse
from indicators.query import ViewFilters
from tests.dashboard.test_budget_fixture import budget_settings

VIEWS = [ViewFilters(), ViewFilters(region="84"), ViewFilters(region="11"), ViewFilters(departement="69"),
         ViewFilters(couloir="hopital"), ViewFilters(dispositif="SUNES-V1"), ViewFilters(region="84", vague="1"),
         ViewFilters(region="93")]
BREAKDOWNS = [None, "region", "departement", "dispositif", "couloir", "vague"]


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return budget_settings(tmp_path_factory)


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["period"] = pd.to_datetime(df["period"])
    df["value"] = df["value"].astype(float)
    cols = [c for c in ("period", "key") if c in df]
    return df.sort_values(cols, na_position="first").reset_index(drop=True)[[*cols, "value"]]


@pytest.mark.parametrize("breakdown", BREAKDOWNS)
def test_the_cube_gives_the_rows_of_each_views_query(settings, breakdown):
    db, rules = Warehouse(settings.warehouse), risk_rules(load_catalogue())
    end = date(2023, 12, 31)
    for view in VIEWS:
        direct = _sorted(db.frame(at_risk_select(rules, end, view, breakdown)))
        cubed = _sorted(at_risk_rows(db, rules, end, view, breakdown))
        assert len(direct) > 0 or view.region == "93"
        pd.testing.assert_frame_equal(cubed, direct, check_exact=True, check_dtype=False)


def test_bud04_results_are_identical_with_and_without_the_cube(settings):
    catalogue = load_catalogue()
    cube, direct = (Engine(settings.warehouse, catalogue, today=date(2024, 1, 15)) for _ in range(2))
    direct.cubes = False
    for view in VIEWS[:6]:
        for as_of in ("2023-06", "2023-09", "2023-10"):
            a = cube.compute("BUD-04", as_of, view, with_forecast=False)
            b = direct.compute("BUD-04", as_of, view, with_forecast=False)
            assert [(p.period, p.value) for p in a.series] == [(p.period, p.value) for p in b.series]
            assert (a.status, a.reason_fr) == (b.status, b.reason_fr)
    rows = cube.compute("BUD-04", "2023-10", breakdown="region", with_forecast=False).breakdown
    assert {r.key: r.value for r in rows} == {
        r.key: r.value for r in direct.compute("BUD-04", "2023-10", breakdown="region", with_forecast=False).breakdown}
    assert sum(r.value for r in rows) == cube.compute("BUD-04", "2023-10", with_forecast=False).current.value
