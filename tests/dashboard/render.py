"""Helpers of the dashboard tests: render a page as Dash's router does, read its text, dump components."""

from __future__ import annotations

import json

ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."


def render(client, pathname: str, search: str = "") -> dict:
    """What Dash's page router returns for a URL: the page layout as JSON (the app's in-process path)."""
    client.get("/")  # the router callback is registered on the first request
    payload = {
        "output": ROUTER_OUTPUT,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname", "_pages_location.search"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.data[:2000]
    return response.get_json()["response"]


def page_text(rendered: dict) -> str:
    """All the strings of a rendered layout, joined (for "contains this French sentence" assertions)."""
    out: list[str] = []

    def walk(node):
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(rendered["_pages_content"]["children"])
    return "\n".join(out)


def as_json(component) -> str:
    """A component tree as JSON text (Dash's own encoder)."""
    import plotly

    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
