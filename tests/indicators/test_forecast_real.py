"""The public activation series of Mon espace santé, loaded through the `mes_profiles` contract into a real
warehouse, and the answer a careful analyst would sign for CIT-01 (40 M activated profiles at end 2027)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from etl.load import load
from indicators.forecast import month_end, month_index
from settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 3, 1)
# segur-facts §5: activated profiles (national); "early 2025 > 17 M" read as January 2025, "Apr 2025 > 19 M" as 19 M
PUBLISHED = [(date(2022, 10, 1), 7.2e6), (date(2023, 2, 1), 7.9e6), (date(2023, 9, 1), 9.2e6),
             (date(2024, 1, 1), 10.5e6), (date(2024, 10, 1), 15e6), (date(2025, 1, 1), 17e6),
             (date(2025, 4, 1), 19e6), (date(2025, 10, 1), 23.3e6), (date(2026, 1, 1), 24e6)]


def _departements() -> list[str]:
    with (ROOT / "data" / "reference" / "departements.csv").open(encoding="utf-8") as fh:
        return [row["departement_code"] for row in csv.DictReader(fh)]


def monthly_feed() -> list[tuple[date, float]]:
    """Every month from Oct 2022 to Jan 2026, linear between the published points (the feed the issue tried)."""
    at = [month_index(d) for d, _ in PUBLISHED]
    months = np.arange(at[0], at[-1] + 1)
    return [(month_end(m).replace(day=1), float(v)) for m, v in zip(months, np.interp(months, at, [v for _, v in PUBLISHED]),
                                                                     strict=True)]


def _warehouse(tmp_path_factory, name: str, national: list[tuple[date, float]]) -> Path:
    """A mes_profiles file: the national value split over the 101 départements (the remainder on the first)."""
    base = tmp_path_factory.mktemp(name)
    raw = base / "raw"
    raw.mkdir()
    deps = _departements()
    lines = ["month,departement_code,profiles_opened,profiles_activated,connections,monthly_users"]
    for d, total in national:
        share = int(total) // len(deps)
        for i, dep in enumerate(deps):
            activated = share + (int(total) - share * len(deps) if i == 0 else 0)
            lines.append(f"{d:%Y-%m},{dep},{activated * 3},{activated},{activated // 10},{activated // 20}")
    (raw / "mes_profiles_public.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = load_settings({"SEGUR_DATA_DIR": str(base / "data"), "SEGUR_TODAY": TODAY.isoformat()})
    report = load([raw], settings)
    assert report.status == "published", report.to_text()
    return settings.warehouse


@pytest.fixture(scope="module")
def published_engine(tmp_path_factory):
    from indicators.compute import Engine

    return Engine(_warehouse(tmp_path_factory, "mes-published", PUBLISHED), today=TODAY)


@pytest.fixture(scope="module")
def monthly_engine(tmp_path_factory):
    from indicators.compute import Engine

    return Engine(_warehouse(tmp_path_factory, "mes-monthly", monthly_feed()), today=TODAY)


def _careful_answer(f) -> None:
    assert not f.reached and f.reaches_target_on is None or f.reaches_target_on > date(2027, 12, 31)
    assert f.method in ("drift6", "drift12", "damped")  # no accelerating model: the data show none
    assert f.pace_needed_per_month == pytest.approx(16e6 / 23, rel=0.01)  # ≈ +0,7 M per month
    assert f.projected_pace_per_month <= 0.55e6 and f.recent_pace_per_month <= 0.55e6
    assert f.low <= f.projected_value <= f.high
    assert abs(f.path[0][1] - 24e6) <= 0.6e6  # no jump from the last published value
    assert "ne serait pas atteinte fin 2027" in f.message_fr and "would not be reached by end 2027" in f.message_en
    assert "serait atteinte en" not in f.message_fr


def test_published_points_give_the_careful_answer(published_engine):
    r = published_engine.compute("CIT-01", "2026-01")
    f = r.forecast
    _careful_answer(f)
    assert 30e6 <= f.projected_value <= 36e6
    assert f.low <= 30e6 and f.high >= 36e6  # the interval holds what a careful analyst answers
    assert f.warnings == ("sparse",) and f.observed_months == 9 and f.interpolated_months == 31
    assert "Série publiée à dates espacées (9 valeurs, 31 mois sans publication)" in f.message_fr
    assert "+seasonal" not in f.method


def test_published_points_are_shown_at_their_dates_and_carried_values_are_marked(published_engine):
    r = published_engine.compute("CIT-01", "2026-01", with_forecast=False)
    by_month = {p.period: p for p in r.series if p.value is not None}
    assert not by_month[date(2025, 10, 1)].carried and not by_month[date(2026, 1, 1)].carried
    assert by_month[date(2025, 11, 1)].carried and by_month[date(2025, 11, 1)].value == pytest.approx(23.3e6)
    assert sum(p.carried for p in by_month.values()) == 31
    assert r.status != "incomplete" and r.completeness.complete  # every département delivered in January 2026
    assert (r.completeness.territories_reported, r.completeness.territories_expected) == (101, 101)


def test_the_monthly_feed_gives_the_careful_answer(monthly_engine):
    f = monthly_engine.compute("CIT-01", "2026-01").forecast
    _careful_answer(f)
    assert 28e6 <= f.projected_value <= 36e6
    assert f.warnings == () and f.observed_months == 40


@pytest.mark.parametrize("as_of", ["2025-01", "2025-04"])
def test_an_earlier_published_date_brackets_the_later_published_values(published_engine, as_of):
    f = published_engine.compute("CIT-01", as_of).forecast
    path = {d: (lo, hi) for d, _, lo, hi in f.path}
    later = [(month_end(month_index(d)), v) for d, v in PUBLISHED if d > date.fromisoformat(as_of + "-01")]
    assert later and all(path[d][0] <= v <= path[d][1] for d, v in later), (f.method, later, path)


def test_compute_json_and_explain_give_the_path_the_method_and_the_baselines(published_engine, monkeypatch, capsys):
    import json

    from indicators.__main__ import main

    monkeypatch.setenv("SEGUR_WAREHOUSE", str(published_engine.db.path))
    monkeypatch.setenv("SEGUR_TODAY", TODAY.isoformat())
    assert main(["compute", "CIT-01", "--as-of", "2026-01", "--json"]) == 0
    f = json.loads(capsys.readouterr().out)[0]["forecast"]
    assert f["method"] == "drift6" and f["reached"] is False and f["interval"] == 0.8
    assert f["path"][0] == {"period": "2026-02", "value": pytest.approx(24e6 + 0.475e6, rel=1e-6),
                            "low": pytest.approx(24e6), "high": f["path"][0]["high"]}
    assert f["path"][-1]["period"] == "2028-11" and all(p["low"] <= p["value"] <= p["high"] for p in f["path"])
    baselines = {b["method"]: b for b in f["baselines"]}
    assert set(baselines) == {"drift6", "drift12", "damped", "logistic", "gompertz"}
    assert baselines["drift6"]["chosen"] and baselines["drift6"]["backtest_error_pct"] > 0
    assert baselines["logistic"]["best_baseline_error_pct_same_origins"] is not None
    assert main(["explain", "CIT-01", "--as-of", "2026-01"]) == 0
    text = capsys.readouterr().out
    assert "projection : Méthode retenue\u00a0: rythme des 6 derniers mois prolongé, choisie par backtest glissant" in text
    assert "Comparée à\u00a0: rythme des 12 derniers mois prolongé" in text and "tendance amortie" in text
    assert "9 valeurs publiées\u00a0; 31 mois sans publication" in text


def test_the_workbook_marks_the_carried_months(published_engine, tmp_path):
    import openpyxl

    from reports.excel import write_workbook

    path = tmp_path / "classeur.xlsx"
    write_workbook(path, published_engine, "2026-01")
    rows = [row for ws in openpyxl.load_workbook(path, read_only=True).worksheets
            for row in ws.iter_rows(values_only=True) if row and row[0] == "CIT-01" and len(row) > 7]
    notes = {row[2].date().isoformat()[:7]: row[7] for row in rows if hasattr(row[2], "date")}
    assert notes["2025-11"] == "valeur reportée : pas de publication ce mois"
    assert notes["2025-10"] is None and notes["2026-01"] is None
