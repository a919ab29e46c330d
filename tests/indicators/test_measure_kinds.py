"""Each measure kind carries its own behaviour (indicators/measures.py traits), so that a new kind touches at most
three files: its model and traits (measures.py), its SQL if it is a leaf (query.py), its words (words.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indicators.checks import ADDITIVE_KINDS, SPLITTABLE_KINDS
from indicators.measures import KINDS, MEASURE_KINDS
from indicators.words import describe

ROOT = Path(__file__).resolve().parents[2]
LEAF_CLASSES = "SumMeasure|CountMeasure|CountDistinctMeasure|AvgMeasure|LastMeasure|AtRiskMeasure"
EXAMPLES = {
    "sum": {"table": "fact_documents", "date": "month", "column": "documents_count"},
    "count": {"table": "fact_deployment", "date": "ordered_date"},
    "count_distinct": {"table": "fact_deployment", "date": "ordered_date", "column": "site_id"},
    "avg": {"table": "fact_deployment", "date": "validated_date", "days_between": ["ordered_date", "validated_date"]},
    "last": {"table": "fact_mes_profiles", "date": "month", "column": "profiles_activated"},
    "at_risk": {},
}


def test_the_kind_names_come_from_the_classes():
    assert MEASURE_KINDS == ("sum", "count", "count_distinct", "avg", "last", "at_risk", "ratio", "cumulative",
                             "rolling", "difference")
    assert ADDITIVE_KINDS == {"sum", "count", "count_distinct", "difference"}
    assert SPLITTABLE_KINDS == {"sum", "count", "count_distinct", "last", "at_risk", "cumulative", "rolling",
                                "difference"}
    assert [k for k, c in KINDS.items() if c.flow] == ["sum", "count"]
    assert {k: c.empty_month for k, c in KINDS.items() if c.empty_month != "zero"} == {"avg": "missing",
                                                                                        "last": "carry"}


@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_every_leaf_kind_has_words_in_both_languages(kind):
    measure = KINDS[kind].model_validate({"kind": kind, **EXAMPLES[kind]})
    for lang in ("fr", "en"):
        assert describe(measure, lang) not in (kind, "")


def test_no_module_tests_a_leaf_kind_by_type_outside_its_three_places():
    allowed = {"indicators/query.py", "indicators/words.py", "indicators/at_risk.py", "indicators/completeness.py"}
    pattern = re.compile(rf"isinstance\([^)]*\b({LEAF_CLASSES})\b")
    found = []
    for package in ("indicators", "reports", "dashboard"):
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if pattern.search(line) and rel not in allowed and "CumulativeMeasure" not in line:
                    found.append(f"{rel}:{n}: {line.strip()}")
    assert found == []  # ask the kind's traits (flow, empty_month, additive, requires) instead
