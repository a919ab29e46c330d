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


def find_component(node, accept):
    """The first component (JSON) of a rendered layout for which `accept(component)` is true, or None."""
    if isinstance(node, dict):
        if "props" in node and accept(node):
            return node
        for value in node.values():
            found = find_component(value, accept)
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = find_component(value, accept)
            if found is not None:
                return found
    return None


def find_by_id(node, component_id):
    return find_component(node, lambda c: c["props"].get("id") == component_id)


def find_by_class(node, class_name: str):
    """The props of the first component whose className contains `class_name`, or None."""
    found = find_component(node, lambda c: class_name in str(c["props"].get("className", "")).split())
    return found["props"] if found is not None else None
