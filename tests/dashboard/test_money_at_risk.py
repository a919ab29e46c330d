""""Montant à risque" is one figure: the overview, the Budget page, the workbook and the pack data all show
BUD-04's value (indicators/at_risk.py), over the hand-computed budget warehouse (tests/dashboard/
test_budget_fixture.py).

As of 2023-09: C2 (SONS order of 15/06/2022, no balance 12 months later) 35 000 € + C5 (SUN-ES, no lump sum)
80 000 € = 115 000 €; not the 200 000 € committed-but-unpaid on usage schemes, nor the 235 000 € left to pay.
As of 2022-10: C4 and C5 (SUN-ES, no lump sum yet) 120 000 + 80 000; C2 is only four months old.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import openpyxl
import pytest

from dashboard import create_app, ids
from indicators.budget_views import money_at_risk
from indicators.compute import Engine
from reports.pack_data import gather
from tests.dashboard.render import page_text, render
from tests.dashboard.test_budget_fixture import budget_settings
from tests.dashboard.test_budget_page import find, kpis, texts


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return budget_settings(tmp_path_factory)


@pytest.fixture(scope="module")
def client(settings):
    return create_app(settings).server.test_client()


@pytest.fixture(scope="module")
def engine(settings):
    return Engine(settings.warehouse, today=date(2024, 1, 15))


def overview_at_risk(client, search: str) -> str:
    strip = find(render(client, "/", search), ids.OVERVIEW_BUDGET)
    boxes = [b for b in strip["props"]["children"][2]["props"]["children"]
             if isinstance(b, dict) and b["props"].get("data-figure") == "at_risk"]
    return texts(boxes[0])[1]


def pack_at_risk(engine, as_of: str) -> str:
    tiles = {label: amount for label, amount, _ in gather(engine, as_of=as_of).budget.tiles}
    return tiles["Montant à risque"]


@pytest.mark.parametrize(("as_of", "expected"), [("2023-09", "115\u202f000\u00a0€"), ("2022-10", "200\u202f000\u00a0€")])
def test_the_same_money_at_risk_on_every_surface(client, engine, as_of, expected):
    assert engine.compute("BUD-04", as_of, with_forecast=False).current.value == pytest.approx(
        float(expected.replace("\u202f", "").replace("\u00a0€", "")))
    assert overview_at_risk(client, f"?as_of={as_of}") == expected
    assert kpis(render(client, "/budget", f"?as_of={as_of}"))["Montant à risque"] == expected
    assert pack_at_risk(engine, as_of) == expected


def test_the_budget_page_split_adds_up_to_the_indicator(engine):
    split = money_at_risk(engine.db, date(2023, 9, 1))
    assert sorted(zip(split["reason"], split["at_risk_eur"], strict=True)) == [
        ("not_validated", 35_000.0), ("target", 80_000.0)]
    assert split["at_risk_eur"].sum() == engine.compute("BUD-04", "2023-09", with_forecast=False).current.value


def test_the_series_moves_with_the_rules_month_by_month(engine):
    """C6 (ESMS numérique, 01/04/2023) is at risk until its first lump sum (01/08/2023); C4 leaves with its lump
    sum (05/2023); C2 enters in 2023-06, 12 months after its order; C5's window closes 31/03/2024: from
    2023-10 its reason is "window", the amount unchanged."""
    by_month = {p.period.isoformat()[:7]: p.value for p in engine.compute("BUD-04", "2023-12", with_forecast=False).series}
    assert by_month["2022-08"] == 0.0
    assert by_month["2022-09"] == 200_000.0  # C4 (01/09) and C5 (15/09): no lump sum
    assert by_month["2023-03"] == 200_000.0
    assert by_month["2023-04"] == 400_000.0  # + C6
    assert by_month["2023-05"] == 280_000.0  # − C4, paid
    assert by_month["2023-06"] == 315_000.0  # + C2, twelve months old without a balance
    assert by_month["2023-08"] == 115_000.0  # − C6: a lump sum paid, its usage target met
    assert by_month["2023-09"] is None  # the last funding event is dated 2023-08: later months are unknown
    later = money_at_risk(engine.db, date(2023, 10, 1))
    assert sorted(zip(later["reason"], later["at_risk_eur"], strict=True)) == [
        ("not_validated", 35_000.0), ("window", 80_000.0)]


def test_the_workbook_indicator_sheet_has_the_same_figure(client):
    response = client.get("/exports/workbook.xlsx?as_of=2023-09")
    assert response.status_code == 200
    book = openpyxl.load_workbook(BytesIO(response.data), read_only=True)
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) if row and "BUD-04" in row
             for c in row]
    assert 115_000 in cells or 115000.0 in cells


def test_page_and_pack_say_what_the_figure_is(client, engine):
    text = page_text(render(client, "/budget", "?as_of=2023-09"))
    assert "définition de BUD-04, le même chiffre que la synthèse et les dossiers" in text
    detail = {label: d for label, _, d in gather(engine, as_of="2023-09").budget.tiles}["Montant à risque"]
    assert detail == "part du reste à verser menacée d'être perdue (BUD-04)"
