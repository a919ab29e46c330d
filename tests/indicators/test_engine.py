"""Golden tests: given rows → expected value, target, progress, status, for every measure kind."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from indicators.query import ViewFilters

ROOT = Path(__file__).resolve().parents[2]


def values(result) -> dict[str, float | None]:
    return {p.period.isoformat()[:7]: (None if p.value is None else round(p.value, 4)) for p in result.series
            if p.period >= date(2024, 1, 1)}


@pytest.mark.parametrize(("indicator", "expected"), [
    ("TST-01", {"2024-01": 160, "2024-02": 180, "2024-03": 240}),  # sum (flow)
    ("TST-02", {"2024-01": 160, "2024-02": 340, "2024-03": 580}),  # cumulative
    ("TST-03", {"2024-01": 160, "2024-02": 340, "2024-03": 420}),  # rolling 2 months (no row before = 0)
    ("TST-04", {"2024-01": 300, "2024-02": 300, "2024-03": 400}),  # last (stock carried over February)
    ("TST-05", {"2024-01": 7.5, "2024-02": 7.5, "2024-03": 10}),  # ratio × 100 with a yearly denominator
    ("TST-06", {"2024-01": 150, "2024-02": 180, "2024-03": 210}),  # difference
    ("TST-07", {"2024-01": 3, "2024-02": 2, "2024-03": 3}),  # count
    ("TST-08", {"2024-01": 2, "2024-02": 2, "2024-03": 2}),  # count distinct
    ("TST-09", {"2024-01": round(160 / 3, 4), "2024-02": 90, "2024-03": 80}),  # avg
])
def test_measure_kinds(engine, indicator, expected):
    result = engine.compute(indicator, "2024-03", with_forecast=False)
    assert values(result) == expected


def test_target_progress_and_status_along_the_trajectory(engine):
    r = engine.compute("TST-01", "2024-03", with_forecast=False)
    by_month = {p.period.isoformat()[:7]: p for p in r.series}
    jan, feb, mar = by_month["2024-01"], by_month["2024-02"], by_month["2024-03"]
    assert jan.target == pytest.approx(100)
    assert jan.status == "on_track"
    # 29 of the 60 days between the two milestones have passed at the end of February
    assert feb.target == pytest.approx(100 + 200 * 29 / 60)
    assert feb.status == "watch"  # 180 / 196.7 = 0.915, between 0.80 and 0.95
    assert mar.target == pytest.approx(300)
    assert mar.progress == pytest.approx(0.8)
    assert mar.status == "watch"  # exactly 0.80 of the trajectory
    # but March is the final deadline: 240 of 300 is a missed target, not a trajectory to watch
    assert r.status == "off_track"
    assert r.current.period == date(2024, 3, 1)
    assert r.reason_fr.replace("\u00a0", " ") == ("Échéance mars 2024 passée : cible de 300 documents manquée "
                                                  "(240 documents à l'échéance).")
    assert r.trend == pytest.approx(60)


def test_direction_down(engine):
    r = engine.compute("TST-10", "2024-03", with_forecast=False)
    cur = r.current
    assert cur.value == pytest.approx(80)
    assert cur.progress_raw == pytest.approx((80 - 100) / (50 - 100))
    expected_target = 100 - 50 * (date(2024, 3, 31) - date(2023, 12, 31)).days / (date(2024, 12, 31) - date(2023, 12, 31)).days
    assert cur.target == pytest.approx(expected_target)
    assert r.status == "on_track"  # 40 % of the way when the trajectory expects 25 %
    assert "40" in r.reason_fr and "2024" in r.reason_fr


def test_as_of_hides_later_periods(engine):
    r = engine.compute("TST-01", "2024-02", with_forecast=False)
    assert r.current.period == date(2024, 2, 1)
    assert r.current.value == 180
    assert max(p.period for p in r.series) == date(2024, 2, 1)


def test_region_filter_and_population_share_target(engine):
    r = engine.compute("TST-01", "2024-03", ViewFilters(region="11"), with_forecast=False)
    assert r.current.value == 170  # Paris only: 140 biologie + 30 radiologie
    with (ROOT / "data" / "reference" / "departements.csv").open(encoding="utf-8") as fh:
        pops = {row["departement_code"]: (row["region_code"], float(row["population_k"])) for row in csv.DictReader(fh)}
    share = sum(p for r_, p in pops.values() if r_ == "11") / sum(p for _, p in pops.values())
    assert r.target_factor == pytest.approx(share)
    assert r.current.target == pytest.approx(300 * share)
    assert r.national.value == 240
    assert r.gap_points == pytest.approx((170 / (300 * share) - 240 / 300) * 100)


def test_rate_keeps_national_target_for_a_region(engine):
    r = engine.compute("TST-05", "2024-03", ViewFilters(region="93"), with_forecast=False)
    assert r.current.value == pytest.approx(140 / 2000 * 100)
    assert r.target_factor == 1.0
    assert r.gap_points == pytest.approx(7.0 - 10.0)


def test_breakdown_by_region(engine):
    r = engine.compute("TST-01", "2024-03", breakdown="region", with_forecast=False)
    rows = {b.key: b for b in r.breakdown}
    assert set(rows) == {"11", "93"}
    assert rows["11"].value == 170 and rows["93"].value == 70
    assert rows["11"].label == "Île-de-France"
    assert rows["93"].gap_points is not None


def test_couloir_filter_without_couloir_target_has_no_target(engine):
    r = engine.compute("TST-01", "2024-03", ViewFilters(couloir="biologie"), with_forecast=False)
    assert r.current.value == 210
    assert r.status == "no_target"


def test_filter_not_applicable(engine):
    r = engine.compute("TST-04", "2024-03", ViewFilters(couloir="biologie"), with_forecast=False)
    assert r.not_applicable and r.status == "no_data"
    assert "couloir" in r.reason_fr


def test_quarter_grain_sums_flows_and_takes_last_stock(engine):
    flow = engine.compute("TST-01", "2024-03", grain="quarter", with_forecast=False)
    assert {p.period: p.value for p in flow.series}[date(2024, 1, 1)] == 580
    stock = engine.compute("TST-04", "2024-03", grain="quarter", with_forecast=False)
    assert {p.period: p.value for p in stock.series}[date(2024, 1, 1)] == 400


def test_milestones_state(engine):
    r = engine.compute("TST-01", "2024-03", with_forecast=False)
    states = [(m.date, m.state) for m in r.milestones]
    assert states == [(date(2024, 1, 31), "reached"), (date(2024, 3, 31), "missed")]


def test_freshness_from_source_files(engine):
    r = engine.compute("TST-01", "2024-03", with_forecast=False)
    assert r.freshness.last_period == date(2024, 3, 1)
    # monthly, 20 days delay by default: April's data is due 2024-05-20; today is 2024-04-20
    assert r.freshness.stale is False


def test_explain_lists_inputs(engine):
    from indicators.explain import explain

    e = explain(engine, "TST-05", "2024-03")
    assert e["value"] == pytest.approx(10)
    assert {leaf["table"] for leaf in e["leaves"]} == {"fact_mes_profiles", "fact_population"}
    assert {f["source"] for f in e["source_files"]} == {"mes_profiles", "populations"}
    assert all(len(f["sha256"]) == 64 for f in e["source_files"])
    assert e["load_runs"] and e["load_runs"][0]["status"] == "published"
    assert "÷" in e["formula_fr"]
    assert "'assures'" not in e["leaves"][1]["sql"]  # filter values are bound parameters, not SQL text


def test_cumulative_distinct_counts_each_value_once(engine):
    # radiologie appears in January and March: the running distinct count stays 2, not 1+1+2
    r = engine.compute("TST-11", "2024-03", with_forecast=False)
    assert values(r) == {"2024-01": 2, "2024-02": 2, "2024-03": 2}


def test_filter_on_an_undeclared_dimension_is_not_applicable(engine):
    # TST-02 reads fact_documents, which has a couloir column, but the catalogue does not declare the dimension
    r = engine.compute("TST-02", "2024-03", ViewFilters(couloir="biologie"), with_forecast=False)
    assert r.not_applicable and r.status == "no_data" and "couloir" in r.reason_fr
    assert engine.compute("TST-02", "2024-03", breakdown="couloir", with_forecast=False).breakdown is None
