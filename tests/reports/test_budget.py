"""indicators.budget: envelope, committed, paid and what remains, with exact sums on a tiny warehouse."""

from __future__ import annotations

from datetime import date

import pytest

from indicators.budget import budget_frame
from indicators.db import WarehouseDB
from indicators.query import ViewFilters

JUNE = date(2024, 6, 1)


@pytest.fixture(scope="module")
def db(tiny_settings):
    return WarehouseDB(tiny_settings.warehouse)


def _rows(frame):
    return {(r.dispositif_code, r.region_code): (r.envelope_eur, r.committed_eur, r.paid_eur)
            for r in frame.itertuples()}


def test_national_as_of_june(db):
    frame = budget_frame(db, JUNE)
    rows = _rows(frame)
    assert set(frame.columns) >= {"dispositif_code", "couloir_code", "vague", "region_code", "year", "envelope_eur",
                                  "committed_eur", "paid_eur", "to_commit_eur", "to_pay_eur"}
    assert rows[("SONS-V1-HOP", None)] == (10000.0, 0.0, 0.0)
    env, committed, paid = rows[("SONS-V1-HOP", "11")]
    assert env != env and committed == 1000.50 and paid == 300.25  # no regional envelope: NaN; E7 is in August
    assert rows[("SONS-V1-HOP", "84")][1:] == (1500.0, 700.0)  # commitment 2000 − cancellation 500
    assert rows[("SUNES-V1", "84")] == (5000.0, 0.0, 1234.56)
    sunes = frame[frame.dispositif_code == "SUNES-V1"].iloc[0]
    assert sunes.to_commit_eur == 5000.0 and sunes.to_pay_eur == pytest.approx(-1234.56)
    assert set(frame.vague) == {"1"} and set(frame.year) == {2024}  # the envelope takes its dispositif's vague


def test_later_as_of_and_filters(db):
    assert _rows(budget_frame(db, date(2024, 8, 1)))[("SONS-V1-HOP", "11")][1] == pytest.approx(1999.50)
    assert budget_frame(db, date(2023, 12, 1)).empty  # 2024 envelopes and events are not known yet
    rows = _rows(budget_frame(db, JUNE, ViewFilters(region="84")))
    assert set(rows) == {("SONS-V1-HOP", "84"), ("SUNES-V1", "84")}  # the national envelope is not region 84's
    frame = budget_frame(db, JUNE, ViewFilters(departement="69"))
    assert frame.attrs["envelope_note"] and frame.envelope_eur.isna().all()
    assert frame.paid_eur.sum() == pytest.approx(1934.56) and frame.committed_eur.sum() == 0
    assert _rows(budget_frame(db, JUNE, ViewFilters(vague="2"))) == {}
