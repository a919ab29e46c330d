"""Budget figure builders: pure functions, checked on small frames."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.figures.budget import calendar_rows, consumption_figure, lag_figure, risk_figure
from indicators.budget_views import PNRR_END

LABELS = {"SONS-V1-HOP": "SONS vague 1 Hôpital", "SONS-V1-BIO": "SONS vague 1 Biologie",
          "SUNES-V1": "SUN-ES volet 1 (DMP)", "ESMS-NUM": "ESMS numérique", "11": "Île-de-France",
          "84": "Auvergne-Rhône-Alpes"}


def label(code):
    return LABELS.get(code, code)


CALENDAR = pd.DataFrame([
    ("ESMS-NUM", "usage", None, 0, date(2021, 6, 1), date(2025, 12, 31)),
    ("SONS-V1-BIO", "equipement", "1", 0, date(2021, 7, 1), date(2023, 12, 14)),
    ("SONS-V1-HOP", "equipement", "1", 0, date(2021, 7, 1), date(2023, 12, 14)),
    ("SUNES-V1", "usage", "1", 0, date(2021, 9, 1), date(2024, 3, 31)),
    ("SUNES-V1", "usage", "1", 1, date(2021, 9, 1), date(2021, 12, 31)),
    ("SUNES-V1", "usage", "1", 2, date(2022, 1, 1), date(2022, 6, 30)),
], columns=["dispositif_code", "kind", "vague", "funding_window", "open_date", "close_date"])


def test_calendar_rows_group_sons_by_vague_and_keep_the_funding_windows():
    lanes = calendar_rows(CALENDAR, label, "fr")
    assert lanes["lane"].drop_duplicates().tolist() == ["ESMS numérique", "SONS vague 1", "SUN-ES volet 1 (DMP)"]
    assert (lanes["lane"] == "SONS vague 1").sum() == 2
    assert lanes["label"].tolist()[-2:] == ["SUN-ES volet 1 (DMP) — fenêtre 1", "SUN-ES volet 1 (DMP) — fenêtre 2"]
    assert calendar_rows(CALENDAR, label, "en")["label"].iloc[-1] == "SUN-ES volet 1 (DMP) — window 2"
    assert calendar_rows(CALENDAR.iloc[:0], label, "fr").empty


SERIES = pd.DataFrame({
    "month": [date(2022, 1, 1), date(2022, 2, 1), date(2022, 3, 1)],
    "committed_eur": [1e6, 2e6, 0.0], "paid_eur": [0.0, 5e5, 5e5],
    "committed_cum_eur": [1e6, 3e6, 3e6], "paid_cum_eur": [0.0, 5e5, 1e6],
    "envelope_cum_eur": [1e7, 1e7, 1e7],
})


def test_consumption_figure_plots_millions_and_marks_the_end_of_pnrr_money():
    fig = consumption_figure(SERIES, calendar_rows(CALENDAR, label, "fr"), "fr", PNRR_END)
    lines = {t.name: t for t in fig.data if t.type == "scatter"}
    assert list(lines) == ["Enveloppe ouverte", "Engagé cumulé", "Versé cumulé"]
    assert list(lines["Engagé cumulé"].y) == [1.0, 3.0, 3.0]
    assert lines["Versé cumulé"].hovertext[2] == "mars 2022 — Versé cumulé\u00a0: 1\u00a0M€"
    bars = [t for t in fig.data if t.type == "bar"]
    assert [b.name for b in bars] == ["Guichet du dispositif", "Fenêtres de candidature SUN-ES"]
    assert len(bars[0].y) == 4 and len(bars[1].y) == 2
    assert bars[1].x[0] == (date(2021, 12, 31) - date(2021, 9, 1)).days * 86_400_000
    end = [s for s in fig.layout.shapes if s.x0 == "2026-12-31"]
    assert len(end) == 1 and end[0].line.color == "#E1000F"
    assert fig.layout.annotations[0].text == "Fin des crédits PNRR (31/12/2026)"
    assert fig.layout.yaxis.ticksuffix == "\u00a0M€"


def test_consumption_figure_in_english():
    fig = consumption_figure(SERIES, calendar_rows(CALENDAR, label, "en"), "en", PNRR_END)
    assert [t.name for t in fig.data][:3] == ["Envelope opened", "Cumulative committed", "Cumulative paid"]
    assert fig.layout.yaxis.tickprefix == "€" and fig.layout.yaxis.ticksuffix == "M"


LAG = pd.DataFrame({"dispositif_code": ["SONS-V1-HOP", "SUNES-V1"], "commitments": [1200, 35],
                    "p10": [100.0, 40.0], "p25": [150.0, 60.0], "median": [205.0, 86.0], "p75": [260.0, 120.0],
                    "p90": [330.0, 150.0]})


def test_lag_figure_is_a_precomputed_box_per_dispositif_slowest_on_top():
    fig = lag_figure(LAG, label, "fr")
    box = fig.data[0]
    assert box.type == "box" and list(box.y) == ["SUN-ES volet 1 (DMP)", "SONS vague 1 Hôpital"]
    assert list(box.median) == [86.0, 205.0] and list(box.q1) == [60.0, 150.0] and list(box.upperfence) == [150, 330]
    assert box.hovertext[1] == ("SONS vague 1 Hôpital : médiane 205\u00a0jours ; la moitié entre 150\u00a0jours et "
                                "260\u00a0jours ; 80 % entre 100\u00a0jours et 330\u00a0jours (1\u202f200 engagements)")
    assert fig.layout.xaxis.title.text == "Jours entre engagement et paiement"


RISK = pd.DataFrame({"dispositif_code": ["SUNES-V1", "SONS-V1-HOP", "SUNES-V1"], "region_code": ["84", "84", "11"],
                     "reason": ["target", "not_validated", "window"], "at_risk_eur": [8e6, 3.5e6, 1e6],
                     "commitments": [1, 1, 1]})


@pytest.mark.parametrize(("category", "order"), [
    ("region_code", ["Île-de-France", "Auvergne-Rhône-Alpes"]),
    ("dispositif_code", ["SONS vague 1 Hôpital", "SUN-ES volet 1 (DMP)"]),
])
def test_risk_figure_stacks_reasons_largest_on_top(category, order):
    fig = risk_figure(RISK, category, label, "fr")
    assert [t.name for t in fig.data] == ["Guichet clos ou fermant sous 6 mois", "Cible d'usage non atteinte",
                                          "Commande non validée après 12 mois"]
    assert all(list(t.y) == order for t in fig.data)  # Plotly draws the first category at the bottom
    assert fig.layout.barmode == "stack"
    target = fig.data[1]
    assert list(target.x) == [0.0, 8.0]
    assert target.hovertext[1].endswith("Cible d'usage non atteinte\u00a0: 8\u00a0M€")


def test_risk_figure_leaves_out_absent_reasons():
    fig = risk_figure(RISK[RISK["reason"] == "target"], "region_code", label, "en")
    assert [t.name for t in fig.data] == ["Usage target not met"]
