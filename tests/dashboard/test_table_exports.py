"""The "Exporter" menu of plain HTML tables (table_with_export): every data table of the pages has one, its
store holds the rows' raw values (numbers as numbers, dates as dates, statuses and links as their words) and
the headers as on screen; the files come from the chart menus' callback (XLSX with a "Contexte" sheet, CSV)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime

import pandas as pd
import pytest
from dash import dcc, html
from openpyxl import load_workbook

from dashboard import ids
from dashboard.components import status_badge
from dashboard.components.export_menu import data_download, table_with_export
from tests.access import EVERYTHING, as_person
from tests.dashboard.render import as_json, render
from tests.dashboard.test_grid_exports import FORMULA, decode, nodes

CHART_TYPES = (ids.EXPORT_FIGURE, ids.EXPORT_TABLE)
DATA_TABLES = ("data-table", "changes-table", "decision-table")


def _id_type(node) -> str | None:
    ident = (node.get("props") or {}).get("id") if isinstance(node, dict) else None
    return ident.get("type") if isinstance(ident, dict) else None


def tables(node, covered: bool = False, skip: tuple[str, ...] = ()):
    """(table props, covered by a menu) for every data table of a JSON layout; `skip`: ids of blocks left out."""
    if isinstance(node, list):
        for child in node:
            yield from tables(child, covered, skip)
        return
    if not isinstance(node, dict):
        return
    if "props" not in node:  # the router's response, a store's data…
        for value in node.values():
            yield from tables(value, covered, skip)
        return
    props = node.get("props") or {}
    if props.get("id") in skip:
        return
    covered = covered or _id_type(node) in CHART_TYPES
    if node.get("type") == "Table" and any(c in (props.get("className") or "") for c in DATA_TABLES):
        yield props, covered
    for value in props.values():
        yield from tables(value, covered, skip)


def wrappers(layout) -> list[dict]:
    return list(nodes(layout, lambda n: _id_type(n) == ids.EXPORT_TABLE))


def store_of(wrapper: dict) -> dict:
    uid = wrapper["props"]["id"]["chart"]
    store = next(nodes(wrapper, lambda n: _id_type(n) == ids.EXPORT_DATA and n["props"]["id"]["chart"] == uid))
    return store["props"]["data"]


def texts(node) -> str:
    """The visible text of a JSON node (aria-hidden icons left out), as the browser shows it."""
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return " ".join(s for s in (texts(n) for n in node) if s)
    if isinstance(node, dict):
        props = node.get("props") or {}
        if props.get("aria-hidden") == "true":
            return ""
        return texts(props.get("children"))
    return "" if node is None else str(node)


def screen(wrapper: dict) -> tuple[list[str], list[list[str]]]:
    """The headers and rows of the wrapper's table, as text."""
    table = next(nodes(wrapper, lambda n: n.get("type") == "Table"))
    head = next(nodes(table, lambda n: n.get("type") == "Thead"))
    body = next(nodes(table, lambda n: n.get("type") == "Tbody"))
    headers = [texts(th) for th in nodes(head, lambda n: n.get("type") == "Th")]
    rows = [[texts(td) for td in tr["props"]["children"]] for tr in body["props"]["children"] or []]
    return headers, rows


def workbook(app, payload: dict, search: str = ""):
    with as_person(app.server, EVERYTHING):
        download, message = data_download("xlsx", payload, search)
    assert "Fichier prêt" in message
    return download, load_workbook(io.BytesIO(decode(download)))


PAGES = {"/indicateurs": 3, "/donnees": 2, "/territoires/11": 2, "/budget": 2, "/deploiement": 1,
         "/indicateurs/USE-01": 1}


@pytest.fixture(scope="module")
def budget_client(tmp_path_factory):
    """The budget and deployment pages need the budget fixture's calendar and orders."""
    from dashboard import create_app
    from tests.dashboard.test_budget_fixture import budget_settings

    return create_app(budget_settings(tmp_path_factory)).server.test_client()


@pytest.mark.parametrize("path", list(PAGES))
def test_every_data_table_of_a_page_has_a_menu(request, path):
    use = "budget_client" if path in ("/budget", "/deploiement") else "client"
    layout = render(request.getfixturevalue(use), path)
    found = list(tables(layout, skip=(ids.IND_EXPLAIN,)))
    bare = [p.get("children", [{}])[0] for p, covered in found if not covered]
    assert found and not bare, (path, bare)
    menus = wrappers(layout)
    assert len(menus) >= PAGES[path], path
    for wrapper in menus:
        text = as_json(wrapper)
        assert "Exporter « " in text and "Données (XLSX)" in text and "Données (CSV)" in text
        assert "Image PNG" not in text  # a table has no image
        data = store_of(wrapper)
        headers, rows = screen(wrapper)
        assert [c["header"] for c in data["columns"]] == headers, path  # the headers as on screen
        assert len(data["rows"]) >= len(rows), path


def test_indicators_list_exports_numbers_dates_and_words(app, client):
    layout = render(client, "/indicateurs", "?as_of=2025-10")
    wrapper = next(w for w in wrappers(layout) if any("USE-01" in str(r[0]) for r in store_of(w)["rows"]))
    data = store_of(wrapper)
    headers, rows = screen(wrapper)
    i = next(k for k, r in enumerate(data["rows"]) if str(r[0]).startswith("USE-01"))
    download, wb = workbook(app, data, "?as_of=2025-10")
    assert download["filename"].endswith("_2025-10.xlsx")
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == headers
    row = dict(zip(headers, ws[i + 2], strict=True))
    shown = dict(zip(headers, rows[i], strict=True))
    assert row["Indicateur"].value == shown["Indicateur"]  # the link's words
    assert isinstance(row["Valeur"].value, (int, float)) and row["Valeur"].number_format == "#,##0"  # documents
    checked = 0
    for cells, on_screen in zip(ws.iter_rows(min_row=2), rows, strict=True):
        value, text = cells[1], on_screen[1]
        if value.value is None:
            continue
        if value.number_format == '#,##0.0 "%"':  # a rate: the number on screen
            assert f"{value.value:.1f}".replace(".", ",") in text
            checked += 1
        elif value.number_format == "#,##0" and "M" not in text and "k" not in text:  # a count written in full
            assert int(re.sub(r"\D", "", text.split("\xa0")[0])) == round(value.value)
            checked += 1
    assert checked
    assert isinstance(row["Période"].value, datetime) and row["Période"].number_format == "mm/yyyy"
    assert row["Progression"].number_format == "0.0%" and isinstance(row["Progression"].value, (int, float))
    assert row["Statut"].value == shown["Statut"] and row["Statut"].value  # "En retard", not a component
    assert "{" not in str(row["Fraîcheur"].value)
    facts = {r[0]: r[1] for r in wb.worksheets[1].iter_rows(min_row=3, values_only=True) if r[0]}
    assert facts["Mois de situation"] == datetime(2025, 10, 1) and facts["Filtres"] == "France entière"


def test_fiche_table_exports_the_values_on_screen(app, client):
    layout = render(client, "/territoires/11", "?as_of=2025-10")
    section = next(nodes(layout, lambda n: (n.get("props") or {}).get("id") == ids.FICHE_INDICATORS))
    wrapper = wrappers(section)[0]
    data = store_of(wrapper)
    headers, rows = screen(wrapper)
    download, wb = workbook(app, data, "?as_of=2025-10")  # the région is the path's: the store says so
    assert download["filename"] == "extrait_Indicateurs-de-la-region_2025-10_region-11.xlsx"
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == headers
    numbers = 0
    for cells, shown in zip(ws.iter_rows(min_row=2), rows, strict=True):
        record, on_screen = dict(zip(headers, cells, strict=True)), dict(zip(headers, shown, strict=True))
        assert record["Indicateur"].value == on_screen["Indicateur"]
        assert record["Statut"].value == on_screen["Statut"]
        if isinstance(record["Région"].value, float) and record["Région"].number_format == '#,##0.0 "%"':
            assert f"{record['Région'].value:.1f}".replace(".", ",") in on_screen["Région"]
            numbers += 1
    assert numbers
    facts = {r[0]: r[1] for r in wb.worksheets[1].iter_rows(min_row=3, values_only=True) if r[0]}
    assert facts["Filtres"] == "Région : Île-de-France (11)"


def frame() -> pd.DataFrame:
    return pd.DataFrame({"label": ["CHU de Lyon", FORMULA, "AP-HP"], "amount": [1_250_000.0, 300.5, None],
                         "rate": [0.853, 0.5, None], "day": [date(2025, 6, 15), date(2025, 1, 2), None],
                         "status": [status_badge("off_track", "fr"), status_badge("on_track", "fr"),
                                    status_badge("no_data", "fr")]})


HEADERS = {"label": "Bénéficiaire", "amount": "Montant", "rate": "Taux", "day": "Date", "status": "Statut"}


def _payload(block) -> dict:
    return store_of(json.loads(as_json(block)))


def test_helper_keeps_the_table_and_exports_raw_values(app):
    block = table_with_export(frame(), "fr", "Bénéficiaires", headers=HEADERS,
                              formats={"amount": "eur_compact", "rate": "percent", "day": "date"})
    text = as_json(block)
    assert "Exporter « Bénéficiaires »" in text and '"className": "data-table"' in text
    data = _payload(block)
    assert data["rows"][0] == ["CHU de Lyon", 1_250_000.0, 0.853, "2025-06-15", "En retard"]
    _, wb = workbook(app, data)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["Bénéficiaire", "Montant", "Taux", "Date", "Statut"]
    assert ws["B2"].value == 1_250_000 and ws["B2"].number_format == '#,##0 "€"'
    assert ws["C2"].value == pytest.approx(0.853) and ws["C2"].number_format == "0.0%"
    assert ws["D2"].value == datetime(2025, 6, 15) and ws["D2"].number_format == "dd/mm/yyyy"
    assert ws["E2"].value == "En retard" and ws["E3"].value == "En bonne voie"  # the words, not the badge
    assert ws["A3"].value == FORMULA and ws["A3"].data_type == "s"  # text, never a live formula
    assert ws["B4"].value is None and ws["D4"].value is None
    assert wb.worksheets[1].title == "Contexte"
    untitled = as_json(table_with_export(frame(), "en", None))
    assert "Export this table" in untitled


def test_raw_columns_and_mixed_units(app):
    shown = pd.DataFrame({"indicator": ["A", "B", "C"], "value": ["85,3 %", "1 031,3 M€", "12 documents"]})
    raw = pd.DataFrame({"value": [85.3, 1_031_300_000.0, 12]})
    block = table_with_export(shown, "fr", "Mixte", headers={"indicator": "Indicateur", "value": "Valeur"}, raw=raw,
                              cell_kinds={"value": ["pct_value", "eur_meur", "int"]})
    assert "85,3 %" in as_json(block)  # the screen keeps its text
    data = _payload(block)
    assert [r[1] for r in data["rows"]] == [85.3, 1_031_300_000.0, 12]
    ws = workbook(app, data)[1].worksheets[0]
    assert [ws.cell(r, 2).number_format for r in (2, 3, 4)] == ['#,##0.0 "%"', '#,##0.0,, "M€"', "#,##0"]
    assert ws["B3"].value == 1_031_300_000


def test_csv_has_a_bom_and_inert_formulas():
    data = _payload(table_with_export(frame(), "fr", "Bénéficiaires", headers=HEADERS,
                                      formats={"amount": "eur_compact", "rate": "percent", "day": "date"}))
    download, _ = data_download("csv", data, "")
    raw = decode(download)
    assert raw.startswith(b"\xef\xbb\xbf") and download["filename"].endswith(".csv")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["Bénéficiaire", "Montant", "Taux", "Date", "Statut"]
    assert rows[1] == ["CHU de Lyon", "1250000", "0,853", "2025-06-15", "En retard"]  # whole euros, as shown
    assert rows[2][0] == "'" + FORMULA


def test_own_table_is_kept_and_exports_every_row():
    custom = html.Table([html.Tbody([html.Tr([html.Td(dcc.Link("x", href="/x"))])])], className="decision-table")
    df = pd.DataFrame({"n": list(range(250))})
    block = table_with_export(df, "fr", "Long", table=custom)
    text = as_json(block)
    assert '"decision-table"' in text and "data-table" not in text
    assert len(_payload(block)["rows"]) == 250
    long = table_with_export(df, "fr", "Long")  # simple_table shows the first 200, the file has them all
    assert len(_payload(long)["rows"]) == 250
