"""Figures read the right way: a lower-is-better indicator (BUD-03, days from order to validation) is worded
as a decrease to make, a value that moved away from its target is said with its values (never « -88 % de la
cible atteinte »), and a territory's gap is in the indicator's unit (jours, points de %), labelled."""

from __future__ import annotations

from datetime import date

import pytest

from indicators import fmt
from indicators.status import assess, reason

DEADLINE = date(2023, 12, 14)


def nb(text: str) -> str:
    """Numbers and their unit are joined by a no-break space."""
    for unit in ("jours", "days"):
        text = text.replace(f" {unit}", f"\u00a0{unit}")
    return text


def bud03(value: float, when: date, lang: str = "fr") -> str:
    """BUD-03's sentence: baseline 180 days (06/2022), target 90 days on 14/12/2023."""
    target_now = 180 + (90 - 180) * min(1.0, (when - date(2022, 6, 30)).days / (DEADLINE - date(2022, 6, 30)).days)
    a = assess(value, 180.0, target_now, 90.0, 0.9, 0.75)
    return reason(a, 90.0, DEADLINE, when, "jours", lang, value=value, baseline=180.0, direction="down")


def test_a_lag_that_grew_past_its_deadline_is_said_with_its_values():
    fr = bud03(259.3, date(2026, 11, 30))
    assert fr == nb("Échéance déc. 2023 passée : 259 jours, au-dessus de la référence (180 jours) : l'écart à la "
                    "cible s'est creusé (la cible 2023 est 90 jours ou moins).")
    en = bud03(259.3, date(2026, 11, 30), "en")
    assert en == nb("Deadline Dec 2023 passed: 259 days, above the baseline (180 days): further from the target "
                    "(the 2023 target is 90 days or less).")
    assert "%" not in fr and "%" not in en  # no "-88 % de la cible atteinte"


def test_a_lag_going_down_reads_as_a_decrease_made():
    fr = bud03(148.0, date(2023, 6, 30))
    assert fr == nb("148 jours pour une cible 2023 de 90 jours ou moins (référence 180 jours) : 36\u00a0% de la "
                    "baisse attendue faite ; la trajectoire en attend 69\u00a0% à cette date.")
    assert bud03(85.0, date(2024, 1, 31)) == nb("Échéance déc. 2023 passée : 85 jours pour une cible de 90 jours ou "
                                                "moins (référence 180 jours) ; 100\u00a0% de la baisse attendue faite.")


def test_an_increasing_indicator_below_its_baseline_says_so():
    a = assess(5.0, 10.0, 30.0, 50.0, 0.9, 0.75)
    text = reason(a, 50.0, date(2026, 12, 31), date(2025, 6, 30), "pct", "fr", value=5.0, baseline=10.0)
    assert text == ("5,0\u00a0%, en dessous de la référence (10,0\u00a0%) : l'écart à la cible s'est creusé "
                    "(la cible 2026 est 50,0\u00a0%).")


def test_an_increasing_indicator_on_its_way_keeps_its_progress_sentence():
    a = assess(30.0, 10.0, 30.0, 50.0, 0.9, 0.75)
    assert reason(a, 50.0, date(2026, 12, 31), date(2025, 6, 30), "pct", "fr", value=30.0, baseline=10.0) == (
        "50\u00a0% de la cible 2026 (50,0\u00a0%) ; la trajectoire attend 50\u00a0% à cette date.")


def test_a_target_of_zero_is_not_zero_or_less():
    a = assess(197.9e6, 400e6, 8e6, 0.0, 0.9, 0.75)
    text = reason(a, 0.0, date(2026, 12, 31), date(2026, 11, 30), "EUR", "fr", value=197.9e6, baseline=400e6,
                  direction="down")
    assert text.startswith("197,9\u00a0M€ pour une cible 2026 de 0\u00a0€ (référence 400\u00a0M€) : 51\u00a0% de la "
                           "baisse attendue faite")


@pytest.mark.parametrize(("gap", "unit", "lang", "text"), [
    (52.66, "jours", "fr", "+52,7\u00a0jours"), (-5.0, "jours", "en", "−5\u00a0days"),
    (-3.24, "pct_points", "fr", "−3,2\u00a0pts de %"), (3.24, "pct_points", "en", "+3.2\u00a0pct pts"),
    (-8.46, "progress_points", "fr", "−8,5\u00a0pts d'avancement"), (0.004, "pct_points", "fr", "0,0\u00a0pts de %"),
    (None, "jours", "fr", "—"),
])
def test_gaps_are_in_the_indicators_unit_and_labelled(gap, unit, lang, text):
    assert fmt.gap(gap, unit, lang) == text


def test_gap_unit_labels_for_headers():
    assert [fmt.gap_unit_label(u, "fr") for u in ("jours", "pct_points", "progress_points")] == [
        "jours", "pts de %", "pts d'avancement"]
    assert fmt.gap_unit_label("jours", "en") == "days"
