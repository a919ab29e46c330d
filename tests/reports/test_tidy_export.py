"""The tidy table against the engine for every indicator, and its files (XLSX, CSV, Parquet, workbook sheet)
read back with their types."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from indicators.query import ViewFilters
from indicators.scope import Scope
from indicators.tidy import tidy_table
from reports.excel import build_workbook
from reports.tidy_export import tidy_pieces, write_tidy

AS_OF = "2026-10"
BRETAGNE = Scope.of(3, "ars-bzh", "ARS Bretagne", ["lecteur"], ["53"])


@pytest.fixture(scope="module")
def tidy(engine):
    return tidy_table(engine, Scope.system(), AS_OF, with_empty=True)


def _rows(tidy, ind_id, level, code):
    mask = (tidy.indicator_id == ind_id) & (tidy.territory_level == level)
    mask &= tidy.territory_code.isna() if code is None else tidy.territory_code == code
    return tidy[mask].sort_values("period")


def _same(a, b) -> bool:
    return (a is None or a != a) and (b is None or b != b) or a == pytest.approx(b, rel=1e-12)


def test_every_indicator_matches_the_engine_nationally_in_a_region_and_a_departement(engine, tidy):
    checked = 0
    for ind in engine.catalogue.indicators:
        for level, code in (("national", None), ("region", "53"), ("departement", "35")):
            view = ViewFilters(**({level: code} if code else {}))
            res = engine.compute(ind.id, AS_OF, view, with_forecast=False)
            rows = _rows(tidy, ind.id, level, code)
            if res.not_applicable or (level != "national" and not ({"region", "departement"} if level == "region"
                                                                   else {"departement"}) & set(ind.dimensions)):
                assert rows.empty, (ind.id, level)
                continue
            assert len(rows) == len(res.series), (ind.id, level)
            for p, row in zip(res.series, rows.itertuples(), strict=True):
                assert row.period == p.period and row.status == p.status and row.unit == ind.unit
                assert _same(row.value, p.value) and _same(row.target, p.target) and _same(row.progress, p.progress)
            checked += 1
    assert checked >= 2 * len(engine.catalogue.indicators)


def test_a_regional_scope_never_sees_another_region(engine):
    df = tidy_table(engine, BRETAGNE, AS_OF)
    assert set(df.region_code.dropna()) == {"53"}
    assert set(df[df.territory_level == "departement"].territory_code) == {"22", "29", "35", "56"}


def test_xlsx_extract_reads_back_typed_with_context_and_dictionary(engine, tmp_path):
    path = write_tidy(tmp_path / "t.xlsx", "xlsx", engine, BRETAGNE, as_of=AS_OF, indicator_ids=["USE-01"])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Indicateurs", "Contexte", "Dictionnaire"]
    ws = wb["Indicateurs"]
    header = [c.value for c in ws[1]]
    first = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert isinstance(first["period"], datetime) and ws.cell(2, header.index("period") + 1).is_date
    assert isinstance(first["value"], int | float) and first["status_label"] == "Sans cible"  # 2021: before the baseline
    assert first["territory_level"] == "national" and first["territory_code"] is None
    codes = {r[header.index("region_code")] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert codes == {None, "53"}
    deps = {r[header.index("territory_code")] for r in ws.iter_rows(min_row=2, values_only=True)
            if r[header.index("territory_level")] == "departement"}
    assert deps == {"22", "29", "35", "56"}
    context = {r[0]: r[1] for r in wb["Contexte"].iter_rows(values_only=True)}
    assert context["Mois de situation"] == AS_OF and context["Périmètre de la personne"] == "régions 53"
    dictionary = {r[0]: r for r in wb["Dictionnaire"].iter_rows(min_row=2, values_only=True)}
    assert dictionary["progress"][1] == "Progression" and dictionary["period"][2] == "date"
    assert set(dictionary) == set(header)


def test_csv_keeps_codes_and_parquet_carries_column_metadata(engine):
    body = b"".join(tidy_pieces("csv", engine, BRETAGNE, AS_OF, ["USE-01"], levels=("departement",)))
    df = pd.read_csv(io.BytesIO(body), sep=";", decimal=",", encoding="utf-8-sig", dtype={"territory_code": str})
    assert set(df.territory_code) == {"22", "29", "35", "56"} and pd.api.types.is_numeric_dtype(df["value"])
    rennes = df[(df.territory_code == "35") & (df.period == "2026-10-01")].iloc[0]
    expected = engine.compute("USE-01", AS_OF, ViewFilters(departement="35")).series[-1]
    assert rennes.value == pytest.approx(expected.value) and rennes.progress == pytest.approx(expected.progress)
    table = pq.read_table(io.BytesIO(b"".join(tidy_pieces("parquet", engine, BRETAGNE, AS_OF, ["USE-01"]))))
    assert str(table.schema.field("period").type) == "date32[day]"
    meta = table.schema.field("target").metadata
    assert meta[b"label_fr"].decode() == "Cible à date"
    assert table.schema.metadata[b"title"].decode() == "Table longue des indicateurs"
    assert max(table.column("period").to_pylist()) == date(2026, 10, 1)


def test_workbook_sheet_is_the_views_tidy_rows(engine, tidy):
    buffer = io.BytesIO()
    build_workbook(engine, AS_OF, ViewFilters(region="53")).save(buffer)
    ws = openpyxl.load_workbook(buffer)["Table longue"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert {r["Niveau"] for r in rows} == {"region", "departement"}
    assert {r["Région (code)"] for r in rows} == {"53"}
    pick = next(r for r in rows if r["Indicateur (code)"] == "USE-01" and r["Territoire (code)"] == "35"
                and r["Valeur"] is not None)
    expected = _rows(tidy, "USE-01", "departement", "35")
    expected = expected[expected.period == pick["Période (début)"].date()].iloc[0]
    assert pick["Valeur"] == pytest.approx(expected.value) and pick["Statut"] == {
        "on_track": "En bonne voie", "watch": "À surveiller", "off_track": "En retard", "no_target": "Sans cible",
        "no_data": "Sans donnée"}[expected.status]


def test_completeness_is_the_engines_on_the_period_it_assesses(engine, tidy):
    from indicators.tidy import completeness_of

    filled = 0
    for ind in engine.catalogue.indicators:
        res = engine.compute(ind.id, AS_OF, ViewFilters(), with_forecast=False)
        period, share = completeness_of(res)
        rows = _rows(tidy, ind.id, "national", None)
        assessed = rows[rows.period == period]
        others = rows[rows.period != period]
        assert others.completeness.isna().all()
        if share is not None and len(assessed):
            assert assessed.completeness.iloc[0] == pytest.approx(share)
            filled += 1
    assert filled >= 5
