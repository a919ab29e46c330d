"""Budget rates compare committed and paid amounts with the envelopes they belong to (indicators.budget_rates).

A tiny warehouse loaded through the real ETL, figures recomputed by hand (as of December 2023):
- SONS-V1-HOP: national envelope 1 000 000 (2023); S1 in région 84: 50 000 committed, 15 000 advance.
- SUNES-V1 (all territorialised): 84 has 150 000 (2022) + 50 000 (2023), 11 has 100 000 (2023).
  U1 (84) 100 000 committed 2022, lump sum 100 000 in 2023; U3 (84) 60 000 committed 2023;
  U2 (11) 130 000 committed 2023 → 11 really over-commits its envelope (130 %).
- ESMS-NUM: 300 000 for 84's ARS calls plus 100 000 of national calls (2023); E1 (84) 380 000 committed,
  140 000 paid. The event does not say which call it belongs to.
Région 84: only SUN-ES is compared: 160 000 / 200 000 = 80 % committed, 100 000 / 200 000 = 50 % paid,
40 000 left to commit; 50 000 (SONS) + 380 000 (ESMS) = 430 000 committed but not compared. Before the rule,
ESMS's 380 000 were compared with its 300 000 regional envelope: (160 + 380) / (200 + 300) = 108 %.
"""

from __future__ import annotations

from datetime import date

import pytest

from etl.load import load
from indicators.budget import budget_frame
from indicators.budget_rates import grouped, totals
from indicators.db import Warehouse
from indicators.query import ViewFilters
from settings import load_settings

ENVELOPES = """dispositif_code;couloir_code;region_code;year;amount_eur;source_label
SONS-V1-HOP;hopital;;2023;1 000 000,00;DNS — SONS vague 1
SUNES-V1;hopital;84;2022;150 000,00;ARS — SUN-ES volet 1
SUNES-V1;hopital;84;2023;50 000,00;ARS — SUN-ES volet 1
SUNES-V1;hopital;11;2023;100 000,00;ARS — SUN-ES volet 1
ESMS-NUM;medico_social;84;2023;300 000,00;CNSA — ESMS numérique
ESMS-NUM;medico_social;;2023;100 000,00;CNSA — ESMS numérique (appels nationaux)
"""
_HEADER = ("event_id;dispositif_code;couloir_code;vague;region_code;departement_code;beneficiary_id;"
           "beneficiary_kind;beneficiary_name;event_type;event_date;amount_eur;funding_window;commitment_ref\n")
EVENTS = _HEADER + """S1;SONS-V1-HOP;hopital;1;84;69;552100554;siren;Éditeur A;commitment;15/03/2023;50 000,00;;
S2;SONS-V1-HOP;hopital;1;84;69;552100554;siren;Éditeur A;advance;15/05/2023;15 000,00;;S1
U1;SUNES-V1;hopital;1;84;69;690781810;finess;HCL;commitment;15/06/2022;100 000,00;3;
P1;SUNES-V1;hopital;1;84;69;690781810;finess;HCL;lump_sum;01/05/2023;100 000,00;3;U1
U3;SUNES-V1;hopital;1;84;69;690781810;finess;HCL;commitment;01/03/2023;60 000,00;4;
U2;SUNES-V1;hopital;1;11;75;750712184;finess;AP-HP;commitment;01/02/2023;130 000,00;4;
E1;ESMS-NUM;medico_social;;84;69;690000019;finess;Association Rhône;commitment;01/04/2023;380 000,00;;
P6;ESMS-NUM;medico_social;;84;69;690000019;finess;Association Rhône;lump_sum;01/08/2023;140 000,00;;E1
"""
AS_OF = date(2023, 12, 1)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    base = tmp_path_factory.mktemp("budget-rates")
    inbox = base / "inbox"
    inbox.mkdir()
    (inbox / "budget_envelopes_2023.csv").write_text(ENVELOPES, encoding="utf-8")
    (inbox / "funding_events_2023.csv").write_text(EVENTS, encoding="utf-8")
    settings = load_settings({"SEGUR_DATA_DIR": str(base / "data"), "SEGUR_TODAY": "2024-01-15"})
    report = load([inbox], settings)
    assert report.status == "published", report.to_text()
    return Warehouse(settings.warehouse)


def test_a_region_compares_only_the_dispositifs_whose_envelope_is_all_territorialised(db):
    total = totals(budget_frame(db, AS_OF, ViewFilters(region="84")))
    assert total["envelope_eur"] == 200_000
    assert total["committed_eur"] == 590_000 and total["paid_eur"] == 255_000
    assert total["committed_rate"] == pytest.approx(0.80)  # was 108 %: ESMS's national calls in the numerator
    assert total["paid_rate"] == pytest.approx(0.50)
    assert total["to_commit_eur"] == 40_000
    assert total["uncovered_committed_eur"] == 430_000
    assert total["over_committed"] == []
    reasons = {n["dispositif_code"]: (n["reason"], n["committed_eur"]) for n in total["not_compared"]}
    assert reasons == {"ESMS-NUM": ("mixed", 380_000), "SONS-V1-HOP": ("national", 50_000)}


def test_a_region_table_has_no_rate_for_a_partly_national_envelope(db):
    table = grouped(budget_frame(db, AS_OF, ViewFilters(region="84")), ["dispositif"]).set_index("dispositif_code")
    esms = table.loc["ESMS-NUM"]
    assert esms["envelope_eur"] == 300_000 and esms["committed_eur"] == 380_000  # shown, not divided
    assert esms["committed_rate"] != esms["committed_rate"] and esms["to_commit_eur"] != esms["to_commit_eur"]
    assert esms["uncovered_committed_eur"] == 380_000
    assert table.loc["SUNES-V1", "committed_rate"] == pytest.approx(0.80)
    by_couloir = grouped(budget_frame(db, AS_OF, ViewFilters(region="84")), ["couloir"]).set_index("couloir_code")
    assert by_couloir.loc["hopital", "committed_rate"] == pytest.approx(0.80)  # SONS's 50 000 left out
    assert by_couloir.loc["hopital", "uncovered_committed_eur"] == 50_000


def test_real_over_commitment_keeps_its_rate_and_is_named(db):
    total = totals(budget_frame(db, AS_OF, ViewFilters(region="11")))
    assert total["committed_rate"] == pytest.approx(1.30)
    assert total["over_committed"] == [{"dispositif_code": "SUNES-V1", "envelope_eur": 100_000.0,
                                        "committed_eur": 130_000.0, "committed_rate": pytest.approx(1.30)}]


def test_national_view_compares_everything_with_its_whole_envelope(db):
    total = totals(budget_frame(db, AS_OF))
    assert total["envelope_eur"] == 1_700_000 and total["committed_eur"] == 720_000
    assert total["committed_rate"] == pytest.approx(720 / 1700)
    assert total["uncovered_committed_eur"] == 0 and total["not_compared"] == []
    table = grouped(budget_frame(db, AS_OF), ["dispositif"]).set_index("dispositif_code")
    assert table.loc["ESMS-NUM", "committed_rate"] == pytest.approx(380 / 400)


def test_grouped_by_region_applies_the_regional_rule_to_each_row(db):
    table = grouped(budget_frame(db, AS_OF), ["region"])
    national = table[table["region_code"].isna()].iloc[0]
    assert national["envelope_eur"] == 1_100_000 and national["committed_rate"] != national["committed_rate"]
    table = table.set_index("region_code")
    assert table.loc["84", "committed_rate"] == pytest.approx(0.80)
    assert table.loc["11", "committed_rate"] == pytest.approx(1.30)


def test_a_year_row_rates_the_stock_at_year_end_not_the_years_flow(db):
    table = grouped(budget_frame(db, AS_OF, ViewFilters(region="84")), ["dispositif", "year"])
    row = table[(table["dispositif_code"] == "SUNES-V1") & (table["year"] == 2023)].iloc[0]
    # the year's flows: 60 000 committed over the year's 50 000 envelope would read 120 %
    assert (row["envelope_eur"], row["committed_eur"], row["paid_eur"]) == (50_000, 60_000, 100_000)
    assert row["committed_rate"] == pytest.approx(160 / 200)  # committed by end 2023 over envelopes opened
    assert row["paid_rate"] == pytest.approx(100 / 200)
    assert row["to_commit_eur"] == 40_000 and row["to_pay_eur"] == 60_000
    first = table[(table["dispositif_code"] == "SUNES-V1") & (table["year"] == 2022)].iloc[0]
    assert first["committed_rate"] == pytest.approx(100 / 150) and first["to_pay_eur"] == 100_000


def test_the_budget_page_says_an_over_commitment_in_words(db):
    from dashboard import create_app
    from settings import load_settings as settings_of
    from tests.dashboard.render import page_text, render

    settings = settings_of({"SEGUR_DATA_DIR": str(db.path.parent), "SEGUR_TODAY": "2024-01-15"})
    text = page_text(render(create_app(settings).server.test_client(), "/budget", "?region=11&as_of=2023-12"))
    text = text.replace("\u202f", " ").replace("\xa0", " ")
    assert ("SUN-ES volet 1 (DMP) : 130 000 € engagés pour 100 000 € d'enveloppe ouverte à date (130 %) ; "
            "les engagements chargés dépassent l'enveloppe chargée.") in text


def test_the_consumption_chart_of_a_region_draws_no_envelope_its_commitments_partly_escape(db):
    from indicators.budget_views import consumption

    mixed = consumption(db, AS_OF, ViewFilters(region="84"))
    assert mixed["committed_cum_eur"].iloc[-1] == 590_000
    assert mixed["envelope_cum_eur"].isna().all()  # was 500 000: SUN-ES + ESMS's ARS calls, under 590 000
    sunes = consumption(db, AS_OF, ViewFilters(region="84", dispositif="SUNES-V1"))
    assert (sunes["committed_cum_eur"].iloc[-1], sunes["envelope_cum_eur"].iloc[-1]) == (160_000, 200_000)
    assert consumption(db, AS_OF)["envelope_cum_eur"].iloc[-1] == 1_700_000


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from etl.demo import generate

    base = tmp_path_factory.mktemp("budget-rates-demo")
    generate(base / "raw", scale=0.05, seed=42, today=date(2026, 11, 28))
    settings = load_settings({"SEGUR_DATA_DIR": str(base / "data"), "SEGUR_TODAY": "2026-11-28"})
    report = load([base / "raw"], settings)
    assert report.status == "published", report.to_text()
    return Warehouse(settings.warehouse)


def test_on_the_demo_no_rate_exceeds_100_percent_unless_the_over_commitment_is_named(demo_db):
    as_of = date(2026, 11, 1)
    national = budget_frame(demo_db, as_of)
    views = [ViewFilters()] + [ViewFilters(region=r) for r in sorted(national["region_code"].dropna().unique())]
    views += [ViewFilters(couloir=c) for c in sorted(national["couloir_code"].dropna().unique())]
    assert len(views) > 20
    for view in views:
        frame = budget_frame(demo_db, as_of, view)
        total = totals(frame)
        named = {o["dispositif_code"] for o in total["over_committed"]}
        for by in (["dispositif"], ["couloir"], ["vague"]):
            table = grouped(frame, by)
            for _, row in table[table["committed_rate"] > 1].iterrows():
                inside = set(frame.loc[frame[by[0] + ("_code" if by[0] != "vague" else "")] == row.iloc[0],
                                       "dispositif_code"])
                assert inside & named, (view, by, row.iloc[0], row["committed_rate"])
        assert not (table["committed_rate"] < 0).any() and not (table["paid_rate"] < 0).any()
        if total["committed_rate"] > 1:
            assert named, view
    by_region = grouped(national, ["region"])
    regional_named = set()
    for view in views[1:19]:
        regional_named |= {(view.region, o["dispositif_code"]) for o in totals(budget_frame(demo_db, as_of, view))
                           ["over_committed"]}
    for _, row in by_region[by_region["committed_rate"] > 1].iterrows():
        assert any(r == row["region_code"] for r, _ in regional_named), row["region_code"]
