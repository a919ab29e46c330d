"""Talk to a served Dash app over HTTP as its browser does: the page router, callbacks by their outputs.

`url` is a `Served` (base URL + the signed-in session cookie) or a plain base URL (anonymous)."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass

from tests.dashboard.render import find_component

ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."


@dataclass(frozen=True)
class Served:
    base: str
    cookie: str = ""

    def __add__(self, path: str) -> str:  # `url + path` keeps working for plain strings and Served
        return self.base + path


def headers_of(url) -> dict:
    if isinstance(url, Served) and url.cookie:
        return {"Cookie": url.cookie, "Origin": url.base}
    return {}


def signed_in(base: str, app_db: str, login: str) -> Served:
    """A national person with every role, signed in on the served app at `base`."""
    from serving.launch import sign_in

    return Served(base, sign_in(base, app_db, login))


def _post(url, body: dict) -> dict:
    request = urllib.request.Request(url + "/_dash-update-component", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **headers_of(url)})
    with urllib.request.urlopen(request, timeout=60) as resp:  # noqa: S310 - loopback test servers
        return json.loads(resp.read())["response"]


def get(url, path: str) -> tuple[int, bytes]:
    try:
        request = urllib.request.Request(url + path, headers=headers_of(url))
        with urllib.request.urlopen(request, timeout=60) as resp:  # noqa: S310 - loopback test servers
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def page(url, pathname: str, search: str = "") -> dict:
    """The page layout (JSON) the router callback returns for a URL."""
    body = {"output": ROUTER_OUTPUT,
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname", "_pages_location.search"], "state": []}
    return _post(url, body)["_pages_content"]["children"]


def output_of(url, *parts: str) -> str:
    """The `output` string of the app's callback whose outputs mention every one of `parts`."""
    request = urllib.request.Request(url + "/_dash-dependencies", headers=headers_of(url))
    with urllib.request.urlopen(request, timeout=60) as resp:  # noqa: S310 - loopback
        deps = json.loads(resp.read())
    return next(d["output"] for d in deps if all(p in d["output"] for p in parts))


def call(url, output: str, outputs: list, inputs: list, state: list, changed: list[str]) -> dict:
    return _post(url, {"output": output, "outputs": outputs, "inputs": inputs, "state": state,
                       "changedPropIds": changed})


find = find_component  # the dashboard tests' finder: first component (JSON) for which accept(c)


def with_id_type(kind: str):
    return lambda n: isinstance((n.get("props") or {}).get("id"), dict) and n["props"]["id"].get("type") == kind


def id_key(component_id: dict) -> str:
    """A pattern-matching id as Dash writes it in changedPropIds (sorted keys, no spaces)."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
