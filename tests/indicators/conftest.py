"""A tiny warehouse loaded through the real ETL, and a tiny catalogue, for golden engine tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from etl.load import load
from settings import load_settings

DOCUMENTS = """month;departement_code;couloir_code;document_type;documents_count
2024-01;75;biologie;11502-2;100
2024-01;13;biologie;11502-2;50
2024-01;75;radiologie;18748-4;10
2024-02;75;biologie;11502-2;120
2024-02;13;biologie;11502-2;60
2024-03;75;biologie;11502-2;140
2024-03;13;biologie;11502-2;70
2024-03;75;radiologie;18748-4;30
"""
PROFILES = """month,departement_code,profiles_opened,profiles_activated,connections,monthly_users
2024-01,75,1000,200,50,40
2024-01,13,800,100,30,20
2024-03,75,1000,260,60,50
2024-03,13,800,140,30,25
"""
POPULATIONS = """departement_code;population_kind;reference_year;population_count
75;assures;2023;2000
13;assures;2023;2000
"""

TODAY = date(2024, 4, 20)


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("tiny-wh")
    raw = base / "raw"
    raw.mkdir()
    (raw / "mes_documents_2024.csv").write_text(DOCUMENTS, encoding="utf-8")
    (raw / "mes_profiles_2024.csv").write_text(PROFILES, encoding="utf-8")
    (raw / "populations_2023.csv").write_text(POPULATIONS, encoding="utf-8")
    settings = load_settings({"SEGUR_DATA_DIR": str(base / "data"), "SEGUR_TODAY": TODAY.isoformat()})
    report = load([raw], settings)
    assert report.status == "published", report.to_text()
    return settings.warehouse


TINY_CATALOGUE = """version: 1
objectives:
  - id: OBJ-TEST
    label: {fr: Objectif test, en: Test objective}
    description: {fr: Pour les tests, en: For tests}
    weights: {TST-01: 0.5, TST-05: 0.5}
  - id: OBJ-AUTRE
    label: {fr: Autres, en: Others}
    description: {fr: Le reste, en: The rest}
    weights: {TST-02: 0.1, TST-03: 0.1, TST-04: 0.1, TST-06: 0.1, TST-07: 0.1, TST-08: 0.1, TST-09: 0.1, TST-10: 0.2, TST-11: 0.1}
indicators:
"""


def _indicator(id_: str, unit: str, measure: str, baseline: str, milestones: str, direction: str = "up",
               extra: str = "", sources: str = "[mes_documents]", dimensions: str = "[region, departement]") -> str:
    return f"""  - id: {id_}
    label: {{fr: Indicateur {id_}, en: Indicator {id_}}}
    description: {{fr: Test, en: Test}}
    unit: {unit}
    direction: {direction}
    owner: Cnam
    sources: {sources}
    public: true
    measure: {measure}
    grains: [month, quarter, year]
    dimensions: {dimensions}
    baseline: {baseline}
    target:
      milestones: {milestones}
{extra}"""


DOCS = "{kind: sum, table: fact_documents, column: documents_count, date: month}"
MS = "[{date: 2024-01-31, value: 100}, {date: 2024-03-31, value: 300}]"
B0 = "{value: 0, date: 2023-12-31}"
INDICATORS = [
    _indicator("TST-01", "documents", DOCS, B0, MS, dimensions="[region, departement, couloir]"),
    _indicator("TST-02", "documents", f"{{kind: cumulative, of: {DOCS}}}", B0, "[{date: 2024-12-31, value: 1000}]"),
    _indicator("TST-03", "documents", f"{{kind: rolling, months: 2, of: {DOCS}}}", B0,
               "[{date: 2024-12-31, value: 1000}]"),
    _indicator("TST-04", "profils", "{kind: last, table: fact_mes_profiles, column: profiles_activated, date: month}",
               B0, "[{date: 2024-12-31, value: 1000}]", sources="[mes_profiles]"),
    _indicator("TST-05", "pct",
               "{kind: ratio, scale: 100, numerator: {kind: last, table: fact_mes_profiles, column: "
               "profiles_activated, date: month}, denominator: {kind: last, table: fact_population, column: "
               "population_count, date: reference_year, filters: {population_kind: assures}}}",
               B0, "[{date: 2024-12-31, value: 20}]", sources="[mes_profiles, populations]"),
    _indicator("TST-06", "documents",
               f"{{kind: difference, left: {DOCS}, right: {{kind: sum, table: fact_documents, column: "
               "documents_count, date: month, filters: {couloir_code: radiologie}}}", B0,
               "[{date: 2024-12-31, value: 1000}]"),
    _indicator("TST-07", "count", "{kind: count, table: fact_documents, date: month}", B0,
               "[{date: 2024-12-31, value: 10}]"),
    _indicator("TST-08", "count",
               "{kind: count_distinct, table: fact_documents, column: departement_code, date: month}", B0,
               "[{date: 2024-12-31, value: 4}]"),
    _indicator("TST-09", "documents", "{kind: avg, table: fact_documents, column: documents_count, date: month}",
               B0, "[{date: 2024-12-31, value: 100}]"),
    _indicator("TST-10", "documents", "{kind: avg, table: fact_documents, column: documents_count, date: month}",
               "{value: 100, date: 2023-12-31}", "[{date: 2024-12-31, value: 50}]", direction="down"),
]


@pytest.fixture(scope="session")
def tiny_catalogue():
    from indicators.catalog import parse_catalogue

    return parse_catalogue(TINY_CATALOGUE + "".join(INDICATORS), "tiny.yaml")


@pytest.fixture(scope="session")
def engine(tiny_warehouse, tiny_catalogue):
    from indicators.compute import Engine

    return Engine(tiny_warehouse, tiny_catalogue, today=TODAY)
INDICATORS.append(_indicator(
    "TST-11", "count",
    "{kind: cumulative, of: {kind: count_distinct, table: fact_documents, column: couloir_code, date: month}}",
    B0, "[{date: 2024-12-31, value: 2}]"))
