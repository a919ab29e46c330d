"""Missing is not zero: a flow with months missing, a month half delivered, through the real ETL and engine."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from etl.load import load
from settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 1, 20)


def _departements() -> list[str]:
    with (ROOT / "data" / "reference" / "departements.csv").open(encoding="utf-8") as fh:
        return [row["departement_code"] for row in csv.DictReader(fh)]


def _documents_file(path: Path, months: dict[str, int], partial: dict[str, int] | None = None) -> None:
    """National documents per month split over the départements; `partial`: month → départements delivering."""
    deps = _departements()
    lines = ["month;departement_code;couloir_code;document_type;documents_count"]
    for month, total in months.items():
        delivering = deps[: (partial or {}).get(month, len(deps))]
        for dep in delivering:
            lines.append(f"{month};{dep};biologie;11502-2;{total // len(deps)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from indicators.compute import Engine

    base = tmp_path_factory.mktemp("gappy-docs")
    raw = base / "raw"
    raw.mkdir()
    # 2024-11 → 2025-12 delivered except Feb, Mar and Apr 2025; Dec 2025 delivered by 40 départements only
    months = {f"{y}-{m:02d}": 30_300_000 for y, m in [(2024, 11), (2024, 12)] + [(2025, m) for m in range(1, 13)]
              if (y, m) not in [(2025, 2), (2025, 3), (2025, 4)]}
    _documents_file(raw / "mes_documents_2025.csv", months, partial={"2025-12": 40})
    settings = load_settings({"SEGUR_DATA_DIR": str(base / "data"), "SEGUR_TODAY": TODAY.isoformat()})
    report = load([raw], settings)
    assert report.status == "published", report.to_text()
    return Engine(settings.warehouse, today=TODAY)


def test_a_12_month_total_over_missing_months_is_not_computed(engine):
    r = engine.compute("USE-01", "2025-11", with_forecast=False)  # documents over the last 12 months
    by_month = {p.period: p.value for p in r.series}
    assert by_month[date(2025, 11, 1)] is None  # was 11 × 30,3 M with the three missing months counted as zero
    assert r.status == "incomplete" and r.current.period == date(2025, 11, 1) and r.current.value is None
    assert r.completeness.missing_months == (date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1))
    assert (r.completeness.months_expected, r.completeness.months_present) == (12, 9)
    assert r.reason_fr == ("Données incomplètes\u00a0: 3 mois manquants (févr. 2025, mars 2025, avr. 2025), "
                           "non comptés comme zéro.")
    assert r.reason_en == "Incomplete data: 3 months missing (Feb 2025, Mar 2025, Apr 2025), not counted as zero."


def test_a_monthly_flow_is_missing_on_the_months_not_delivered(engine):
    r = engine.compute("USE-01", "2025-11", with_forecast=False)
    monthly = engine.evaluate(r.indicator.measure.of, date(2025, 11, 1), r.filters)["_total"]
    assert monthly[str(date(2025, 3, 1))] != monthly[str(date(2025, 3, 1))]  # NaN: missing, not zero
    assert monthly[str(date(2025, 5, 1))] == pytest.approx(30_300_000 // 101 * 101)


def test_a_month_half_delivered_gets_the_incomplete_status_naming_the_share(engine):
    r = engine.compute("USE-01", "2025-12", with_forecast=False)
    c = r.completeness
    assert (c.territories_reported, c.territories_expected, c.threshold) == (40, 101, 0.9)
    assert r.status == "incomplete" and not c.complete
    assert r.reason_fr.endswith("\u00a0; 40 départements sur 101 ont transmis pour déc. 2025 (seuil 90\u00a0%).")
    assert r.reason_en.endswith("; 40 of 101 départements delivered for Dec 2025 (threshold 90%).")


def test_a_complete_month_keeps_its_colour(engine):
    r = engine.compute("USE-01", "2024-12", with_forecast=False)  # Dec 2024: everyone, no gap in the window yet
    assert r.completeness.complete and r.status in ("on_track", "watch", "off_track", "no_target")


def test_a_departement_that_did_not_deliver_is_incomplete_in_the_breakdown(engine):
    r = engine.compute("USE-01", "2025-12", breakdown="departement", with_forecast=False)
    by_key = {b.key: b for b in r.breakdown}
    delivered, silent = _departements()[0], _departements()[-1]  # the first 40 delivered in December 2025
    assert by_key[silent].status == "incomplete"
    assert "0 départements sur 1 ont transmis pour déc. 2025" in by_key[silent].reason_fr
    assert by_key[delivered].status == "incomplete"  # February to April 2025 are still missing for everyone
    assert "3 mois manquants" in by_key[delivered].reason_fr


def test_in_a_monthly_flow_only_the_territories_that_did_not_deliver_lose_their_colour(engine):
    r = engine.compute("USE-07", "2025-12", breakdown="departement", with_forecast=False)  # documents in the month
    by_key = {b.key: b for b in r.breakdown}
    delivered, silent = _departements()[0], _departements()[-1]
    assert by_key[delivered].status != "incomplete" and by_key[silent].status == "incomplete"
    assert sum(b.status == "incomplete" for b in r.breakdown) == 101 - 40
    assert r.status == "incomplete"  # nationally, 40 of 101 départements is under the 90 % threshold
