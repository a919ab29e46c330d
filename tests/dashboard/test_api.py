"""The data API on the dashboard app over the tiny warehouse: every route answers JSON and CSV, bad input gets a
French 400, nobody gets a 401, and a regional Scope never sees another région (scope set by a before_request
hook, as the sign-in gate will)."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest

from dashboard import create_app
from dashboard.access import set_scope
from indicators.scope import Scope

BRETAGNE = Scope.of(5, "ars-bzh", "ARS Bretagne", ["lecteur"], ["53"])
IDF = Scope.of(6, "ars-idf", "ARS Île-de-France", ["lecteur"], ["11"])
NOBODY = Scope(None, "", "", frozenset(), None)
EVERY_GET = ("/api/v1/objectives", "/api/v1/indicators", "/api/v1/indicators/CIT-01", "/api/v1/values",
             "/api/v1/values/CIT-01?breakdown=region", "/api/v1/values/MSS-01?breakdown=departement",
             "/api/v1/tidy", "/api/v1/freshness", "/api/v1/runs", "/api/v1/snapshots")


@pytest.fixture(scope="module")
def api_settings(tmp_path_factory):
    """A warehouse of its own: the snapshot test freezes one (the shared one stays snapshot-free)."""
    from tests.dashboard.factory import build_warehouse

    return build_warehouse(tmp_path_factory.mktemp("api"))


@pytest.fixture(scope="module")
def app(api_settings):
    return create_app(api_settings)


@pytest.fixture(scope="module")
def api(app):
    who = {"scope": Scope.system()}
    app.server.before_request(lambda: set_scope(who["scope"]))
    return app.server.test_client(), who


def _get(api, url, scope=None):
    client, who = api
    who["scope"] = scope or Scope.system()
    return client.get(url)


def test_openapi_lists_every_route(api, app):
    resp = _get(api, "/api/v1/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    spec = resp.get_json()
    client, _ = api
    rules = {r.rule.replace("<", "{").replace(">", "}") for r in client.application.url_map.iter_rules()
             if r.rule.startswith("/api/v1/")}
    assert rules == set(spec["paths"]) and len(rules) >= 11
    values = spec["paths"]["/api/v1/values/{indicator_id}"]["get"]
    names = {p["name"] for p in values["parameters"]}
    assert {"indicator_id", "as_of", "region", "breakdown", "lang", "format", "snapshot"} <= names
    assert {"400", "401", "403"} <= set(values["responses"])


def test_values_of_a_view_match_the_engine(api, app):
    resp = _get(api, "/api/v1/values?region=11&ids=CIT-01,mss-01&lang=en")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    engine = app.server.extensions["segur"].engine()
    res = engine.compute("CIT-01", None, engine_filters(region="11"))
    row = body["data"][0]
    assert [r["indicator_id"] for r in body["data"]] == ["CIT-01", "MSS-01"]
    assert row["value"] == pytest.approx(res.current.value) and row["status"] == res.status
    assert row["period"] == res.current.period.isoformat() and row["status_label"] in {
        "On track", "To watch", "Off track", "No target", "No data"}
    assert body["meta"]["filters"] == {"region": "11"} and body["meta"]["as_of"] == res.as_of.isoformat()


def engine_filters(**kw):
    from indicators.query import ViewFilters

    return ViewFilters(**kw)


def test_csv_answers_are_french_excel_csv(api):
    resp = _get(api, "/api/v1/values/CIT-01?format=csv")
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    text = resp.get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows and rows[0]["indicator_id"] == "CIT-01" and {"period", "value", "target", "status"} <= set(rows[0])
    assert all(r["period"][:4].isdigit() for r in rows)
    resp = _get(api, "/api/v1/indicators?format=csv")
    assert "final_target_value" in resp.get_data().decode("utf-8-sig").splitlines()[0]


@pytest.mark.parametrize(("url", "message"), [
    ("/api/v1/values?as_of=2026-13", "mois de situation invalide « 2026-13 »"),
    ("/api/v1/values?region=99", "région inconnu(e) « 99 »"),
    ("/api/v1/values?lang=de", "langue inconnue « de »"),
    ("/api/v1/values?format=xml", "format inconnu « xml »"),
    ("/api/v1/values?ids=XYZ-99", "indicateur inconnu « XYZ-99 »"),
    ("/api/v1/values/CIT-01?breakdown=commune", "ventilation inconnue « commune »"),
    ("/api/v1/tidy?levels=commune", "valeur inconnue « commune » pour levels"),
])
def test_bad_parameters_get_a_french_400(api, url, message):
    resp = _get(api, url)
    assert resp.status_code == 400, resp.get_data(as_text=True)
    error = resp.get_json()["error"]
    assert error["code"] == "parametre_invalide" and message in error["message"]


def test_unknown_indicator_and_snapshot_are_404(api):
    assert _get(api, "/api/v1/values/XYZ-99").status_code == 404
    assert _get(api, "/api/v1/snapshots/s-20990101-abcdef").status_code == 404


def test_nobody_gets_401_on_every_route(api):
    for url in EVERY_GET:
        resp = _get(api, url, NOBODY)
        assert resp.status_code == 401, url
        assert resp.get_json()["error"]["code"] == "authentification_requise"


def _regions_in(node, dep_region, out=None):
    """Every région an answer mentions: region codes, département codes (their région), breakdown keys."""
    out = set() if out is None else out
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("region_code", "region") and isinstance(v, str):
                out.add(v)
            elif k in ("departement",) and isinstance(v, str):
                out.add(dep_region[v])
        if node.get("territory_level") == "departement":
            out.add(dep_region[node["territory_code"]])
        dim = node.get("breakdown_dim")
        for row in node.get("breakdown") or []:
            out.add(row["key"] if dim == "region" else dep_region.get(row["key"], "?") if dim == "departement"
                    else "53")
        for v in node.values():
            _regions_in(v, dep_region, out)
    elif isinstance(node, list):
        for v in node:
            _regions_in(v, dep_region, out)
    return out


@pytest.mark.parametrize("scope", [BRETAGNE, IDF], ids=["53", "11"])
def test_a_regional_scope_never_sees_another_region(api, app, scope):
    dep_region = app.server.extensions["segur"].engine().territory().dep_region
    mine = set(scope.regions)
    for url in EVERY_GET:
        resp = _get(api, url, scope)
        assert resp.status_code == 200, (url, resp.get_data(as_text=True))
        assert _regions_in(resp.get_json(), dep_region) <= mine, url
    # the breakdown by région and the tidy table do show the scope's own région when it has data
    if scope is IDF:
        keys = [r["key"] for r in _get(api, "/api/v1/values/CIT-01?breakdown=region", IDF).get_json()["data"]
                ["breakdown"]]
        assert keys == ["11"]
        rows = _get(api, "/api/v1/tidy?ids=CIT-01", IDF).get_json()["data"]
        assert {r["territory_level"] for r in rows} == {"national", "region", "departement"}
        deps = {r["territory_code"] for r in rows if r["territory_level"] == "departement"}
        assert "75" in deps and {dep_region[d] for d in deps} == {"11"}
        assert any(r["value"] for r in rows if r["territory_code"] == "75")
    for url in ("/api/v1/values?region=84", "/api/v1/values?departement=69", "/api/v1/tidy?regions=84",
                "/api/v1/values/CIT-01?region=93&breakdown=departement"):
        resp = _get(api, url, scope)
        assert resp.status_code == 403, url
        assert resp.get_json()["error"]["code"] == "hors_perimetre"


def test_the_public_reader_sees_national_public_figures_only(api, app):
    public = Scope.public_reader()
    assert _get(api, "/api/v1/values?region=11", public).status_code == 403
    rows = _get(api, "/api/v1/tidy?ids=CIT-01", public).get_json()["data"]
    assert {r["territory_level"] for r in rows} == {"national"}
    catalogue = app.server.extensions["segur"].engine().catalogue
    listed = {r["id"] for r in _get(api, "/api/v1/indicators", public).get_json()["data"]}
    assert listed == {i.id for i in catalogue.indicators if i.public}


def test_tidy_table_as_parquet_and_xlsx(api):
    resp = _get(api, "/api/v1/tidy?ids=CIT-01&levels=region&format=parquet", IDF)
    assert resp.status_code == 200 and resp.mimetype == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(resp.get_data()))
    assert set(table.column("territory_code").to_pylist()) == {"11"}
    resp = _get(api, "/api/v1/tidy?ids=CIT-01&format=xlsx&lang=en")
    assert resp.status_code == 200 and resp.get_data()[:2] == b"PK"


def test_json_has_no_nan(api):
    text = _get(api, "/api/v1/tidy").get_data(as_text=True)
    assert "NaN" not in text and json.loads(text)["meta"]["rows"] > 0


# -- through the sign-in gate, with personal API tokens (no before_request hook: the gate sets the Scope) --------

def _token(app, login: str, roles, regions) -> str:
    from appstate import api_tokens, users
    from dashboard.context import EXTENSION

    with app.server.extensions[EXTENSION].sessions().begin() as s:
        user = users.find(s, login) or users.create_user(s, login, by="tests", roles=roles, regions=regions)
        token, _ = api_tokens.create_token(s, users.scope_of(s, user.id), "script")
    return token


@pytest.fixture(scope="module")
def gated(api_settings):
    """The app with the sign-in gate alone setting the Scope (no test hook)."""
    return create_app(api_settings)


@pytest.mark.parametrize("role", ["lecteur", "contributeur", "secretariat", "admin_donnees", "admin"])
def test_a_token_of_each_role_reads_the_api(gated, role):
    app = gated
    from tests.signin import anonymous_client

    client = anonymous_client(app)
    auth = {"Authorization": f"Bearer {_token(app, f'api.{role}', [role], [])}"}
    resp = client.get("/api/v1/values?ids=CIT-01", headers=auth)
    assert resp.status_code == 200 and resp.get_json()["data"][0]["indicator_id"] == "CIT-01"
    assert client.get("/api/v1/values").status_code == 401  # no token, no session


def test_a_regional_token_never_sees_another_region(gated):
    from tests.signin import anonymous_client

    app = gated
    client = anonymous_client(app)
    auth = {"Authorization": f"Bearer {_token(app, 'api.occitanie', ['lecteur'], ['76'])}"}
    dep_region = app.server.extensions["segur"].engine().territory().dep_region
    for url in EVERY_GET:
        resp = client.get(url, headers=auth)
        assert resp.status_code == 200, (url, resp.get_data(as_text=True))
        assert _regions_in(resp.get_json(), dep_region) <= {"76"}, url
    keys = [r["key"] for r in client.get("/api/v1/values/CIT-01?breakdown=departement&region=76", headers=auth)
            .get_json()["data"]["breakdown"]]
    assert "31" in keys and {dep_region[k] for k in keys} == {"76"}
    assert client.get("/api/v1/values?region=11", headers=auth).status_code == 403
    assert client.get("/api/v1/tidy?regions=11", headers=auth).status_code == 403


def test_snapshot_values_are_the_frozen_figures(api, app, api_settings):
    from reports.snapshot import create_snapshot

    live = app.server.extensions["segur"].engine()
    month = f"{live.latest_month():%Y-%m}"
    meta = create_snapshot(api_settings, "COSUI API", month, author="secretariat.dns")
    listed = _get(api, "/api/v1/snapshots").get_json()["data"]
    assert meta.id in {s["id"] for s in listed}
    frozen = _get(api, f"/api/v1/snapshots/{meta.id}?ids=CIT-01").get_json()
    expected = live.compute("CIT-01", month)
    assert frozen["meta"]["snapshot"] == meta.id and frozen["meta"]["as_of"] == f"{month}-01"
    assert frozen["data"][0]["value"] == pytest.approx(expected.current.value)
    same = _get(api, f"/api/v1/values?snapshot={meta.id}&as_of={month}&ids=CIT-01").get_json()
    assert same["data"][0]["value"] == frozen["data"][0]["value"] and same["meta"]["snapshot"] == meta.id
    regional = _get(api, f"/api/v1/snapshots/{meta.id}?ids=CIT-01", IDF).get_json()
    assert regional["meta"]["filters"] == {"region": "11"}  # a regional person's view, pinned to their région


def test_donnees_page_links_the_tidy_table_of_the_persons_scope(api):
    """The Données page offers the long table in XLSX, CSV and Parquet and the API's description; followed by a
    regional reader, the links give their région (and the national rows), never another one."""
    from openpyxl import load_workbook

    from tests.dashboard.render import find_by_id, render

    client, who = api
    who["scope"] = BRETAGNE
    page = render(client, "/donnees", "?lang=fr")
    hrefs = {fmt: find_by_id(page, f"tidy-{fmt}")["props"]["href"] for fmt in ("xlsx", "csv", "parquet")}
    assert hrefs["xlsx"].startswith("/api/v1/tidy?format=xlsx&") and "lang=fr" in hrefs["xlsx"]
    assert find_by_id(page, "api-docs-link")["props"]["href"] == "/api/v1/openapi.json"
    assert _get(api, "/api/v1/openapi.json", BRETAGNE).status_code == 200
    resp = _get(api, hrefs["csv"], BRETAGNE)
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    region_at = next(i for i, h in enumerate(rows[0]) if h in ("region_code", "Région (code)"))
    assert len(rows) > 1 and {r[region_at] for r in rows[1:]} <= {"53", ""}
    assert "53" in {r[region_at] for r in rows[1:]}
    wb = load_workbook(io.BytesIO(_get(api, hrefs["xlsx"], BRETAGNE).get_data()))
    assert wb.worksheets[0].max_row == len(rows)  # the same rows in both formats
    table = pq.read_table(io.BytesIO(_get(api, hrefs["parquet"], BRETAGNE).get_data()))
    assert table.num_rows == len(rows) - 1
