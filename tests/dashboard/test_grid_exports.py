"""The "Exporter" menu of standalone AG Grids: the grid is read back from the page (as the browser sends the
wrapper's children), its rows after the user's sort and filter (virtualRowData), its headers as shown."""

from __future__ import annotations

import base64
import copy
import csv
import io
import json
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard import ids
from dashboard.components.export_menu import data_download, grid_export, grid_payload
from dashboard.components.table import data_table
from dashboard.components.territory_ranking import ranking_grid
from tests.access import EVERYTHING, as_person
from tests.dashboard.render import as_json, render

FORMULA = '=HYPERLINK("http://example.com","clic")'
HEADERS = {"label": "Bénéficiaire", "paid": "Versé", "rate": "Taux", "day": "Dernier événement"}
FORMATS = {"paid": "eur_compact", "rate": "percent", "day": "date"}


def frame() -> pd.DataFrame:
    return pd.DataFrame({"label": ["CHU de Lyon", FORMULA, "AP-HP"], "paid": [1_250_000.0, 300.5, 42.0],
                         "rate": [0.853, 0.5, None], "day": [date(2025, 6, 15), date(2025, 1, 2), None]})


def tree(component) -> object:
    """A component as the browser holds it (and sends it back as a State)."""
    return json.loads(as_json(component))


def nodes(node, accept):
    """Every component of a JSON layout that `accept(node)`."""
    if isinstance(node, dict):
        if accept(node):
            yield node
        for value in node.values():
            yield from nodes(value, accept)
    elif isinstance(node, list):
        for value in node:
            yield from nodes(value, accept)


def _typed(node, kind: str) -> bool:
    ident = (node.get("props") or {}).get("id")
    return isinstance(ident, dict) and ident.get("type") == kind


def wrapper_and_meta(layout) -> tuple[list, dict]:
    """The children of the grid's export wrapper and the data of its menu's store (the callback's States)."""
    wrapper = next(nodes(layout, lambda n: _typed(n, ids.EXPORT_GRID)))
    uid = wrapper["props"]["id"]["chart"]
    store = next(nodes(layout, lambda n: _typed(n, ids.EXPORT_DATA) and n["props"]["id"]["chart"] == uid))
    return wrapper["props"]["children"], store["props"]["data"]


def grid_of(children) -> dict:
    return next(nodes(children, lambda n: n.get("type") == "AgGrid"))["props"]


def decode(download: dict) -> bytes:
    return base64.b64decode(download["content"]) if download.get("base64") else download["content"].encode()


@pytest.fixture()
def exported():
    """The wrapper's children and store of a grid with a menu, as the browser would send them."""
    block = grid_export(data_table(frame(), "test-grid", "fr", headers=HEADERS, formats=FORMATS), "fr",
                        "Bénéficiaires")
    return wrapper_and_meta(tree(block))


def test_menu_is_labelled_with_data_formats_only():
    block = grid_export(data_table(frame(), "test-grid", "fr", headers=HEADERS, formats=FORMATS), "fr",
                        "Bénéficiaires")
    text = as_json(block)
    assert "Exporter « Bénéficiaires »" in text and "Données (XLSX)" in text and "Données (CSV)" in text
    assert "Image PNG" not in text and "Image SVG" not in text  # no image of a grid
    assert f'"type": "{ids.EXPORT_GRID_BTN}"' in text
    untitled = as_json(grid_export(data_table(frame(), "other-grid", "en"), "en"))
    assert "Export this table" in untitled
    with pytest.raises(TypeError):
        grid_export(html_div_without_grid(), "fr")


def html_div_without_grid():
    from dash import html

    return html.Div([html.P("rien")])


def test_xlsx_has_the_headers_numbers_formats_and_inert_formulas(app, exported):
    children, meta = exported
    with as_person(app.server, EVERYTHING):
        download, message = data_download("xlsx", grid_payload(children, meta), "?region=76&as_of=2025-09")
    assert download["filename"] == "extrait_Beneficiaires_2025-09_region-76.xlsx"
    assert "Fichier prêt" in message
    wb = load_workbook(io.BytesIO(decode(download)))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["Bénéficiaire", "Versé", "Taux", "Dernier événement"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    assert ws["B2"].value == 1_250_000 and ws["B2"].number_format == '#,##0 "€"'
    assert ws["C2"].value == pytest.approx(0.853) and ws["C2"].number_format == "0.0%"
    assert ws["D2"].value == datetime(2025, 6, 15) and ws["D2"].number_format == "dd/mm/yyyy"
    assert ws["A3"].value == FORMULA and ws["A3"].data_type == "s"  # text, never a live formula
    assert ws["B3"].value == pytest.approx(300.5)
    assert ws["C4"].value is None and ws["D4"].value is None  # missing stays empty, not "—"
    context = wb.worksheets[1]
    assert context.title == "Contexte" and context["A1"].value == "Bénéficiaires"
    facts = {r[0]: r[1] for r in context.iter_rows(min_row=3, values_only=True) if r[0]}
    assert facts["Filtres"] == "Région : Occitanie (76)"
    assert facts["Mois de situation"] == datetime(2025, 9, 1)
    assert isinstance(facts["Généré le"], datetime)
    assert facts["Lignes exportées"] == 3 and "Lignes du tableau avant son filtre" not in facts


def test_csv_has_a_bom_and_the_values(exported):
    children, meta = exported
    download, _ = data_download("csv", grid_payload(children, meta), "")
    raw = decode(download)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["Bénéficiaire", "Versé", "Taux", "Dernier événement"]
    assert rows[1] == ["CHU de Lyon", "1250000", "0,853", "2025-06-15"]
    assert rows[2][0] == "'" + FORMULA  # the quote keeps it text in Excel
    assert rows[3] == ["AP-HP", "42", "", ""]


def test_rows_follow_the_users_sort_and_filter(app, exported):
    children, meta = copy.deepcopy(exported)
    grid = grid_of(children)
    by_label = {r["c0"]: r for r in grid["rowData"]}
    grid["virtualRowData"] = [by_label["AP-HP"], by_label["CHU de Lyon"]]  # sorted by name, formula filtered out
    grid["columnState"] = [{"colId": "c2", "hide": False}, {"colId": "c0"}, {"colId": "c1", "hide": True},
                           {"colId": "c3"}]  # the user moved "Taux" first and hid "Versé"
    payload = grid_payload(children, meta)
    assert [c["header"] for c in payload["columns"]] == ["Taux", "Bénéficiaire", "Dernier événement"]
    assert payload["rows"] == [[None, "AP-HP", None], [0.853, "CHU de Lyon", "2025-06-15"]]
    with as_person(app.server, EVERYTHING):
        download, _ = data_download("xlsx", payload, "")
    wb = load_workbook(io.BytesIO(decode(download)))
    assert [r[1] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)] == ["AP-HP", "CHU de Lyon"]
    facts = {r[0]: r[1] for r in wb.worksheets[1].iter_rows(min_row=3, values_only=True) if r[0]}
    assert facts["Lignes exportées"] == 2 and facts["Lignes du tableau avant son filtre"] == 3
    grid["virtualRowData"] = []  # a filter that matches nothing exports nothing, not every row
    assert grid_payload(children, meta)["rows"] == []


def test_without_virtual_rows_every_row_in_its_order(exported):
    children, meta = exported
    assert "virtualRowData" not in grid_of(children)
    payload = grid_payload(children, meta)
    assert [r[0] for r in payload["rows"]] == ["CHU de Lyon", FORMULA, "AP-HP"]
    assert grid_payload(children, None) is None and grid_payload([], meta) is None


def test_ranking_exports_statuses_and_links_as_shown_and_numbers_as_numbers(app):
    from dashboard.components.indicator_format import STATUS_ORDER, status_text

    df = pd.DataFrame({"rank": [1, 2], "territory": ["[Occitanie](/territoires/76)", "[Bretagne](/territoires/53)"],
                       "value": [85.3, 40.0], "target": [80.0, 80.0], "progress": [1.07, 0.5],
                       "status": [STATUS_ORDER.index("on_track"), STATUS_ORDER.index("off_track")],
                       "gap": [5.3, -40.0], "trend": [1.2, -0.4]})
    headers = {"rank": "Rang", "territory": "Territoire", "value": "Valeur", "target": "Cible",
               "progress": "Progression", "status": "Statut", "gap": "Écart", "trend": "Évolution"}
    children, meta = wrapper_and_meta(tree(grid_export(ranking_grid(df, "rank-grid", "pct", headers), "fr", "Classement")))
    with as_person(app.server, EVERYTHING):
        download, _ = data_download("xlsx", grid_payload(children, meta), "")
    ws = load_workbook(io.BytesIO(decode(download))).worksheets[0]
    row = dict(zip([c.value for c in ws[1]], ws[2], strict=True))
    assert row["Territoire"].value == "Occitanie"  # the link's text, not its Markdown
    assert row["Statut"].value == status_text("on_track", "fr")  # the words, not the rank kept for sorting
    assert row["Valeur"].value == pytest.approx(85.3) and row["Valeur"].number_format == '#,##0.0 "%"'
    assert row["Progression"].value == pytest.approx(1.07) and row["Progression"].number_format == "0.0%"
    assert row["Rang"].value == 1 and row["Rang"].number_format == "#,##0"


def test_pages_wrap_their_grids_with_a_menu(client):
    """Every standalone grid of a page sits in an export wrapper whose store names it."""
    expected = {"/budget": {ids.BUDGET_GRID, ids.BUDGET_BENEFICIARIES_GRID},
                "/territoires": {ids.TERR_RANKING_GRID},
                "/donnees": {ids.DATA_REJECTS_GRID, ids.DATA_FILES_GRID},
                "/deploiement": {ids.DEPLOIEMENT_FUNNEL_GRID, ids.DEPLOIEMENT_RATES_GRID}}
    for path, grid_ids in expected.items():
        layout = render(client, path)
        wrapped = {grid_of(w["props"]["children"])["id"]
                   for w in nodes(layout, lambda n: _typed(n, ids.EXPORT_GRID))}
        assert grid_ids <= wrapped, path
        every_grid = {g["props"]["id"] for g in nodes(layout, lambda n: n.get("type") == "AgGrid")}
        assert every_grid == wrapped, path  # no grid left without its menu


def test_a_page_grid_exports_its_on_screen_values(client, app):
    layout = render(client, "/budget", "?as_of=2025-10")
    wrapper = next(w for w in nodes(layout, lambda n: _typed(n, ids.EXPORT_GRID))
                   if grid_of(w["props"]["children"])["id"] == ids.BUDGET_BENEFICIARIES_GRID)
    uid = wrapper["props"]["id"]["chart"]
    meta = next(nodes(layout, lambda n: _typed(n, ids.EXPORT_DATA) and n["props"]["id"]["chart"] == uid))
    grid = grid_of(wrapper["props"]["children"])
    with as_person(app.server, EVERYTHING):
        download, _ = data_download("xlsx", grid_payload(wrapper["props"]["children"], meta["props"]["data"]),
                                    "?as_of=2025-10")
    assert download["filename"] == "extrait_Beneficiaires_2025-10.xlsx"
    ws = load_workbook(io.BytesIO(decode(download))).worksheets[0]
    assert [c.value for c in ws[1]] == [c["headerName"] for c in grid["columnDefs"]]
    first = grid["rowData"][0]
    assert [c.value for c in ws[2]][:2] == [first["c0"], first["c1"]]  # the identifier stays text
    paid = next(i for i, c in enumerate(grid["columnDefs"]) if c["headerName"] == "Versé")
    assert ws.cell(2, paid + 1).value == first[f"c{paid}"] and isinstance(first[f"c{paid}"], float)
