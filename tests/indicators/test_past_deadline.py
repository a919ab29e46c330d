"""Once the final deadline has passed, a target missed at its date is never « en bonne voie ».

The tiny warehouse of conftest.py: national documents 160 (Jan 2024), 180 (Feb), 240 (Mar). Targets due at
the end of February, read as of March: the trajectory's 95 % tolerance no longer applies.
"""

from __future__ import annotations

import pytest

from indicators.catalog import parse_catalogue
from indicators.compute import Engine
from indicators.status import past_deadline
from tests.indicators.conftest import DOCS, TINY_CATALOGUE, TODAY, _indicator

B0 = "{value: 0, date: 2023-12-31}"


@pytest.fixture(scope="module")
def engine(tiny_warehouse):
    text = TINY_CATALOGUE.split("indicators:")[0].replace(
        "weights: {TST-01: 0.5, TST-05: 0.5}", "weights: {LATE-01: 0.5, LATE-02: 0.5}").replace(
        "    weights: {TST-02: 0.1, TST-03: 0.1, TST-04: 0.1, TST-06: 0.1, TST-07: 0.1, TST-08: 0.1, TST-09: 0.1, "
        "TST-10: 0.2, TST-11: 0.1}", "    weights: {LATE-03: 1.0}")
    text += "indicators:\n" + "".join([
        _indicator("LATE-01", "documents", DOCS, B0, "[{date: 2024-02-29, value: 200}]"),  # met since
        _indicator("LATE-02", "documents", DOCS, B0, "[{date: 2024-02-29, value: 250}]"),  # 96 %: missed
        _indicator("LATE-03", "documents", DOCS, B0, "[{date: 2024-02-29, value: 170}]"),  # met at its date
    ])
    return Engine(tiny_warehouse, parse_catalogue(text, "late.yaml"), today=TODAY)


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_a_target_met_only_after_its_deadline_is_to_watch(engine):
    r = engine.compute("LATE-01", "2024-03", with_forecast=False)
    assert r.current.value == 240 and r.milestones[-1].state == "missed"
    assert r.status == "watch" and r.current.status == "watch"  # was « en bonne voie » (240 / 200)
    assert _plain(r.reason_fr) == ("Échéance févr. 2024 passée : cible de 200 documents manquée à l'échéance "
                                   "(180 documents), atteinte depuis (240 documents aujourd'hui).")
    assert _plain(r.reason_en).startswith("Deadline Feb 2024 passed: target of 200 documents missed at the deadline")


def test_within_the_tolerance_after_the_deadline_is_a_missed_target(engine):
    r = engine.compute("LATE-02", "2024-03", with_forecast=False)
    assert r.status == "off_track"  # was « en bonne voie »: 240 / 250 = 96 % ≥ 95 %
    assert _plain(r.reason_fr) == ("Échéance févr. 2024 passée : cible de 250 documents manquée (180 documents à "
                                   "l'échéance, 240 documents aujourd'hui).")


def test_a_target_met_at_its_date_keeps_its_status(engine):
    r = engine.compute("LATE-03", "2024-03", with_forecast=False)
    assert r.milestones[-1].state == "reached" and r.status == "on_track"


@pytest.mark.parametrize(("status", "then", "now", "direction", "expected"), [
    ("on_track", 90, 96, "up", "off_track"), ("on_track", 90, 120, "up", "watch"),
    ("on_track", 100, 99, "up", "on_track"), ("on_track", None, 120, "up", "on_track"),
    ("on_track", 110, 95, "down", "watch"), ("watch", 110, 105, "down", "off_track"),
])
def test_past_deadline_rule(status, then, now, direction, expected):
    assert past_deadline(status, then, now, 100, direction) == expected
