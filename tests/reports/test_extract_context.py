"""Extracts explain themselves: a Contexte and a Dictionnaire sheet (XLSX) from the source contract, the same as
Parquet metadata; identifiers stay text; the workbook prints fitted to the page width with repeated headers."""

from __future__ import annotations

import openpyxl
import pyarrow.parquet as pq

from etl.sources import CONTRACTS
from indicators.query import ViewFilters
from reports.excel import write_workbook
from reports.extracts import write_extract
from tests.reports.helpers import assert_well_formed_xlsx, libreoffice_converts


def test_xlsx_extract_has_context_and_dictionary_from_the_contract(tiny_settings, tmp_path):
    out = tmp_path / "ev.xlsx"
    write_extract(tiny_settings.warehouse, "fact_funding_event", "xlsx", out, ViewFilters(region="84"), "2024-06",
                  lineage=True)
    assert_well_formed_xlsx(out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["funding_events", "Contexte", "Dictionnaire"]
    data = wb["funding_events"]
    header = [c.value for c in data[1]]
    finess = header.index("beneficiary_id")
    assert {r[finess] for r in data.iter_rows(min_row=2, values_only=True)} == {"010001234", "690000000"}
    assert data.cell(2, header.index("departement_code") + 1).data_type == "s"  # « 01 » stays text
    context = {r[0]: r[1] for r in wb["Contexte"].iter_rows(values_only=True)}
    assert context["Mois de situation"] == "2024-06" and context["Filtres"] == "region = 84"
    assert context["Lignes"] == 4 and context["Producteur"] == CONTRACTS["funding_events"].producer
    rows = list(wb["Dictionnaire"].iter_rows(values_only=True))
    assert rows[0] == ("Colonne", "Libellé", "Type", "Unité", "Description")
    doc = {r[0]: r for r in rows[1:]}
    assert list(doc) == header  # every column, in the file's order, lineage included
    amount = CONTRACTS["funding_events"].column("amount_eur")
    assert doc["amount_eur"][1] == amount.description_fr and doc["amount_eur"][3] == "EUR"
    assert doc["beneficiary_id"][2] == "identifiant (texte)" and doc["file_id"][2] == "texte"


def test_parquet_extract_carries_column_descriptions(tiny_settings, tmp_path):
    out = tmp_path / "ev.parquet"
    write_extract(tiny_settings.warehouse, "fact_funding_event", "parquet", out)
    schema = pq.read_schema(out)
    meta = schema.field("amount_eur").metadata
    amount = CONTRACTS["funding_events"].column("amount_eur")
    assert meta[b"unit"] == b"EUR" and meta[b"label_fr"].decode() == amount.description_fr
    assert schema.metadata[b"title"].decode().startswith("Extrait « ")
    assert pq.read_table(out).column("departement_code").type == "string"


def test_workbook_prints_fitted_to_width_with_repeated_headers(tiny_engine, tmp_path):
    path = write_workbook(tmp_path / "wb.xlsx", tiny_engine, "2024-06", ViewFilters(), "fr")
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0 and int(ws.page_setup.paperSize) == 9
    assert wb["Synthèse"].page_setup.orientation == "landscape"
    assert wb["Synthèse"].print_title_rows == "$1:$1" and wb["Budget"].print_title_rows == "$1:$1"
    assert wb["Lisez-moi"].print_title_rows is None


def test_libreoffice_opens_the_extract_with_its_extra_sheets(tiny_settings, tmp_path):
    out = tmp_path / "docs.xlsx"
    write_extract(tiny_settings.warehouse, "fact_documents", "xlsx", out)
    converted = libreoffice_converts(out, tmp_path / "lo")
    if converted is None:
        import pytest

        pytest.skip("LibreOffice absent: conversion headless non testée")
    assert converted is True


def test_a_snapshot_workbook_links_to_the_frozen_figures(engine, tmp_path):
    from types import SimpleNamespace

    from reports.pack import build_pack

    meta = SimpleNamespace(id="s-20261120-c0517e", label="COSUI n°14", as_of="2026-10", created_at=None)
    path = build_pack(engine, meta, "xlsx", tmp_path, region="53")
    ws = openpyxl.load_workbook(path)["Lisez-moi"]
    link = next(ws.cell(r, 2) for r in range(1, 15) if ws.cell(r, 1).value == "La même vue dans le tableau de bord")
    assert link.value.endswith("?as_of=2026-10&region=53&snapshot=s-20261120-c0517e")
    assert link.hyperlink.target == link.value
