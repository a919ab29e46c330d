"""Territorial gaps read in the indicator's unit on the territorial pages and the indicator breakdown: a lag in
days (BUD-03, lower is better), a rate in points of %, a volume in progress points; the header says which."""

from __future__ import annotations

from indicators.types import BreakdownRow


def row(gap_points, gap, unit):
    return BreakdownRow("53", "Bretagne", 212.0, 90.0, 0.0, -0.36, "off_track", "", "", gap_points, None, gap, unit)


def test_ranking_headers_and_cells_name_the_gap_unit():
    from dashboard.components.territory_ranking import gap_unit_of, ranking_formats, ranking_headers

    rows = [row(-35.6, 32.0, "jours")]
    unit = gap_unit_of(rows)
    assert unit == "jours" and gap_unit_of([]) == "progress_points"
    assert ranking_headers("region", "", "fr", unit)["gap"] == "Écart au national (jours)"
    assert ranking_headers("region", "", "en", "pct_points")["gap"] == "Gap to national (pct pts)"
    assert ranking_headers("region", "", "fr", "count")["gap"] == "Écart au national"  # a plain number: no "()"
    fmt_gap = ranking_formats("jours", unit)["gap"]
    assert fmt_gap(32.0, "fr") == "+32\u00a0jours" and fmt_gap(-4.5, "en") == "−4.5\u00a0days"
    assert fmt_gap.export == "number"  # exported as a number, in the unit of the header


def test_a_rows_gap_text_is_the_shown_gap():
    assert row(-35.6, 32.0, "jours").gap_text("fr") == "+32\u00a0jours"
    assert row(-12.34, None, "progress_points").gap_text("fr") == "−12,3\u00a0pts d'avancement"
