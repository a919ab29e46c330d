"""Exports typed like the screen, read back with openpyxl and pandas over a small demo warehouse: the indicator
chart (dates as dates, statuses in words, numbers in the screen's format), « Répartition des régions » and
« En usage » as numbers, and the month of a view without as_of."""

from __future__ import annotations

import base64
import io
from datetime import date, datetime
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from dashboard import create_app, ids
from dashboard.components.export_menu import data_download, grid_payload
from etl.demo import generate
from etl.load import load
from indicators.compute import Engine
from indicators.query import ViewFilters
from reports.xlsx import FMT_MEUR, FMT_PCT_VALUE
from settings import load_settings
from tests.dashboard.render import render
from tests.dashboard.test_budget_page import find

TODAY = "2026-11-28"
WORDS = {"on_track": "En bonne voie", "watch": "À surveiller", "off_track": "En retard", "no_target": "Sans cible",
         "no_data": "Sans donnée"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    base = tmp_path_factory.mktemp("typed-exports")
    files = generate(base / "raw", scale=0.05, seed=11, today=date.fromisoformat(TODAY))
    settings = load_settings({"SEGUR_DATA_DIR": str(base / "data"), "SEGUR_TODAY": TODAY})
    assert load(files, settings).status == "published"
    app = create_app(settings)
    return SimpleNamespace(app=app, client=app.server.test_client(),
                           engine=Engine(settings.warehouse, today=date.fromisoformat(TODAY)))


def stores(node, out=None) -> list[dict]:
    """Every export store's payload of a rendered page."""
    out = [] if out is None else out
    if isinstance(node, dict):
        props = node.get("props") or {}
        if isinstance(props.get("id"), dict) and props["id"].get("type") == ids.EXPORT_DATA:
            out.append(props["data"])
        for v in node.values():
            stores(v, out)
    elif isinstance(node, list):
        for v in node:
            stores(v, out)
    return out


def download(demo, fmt, payload, search=""):
    with demo.app.server.test_request_context("/"):
        sent, _ = data_download(fmt, payload, search)
    content = base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()
    return sent["filename"], content


def test_indicator_chart_export_has_dates_words_and_the_screen_number_format(demo):
    rendered = render(demo.client, "/indicateurs/BUD-05", "?as_of=2026-10")
    payload = next(p for p in stores(rendered) if [c["key"] for c in p["columns"]][:2] == ["period", "value"])
    result = demo.engine.compute("BUD-05", "2026-10")
    points = [p for p in result.series]
    _, xlsx = download(demo, "xlsx", payload, "?as_of=2026-10")
    ws = openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets[0]
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(points)
    for cells, p in zip(rows, points, strict=True):
        period, value, target, progress, status = cells
        assert isinstance(period.value, datetime) and period.value.date() == p.period and period.is_date
        assert status.value == WORDS[p.status]  # words, not « on_track »
        if p.value is not None:
            assert value.value == pytest.approx(round(p.value, 2)) and value.number_format == FMT_MEUR
        if p.progress is not None:
            assert progress.value == pytest.approx(p.progress, abs=1e-4) and progress.number_format == "0.0%"
    _, csv = download(demo, "csv", payload, "?as_of=2026-10")
    df = pd.read_csv(io.BytesIO(csv), sep=";", decimal=",", encoding="utf-8-sig")
    last = df.iloc[-1]
    assert last.iloc[0] == points[-1].period.isoformat() and last.iloc[4] == WORDS[points[-1].status]
    text = csv.decode("utf-8-sig").splitlines()[-1].split(";")[1]
    assert len(text.split(",")[-1]) <= 2  # to the cent, never 7716751,02862386


def test_dispersion_table_exports_numbers(demo):
    rendered = render(demo.client, "/territoires", "?indicateur=CIT-02")
    payload = next(p for p in stores(rendered) if p["title"] == "Répartition des régions")
    result = demo.engine.compute("CIT-02", None, ViewFilters(), breakdown="region", with_forecast=False)
    values = sorted(r.value for r in result.breakdown if r.value is not None)
    _, xlsx = download(demo, "xlsx", payload)
    ws = openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets[0]
    column = [r[1] for r in ws.iter_rows(min_row=2)]
    assert column[0].value == len(values) and isinstance(column[0].value, int)
    assert column[1].value == pytest.approx(values[0], abs=0.01) and column[1].number_format == FMT_PCT_VALUE
    assert column[5].value == pytest.approx(values[-1], abs=0.01)
    off = sum(r.status == "off_track" for r in result.breakdown)
    assert column[-1].value == f"{off} / 18"  # a count out of a total stays words
    _, csv = download(demo, "csv", payload)
    lines = csv.decode("utf-8-sig").splitlines()
    assert lines[1].split(";")[1] == str(len(values)) and "," in lines[2].split(";")[1]


def test_in_use_column_exports_counts(demo):
    rendered = render(demo.client, "/deploiement")
    wrapper = next(n for n in _walk(rendered) if isinstance(n, dict) and isinstance((n.get("props") or {}).get("id"),
                                                                                   dict)
                   and n["props"]["id"].get("type") == ids.EXPORT_GRID
                   and find(n, ids.DEPLOIEMENT_FUNNEL_GRID) is not None)
    grid = find(wrapper, ids.DEPLOIEMENT_FUNNEL_GRID)["props"]
    payload = grid_payload(wrapper["props"]["children"], {"title": "Volumes", "lang": "fr"})
    header = [c["header"] for c in payload["columns"]]
    at = header.index("En usage")
    shown = [row[grid["columnDefs"][at]["field"] + "_fmt"] for row in grid["rowData"]]
    _, xlsx = download(demo, "xlsx", payload)
    ws = openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets[0]
    cells = [r[at] for r in ws.iter_rows(min_row=2)]
    assert any(isinstance(c.value, int) for c in cells)
    for c, text in zip(cells, shown, strict=True):
        if text == "non mesuré":
            assert c.value is None
        else:
            assert isinstance(c.value, int) and f"{c.value:,}".replace(",", "\u202f") == text.replace("\u00a0", "\u202f")


def _walk(node):
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def test_a_view_without_as_of_is_labelled_with_the_latest_published_month(demo):
    latest = demo.engine.latest_month()
    rendered = render(demo.client, "/indicateurs/USE-01")
    payload = next(p for p in stores(rendered) if [c["key"] for c in p["columns"]][:2] == ["period", "value"])
    name, xlsx = download(demo, "xlsx", payload, "")
    assert f"_{latest:%Y-%m}" in name
    context = openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets[1]
    facts = {r[0]: r[1] for r in context.iter_rows(min_row=3, values_only=True)}
    assert facts["Mois de situation"].date() == latest
