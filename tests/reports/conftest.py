"""Two warehouses loaded through the real ETL, built once per session: the demo data at a small scale (every
source, realistic figures) and a tiny hand-written one (exact budget sums, formula-like text in the data)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from etl.load import load
from settings import Settings, load_settings

TODAY = date(2026, 11, 28)
INJECTION = '=HYPERLINK("http://x","y")'

FUNDING_EVENTS = '''event_id;dispositif_code;couloir_code;vague;region_code;departement_code;beneficiary_id;beneficiary_kind;beneficiary_name;event_type;event_date;amount_eur;funding_window;commitment_ref
E1;SONS-V1-HOP;hopital;1;11;75;750712184;finess;"=HYPERLINK(""http://x"",""y"")";commitment;2024-01-15;1000,50;;
E2;SONS-V1-HOP;hopital;1;11;75;750712184;finess;+33 1 23 45 67 89;advance;2024-02-10;300,25;;E1
E3;SONS-V1-HOP;hopital;1;84;01;010001234;finess;@SUM(A1);commitment;2024-03-05;2000;;
E4;SONS-V1-HOP;hopital;1;84;01;010001234;finess;-2+3;cancellation;2024-04-01;500;;E3
E5;SONS-V1-HOP;hopital;1;84;69;690000000;finess;"Hôpital Nord; site ""B""";balance;2024-05-20;700;;E3
E6;SUNES-V1;hopital;1;84;69;690000000;finess;CHU de Lyon;lump_sum;2024-06-30;1234,56;2;
E7;SONS-V1-HOP;hopital;1;11;75;750712184;finess;Plus tard;commitment;2024-08-01;999;;
'''
ENVELOPES = """dispositif_code;couloir_code;region_code;year;amount_eur;source_label
SONS-V1-HOP;hopital;;2024;10000;DNS
SUNES-V1;hopital;84;2024;5000;ARS Auvergne-Rhône-Alpes
"""
DOCUMENTS = """month;departement_code;couloir_code;document_type;documents_count
2024-01;75;biologie;11502-2;100
2024-01;69;biologie;11502-2;50
2024-02;75;biologie;11502-2;120
2024-03;75;biologie;11502-2;140
2024-03;69;radiologie;18748-4;30
2024-06;75;biologie;11502-2;150
"""
TINY_CATALOGUE = """version: 1
objectives:
  - id: OBJ-TEST
    label: {fr: '=HYPERLINK("http://x","y")', en: Test objective}
    description: {fr: Pour les tests, en: For tests}
    weights: {TST-01: 0.5, TST-02: 0.5}
indicators:
  - id: TST-01
    label: {fr: '=HYPERLINK("http://x","y")', en: '=HYPERLINK("http://x","y")'}
    description: {fr: '@SUM(1+1)', en: '-1+1'}
    unit: documents
    direction: up
    owner: '+Cnam'
    sources: [mes_documents]
    public: true
    measure: {kind: sum, table: fact_documents, column: documents_count, date: month}
    grains: [month]
    dimensions: [region, departement]
    baseline: {value: 0, date: 2023-12-31}
    target:
      milestones: [{date: 2024-01-31, value: 100}, {date: 2024-12-31, value: 300}]
  - id: TST-02
    label: {fr: Montant versé, en: Amount paid}
    description: {fr: "Avances, soldes et forfaits versés", en: "Advances, balances and lump sums paid"}
    unit: EUR
    direction: up
    owner: DNS
    sources: [funding_events]
    public: true
    measure:
      kind: cumulative
      of: {kind: sum, table: fact_funding_event, column: amount_eur, date: event_date, filters: {event_type: [advance, balance, lump_sum]}}
    grains: [month]
    dimensions: [region, dispositif]
    baseline: {value: 0, date: 2023-12-31}
    target:
      milestones: [{date: 2024-12-31, value: 5000}]
"""


def _settings(base: Path) -> Settings:
    return load_settings({"SEGUR_DATA_DIR": str(base / "data"), "SEGUR_TODAY": TODAY.isoformat()})


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory) -> Settings:
    """The demo files at scale 0.05, loaded (≈10 s once per session). Read only."""
    from etl.demo import generate

    base = tmp_path_factory.mktemp("reports-demo")
    generate(base / "raw", scale=0.05, seed=42, today=TODAY)
    settings = _settings(base)
    report = load([base / "raw"], settings)
    assert report.status == "published", report.to_text()
    return settings


@pytest.fixture(scope="session")
def engine(demo_settings):
    from indicators.catalog import load_catalogue
    from indicators.compute import Engine

    return Engine(demo_settings.warehouse, load_catalogue(), today=TODAY)


@pytest.fixture(scope="session")
def tiny_settings(tmp_path_factory) -> Settings:
    base = tmp_path_factory.mktemp("reports-tiny")
    raw = base / "raw"
    raw.mkdir()
    (raw / "funding_events_2024.csv").write_text(FUNDING_EVENTS, encoding="utf-8")
    (raw / "budget_envelopes_2024.csv").write_text(ENVELOPES, encoding="utf-8")
    (raw / "mes_documents_2024.csv").write_text(DOCUMENTS, encoding="utf-8")
    settings = _settings(base)
    report = load([raw], settings)
    assert report.status == "published", report.to_text()
    return settings


@pytest.fixture(scope="session")
def tiny_engine(tiny_settings):
    from indicators.catalog import parse_catalogue
    from indicators.compute import Engine

    return Engine(tiny_settings.warehouse, parse_catalogue(TINY_CATALOGUE, "tiny.yaml"), today=TODAY)
