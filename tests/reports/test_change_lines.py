"""A pack's "depuis le dernier comité" list is capped to fit its page, but never drops a high-severity change:
a région's pack puts its own changes first, so a national status that went off track can fall past the cap."""

from __future__ import annotations

from appstate.changes import make_change
from reports.pack_sections import change_lines, texts


def test_a_regions_pack_keeps_a_national_high_change_past_the_cap():
    regional = [make_change("value", f"R-{i:02d}", "84", 1.0, 2.0, "small_move", 1.0, f"régional {i}", f"regional {i}")
                for i in range(40)]
    national = [make_change("status", "USE-01", None, "watch", "off_track", "status_off_track", 3.0,
                            "USE-01 passe en retard", "USE-01 goes off track"),
                make_change("value", "USE-02", None, 1.0, 2.0, "small_move", 1.0, "petit", "small")]
    lines, more = change_lines([*national, *regional], "84", "fr", texts("fr"), limit=30)
    assert len(lines) == 31 and lines[-1].sentence == "USE-01 passe en retard" and lines[-1].severity == "high"
    assert more == 42 - 31
    assert lines[-1].severity_text  # the severity in words beside its icon
    lines, more = change_lines([*national, *regional], None, "en", texts("en"), limit=30)
    assert lines[0].sentence == "USE-01 goes off track" and len(lines) == 30 and more == 12
