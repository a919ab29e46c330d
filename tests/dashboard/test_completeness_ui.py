"""The screen does not lie about missing data: the « données incomplètes » status and carried-forward stocks."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from dashboard.components.status import status_badge
from dashboard.figures.indicator_chart import series_table
from indicators.compute import Point
from tests.dashboard.render import as_json


def test_the_incomplete_status_has_its_own_icon_and_words():
    fr, en = as_json(status_badge("incomplete", "fr")), as_json(status_badge("incomplete", "en"))
    assert "Données incomplètes" in fr and "◌" in fr and '"data-status": "incomplete"' in fr
    assert "Incomplete data" in en
    assert "Sans donnée" not in fr  # not shown as a plain "no data" either


def test_the_table_twin_marks_a_carried_stock():
    points = [Point(date(2025, 10, 1), date(2025, 10, 31), 23.3e6, None, None, None, None, "no_target"),
              Point(date(2025, 11, 1), date(2025, 11, 30), 23.3e6, None, None, None, None, "no_target", carried=True)]
    result = SimpleNamespace(indicator=SimpleNamespace(unit="profils"), grain="month", series=points)
    df, headers, formats = series_table(result, "fr")
    assert list(df["note"]) == ["", "carried"] and headers["note"] == "Note"
    assert formats["note"]("carried", "fr") == "valeur reportée : pas de publication ce mois"
    assert formats["note"]("carried", "en") == "carried forward: nothing published this month"
    assert "note" not in series_table(SimpleNamespace(indicator=result.indicator, grain="month", series=points[:1]),
                                      "fr")[0]


def test_the_forecast_panel_tells_the_same_story_as_the_sentence():
    from dashboard.components.indicator_series import forecast_panel
    from dashboard.i18n import t
    from indicators.forecast import forecast, month_end

    series = [(month_end(2024 * 12 + i), 10e6 + 0.4e6 * i) for i in range(24)]  # +0,4 M per month
    fc = forecast(series, 40e6, date(2027, 12, 31), unit="profils", stock=True)
    indicator = SimpleNamespace(unit="profils", target=SimpleNamespace(final=SimpleNamespace(date=date(2027, 12, 31))))
    for lang in ("fr", "en"):
        page = SimpleNamespace(lang=lang, t=lambda key, lang=lang, **kw: t(key, lang, **kw))
        text = as_json(forecast_panel(SimpleNamespace(indicator=indicator, forecast=fc, current=None), page))
        assert (fc.message_fr if lang == "fr" else fc.message_en)[:60] in text
        assert t("ind.forecast.projected", lang) in text and t("ind.forecast.recent", lang) in text
    assert not fc.reached and "ne serait pas atteinte fin 2027" in fc.message_fr
    assert "rythme des 6 derniers mois prolongé, choisie par rétro-test" in as_json(
        forecast_panel(SimpleNamespace(indicator=indicator, forecast=fc, current=None),
                       SimpleNamespace(lang="fr", t=lambda key, **kw: t(key, "fr", **kw))))
