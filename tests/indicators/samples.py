"""A tiny valid catalogue (line numbers matter: tests point at them) and a helper to load broken variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.catalog import Catalogue, CatalogueError, load_catalogue

BASE = """\
version: 1
objectives:
  - id: OBJ-ALIM
    label: {fr: Alimenter, en: Feed}
    description: {fr: Alimenter MES, en: Feed MES}
    weights: {USE-01: 1}
indicators:
  - id: USE-01
    label: {fr: Documents, en: Documents}
    description: {fr: Documents envoyés, en: Documents sent}
    unit: documents
    direction: up
    owner: Cnam
    sources: [mes_documents]
    public: true
    measure:
      kind: rolling
      months: 12
      of: {kind: sum, table: fact_documents, column: documents_count, date: month, filters: {couloir_code: biologie}}
    grains: [month, quarter, year]
    dimensions: [region, couloir]
    baseline: {value: 0, date: 2021-01-31}
    target:
      milestones:
        - {date: 2023-12-31, value: 250000000}
        - {date: 2026-12-31, value: 400000000}
"""

# A second indicator to append to BASE (starts at line 27).
SECOND = """\
  - id: USE-02
    label: {fr: Sortie, en: Discharge}
    description: {fr: Lettres de sortie, en: Discharge letters}
    unit: documents
    direction: up
    owner: Cnam
    sources: [mes_documents]
    public: true
    measure: {kind: sum, table: fact_documents, column: documents_count, date: month}
    grains: [month]
    baseline: {value: 0, date: 2021-01-31}
    target:
      milestones:
        - {date: 2023-12-31, value: 20000000}
"""


def edit(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence (a test that edits nothing would pass for the wrong reason)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def load_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Catalogue:
    monkeypatch.chdir(tmp_path)
    Path("indicators.yaml").write_text(text, encoding="utf-8")
    return load_catalogue("indicators.yaml")


def problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> list[str]:
    """Every problem line reported for `text` saved as indicators.yaml."""
    with pytest.raises(CatalogueError) as caught:
        load_text(tmp_path, monkeypatch, text)
    return [str(p) for p in caught.value.problems]
