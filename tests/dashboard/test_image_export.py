"""Chart images come from the server's own figure: nothing a browser sends is rendered or fetched."""

from __future__ import annotations

import base64
import http.server
import json
import re
import struct
import threading

import plotly.graph_objects as go
import pytest

from dashboard import ids
from dashboard.components.export_menu import render_image
from dashboard.image_export import safe_figure, server_chart
from reports.renderer import Renderer
from tests.dashboard.render import render

PAGE = "/budget"
OUTPUT = f'..{{"chart":["MATCH"],"type":"{ids.EXPORT_IMG_DOWNLOAD}"}}.data...' \
         f'{{"chart":["MATCH"],"type":"{ids.EXPORT_IMG_STATUS}"}}.children..'


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="))

    def log_message(self, *_args):
        pass


@pytest.fixture()
def image_server():
    """A loopback HTTP server that counts every request it receives."""
    handler = type("Counter", (_Counter,), {"hits": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.hits
    server.shutdown()
    server.server_close()


def evil_figure(base: str) -> dict:
    fig = go.Figure(go.Bar(x=["a"], y=[1]))
    fig.add_layout_image(source=f"{base}/layout.png", xref="paper", yref="paper", x=0, y=1, sizex=1, sizey=1)
    fig.update_layout(width=300, height=200, title="PIRATE")
    out = fig.to_plotly_json()
    out["data"].append({"type": "image", "source": f"{base}/trace.png"})
    return out


def _uid(client, search: str = "") -> str:
    text = json.dumps(render(client, PAGE, search))
    return re.findall(r'"chart": "([^"]+)", "fmt": "png"', text)[0]


def _export(client, uid: str, fmt: str, store: dict, search: str = "") -> dict:
    buttons = [{"id": {"type": ids.EXPORT_IMG_BTN, "chart": uid, "fmt": f}, "property": "n_clicks",
                "value": 1 if f == fmt else 0} for f in ("png", "svg")]
    clicked = json.dumps({"chart": uid, "fmt": fmt, "type": ids.EXPORT_IMG_BTN}, separators=(",", ":"))
    body = {"output": OUTPUT,
            "outputs": [{"id": {"type": ids.EXPORT_IMG_DOWNLOAD, "chart": uid}, "property": "data"},
                        {"id": {"type": ids.EXPORT_IMG_STATUS, "chart": uid}, "property": "children"}],
            "inputs": [buttons],
            "state": [{"id": {"type": ids.EXPORT_DATA, "chart": uid}, "property": "data", "value": store},
                      {"id": ids.URL, "property": "pathname", "value": PAGE},
                      {"id": ids.URL, "property": "search", "value": search}],
            "changedPropIds": [f"{clicked}.n_clicks"]}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.data[:500]
    return response.get_json()["response"]


def test_safe_figure_drops_every_external_source():
    fig = evil_figure("http://127.0.0.1:9")
    fig["layout"]["images"].append({"source": "data:image/png;base64,AAAA"})
    fig["layout"]["mapbox"] = {"style": "https://tiles.example/style.json", "layers": [{"source": "x"}]}
    clean = safe_figure(fig)
    text = json.dumps(clean)
    assert "127.0.0.1" not in text and "tiles.example" not in text and "layers" not in text
    assert clean["layout"]["images"] == [{"source": "data:image/png;base64,AAAA"}]  # inline data stays
    assert clean["data"][0]["y"] == [1]


def test_renderer_never_fetches_an_image_url_of_a_figure(image_server):
    base, hits = image_server
    data = render_image(evil_figure(base), "png")
    assert data.startswith(b"\x89PNG")
    assert hits == []


def test_export_request_renders_the_server_figure_and_fetches_nothing(app, client, image_server):
    base, hits = image_server
    uid = _uid(client, "?region=11")
    store = {"title": "PIRATE", "lang": "fr", "columns": [], "rows": [], "figure": evil_figure(base)}
    out = _export(client, uid, "png", store, "?region=11")
    png = base64.b64decode(out[f'{{"chart":"{uid}","type":"{ids.EXPORT_IMG_DOWNLOAD}"}}']["data"]["content"])
    width, height = struct.unpack(">II", png[16:24])
    with app.server.test_request_context("/"):
        server = server_chart(PAGE, "?region=11", uid)
    assert (width, height) == (2 * (server.figure["layout"].get("width") or 1100),
                               2 * (server.figure["layout"].get("height") or 550))  # not the client's 300×200
    assert hits == []
    svg_out = _export(client, uid, "svg", store, "?region=11")
    download = svg_out[f'{{"chart":"{uid}","type":"{ids.EXPORT_IMG_DOWNLOAD}"}}']["data"]
    svg = (base64.b64decode(download["content"]) if download.get("base64") else download["content"].encode()
           ).decode()
    assert server.title and server.title in svg.replace("&nbsp;", "\u00a0")
    assert "PIRATE" not in svg and "Périmètre" in svg and "Île-de-France" in svg and "Mois de situation" in svg
    assert download["filename"].endswith(".svg") and "region-11" in download["filename"]
    assert hits == []


def test_unknown_chart_is_a_french_message(client):
    out = _export(client, "nothing-here", "png", {"lang": "fr"})
    status = out[f'{{"chart":"nothing-here","type":"{ids.EXPORT_IMG_STATUS}"}}']["children"]
    assert status == "Export impossible : aucun graphique à exporter."


def test_renderer_closes_when_idle_and_restarts():
    renderer = Renderer(idle_s=0.2)
    fig = go.Figure(go.Bar(y=[1, 2])).to_plotly_json()
    assert renderer.render(fig, "svg", 200, 100).lstrip().startswith(b"<svg")
    assert renderer.running
    closed = threading.Event()
    for _ in range(200):  # wait on the condition (the idle timer), bounded
        if not renderer.running:
            closed.set()
            break
        closed.wait(0.05)
    assert closed.is_set()
    assert renderer.render(fig, "svg", 200, 100).lstrip().startswith(b"<svg")  # starts again on demand
    renderer.close()
    assert not renderer.running
