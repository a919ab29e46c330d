"""Territoires: the pure builders — formats, map, dispersion statistics, sparkline, ranking, URL parameters."""

from __future__ import annotations

import json
import math

import plotly.graph_objects as go
import pytest

from dashboard import tilegrid
from dashboard.components.indicator_format import (
    STATUS_ORDER,
    fmt_points,
    fmt_progress,
    fmt_trend,
    fmt_value,
    status_from_rank,
    status_rank,
)
from dashboard.components.territory_ranking import (
    link_label,
    ranking_frame,
    ranking_grid,
    ranking_headers,
    ranking_table,
)
from dashboard.components.territory_view import MapParams, parse_params, selection_search
from dashboard.figures.dispersion import Point, dispersion, dispersion_figure
from dashboard.figures.svg_sparkline import sparkline_svg, svg_data_uri
from dashboard.figures.territory_map import map_values, territory_figure, with_hover
from dashboard.reference import load_reference
from dashboard.state import ViewState
from indicators.catalog import load_catalogue
from indicators.compute import BreakdownRow
from tests.dashboard.render import as_json

NB, NN = "\u00a0", "\u202f"
REF = load_reference(tilegrid.REFERENCE_DIR)
OVERSEAS_DEPS = ("971", "972", "973", "974", "976")  # 975 (Saint-Pierre-et-Miquelon) is not a département


def row(key, value, status="on_track", target=50.0, progress=0.8, gap=1.5, trend=0.4):
    return BreakdownRow(key, key, value, target, progress, progress, status, "raison", "reason", gap, trend)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


# -- formats -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "unit", "lang", "expected"), [
    (43.94, "pct", "fr", f"43,9{NB}%"),
    (43.94, "pct", "en", "43.9%"),
    (1_234_567, "documents", "fr", f"1,2{NB}M"),
    (12_345_678.9, "EUR", "fr", f"12,3{NB}M€"),
    (38, "jours", "fr", f"38{NB}jours"),
    (None, "pct", "fr", "—"),
])
def test_fmt_value(value, unit, lang, expected):
    assert fmt_value(value, unit, lang) == expected


def test_fmt_value_names_what_is_counted_on_request():
    assert fmt_value(2_700_000, "profils", "fr", noun=True) == f"2,7{NB}M{NB}profils"
    assert fmt_value(2_700_000, "profils", "en", noun=True) == "2.7M\u00a0profiles"
    assert fmt_value(290_106, "count", "fr", noun=True) == f"290{NN}106"
    assert fmt_value(None, "profils", "fr", noun=True) == "—"


def test_gaps_and_trends_are_signed_and_never_minus_zero():
    assert fmt_points(7.22, "fr") == f"+7,2{NB}pt"
    assert fmt_points(-3.26, "fr") == f"-3,3{NB}pt"
    assert fmt_points(-0.02, "fr") == f"0{NB}pt"
    assert fmt_trend(0.52, "pct", "fr") == f"+0,5{NB}pt"
    assert fmt_trend(-1_234_567, "documents", "fr") == f"-1,2{NB}M"
    assert fmt_trend(764_538, "documents", "fr") == f"+764{NN}538"
    assert fmt_trend(0.3, "documents", "fr") == "0"
    assert fmt_trend(None, "documents", "fr") == "—"
    assert fmt_progress(0.7035, "fr") == f"70{NB}%"


def test_status_order_is_worst_first_and_round_trips():
    assert STATUS_ORDER[0] == "off_track"
    assert status_rank("watch") == 1 and status_rank(None) == STATUS_ORDER.index("no_data")
    assert status_from_rank(0, "fr") == "✖ En retard"
    assert status_from_rank(2, "en") == "✔ On track"


# -- map ---------------------------------------------------------------------------------------------

def test_map_has_one_tile_per_departement_overseas_included():
    rows = [row("31", 43.9, "watch"), row("971", 33.5, "off_track"), row("2A", 37.2)]
    fig = territory_figure(rows, "departement", "valeur", "pct", "fr", reference=REF)
    assert len(fig.layout.shapes) == len(REF.departements) == 101
    tiles = fig.data[0]
    codes = {text.split("<br>")[0].strip("<b>/") for text in tiles.text}
    assert codes == set(REF.departements)
    assert set(OVERSEAS_DEPS) | {"2A", "2B"} <= codes
    by_code = {text.split("<br>")[0].strip("<b>/"): text for text in tiles.text}
    assert by_code["31"].endswith("<br>43,9")  # short on the crowded grid; the scale's title says "%"
    assert fig.data[0].marker.colorbar.title.text == "%"


def test_map_has_one_tile_per_region_overseas_included():
    rows = [row(code, 40.0 + i, STATUS_ORDER[i % 3]) for i, code in enumerate(REF.regions)]
    fig = territory_figure(rows, "region", "statut", "pct", "fr", reference=REF)
    assert len(fig.layout.shapes) == 18
    labels = " ".join(fig.data[0].text)
    for abbr in ("GUA", "MTQ", "GUF", "RÉU", "MAY", "IDF", "COR"):
        assert abbr in labels


def test_status_tiles_carry_their_icon_and_say_the_status_in_words():
    rows = [row("76", 43.9, "watch"), row("11", 37.8, "off_track"), row("52", 47.0, "on_track")]
    fig = territory_figure(rows, "region", "statut", "pct", "fr", reference=REF)
    tiles = fig.data[0]
    text = dict(zip(tiles.hovertext, tiles.text, strict=True))
    occitanie = next(h for h in tiles.hovertext if h.startswith("<b>Occitanie"))
    assert text[occitanie].endswith("⚠")
    assert "Statut : ⚠ À surveiller" in occitanie
    assert f"Valeur : 43,9{NB}%" in occitanie and f"Cible : 50{NB}%" in occitanie
    assert f"Progression : 80{NB}%" in occitanie and f"Écart au national : +1,5{NB}pt" in occitanie
    legend = [t.name for t in fig.data[1:]]
    assert "✖ En retard" in legend and "✔ En bonne voie" in legend  # the legend names each colour


def test_progress_map_writes_percentages():
    rows = [row("31", 43.9, progress=0.7), row("32", 45.2, progress=1.25)]
    fig = territory_figure(rows, "departement", "progression", "pct", "en", reference=REF)
    assert fig.data[0].marker.colorbar.tickformat == ".0%"
    assert any(t.endswith("<br>125%") for t in fig.data[0].text)


def test_scope_fades_the_departements_outside_the_region():
    occitanie = {d.code for d in REF.departements_of("76")}
    rows = [row("31", 43.9), row("75", 37.0)]
    fig = territory_figure(rows, "departement", "valeur", "pct", "fr", reference=REF, scope=occitanie)
    tiles = fig.data[0]
    hover = {h.split("</b>")[0][3:]: (h, t) for h, t in zip(tiles.hovertext, tiles.text, strict=True)}
    assert "hors de la région filtrée" in hover["75 Paris"][0]
    assert hover["75 Paris"][1] == "<b>75</b>"  # no value shown outside the scope
    assert "Valeur : 43,9" in hover["31 Haute-Garonne"][0]
    assert "pas de valeur" in hover["32 Gers"][0]  # in the scope, no data


def test_map_values_by_measure():
    rows = [row("31", 43.9, "watch", progress=0.7)]
    assert map_values(rows, "valeur") == {"31": 43.9}
    assert map_values(rows, "progression") == {"31": 0.7}
    assert map_values(rows, "statut") == {"31": "watch"}
    with pytest.raises(ValueError, match="measure must be one of"):
        map_values(rows, "couleur")


def test_hover_also_replaced_on_a_geojson_map(tmp_path):
    geojson = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "31"},
         "geometry": {"type": "Polygon", "coordinates": [[[1, 43], [2, 43], [2, 44], [1, 43]]]}}]}
    path = tmp_path / "deps.geojson"
    path.write_text(json.dumps(geojson), encoding="utf-8")
    fig = territory_figure([row("31", 43.9)], "departement", "valeur", "pct", "fr", reference=REF, geojson_path=path)
    assert isinstance(fig.data[0], go.Choropleth)
    assert "Cible : 50" in fig.data[0].hovertext[0]
    assert with_hover(go.Figure(go.Bar(x=[1], y=[1])), {"31": "x"}, "departement").data[0].hovertext is None


# -- dispersion ---------------------------------------------------------------------------------------

def test_dispersion_statistics_on_a_constructed_case():
    points = [Point("A", 1, "off_track"), Point("B", 2, "off_track"), Point("C", 3, "watch"),
              Point("D", 4, "on_track"), Point("E", 10, "on_track"), Point("F", None, "no_data")]
    d = dispersion(points)
    assert (d.n, d.total, d.off_track) == (5, 6, 2)
    assert (d.minimum, d.q1, d.median, d.q3, d.maximum) == (1, 2, 3, 4, 10)
    assert d.std == pytest.approx(math.sqrt(10))  # population deviation: mean 4, squares 9+4+1+0+36 = 50
    assert d.ratio == 10 and (d.best, d.worst) == ("E", "A")
    down = dispersion(points, "down")  # less is better (e.g. days)
    assert down.ratio == pytest.approx(0.1) and (down.best, down.worst) == ("A", "E")


def test_dispersion_interpolates_quartiles_and_refuses_meaningless_ratios():
    d = dispersion([Point(c, v, "watch") for c, v in zip("ABCD", (1, 2, 3, 4), strict=True)])
    assert (d.q1, d.median, d.q3) == (1.75, 2.5, 3.25)
    assert dispersion([Point("A", 0, "off_track"), Point("B", 5, "on_track")]).ratio is None
    assert dispersion([Point("A", -1, "off_track"), Point("B", 5, "on_track")]).ratio is None
    empty = dispersion([Point("A", None, "off_track")])
    assert (empty.n, empty.median, empty.off_track, empty.total) == (0, None, 1, 1)


def test_dispersion_figure_draws_the_table_figures():
    points = [Point("A", 1, "off_track"), Point("B", 2, "watch"), Point("C", 10, "on_track")]
    stats = dispersion(points)
    fig = dispersion_figure(points, stats, lambda v: f"{v:g} u", "fr")
    box, dots = fig.data
    assert (box.q1[0], box.median[0], box.q3[0], box.lowerfence[0], box.upperfence[0]) == (1.5, 2, 6, 1, 10)
    assert list(dots.x) == [1, 2, 10]
    assert dots.hovertext[0] == "<b>A</b><br>1 u<br>✖ En retard"


# -- sparkline ---------------------------------------------------------------------------------------

def test_sparkline_svg():
    svg = sparkline_svg([1, None, 3, 2], width=100, height=20)
    assert svg.startswith("<svg") and svg.count(",") == 3 and "<circle" in svg  # three points, last one marked
    assert sparkline_svg([5]) is None and sparkline_svg([]) is None
    assert sparkline_svg([2, 2, 2]) is not None  # a flat line, drawn mid-height
    assert svg_data_uri(svg).startswith("data:image/svg+xml;charset=utf-8,%3Csvg")


# -- ranking -----------------------------------------------------------------------------------------

def test_ranking_frame_keeps_the_engine_numbers_and_order():
    rows = [row("52", 47.0, "on_track", gap=7.2), row("76", 43.9, "watch", gap=4.1), row("06", 16.5, "off_track",
                                                                                         gap=-23.3, trend=None)]
    df = ranking_frame(rows, "region", "pct", REF, "fr", territory_href=lambda c: f"/territoires/{c}")
    assert list(df["rank"]) == [1, 2, 3]
    assert list(df["value"]) == [47.0, 43.9, 16.5] and list(df["gap"]) == [7.2, 4.1, -23.3]
    assert df["territory"][1] == "[Occitanie](/territoires/76)" and link_label(df["territory"][1]) == "Occitanie"
    assert list(df["status"]) == [2, 1, 0]
    grid = ranking_grid(df, "g", "pct", ranking_headers("region", "", "fr"), "fr")
    first = grid.rowData[1]
    assert first["c2"] == 43.9 and first["c2_fmt"] == f"43,9{NB}%" and first["c5_fmt"] == "⚠ À surveiller"
    defs = {d["field"]: d for d in grid.columnDefs}
    assert defs["c1"]["cellRenderer"] == "markdown" and defs["c1"].get("type") is None
    assert defs["c2"]["type"] == "rightAligned" and defs["c2"]["filter"] == "agNumberColumnFilter"
    assert "status-cell status-cell-watch" in defs["c5"]["cellClassRules"]
    json.dumps(grid.rowData)


def test_departement_ranking_links_to_the_region_fiche_and_plain_table_has_badges():
    rows = [row("31", 42.7, "watch"), row("82", 39.3, "off_track")]
    df = ranking_frame(rows, "departement", "pct", REF, "fr", region_href=lambda c: f"/territoires/{c}")
    assert list(df.columns[:3]) == ["rank", "territory", "region"]
    assert df["territory"][0] == "31 Haute-Garonne" and df["region"][0] == "[Occitanie](/territoires/76)"
    plain = ranking_frame(rows, "departement", "pct", REF, "fr", badges=True)
    text = as_json(ranking_table(plain, "pct", ranking_headers("departement", "", "fr"), "fr"))
    assert "En retard" in text and "status-badge" in text and '"className": "num"' in text


# -- URL parameters ----------------------------------------------------------------------------------

def test_parameters_default_and_follow_the_region_filter(catalogue):
    params, messages = parse_params({}, catalogue, ViewState(), REF)
    assert params == MapParams("CIT-02", "region", "statut") and messages == []
    params, _ = parse_params({}, catalogue, ViewState(region="76"), REF)
    assert params.level == "departement"  # a région is chosen: its départements
    params, _ = parse_params({"indicateur": "dep-04"}, catalogue, ViewState(region="76"), REF)
    assert params == MapParams("DEP-04", "region", "statut")  # DEP-04 is tracked by région only


@pytest.mark.parametrize(("extra", "expected", "message"), [
    ({"indicateur": "BUD-01"}, MapParams("CIT-02", "region", "statut"), "« BUD-01 » n'est pas un indicateur ventilé"),
    ({"indicateur": "<x>"}, MapParams("CIT-02", "region", "statut"), "valeurs possibles : BUD-03"),
    ({"niveau": "canton"}, MapParams("CIT-02", "region", "statut"), "valeur inconnue « canton »"),
    ({"indicateur": "USE-05", "niveau": "departement"}, MapParams("USE-05", "region", "statut"),
     "n'est pas suivi par département"),
    ({"mesure": "couleur", "niveau": "DEPARTEMENT"}, MapParams("CIT-02", "departement", "statut"),
     "valeur inconnue « couleur »"),
])
def test_bad_parameters_fall_back_with_a_message(catalogue, extra, expected, message):
    params, messages = parse_params(extra, catalogue, ViewState(), REF)
    assert params == expected
    assert len(messages) == 1 and message in messages[0]


def test_selection_writes_only_what_changed():
    shown = MapParams("CIT-02", "region", "statut")
    assert selection_search("?region=76", shown, shown) is None  # the controls just appeared
    assert selection_search("?region=76", MapParams("USE-01", "region", "statut"), shown) == \
        "?region=76&indicateur=USE-01"
    assert selection_search("?indicateur=USE-01&lang=en", MapParams("USE-01", "departement", "valeur"),
                            MapParams("USE-01", "region", "statut")) == \
        "?indicateur=USE-01&lang=en&niveau=departement&mesure=valeur"


def test_catalogue_declares_regions_for_the_default_indicator(catalogue):
    assert {"region", "departement"} <= set(catalogue.indicator("CIT-02").dimensions)
