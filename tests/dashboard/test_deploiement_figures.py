"""Déploiement figure builders: pure functions, checked on small frames."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.figures.deploiement import deadline_groups, funnel_figure, funnel_stages, orders_figure

ROW = {"ordered": 1802, "installed": 1524, "validated": 1469, "in_use": 1181, "install_rate": 1524 / 1802,
       "validation_rate": 1469 / 1524, "usage_rate": 1181 / 1469}


def test_funnel_stages_with_and_without_usage():
    stages = funnel_stages(ROW, usage_shown=True)
    assert stages["stage"].tolist() == ["ordered", "installed", "validated", "in_use"]
    assert stages["sites"].tolist() == [1802, 1524, 1469, 1181]
    assert pd.isna(stages["rate"].iloc[0]) and stages["rate"].iloc[1] == 1524 / 1802
    assert funnel_stages(ROW, usage_shown=False)["stage"].tolist() == ["ordered", "installed", "validated"]


def test_funnel_figure_shows_counts_and_conversion_rates_in_french():
    fig = funnel_figure(funnel_stages(ROW, True), "fr", "Référencé : 48 solution(s) de 6 éditeur(s)", None)
    funnel = fig.data[0]
    assert funnel.type == "funnel"
    assert list(funnel.y) == ["Commandé", "Installé", "Validé", "En usage"]
    assert list(funnel.text) == ["1\u202f802", "1\u202f524 (84,6\u00a0%)", "1\u202f469 (96,4\u00a0%)",
                                 "1\u202f181 (80,4\u00a0%)"]
    assert [a.text for a in fig.layout.annotations] == ["Référencé : 48 solution(s) de 6 éditeur(s)"]


def test_funnel_figure_says_when_usage_is_not_measured():
    fig = funnel_figure(funnel_stages(ROW, False), "en", "Referenced: 2", "In use: not measured here")
    assert list(fig.data[0].y) == ["Ordered", "Installed", "Validated"]
    assert fig.layout.annotations[1].text == "In use: not measured here"


DEADLINES = pd.DataFrame({"dispositif_code": ["SONS-V1-HOP", "SONS-V1-BIO", "SONS-V1-MDV"],
                          "close_date": [date(2023, 12, 14), date(2023, 12, 14), date(2022, 11, 30)]})


def test_deadline_groups_one_row_per_date():
    groups = deadline_groups(DEADLINES, lambda c: c.replace("SONS-V1-", "V1 "))
    assert groups["close_date"].tolist() == [date(2022, 11, 30), date(2023, 12, 14)]
    assert groups["dispositifs"].tolist() == ["V1 MDV", "V1 BIO, V1 HOP"]
    assert deadline_groups(DEADLINES.iloc[:0], str).empty


def test_orders_figure_draws_three_lines_and_the_deadlines():
    orders = pd.DataFrame({"month": [date(2022, 10, 1), date(2022, 11, 1), date(2022, 12, 1)],
                           "ordered": [10, 40, 5], "installed": [2, 20, 30], "validated": [0, 5, 25]})
    groups = deadline_groups(DEADLINES, lambda c: c)
    fig = orders_figure(orders, groups, "fr")
    assert [t.name for t in fig.data] == ["Commandées", "Installées", "Validées", "Clôture d'un guichet SONS"]
    assert list(fig.data[0].y) == [10, 40, 5]
    assert fig.data[1].hovertext[1] == "nov. 2022 — Installées\u00a0: 20"
    assert len(fig.layout.shapes) == 2
    assert fig.data[3].hovertext[0] == "Clôture le 30 nov. 2022 : SONS-V1-MDV"
    assert list(fig.data[3].y) == [40 * 1.04] * 2
