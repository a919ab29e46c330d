"""Budget views over the tiny warehouse of tests/dashboard/test_budget_fixture.py: exact euros and days."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from indicators.budget import budget_frame
from indicators.budget_views import (
    add_months,
    beneficiaries,
    commitments_select,
    consumption,
    envelope_sources,
    grouped,
    money_at_risk,
    payment_lag,
    programme_calendar,
    totals,
)
from indicators.db import Warehouse
from indicators.query import ViewFilters
from tests.dashboard.test_budget_fixture import budget_settings

SEPT = date(2023, 9, 1)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return Warehouse(budget_settings(tmp_path_factory).warehouse)


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2023, 9, 30), 6, date(2024, 3, 30)), (date(2023, 8, 31), 6, date(2024, 2, 29)),
    (date(2023, 9, 30), -12, date(2022, 9, 30)), (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2023, 12, 15), 1, date(2024, 1, 15)),
])
def test_add_months_clamps_the_day(start, months, expected):
    assert add_months(start, months) == expected


def test_totals_as_of_september_2023(db):
    total = totals(budget_frame(db, SEPT))
    assert total["envelope_eur"] == 1_900_000
    assert total["committed_eur"] == 550_000  # C3 is committed then cancelled
    assert total["paid_eur"] == 315_000
    assert total["to_commit_eur"] == 1_350_000
    assert total["to_pay_eur"] == 235_000
    assert total["committed_rate"] == pytest.approx(550 / 1900)
    assert total["paid_rate"] == pytest.approx(315 / 1900)
    assert total["paid_of_committed"] == pytest.approx(315 / 550)
    assert total["uncovered_committed_eur"] == 0


def test_totals_as_of_december_2022_only_see_earlier_events_and_envelopes(db):
    total = totals(budget_frame(db, date(2022, 12, 1)))
    assert (total["envelope_eur"], total["committed_eur"], total["paid_eur"]) == (1_500_000, 350_000, 115_000)


def test_a_region_only_counts_its_territorialised_envelopes(db):
    total = totals(budget_frame(db, SEPT, ViewFilters(region="84")))
    assert total["envelope_eur"] == 600_000  # SUN-ES 84 + ESMS 84; SONS is national
    assert total["committed_eur"] == 330_000
    assert total["uncovered_committed_eur"] == 50_000  # C2 (SONS) has no regional envelope
    assert total["committed_rate"] == pytest.approx(280 / 600)
    assert total["to_commit_eur"] == 320_000


def test_a_departement_has_no_envelope(db):
    total = totals(budget_frame(db, SEPT, ViewFilters(departement="69")))
    assert total["envelope_eur"] != total["envelope_eur"]  # NaN: no envelope by département
    assert total["committed_eur"] == 330_000
    assert total["committed_rate"] != total["committed_rate"]


def test_grouped_by_region_keeps_the_national_envelope_apart(db):
    table = grouped(budget_frame(db, SEPT), ["region"])
    national = table[table["region_code"].isna()].iloc[0]
    table = table.set_index("region_code")
    assert table.loc["11", "committed_eur"] == 220_000 and table.loc["11", "envelope_eur"] == 300_000
    assert table.loc["84", "committed_eur"] == 330_000 and table.loc["84", "paid_eur"] == 95_000
    assert national["envelope_eur"] == 1_000_000 and national["committed_eur"] == 0
    # C2 (SONS, national envelope) is committed in 84 but not compared with 84's envelopes
    assert table.loc["84", "committed_rate"] == pytest.approx(280 / 600)
    assert table.loc["84", "uncovered_committed_eur"] == 50_000 and table.loc["84", "to_commit_eur"] == 320_000
    assert national["committed_rate"] != national["committed_rate"]  # NaN: its commitments sit in the régions


def test_grouped_by_dispositif_and_year(db):
    table = grouped(budget_frame(db, SEPT), ["year", "dispositif"])
    assert list(table.columns[:2]) == ["dispositif_code", "year"]
    row = table[(table["dispositif_code"] == "SONS-V1-HOP") & (table["year"] == 2023)].iloc[0]
    assert row["committed_eur"] == 0 and row["paid_eur"] == 0  # C3 committed and cancelled in 2023
    row = table[(table["dispositif_code"] == "SONS-V1-HOP") & (table["year"] == 2022)].iloc[0]
    assert (row["envelope_eur"], row["committed_eur"], row["paid_eur"], row["to_pay_eur"]) == (
        1_000_000, 150_000, 115_000, 35_000)


@pytest.mark.parametrize("by", [[], ["nope"], ["region", "commune"]])
def test_grouped_refuses_unknown_keys(db, by):
    with pytest.raises(ValueError, match="unknown grouping"):
        grouped(budget_frame(db, SEPT), by)


def test_envelope_sources(db):
    sources = envelope_sources(db, SEPT).set_index("source_label")["envelope_eur"].to_dict()
    assert sources == {"DNS — SONS vague 1": 1_000_000, "ARS — SUN-ES volet 1": 500_000,
                       "CNSA — ESMS numérique": 400_000}
    assert envelope_sources(db, SEPT, ViewFilters(departement="75")).empty


def test_consumption_is_cumulative_with_the_envelope_opened_each_year(db):
    series = consumption(db, SEPT).set_index("month")
    assert series.index[0] == date(2022, 3, 1) and series.index[-1] == SEPT
    assert len(series) == 19  # every month, even without events
    last = series.loc[SEPT]
    assert (last["committed_cum_eur"], last["paid_cum_eur"], last["envelope_cum_eur"]) == (550_000, 315_000, 1_900_000)
    assert series.loc[date(2022, 12, 1), "envelope_cum_eur"] == 1_500_000
    assert series.loc[date(2023, 2, 1), "committed_eur"] == 40_000  # C3
    assert series.loc[date(2023, 3, 1), "committed_eur"] == -40_000  # its cancellation
    assert series.loc[date(2022, 5, 1), "paid_eur"] == 30_000


def test_money_at_risk_by_reason(db):
    risk = money_at_risk(db, SEPT)
    got = {(r.dispositif_code, r.region_code, r.reason): (r.at_risk_eur, r.commitments) for r in risk.itertuples()}
    assert got == {("SUNES-V1", "84", "target"): (80_000, 1), ("SONS-V1-HOP", "84", "not_validated"): (35_000, 1)}


def test_a_window_closing_within_six_months_puts_money_at_risk(db):
    risk = money_at_risk(db, date(2023, 10, 1))
    assert set(zip(risk["dispositif_code"], risk["reason"], strict=True)) == {
        ("SUNES-V1", "window"), ("SONS-V1-HOP", "not_validated")}


def test_before_twelve_months_an_order_is_not_at_risk(db):
    risk = money_at_risk(db, date(2022, 12, 1))
    assert set(risk["reason"]) == {"target"}  # C4 and C5: SUN-ES without lump sum yet
    assert risk["at_risk_eur"].sum() == 200_000


def test_filters_apply_to_money_at_risk(db):
    assert money_at_risk(db, SEPT, ViewFilters(region="11")).empty
    risk = money_at_risk(db, SEPT, ViewFilters(dispositif="SUNES-V1"))
    assert risk["at_risk_eur"].tolist() == [80_000]


def test_commitment_rows(db):
    rows = {r.commitment_id: r for r in db.frame(commitments_select(SEPT)).itertuples()}
    assert set(rows) == {"C1", "C2", "C3", "C4", "C5", "C6"}
    assert float(rows["C3"].committed_eur) == 0 and float(rows["C3"].open_eur) == 0
    assert float(rows["C6"].open_eur) == 120_000 and pd.isna(rows["C6"].risk_reason)
    assert rows["C5"].risk_reason == "target" and rows["C2"].risk_reason == "not_validated"
    assert pd.Timestamp(rows["C6"].last_event_date) == pd.Timestamp("2023-08-01")


def test_payment_lag_per_dispositif(db):
    lag = payment_lag(db, SEPT).set_index("dispositif_code")
    assert lag.loc["SONS-V1-HOP", "median"] == 205 and lag.loc["SONS-V1-HOP", "commitments"] == 1
    assert lag.loc["SUNES-V1", "median"] == 242
    assert lag.loc["ESMS-NUM", "median"] == 122
    assert lag.loc["SUNES-V1", "p10"] == lag.loc["SUNES-V1", "p90"] == 242


def test_beneficiaries_by_committed_not_paid(db):
    top = beneficiaries(db, SEPT)
    assert top["beneficiary_id"].tolist()[:3] == ["690000019", "690781810", "552100554"]
    first = top.iloc[0]
    assert (first["committed_eur"], first["paid_eur"], first["open_eur"], first["at_risk_eur"]) == (
        200_000, 80_000, 120_000, 0)
    assert first["status"] == "open" and first["last_event_date"] == date(2023, 8, 1)
    editeur = top[top["beneficiary_id"] == "552100554"].iloc[0]
    assert (editeur["commitments"], editeur["open_eur"], editeur["at_risk_eur"]) == (2, 35_000, 35_000)
    assert editeur["status"] == "at_risk" and editeur["beneficiary_kind"] == "siren"
    assert top[top["beneficiary_id"] == "750712184"].iloc[0]["status"] == "paid"
    assert len(beneficiaries(db, SEPT, limit=2)) == 2


def test_programme_calendar_follows_the_filters(db):
    calendar = programme_calendar(db, ViewFilters(dispositif="SUNES-V1"))
    assert calendar["funding_window"].tolist() == [0, 1, 2, 3, 4]
    assert calendar.iloc[0]["close_date"] == date(2024, 3, 31)
    assert set(programme_calendar(db, ViewFilters(couloir="officine"))["dispositif_code"]) == {
        "SONS-V1-OFF", "SONS-V2-OFF", "ROSP-OFF"}
