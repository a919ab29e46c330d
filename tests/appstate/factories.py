"""Tiny warehouses (loaded through the real ETL), a tiny catalogue and settings for committee-mode tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from etl.load import load
from settings import Settings, load_settings

TODAY = date(2024, 4, 20)

# Published before the committee: January and February.
DOCUMENTS_A = """month;departement_code;couloir_code;document_type;documents_count
2024-01;75;biologie;11502-2;100
2024-01;13;biologie;11502-2;50
2024-02;75;biologie;11502-2;120
2024-02;13;biologie;11502-2;60
"""
# The same file sent again: February corrected for the 13 (60 → 80), and March added.
DOCUMENTS_B = """month;departement_code;couloir_code;document_type;documents_count
2024-01;75;biologie;11502-2;100
2024-01;13;biologie;11502-2;50
2024-02;75;biologie;11502-2;120
2024-02;13;biologie;11502-2;80
2024-03;75;biologie;11502-2;140
2024-03;13;biologie;11502-2;90
"""
PROFILES = """month,departement_code,profiles_opened,profiles_activated,connections,monthly_users
2024-01,75,1000,200,50,40
2024-01,13,800,100,30,20
2024-02,75,1000,230,60,50
2024-02,13,800,120,30,25
"""

_INDICATOR = """  - id: {id}
    label: {{fr: Indicateur {id}, en: Indicator {id}}}
    description: {{fr: Test, en: Test}}
    unit: {unit}
    direction: up
    owner: Cnam
    sources: [{source}]
    public: true
    measure: {measure}
    grains: [month, quarter, year]
    dimensions: [region, departement]
    baseline: {{value: 0, date: 2023-12-31}}
    target:
      milestones: {milestones}
"""
DOCS_MILESTONES = "[{date: 2024-01-31, value: 100}, {date: 2024-03-31, value: 300}]"


def catalogue_text(final_docs: int = 300) -> str:
    """Two indicators: TST-01 documents per month (sum), TST-04 activated profiles (last value)."""
    return "version: 1\nobjectives:\n" + """  - id: OBJ-TEST
    label: {fr: Objectif test, en: Test objective}
    description: {fr: Pour les tests, en: For tests}
    weights: {TST-01: 0.5, TST-04: 0.5}
indicators:
""" + _INDICATOR.format(
        id="TST-01", unit="documents", source="mes_documents",
        measure="{kind: sum, table: fact_documents, column: documents_count, date: month}",
        milestones=DOCS_MILESTONES.replace("value: 300", f"value: {final_docs}"),
    ) + _INDICATOR.format(
        id="TST-04", unit="profils", source="mes_profiles",
        measure="{kind: last, table: fact_mes_profiles, column: profiles_activated, date: month}",
        milestones="[{date: 2024-12-31, value: 1000}]",
    )


def tiny_catalogue(final_docs: int = 300, file: str = "tiny.yaml"):
    from indicators.catalog import parse_catalogue

    return parse_catalogue(catalogue_text(final_docs), file)


def make_settings(base: Path, app_db: str | None = None) -> Settings:
    """Settings for a data directory under `base`, with the catalogue written to `base/indicators.yaml`."""
    base.mkdir(parents=True, exist_ok=True)
    yaml = base / "indicators.yaml"
    if not yaml.exists():
        yaml.write_text(catalogue_text(), encoding="utf-8")
    return load_settings({"SEGUR_DATA_DIR": str(base / "data"), "SEGUR_TODAY": TODAY.isoformat(),
                          "SEGUR_INDICATORS": str(yaml), "SEGUR_APP_DB": app_db or f"sqlite:///{base / 'app.db'}"})


def load_files(settings: Settings, files: dict[str, str], raw_dir: Path) -> None:
    """Write the files under `raw_dir` and publish them through the real loader."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (raw_dir / name).write_text(text, encoding="utf-8")
    report = load([raw_dir / name for name in files], settings)
    assert report.status == "published", report.to_text()


def engines_before_after(base: Path, documents_a: str, documents_b: str):
    """Engines over two published warehouses (the last committee's A and today's B) of the tiny catalogue."""
    from indicators.compute import Engine

    a, b = make_settings(base / "a"), make_settings(base / "b")
    load_files(a, {"mes_documents_2024.csv": documents_a, "mes_profiles_2024.csv": PROFILES}, base / "raw-a")
    load_files(b, {"mes_documents_2024.csv": documents_b, "mes_profiles_2024.csv": PROFILES}, base / "raw-b")
    catalogue = tiny_catalogue()
    return Engine(a.warehouse, catalogue, today=TODAY), Engine(b.warehouse, catalogue, today=TODAY)


def run_cli(monkeypatch, settings: Settings, *argv: str) -> int:
    """`python -m reports <argv>` for the committee commands, in-process, with `settings` in the environment."""
    import argparse

    from reports import cli_committee

    for key, value in (("SEGUR_DATA_DIR", settings.data_dir), ("SEGUR_TODAY", TODAY.isoformat()),
                       ("SEGUR_INDICATORS", settings.indicators), ("SEGUR_APP_DB", settings.app_db)):
        monkeypatch.setenv(key, str(value))
    parser = argparse.ArgumentParser()
    cli_committee.add_commands(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as e:
        return e.code
    return args.func(args)
