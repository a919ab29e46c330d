"""Talk to a served Dash app over HTTP as its browser does: the page router, callbacks by their outputs."""

from __future__ import annotations

import json
import urllib.request

ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."


def _post(url: str, body: dict, headers: dict | None = None) -> dict:
    request = urllib.request.Request(url + "/_dash-update-component", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=60) as resp:  # noqa: S310 - loopback test servers
        return json.loads(resp.read())["response"]


def get(url: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url + path, timeout=60) as resp:  # noqa: S310 - loopback test servers
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def page(url: str, pathname: str, search: str = "") -> dict:
    """The page layout (JSON) the router callback returns for a URL."""
    body = {"output": ROUTER_OUTPUT,
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname", "_pages_location.search"], "state": []}
    return _post(url, body)["_pages_content"]["children"]


def output_of(url: str, *parts: str) -> str:
    """The `output` string of the app's callback whose outputs mention every one of `parts`."""
    with urllib.request.urlopen(url + "/_dash-dependencies", timeout=60) as resp:  # noqa: S310 - loopback
        deps = json.loads(resp.read())
    return next(d["output"] for d in deps if all(p in d["output"] for p in parts))


def call(url: str, output: str, outputs: list, inputs: list, state: list, changed: list[str]) -> dict:
    return _post(url, {"output": output, "outputs": outputs, "inputs": inputs, "state": state,
                       "changedPropIds": changed})


def find(node: object, accept) -> dict | None:
    """The first component (JSON) of a layout that `accept(component)`."""
    if isinstance(node, dict):
        if "props" in node and accept(node):
            return node
        for value in (node.get("props") or {}).values() if "props" in node else node.values():
            found = find(value, accept)
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = find(value, accept)
            if found is not None:
                return found
    return None


def with_id_type(kind: str):
    return lambda n: isinstance((n.get("props") or {}).get("id"), dict) and n["props"]["id"].get("type") == kind


def id_key(component_id: dict) -> str:
    """A pattern-matching id as Dash writes it in changedPropIds (sorted keys, no spaces)."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
