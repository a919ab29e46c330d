"""Row-level access, walked: every page, every callback and every route, as a regional (Occitanie) person.

The table is the app itself: `dash.page_registry`, `app.callback_map` and the Flask URL map. Each is asked
with honest and with forged inputs (another région in the URL, in a callback's stored scope); no answer may
carry the name of another région or of another région's département, nor one of their codes as a row key.
"""

from __future__ import annotations

import dataclasses
import json
import re

import dash
import pytest

from dashboard import create_app
from indicators.scope import CONTRIBUTEUR, LECTEUR, Scope
from tests.access import scope_hook
from tests.dashboard.factory import build_warehouse

OCCITANIE = Scope.of(7, "m.roux@ars.sante.fr", "M. Roux", [LECTEUR, CONTRIBUTEUR], ["76"])
# Régions and départements of the test warehouse other than Occitanie (76, département 31).
# (« Corse » alone is left out: the catalogue's definitions name it, e.g. ESMS groupings of ≥ 8 in Corsica.)
OTHER_NAMES = ("Île-de-France", "Auvergne-Rhône-Alpes", "Provence-Alpes-Côte d'Azur", "Hauts-de-France",
               "Paris", "Rhône", "Bouches-du-Rhône", "Nord", "Corse-du-Sud", "Guadeloupe", "Bretagne")
OTHER_KEYS = ("11", "84", "93", "32", "94", "01", "75", "69", "13", "59", "2A", "971")
FORGED = ("?region=11", "?departement=75", "?region=84&lang=en", "")


def router(path: str, search: str) -> dict:
    from dashboard.warmup import router_payload

    return router_payload(path, search)


def text_of(response) -> str:
    """An answer as text, JSON decoded (Dash escapes every accented letter)."""
    raw = response.get_data(as_text=True)
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False)
    except ValueError:
        return raw


def leaks(text: str) -> list[str]:
    """Names of other territories found in an answer, and row keys ("key": "75") of theirs."""
    found = [name for name in OTHER_NAMES if name in text]
    found += [f"key={k}" for k in OTHER_KEYS if re.search(rf'"(key|region_code|departement_code|code)": ?"{k}"', text)]
    return found


@pytest.fixture(scope="module")
def regional(tmp_path_factory):
    settings = build_warehouse(tmp_path_factory.mktemp("scopewalk"))
    # the walk asks hundreds of heavy routes in a minute: no rate limit here (tests/dashboard/test_rate* has them)
    settings = dataclasses.replace(settings, rate_per_person="100000/minute", rate_overall="100000/minute")
    app = create_app(settings)
    holder = {"scope": OCCITANIE}
    scope_hook(app.server, holder)
    client = app.server.test_client()
    client.get("/")
    # Dash gives the pages' module-level callbacks to the first app of a process only (tests/conftest.py
    # remembers them): walk them all here.
    from tests.conftest import _RememberedCallbacks

    for output, spec in _RememberedCallbacks.seen.items():
        app.callback_map.setdefault(output, spec)
    return app, client, holder


def test_every_page_with_honest_and_forged_urls_shows_only_occitanie(regional):
    app, client, _ = regional
    walked = 0
    pages = [(p["path_template"] or p["path"]) for p in dash.page_registry.values()]
    paths = [p for p in pages if "<" not in p] + ["/indicateurs/USE-01", "/territoires/76", "/territoires/11"]
    assert len(paths) == len(pages) + 1
    for path in paths:
        for search in FORGED:
            response = client.post("/_dash-update-component", json=router(path, search))
            text = text_of(response)
            assert leaks(text) == [], (path, search, leaks(text))
            if search.startswith(("?region=11", "?departement=75")) or path == "/territoires/11":
                assert "Accès non autorisé à cette région" in text or "région is not authorised" in text, (path, search)
            walked += 1
    assert walked >= 4 * 10


def _forged_value(prop: str, search: str):
    """A value for a callback input: the URL forged, stores forged to name another région."""
    if prop == "search":
        return search
    if prop == "pathname":
        return "/territoires"
    if prop in ("n_clicks", "n_intervals", "modified_timestamp"):
        return 1
    if prop == "data":
        return {"region": "11", "departement": "75", "indicator_id": "USE-01", "indicators": ["USE-01"], "lang": "fr",
                "snapshot": None, "as_of": None, "compact": False, "couloir": None, "today": "2025-12-15",
                "target_type": "indicator", "target_id": "USE-01"}
    if prop == "value":
        return None
    return None


def _ident(dep: dict):
    """A callback dependency's id, a pattern-matching one given one concrete key."""
    ident = dep["id"]
    if isinstance(ident, str) and ident.startswith("{"):
        ident = json.loads(ident)
    if isinstance(ident, dict):
        ident = {k: ("USE-01" if v in ("MATCH", "ALL", "ALLSMALLER") or isinstance(v, list) else v)
                 for k, v in ident.items()}
    return ident


def _values(deps: list[dict], search: str) -> list:
    out = []
    for dep in deps:
        wildcard = isinstance(dep["id"], str) and '["ALL"]' in dep["id"]
        entry = {"id": _ident(dep), "property": dep["property"], "value": _forged_value(dep["property"], search)}
        out.append([entry] if wildcard else entry)
    return out


def test_every_callback_with_forged_inputs_answers_nothing_of_another_region(regional):
    app, client, _ = regional
    walked = errors = 0
    for output, spec in app.callback_map.items():
        if "_pages_content" in output or not spec.get("callback"):
            continue  # the router is walked page by page above; clientside callbacks never reach the server
        for search in ("?region=11", "?departement=75"):
            outputs = [{"id": o.split(".")[0], "property": o.split(".")[-1]} for o in output.strip(".").split("...")]
            payload = {"output": output, "outputs": outputs if len(outputs) > 1 else outputs[0],
                       "inputs": _values(spec["inputs"], search), "state": _values(spec.get("state", []), search),
                       "changedPropIds": [f"{json.dumps(_ident(d)) if isinstance(_ident(d), dict) else _ident(d)}."
                                          f"{d['property']}" for d in spec["inputs"][:1]]}
            response = client.post("/_dash-update-component", json=payload)
            text = text_of(response)
            assert leaks(text) == [], (output, search, leaks(text)[:5])
            errors += response.status_code >= 500
            walked += 1
    server_side = [o for o, spec in app.callback_map.items() if spec.get("callback") and "_pages_content" not in o]
    assert walked == 2 * len(server_side) and len(server_side) >= 20, (walked, len(server_side))
    print(f"callbacks walked: {walked // 2} (×2 forged URLs), server errors on forged input: {errors}")


ROUTE_QUERIES = ("?region=11", "?departement=75", "")


def test_every_route_refuses_another_region_with_403_and_cuts_the_rest(regional):
    app, client, _ = regional
    from reports.extracts import extract_tables

    walked = 0
    paths: list[str] = []
    for rule in app.server.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(("/_dash", "/assets", "/static", "/_reload")):
            continue
        if "<" not in rule.rule:
            paths.append(rule.rule)
        elif rule.rule.startswith("/exports/extract/"):
            paths += [f"/exports/extract/{table}.csv" for table in extract_tables()]
        elif rule.rule.startswith("/comite/pack/"):
            paths += ["/comite/pack/s-20250101-abcdef.pdf"]
        elif rule.rule.startswith("/exports/jobs/"):
            paths += ["/exports/jobs/" + "0" * 32]
    for path in paths:
        for query in ROUTE_QUERIES:
            response = client.get(path + query)
            body = response.get_data(as_text=True) if not response.is_streamed else b"".join(
                response.response).decode("utf-8", "replace")
            assert leaks(body) == [], (path, query, leaks(body)[:5])
            if query and path.startswith("/exports/"):
                assert response.status_code == 403 or "jobs" in path, (path, query, response.status_code)
            walked += 1
    assert walked >= 10
    print(f"routes walked: {len(paths)} × {len(ROUTE_QUERIES)} queries")


def test_a_forged_comment_scope_neither_reads_nor_writes_another_region(regional):
    app, client, _ = regional
    from dashboard.components import comments
    from dashboard.context import current
    from tests.access import as_person

    forged = comments.scope_of("USE-01", "11", None, None, "fr")
    with as_person(app.server, OCCITANIE):
        ctx = current()
        listed = json.dumps(comments.comment_items(ctx, forged), default=str, ensure_ascii=False)
        assert "Accès non autorisé" in listed
        _, message, _ = comments.add(ctx, forged, "analyse", "écrit ailleurs", "m.roux@ars.sante.fr")
        assert "Enregistrement refusé" in json.dumps(message, default=str, ensure_ascii=False)
        own = comments.scope_of("USE-01", "76", None, None, "fr")
        listed, message, _ = comments.add(ctx, own, "analyse", "chez nous", "m.roux@ars.sante.fr")
        assert "Enregistré" in json.dumps(message, default=str, ensure_ascii=False)
    with ctx.sessions()() as s:
        from appstate import service

        written = service.list_comments(s, indicator_id="USE-01")
    assert [(c.body, c.region_code, c.author) for c in written] == [("chez nous", "76", "m.roux@ars.sante.fr")]


@pytest.mark.parametrize("table", ["fact_documents", "fact_mes_profiles", "fact_funding_event", "fact_population"])
def test_a_regional_extract_holds_only_its_region_rows(regional, table):
    import csv
    import io

    _, client, _ = regional
    response = client.get(f"/exports/extract/{table}.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.response).decode("utf-8-sig")), delimiter=";"))
    territory = [k for k in rows[0] if "partement" in k.lower() or "région" in k.lower() or "region" in k.lower()] \
        if rows else []
    codes = {row[k] for row in rows for k in territory}
    assert codes <= {"31", "76", ""}, (table, sorted(codes)[:10])
    if table in ("fact_documents", "fact_mes_profiles"):  # the test warehouse has Haute-Garonne rows of these
        assert rows and "31" in codes
