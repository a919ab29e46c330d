"""Deployment views over the tiny warehouse of tests/dashboard/test_budget_fixture.py.

As of 2023-09: hôpital vague 1 has 2 referenced solutions (Éditeur A) and 3 sites: 750712184 (DPI installed
and validated, PFI installed only; feeds the DMP in Aug 2023), 690781810 (installed 09/2022, not validated;
its documents do not count: not validated), 130786049 (ordered 08/2023). Biologie vague 1: 1 solution
(Éditeur B), 1 site installed and validated, whose last documents are from May 2023 (not in the last 3
months). Médecin de ville vague 1: 1 solution (Éditeur B), 1 doctor (RPPS) installed and validated in 2022;
no usage source for that couloir. The radiologie solution is referenced in December 2023, after the as-of month.
"""

from __future__ import annotations

from datetime import date

import pytest

from indicators.db import Warehouse
from indicators.deployment import editeurs, funnel, measured_couloirs, orders_by_month
from indicators.query import ViewFilters
from tests.dashboard.test_budget_fixture import budget_settings

SEPT = date(2023, 9, 1)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return Warehouse(budget_settings(tmp_path_factory).warehouse)


def _rows(frame):
    return {(r["couloir_code"], r["vague"]): r for r in frame.to_dict("records")}


def test_funnel_per_couloir_and_vague(db):
    rows = _rows(funnel(db, SEPT))
    assert set(rows) == {("hopital", "1"), ("biologie", "1"), ("medecin_ville", "1")}
    hop = rows[("hopital", "1")]
    assert (hop["solutions"], hop["editeurs"], hop["ordered"], hop["installed"], hop["validated"], hop["in_use"]) == (
        2, 1, 3, 2, 1, 1)
    assert hop["install_rate"] == pytest.approx(2 / 3)
    assert hop["validation_rate"] == pytest.approx(1 / 2)
    assert hop["usage_rate"] == 1.0
    assert hop["order_to_install_days"] == 78  # median of 50, 89 and 78 days
    assert hop["install_to_validation_days"] == 31
    assert hop["stale_orders"] == 2  # 690781810, and 750712184's PFI order: not validated after 12 months
    bio = rows[("biologie", "1")]
    assert (bio["ordered"], bio["installed"], bio["validated"], bio["in_use"], bio["usage_rate"]) == (1, 1, 1, 0, 0.0)
    assert bool(bio["usage_measured"]) and bio["stale_orders"] == 0


def test_usage_is_not_measured_where_the_source_does_not_exist(db):
    assert measured_couloirs(db, SEPT) == {"hopital", "biologie"}
    mdv = _rows(funnel(db, SEPT))[("medecin_ville", "1")]
    assert (mdv["solutions"], mdv["ordered"], mdv["installed"], mdv["validated"]) == (1, 1, 1, 1)
    assert not mdv["usage_measured"] and mdv["in_use"] != mdv["in_use"]  # NaN: "non mesuré"
    assert mdv["usage_rate"] != mdv["usage_rate"]


def test_a_solution_referenced_later_is_not_counted_yet(db):
    assert ("radiologie", "1") not in _rows(funnel(db, SEPT))
    rad = _rows(funnel(db, date(2023, 12, 1)))[("radiologie", "1")]
    assert (rad["solutions"], rad["ordered"]) == (1, 0) and rad["install_rate"] != rad["install_rate"]


def test_the_usage_window_is_three_months(db):
    assert _rows(funnel(db, date(2023, 10, 1)))[("hopital", "1")]["in_use"] == 1  # Aug–Oct
    assert _rows(funnel(db, date(2023, 11, 1)))[("hopital", "1")]["in_use"] == 0  # Sep–Nov
    assert _rows(funnel(db, date(2023, 7, 1)))[("biologie", "1")]["in_use"] == 1  # May–Jul


def test_funnel_total(db):
    total = funnel(db, SEPT, by_segment=False).iloc[0]
    assert (total["solutions"], total["editeurs"], total["ordered"], total["installed"], total["validated"]) == (
        4, 2, 5, 4, 3)
    assert (total["in_use"], total["validated_measured"], total["usage_rate"]) == (1, 2, 0.5)  # measured couloirs only
    assert total["stale_orders"] == 2 and bool(total["usage_measured"])


def test_territorial_filters_apply_to_sites_not_to_the_national_list_of_solutions(db):
    rows = _rows(funnel(db, SEPT, ViewFilters(region="84")))
    assert set(rows) == {("hopital", "1"), ("biologie", "1"), ("medecin_ville", "1")}
    hop = rows[("hopital", "1")]
    assert (hop["solutions"], hop["ordered"], hop["installed"], hop["validated"], hop["stale_orders"]) == (2, 1, 1, 0, 1)
    assert rows[("biologie", "1")]["ordered"] == 0
    only_75 = _rows(funnel(db, SEPT, ViewFilters(departement="75")))
    assert only_75[("hopital", "1")]["ordered"] == 1 and only_75[("biologie", "1")]["ordered"] == 1


def test_a_dispositif_filter_keeps_its_couloir_and_vague(db):
    rows = _rows(funnel(db, SEPT, ViewFilters(dispositif="SONS-V1-BIO")))
    assert set(rows) == {("biologie", "1")}
    assert rows[("biologie", "1")]["solutions"] == 1


def test_editeurs(db):
    table = editeurs(db, SEPT).set_index("editeur_name")
    a = table.loc["Éditeur A"]
    assert (a["editeur_siren"], a["vague"], a["solutions"], a["solution_names"]) == (
        "552100554", "1", 2, "DPI Alpha 1.0, PFI Beta 2.0")
    assert a["couloir_codes"] == ("hopital",) and a["referenced_date"] == date(2021, 10, 15)
    assert (a["ordered"], a["installed"], a["validated"], a["order_to_install_days"]) == (3, 2, 1, 78)
    assert a["install_rate"] == pytest.approx(2 / 3)
    b = table.loc["Éditeur B"]
    assert (b["solutions"], b["couloir_codes"], b["ordered"], b["validated"], b["order_to_install_days"]) == (
        2, ("biologie", "medecin_ville"), 2, 2, 31)
    assert b["solution_names"] == "LGC Delta 4, SGL Gamma 3"
    assert list(table.index) == ["Éditeur A", "Éditeur B"]  # most orders first


def test_editeurs_in_a_territory_only_list_those_with_orders_there(db):
    table = editeurs(db, SEPT, ViewFilters(region="84"))
    assert table["editeur_name"].tolist() == ["Éditeur A"] and table["ordered"].tolist() == [1]


def test_orders_by_month(db):
    orders = orders_by_month(db, SEPT).set_index("month")
    assert orders.index[0] == date(2022, 1, 1) and orders.index[-1] == SEPT and len(orders) == 21
    assert orders["ordered"].sum() == 6 and orders["installed"].sum() == 5 and orders["validated"].sum() == 3
    assert orders.loc[date(2022, 4, 1), "validated"] == 2
    assert orders.loc[date(2023, 8, 1)].tolist() == [1, 0, 0]
    assert orders.loc[date(2022, 9, 1)].tolist() == [0, 1, 1]  # 690781810 installed, the doctor validated
    assert orders_by_month(db, SEPT, ViewFilters(couloir="radiologie")).empty
