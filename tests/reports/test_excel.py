"""The analyst's workbook: read back with openpyxl, every number equals the engine's for the same view."""

from __future__ import annotations

import posixpath
import re
import zipfile
from datetime import date, datetime

import duckdb
import openpyxl
import pytest

from indicators.budget import budget_frame
from indicators.cli_compute import result_dict
from indicators.query import ViewFilters
from reports.excel import dashboard_link, write_workbook
from reports.xlsx import FMT_DATE, FMT_EUR, FMT_RATIO, unit_format
from tests.reports.conftest import INJECTION
from tests.reports.helpers import assert_well_formed_xlsx, libreoffice_converts

AS_OF = "2026-10"
STATUS_FR = {"on_track": "En bonne voie", "watch": "À surveiller", "off_track": "En retard",
             "no_target": "Sans cible", "no_data": "Sans donnée"}


@pytest.fixture(scope="session")
def workbooks(engine, tmp_path_factory):
    """(path, workbook read back) for the national view, a région view and the English national view."""
    out = {}
    base = tmp_path_factory.mktemp("workbooks")
    for key, view, lang in (("national", ViewFilters(), "fr"), ("region", ViewFilters(region="11"), "fr"),
                            ("english", ViewFilters(), "en")):
        path = write_workbook(base / f"{key}.xlsx", engine, AS_OF, view, lang)
        out[key] = (path, openpyxl.load_workbook(path))
    return out


def _same(cell_value, engine_value) -> bool:
    if engine_value is None:
        return cell_value is None
    return cell_value == pytest.approx(engine_value, rel=1e-12, abs=1e-9)


def _rows(ws, table_name):
    ref = ws.tables[table_name].ref
    cells = ws[ref]
    header = [c.value for c in cells[0]]
    return header, [dict(zip(header, (c.value for c in row), strict=True)) for row in cells[1:]]


def test_sheet_names_in_both_languages(workbooks, engine):
    objectives_fr = [o.label.fr for o in engine.catalogue.objectives]
    names = workbooks["national"][1].sheetnames
    assert names[:2] == ["Lisez-moi", "Synthèse"] and names[-4:] == ["Budget", "Table longue", "Définitions", "Provenance"]
    assert len(names) == 6 + len(objectives_fr)
    assert names[2] == objectives_fr[0]
    assert workbooks["english"][1].sheetnames[:2] == ["Read me", "Summary"]
    assert workbooks["english"][1].sheetnames[-2:] == ["Definitions", "Provenance"]
    for wb in (workbooks["national"][1], workbooks["english"][1]):
        for name in wb.sheetnames:
            assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)


def test_every_table_is_a_real_excel_table(workbooks):
    for _, wb in workbooks.values():
        names = []
        for ws in wb.worksheets:
            for name, table in ((n, ws.tables[n]) for n in ws.tables):
                names.append(name.lower())
                assert table.autoFilter is not None and table.autoFilter.ref == table.ref
                first = ws[table.ref][0][0]
                assert first.fill.fgColor.rgb.endswith("000091") and first.font.bold
                assert first.font.color.rgb.endswith("FFFFFF")
        assert len(names) == len(set(names)), "displayName must be unique in the workbook"


@pytest.mark.parametrize("key,view", [("national", ViewFilters()), ("region", ViewFilters(region="11"))])
def test_summary_equals_the_engine(workbooks, engine, key, view):
    ws = workbooks[key][1]["Synthèse"]
    assert ws.freeze_panes == "C2"
    _, rows = _rows(ws, "Synthese")
    assert [r["Identifiant"] for r in rows] == [i.id for i in engine.catalogue.indicators]
    for row in rows:
        if view.region and row["Identifiant"] in ("BUD-01", "BUD-02"):
            continue  # the Budget page's rates: test_region_budget_rates_are_the_budget_pages
        expected = result_dict(engine.compute(row["Identifiant"], AS_OF, view))
        assert _same(row["Valeur"], expected["value"])
        assert _same(row["Cible à date"], expected["target"])
        assert _same(row["Progression"], expected["progress"])
        assert row["Statut"] == STATUS_FR[expected["status"]]
        if expected["period"]:
            assert row["Période (début)"] == datetime.fromisoformat(expected["period"])
        assert row["Explication"] == expected["reason_fr"]
        if view.items():
            assert _same(row["Écart au national (points)"], expected["gap_points"])


def test_region_budget_rates_are_the_budget_pages(workbooks, engine):
    """The engine does not cut BUD-01/BUD-02 by région; the workbook shows what the dashboard's Budget page shows."""
    from indicators.budget_views import totals

    view = ViewFilters(region="11")
    assert engine.compute("BUD-01", AS_OF, view).current is None  # the engine's "no data": not a région indicator
    page = totals(budget_frame(engine.db, date(2026, 10, 1), view))  # dashboard/pages/budget.py's KPI tiles
    assert page["envelope_eur"] > 0
    _, rows = _rows(workbooks["region"][1]["Synthèse"], "Synthese")
    by_id = {r["Identifiant"]: r for r in rows}
    for ind_id, rate in (("BUD-01", "committed_rate"), ("BUD-02", "paid_rate")):
        row = by_id[ind_id]
        assert row["Valeur"] == pytest.approx(page[rate] * 100, rel=1e-12)
        assert row["Statut"] == "Sans cible" and row["Cible à date"] is None and row["Progression"] is None
        assert row["Explication"].startswith("Pas de cible régionale : taux de la page Budget pour cette région")


def test_summary_formats_dates_and_status_colours(workbooks, engine):
    ws = workbooks["national"][1]["Synthèse"]
    header, _ = _rows(ws, "Synthese")
    col = {h: i + 1 for i, h in enumerate(header)}
    for r in range(2, ws.max_row):
        if ws.cell(r, 1).value is None:
            break
        unit = engine.catalogue.indicator(ws.cell(r, 1).value).unit
        assert ws.cell(r, col["Valeur"]).number_format == unit_format(unit)
        assert ws.cell(r, col["Progression"]).number_format == FMT_RATIO
        period = ws.cell(r, col["Période (début)"])
        assert period.is_date and period.number_format == FMT_DATE
        assert isinstance(ws.cell(r, col["Échéance de la cible finale"]).value, datetime)
        assert ws.cell(r, col["Statut"]).data_type == "s"
    letter = openpyxl.utils.get_column_letter(col["Statut"])
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules if letter in str(cf.sqref)]
    assert len(rules) == 6 and any('"En retard"' in rule.formula[0] for rule in rules)
    assert unit_format("EUR") == '#,##0.0,, "M€"' and unit_format("pct") == '#,##0.0 "%"'


def test_objective_sheets_series_and_breakdown(workbooks, engine):
    wb = workbooks["national"][1]
    obj = engine.catalogue.objectives[0]
    ws = wb[obj.label.fr]
    assert ws.freeze_panes == "A2"
    _, series = _rows(ws, f"Serie_{obj.id.replace('-', '_')}")
    first_id = next(iter(obj.weights))
    result = engine.compute(first_id, AS_OF)
    mine = {r["Période (début)"].date(): r for r in series if r["Identifiant"] == first_id}
    for p in result.series:
        if p.value is not None:
            assert isinstance(mine[p.period]["Période (début)"], datetime)
            assert mine[p.period]["Valeur"] == pytest.approx(p.value, rel=1e-12)
            assert mine[p.period]["Statut"] == STATUS_FR[p.status]
    _, territories = _rows(ws, f"Territoires_{obj.id.replace('-', '_')}")
    with_regions = [i for i in obj.weights if "region" in engine.catalogue.indicator(i).dimensions]
    assert {r["Identifiant"] for r in territories} == set(with_regions)
    ind = with_regions[0]
    by_region = engine.compute(ind, AS_OF, breakdown="region", with_forecast=False)
    got = {r["Région (code)"]: r["Valeur"] for r in territories if r["Identifiant"] == ind}
    assert got == {b.key: pytest.approx(b.value, rel=1e-12) for b in by_region.breakdown}


def test_budget_totals_are_formulas_over_the_table(workbooks, engine, demo_settings):
    ws = workbooks["national"][1]["Budget"]
    table = ws.tables["Budget"]
    top_left, bottom_right = table.ref.split(":")
    last = int(re.sub(r"\D", "", bottom_right))
    header = [c.value for c in ws[table.ref][0]]
    col = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(header)}
    assert top_left == "A1"
    for name in ("Enveloppe (€)", "Engagé (€)", "Versé (€)"):
        c = col[name]
        assert ws[f"{c}{last + 1}"].value == f"=SUBTOTAL(109,{c}2:{c}{last})"
        assert ws[f"{c}{last + 2}"].value == f"=SUM({c}2:{c}{last})"
        assert ws[f"{c}{last + 1}"].data_type == "f"
        assert ws[f"{c}2"].number_format == FMT_EUR
    frame = budget_frame(engine.db, date(2026, 10, 1))
    committed = sum(ws[f"{col['Engagé (€)']}{r}"].value or 0 for r in range(2, last + 1))
    assert committed == pytest.approx(frame["committed_eur"].sum(), abs=0.01)
    con = duckdb.connect(str(demo_settings.warehouse), read_only=True)
    try:
        paid = con.execute("SELECT sum(amount_eur) FROM fact_funding_event WHERE event_date <= DATE '2026-10-31' "
                           "AND event_type IN ('advance', 'balance', 'lump_sum')").fetchone()[0]
    finally:
        con.close()
    total_paid = sum(ws[f"{col['Versé (€)']}{r}"].value or 0 for r in range(2, last + 1))
    assert total_paid == pytest.approx(float(paid), abs=0.01)


def _table(ws, name):
    """(header → column letter, first data row, last data row) of an Excel table of a sheet."""
    top_left, bottom_right = ws.tables[name].ref.split(":")
    first_col = openpyxl.utils.column_index_from_string(re.sub(r"\d", "", top_left))
    header_row, last = int(re.sub(r"\D", "", top_left)), int(re.sub(r"\D", "", bottom_right))
    header = [c.value for c in ws[ws.tables[name].ref][0]]
    return ({h: openpyxl.utils.get_column_letter(first_col + i) for i, h in enumerate(header)}, header_row + 1, last)


def test_budget_is_pivot_safe_flows_apart_from_stocks_totals_match_rows(workbooks, engine):
    ws = workbooks["national"][1]["Budget"]
    col, first, last = _table(ws, "Budget")
    assert not any(h.startswith("Reste") for h in col)  # no "reste" on a yearly flow row
    frame = budget_frame(engine.db, date(2026, 10, 1))
    assert last - first + 1 == len(frame)
    for name, key in (("Enveloppe (€)", "envelope_eur"), ("Engagé (€)", "committed_eur"), ("Versé (€)", "paid_eur")):
        rows = sum(ws[f"{col[name]}{r}"].value or 0 for r in range(first, last + 1))
        assert rows == pytest.approx(frame[key].sum(min_count=1) or 0, abs=0.01)
    s_col, s_first, s_last = _table(ws, "Restes")
    envelope = frame.envelope_eur.sum()
    committed = frame.committed_eur.sum()
    values = {h: [ws[f"{c}{r}"].value for r in range(s_first, s_last + 1)] for h, c in s_col.items()}
    assert sum(v or 0 for v in values["Enveloppe cumulée (€)"]) == pytest.approx(envelope, abs=0.01)
    # the total of « Reste à engager » is the envelope minus what was committed against an envelope: the rows add up
    with_env = [(e, c) for e, c in zip(values["Enveloppe cumulée (€)"], values["Engagé cumulé (€)"], strict=True) if e]
    assert sum(v or 0 for v in values["Reste à engager (€)"]) == pytest.approx(sum(e - c for e, c in with_env), abs=0.01)
    assert all(v is None or v >= -0.01 for v in values["Reste à verser (€)"])
    for h in ("Enveloppe cumulée (€)", "Engagé cumulé (€)", "Versé cumulé (€)", "Reste à engager (€)",
              "Reste à verser (€)"):
        c = s_col[h]
        assert ws[f"{c}{s_last + 2}"].value == f"=SUM({c}{s_first}:{c}{s_last})"
    assert sum(values["Engagé cumulé (€)"]) == pytest.approx(committed, abs=0.01)


def test_readme_definitions_provenance(workbooks, engine):
    wb = workbooks["region"][1]
    ws = wb["Lisez-moi"]
    facts = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(1, 12)}
    assert facts["Situation à fin de"].value == datetime(2026, 10, 31)
    assert facts["Filtres"].value == "Région : Île-de-France (11)"
    assert facts["La même vue dans le tableau de bord"].value == "http://127.0.0.1:8050/?as_of=2026-10&region=11"
    assert facts["La même vue dans le tableau de bord"].hyperlink.target.endswith("region=11")
    assert facts["Version de l'application"].value
    _, fresh = _rows(ws, "Fraicheur")
    assert {r["Source"] for r in fresh} >= {"funding_events", "mes_documents"}
    _, defs = _rows(wb["Définitions"], "Definitions")
    assert [d["Identifiant"] for d in defs] == [i.id for i in engine.catalogue.indicators]
    assert all(d["Formule"] for d in defs)
    _, files = _rows(wb["Provenance"], "Fichiers")
    assert all(len(f["SHA-256"]) == 64 for f in files) and all(f["Lignes"] > 0 for f in files)
    assert any(isinstance(f["Période (fin)"], datetime) for f in files)
    _, runs = _rows(wb["Provenance"], "Executions")
    assert len(runs) == 1 and isinstance(runs[0]["Début"], datetime)


def test_dashboard_link():
    assert dashboard_link(date(2026, 10, 1), ViewFilters(region="11", couloir="hopital"), "en",
                          "https://segur.example/") == "https://segur.example/?as_of=2026-10&region=11&couloir=hopital&lang=en"


def test_generated_files_are_well_formed(workbooks, tmp_path):
    for path, _ in workbooks.values():
        names = assert_well_formed_xlsx(path)
        assert any(n.startswith("xl/charts/") for n in names)
        assert any(n.startswith("xl/tables/") for n in names)
    converted = libreoffice_converts(workbooks["national"][0], tmp_path)
    if converted is None:
        pytest.skip("LibreOffice absent: conversion headless non testée")
    assert converted is True  # LibreOffice opened the workbook (no repair) and wrote its first sheet


def test_formula_like_catalogue_text_stays_text(tiny_engine, tmp_path):
    path = write_workbook(tmp_path / "tiny.xlsx", tiny_engine, "2024-06", ViewFilters(), "fr")
    wb = openpyxl.load_workbook(path)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    if ws.title == "Budget" and cell.data_type == "f":
                        assert re.fullmatch(r"=(SUBTOTAL\(109,|SUM\()([H-J]|[N-R])2:\2\d+\)", cell.value), cell.value
                        continue  # our own totals
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
                    seen += cell.value == INJECTION
    assert seen >= 4  # summary, objective series, definitions (label fr and en)
    with zipfile.ZipFile(path) as zf:
        sheets = {n: zf.read(n).decode() for n in zf.namelist() if posixpath.dirname(n) == "xl/worksheets"}
    formulas = {n: re.findall(r"<f>([^<]*)</f>", xml) for n, xml in sheets.items()}
    assert sum(1 for f in formulas.values() if f) == 1  # only the Budget sheet has formulas: our totals
    assert not any("HYPERLINK" in f for fs in formulas.values() for f in fs)
