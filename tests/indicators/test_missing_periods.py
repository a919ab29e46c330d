"""A missing month is missing, never zero, in every figure that subtracts or compares periods.

A tiny documents series with two holes, loaded through the real ETL:
- May 2024: no département delivered (a gap of the whole source);
- March 2024: département 13 (région 93) did not deliver, 75 (région 11) did.
Monthly documents, biologie + radiologie:   Jan   Feb   Mar   Apr   May   Jun
  75 (région 11)                            110   120   130   140    —    160
  13 (région 93)                             55    60    —     70    —     80
"""

from __future__ import annotations

from datetime import date

import pytest

from etl.load import load
from indicators.compute import Engine
from indicators.query import ViewFilters
from settings import load_settings
from tests.indicators.conftest import INDICATORS, TINY_CATALOGUE

_ROWS = {"75": {1: 100, 2: 110, 3: 120, 4: 130, 6: 150}, "13": {1: 50, 2: 55, 4: 65, 6: 75}}
DOCUMENTS = "month;departement_code;couloir_code;document_type;documents_count\n" + "".join(
    f"2024-{m:02d};{dep};biologie;11502-2;{n}\n2024-{m:02d};{dep};radiologie;18748-4;{10 if dep == '75' else 5}\n"
    for dep, months in _ROWS.items() for m, n in months.items())


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    base = tmp_path_factory.mktemp("holes")
    raw = base / "raw"
    raw.mkdir()
    (raw / "mes_documents_2024.csv").write_text(DOCUMENTS, encoding="utf-8")
    (base / "tiny.yaml").write_text(TINY_CATALOGUE + "".join(INDICATORS), encoding="utf-8")
    settings = load_settings({"SEGUR_DATA_DIR": str(base / "data"), "SEGUR_TODAY": "2024-07-20",
                              "SEGUR_INDICATORS": str(base / "tiny.yaml")})
    report = load([raw], settings)
    assert report.status == "published", report.to_text()
    return settings


@pytest.fixture(scope="module")
def engine(settings, tiny_catalogue):
    return Engine(settings.warehouse, tiny_catalogue, today=date(2024, 7, 20))


def values(result) -> dict[str, float | None]:
    return {p.period.isoformat()[:7]: p.value for p in result.series}


def test_a_region_that_did_not_deliver_is_missing_not_zero(engine):
    r = engine.compute("TST-01", "2024-04", ViewFilters(region="93"), with_forecast=False)
    assert values(r)["2024-03"] is None  # was 0
    assert values(r)["2024-04"] == 70
    assert r.trend is None  # was 70 − 0 = +70 « sur une période »
    assert r.trend_missing


def test_a_difference_measure_over_a_gap_of_the_source_is_missing(engine):
    r = engine.compute("TST-06", "2024-06", with_forecast=False)  # all documents − radiologie
    assert values(r)["2024-05"] is None  # was 0 − 0 = 0
    assert values(r)["2024-06"] == 225
    assert r.trend is None and r.trend_missing  # was 225 − 0


def test_a_rolling_total_over_a_territory_hole_is_not_computed(engine):
    r = engine.compute("TST-03", "2024-04", ViewFilters(region="93"), with_forecast=False)  # 2-month rolling sum
    assert values(r)["2024-04"] is None  # was 70 + 0
    assert r.status == "incomplete"
    assert "mars 2024" in r.reason_fr and "non comptés comme zéro" in r.reason_fr


def test_breakdown_rows_do_not_compare_with_a_missing_month(engine):
    r = engine.compute("TST-01", "2024-04", breakdown="region", with_forecast=False)
    rows = {row.key: row for row in r.breakdown}
    assert rows["93"].value == 70 and rows["93"].trend is None  # was +70 against a zero March
    assert rows["11"].trend == 10


def test_adjacent_months_still_give_a_trend(engine):
    r = engine.compute("TST-01", "2024-04", ViewFilters(region="11"), with_forecast=False)
    assert r.trend == 10 and not r.trend_missing
    assert r.trend_pct == pytest.approx(10 / 130)



def test_the_indicator_page_says_the_previous_month_is_missing(settings):
    from dashboard import create_app
    from tests.dashboard.render import page_text, render

    client = create_app(settings).server.test_client()
    text = page_text(render(client, "/indicateurs/TST-01", "?region=93&as_of=2024-04"))
    assert "donnée manquante pour la période précédente : évolution non calculée" in text.replace("\xa0", " ")


def test_a_quarter_with_a_missing_month_is_not_the_sum_of_the_others(engine):
    r = engine.compute("TST-01", "2024-06", grain="quarter", with_forecast=False)
    by = values(r)
    assert by["2024-01"] == 110 + 120 + 130 + 55 + 60  # no month of Q1 is missing for the whole source
    assert by["2024-04"] is None  # was 215 + 240 = 455 « T2 2024 » without May
    assert r.status == "incomplete" and "mai 2024" in r.reason_fr
    rows = {row.key: row for row in engine.compute("TST-01", "2024-03", breakdown="region", grain="quarter",
                                                   with_forecast=False).breakdown}
    assert rows["11"].value == 110 + 120 + 130
    assert rows["93"].value is None  # was 115: its Q1 without March


def test_a_region_missing_the_views_month_shows_no_older_value_in_its_place(engine):
    rows = {row.key: row for row in engine.compute("TST-01", "2024-03", breakdown="region",
                                                   with_forecast=False).breakdown}
    assert rows["11"].value == 130
    assert rows["93"].value is None and rows["93"].status == "incomplete"  # was 60, February's, for March
    assert "mars 2024" in rows["93"].reason_fr


def test_a_national_total_over_a_month_a_region_did_not_deliver_is_incomplete(engine):
    r = engine.compute("TST-03", "2024-04", with_forecast=False)  # March + April, nationally
    assert r.status == "incomplete"  # was a status on 130 + 215, the 13's March counted as zero
    assert r.completeness.partial_months == (date(2024, 3, 1),)
    assert "des départements n'ont pas transmis pour mars 2024" in r.reason_fr
    assert engine.compute("TST-01", "2024-04", with_forecast=False).status != "incomplete"  # April alone is whole
