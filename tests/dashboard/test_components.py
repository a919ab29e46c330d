"""Pure component builders: status badges, KPI tiles, tables, charts with their twin, tile maps, theme."""

import json
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import html

from dashboard import theme, tilegrid
from dashboard.components import (
    chart_with_table,
    data_table,
    empty_state,
    geo_map,
    kpi_tile,
    messages_alert,
    simple_table,
    status_badge,
    territory_map,
    tile_map,
    tile_map_caption,
)
from dashboard.components.chart import graph_config
from dashboard.components.tilemap import REGION_ABBR
from tests.dashboard.render import as_json

NN, NB = "\u202f", "\u00a0"


@pytest.mark.parametrize(("status", "icon", "fr", "en"), [
    ("on_track", "✔", "En bonne voie", "On track"),
    ("watch", "⚠", "À surveiller", "To watch"),
    ("off_track", "✖", "En retard", "Off track"),
    ("no_target", "○", "Sans cible", "No target"),
    ("no_data", "…", "Sans donnée", "No data"),
    (None, "…", "Sans donnée", "No data"),
    ("bogus", "…", "Sans donnée", "No data"),
])
def test_status_badge_has_icon_and_text(status, icon, fr, en):
    for lang, label in (("fr", fr), ("en", en)):
        badge = status_badge(status, lang)
        icon_span, text_span = badge.children
        assert icon_span.children == icon and icon_span.to_plotly_json()["props"]["aria-hidden"] == "true"
        assert text_span.children == label


def test_status_colours_meet_contrast():
    for style in theme.STATUSES.values():
        assert theme.contrast_ratio(style.color) >= 4.5, style.key
        assert theme.contrast_ratio(style.color, style.background) >= 4.5, style.key
    for colour in theme.COLORWAY:
        assert theme.contrast_ratio(colour) >= 3, colour
    assert round(theme.contrast_ratio("#000000", "#FFFFFF"), 1) == 21.0


def test_plotly_template_registered():
    import plotly.io as pio

    theme.register_plotly_template()
    template = pio.templates["segur"]
    assert template.layout.colorway[0] == "#000091"
    assert "Marianne" in template.layout.font.family
    assert template.layout.font.size >= 14  # readable on a projector
    assert theme.MANTINE_THEME["colors"]["bleuFrance"][6] == "#000091"


def test_kpi_tile():
    tile = kpi_tile("Documents envoyés", f"42,8{NB}M", "fr", status="on_track", target=f"400{NB}M",
                    href="/indicateurs?id=docs", tile_id="kpi-docs")
    text = as_json(tile)
    assert "Documents envoyés" in text and "42,8" in text and "Cible : 400" in text and "En bonne voie" in text
    assert tile.id == "kpi-docs"
    assert isinstance(tile.children[0].children, html.A)


def test_simple_table_formats_on_the_server():
    df = pd.DataFrame({"mois": [date(2025, 10, 1), date(2025, 11, 1)], "documents": [42_800_000, 1234],
                       "taux": [0.853, None], "montant": [1234.5, 2.0]})
    table = simple_table(df, "fr", headers={"mois": "Mois"}, formats={"mois": "month", "taux": "percent",
                                                                       "montant": "eur_cents"})
    text = as_json(table)
    for expected in ("Mois", "oct. 2025", f"42{NN}800{NN}000", f"85,3{NB}%", "—", f"1{NN}234,50{NB}€"):
        assert expected in text
    assert "0.853" not in text  # never a raw float


def test_simple_table_caps_rows():
    table = simple_table(pd.DataFrame({"n": range(250)}), "en", max_rows=200)
    assert "first 200 rows of 250" in as_json(table)


def test_twin_table_is_one_component_with_the_same_table_escaped():
    """A chart's folded twin: one component holding the table simple_table would draw, every text escaped (a
    beneficiary's name is data, never markup)."""
    from html.parser import HTMLParser

    from dash import dcc

    from dashboard.components.table import twin_table

    df = pd.DataFrame({"nom": ["<script>alert(1)</script>", "A & B"], "montant": [1234.5, None]})
    twin = twin_table(df, "fr", headers={"nom": "Nom"}, formats={"montant": "eur_cents"}, caption="Montants")
    assert isinstance(twin, dcc.Markdown) and twin.dangerously_allow_html
    assert "<script>" not in twin.children and "&lt;script&gt;" in twin.children

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.cells, self.tags = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))
            if tag in ("th", "td", "caption"):
                self.cells.append("")

        def handle_data(self, data):
            if self.cells:
                self.cells[-1] += data

    parsed = Cells()
    parsed.feed(twin.children)
    assert parsed.cells == ["Montants", "Nom", "montant", "<script>alert(1)</script>", f"1{NN}234,50{NB}€",
                            "A & B", "—"]
    assert ("th", {"scope": "col"}) in parsed.tags and ("table", {"class": "data-table"}) in parsed.tags
    same = as_json(simple_table(df, "fr", headers={"nom": "Nom"}, formats={"montant": "eur_cents"}))
    assert f"1{NN}234,50{NB}€" in same  # the same formatted cells as the table of components
    linked = pd.DataFrame({"x": [html.A("lien", href="/x")]})
    assert isinstance(twin_table(linked, "fr"), html.Div)  # a table of links stays components


def test_data_table_keeps_raw_values_and_shows_formatted_ones():
    df = pd.DataFrame({"file.name": ["a.csv"], "rows": [12345], "when": [pd.Timestamp("2026-01-15 14:03")]})
    grid = data_table(df, "grid", "fr", headers={"rows": "Lignes"})
    row = grid.rowData[0]
    assert row["c0"] == "a.csv" and row["c1"] == 12345 and row["c1_fmt"] == f"12{NN}345"
    assert row["c2_fmt"] == "15 janv. 2026 14:03"
    defs = {d["field"]: d for d in grid.columnDefs}
    assert defs["c1"]["headerName"] == "Lignes" and defs["c1"]["filter"] == "agNumberColumnFilter"
    assert defs["c0"]["headerName"] == "file.name"  # dots in names are safe: fields are c0…cn
    assert grid.dashGridOptions["localeText"]["noRowsToShow"] == "Aucune ligne"
    assert data_table(df, "grid", "en").dashGridOptions["localeText"] == {}
    json.dumps(grid.rowData)  # JSON-ready


def test_data_table_rejects_unknown_format():
    with pytest.raises(ValueError, match="unknown format"):
        data_table(pd.DataFrame({"a": [1]}), "g", "fr", formats={"a": "roman"})


def test_chart_with_table_has_summary_graph_and_twin():
    df = pd.DataFrame({"mois": ["2025-09", "2025-10"], "documents": [38_000_000, 42_800_000]})
    fig = go.Figure(go.Bar(x=df["mois"], y=df["documents"]))
    block = chart_with_table(fig, df, "42,8 M de documents en octobre 2025, +13 % sur un mois.", "fr",
                             title="Documents envoyés", formats={"mois": "month", "documents": "count"})
    caption, summary, graph, details = block.children
    assert summary.children.startswith("42,8 M de documents")
    assert graph.config["locale"] == "fr" and graph.config["displaylogo"] is False
    assert graph.figure.layout.separators == ", "
    assert details.children[0].children == "Voir les données"
    assert "oct. 2025" in as_json(details)


def test_graph_config_locale_is_inline():
    config = graph_config("fr")
    assert config["locales"]["fr"]["format"]["shortMonths"][0] == "janv."
    assert config["locales"]["fr"]["format"]["decimal"] == ","


def test_tile_map_numbers():
    fig = tile_map({"75": 0.5, "31": 0.25, "971": 1.0, "XX": 3.0}, "departement", "fr", value_format="percent")
    assert len(fig.layout.shapes) == 101
    trace = fig.data[0]
    labels = dict(zip(trace.hovertext, trace.text, strict=True))
    paris = next(h for h in trace.hovertext if "Paris" in h)
    assert f"50{NB}%" in paris and f"50{NB}%" in labels[paris]
    assert any("Ain" in h and "pas de valeur" in h for h in trace.hovertext)
    assert trace.marker.showscale is True and trace.marker.colorbar.tickformat == ".0%"
    assert fig.layout.yaxis.scaleanchor == "x"


def test_tile_map_statuses_show_icon_and_label():
    fig = tile_map({"84": "on_track", "11": "off_track"}, "region", "en")
    trace = fig.data[0]
    assert len(fig.layout.shapes) == 18
    ara = next(h for h in trace.hovertext if "Auvergne" in h)
    assert "✔ On track" in ara
    assert any("<b>ARA</b><br>✔" == t for t in trace.text)
    legend = [d.name for d in fig.data[1:]]
    assert legend == ["✔ On track", "✖ Off track"]
    assert set(REGION_ABBR) == set(tilegrid.load("region"))


def test_tile_map_caption():
    assert tile_map_caption("region", "fr").startswith("Carte en tuiles : un carré par région")


def test_geo_map_from_a_local_geojson(tmp_path):
    square = [[[2.0, 48.0], [2.5, 48.0], [2.5, 48.5], [2.0, 48.5], [2.0, 48.0]]]
    geojson = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "75"}, "geometry": {"type": "Polygon", "coordinates": square}}]}
    path = tmp_path / "deps.geojson"
    path.write_text(json.dumps(geojson), encoding="utf-8")
    fig = territory_map({"75": 12.5}, "departement", "fr", geojson_path=path)
    assert fig.data[0].type == "choropleth" and list(fig.data[0].locations) == ["75"]
    assert fig.layout.geo.showland is False and fig.layout.geo.visible is False
    assert geo_map({"75": 1.0}, path).data[0].featureidkey == "properties.code"
    # statuses or a missing file fall back to tiles
    assert territory_map({"75": "watch"}, geojson_path=path).data[0].type == "scatter"
    assert territory_map({"75": 1.0}, geojson_path=tmp_path / "missing.geojson").data[0].type == "scatter"


def test_feedback_components():
    assert messages_alert([], "fr") is None
    alert = messages_alert(["Paramètre « region » : région inconnue"], "fr")
    assert "Certains paramètres de l'adresse ont été ignorés" in as_json(alert)
    assert "python -m etl demo" in as_json(empty_state("fr"))
    assert "No data published" in as_json(empty_state("en"))
