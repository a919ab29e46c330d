"""The gate accepts a personal API token on the data API and exports: that person's rows, reading only."""

from __future__ import annotations

import csv
import io

from appstate import api_tokens, users
from dashboard.context import EXTENSION
from indicators.scope import LECTEUR
from tests.signin import anonymous_client


def _token(app, login: str, regions) -> str:
    with app.server.extensions[EXTENSION].sessions().begin() as s:
        user = users.find(s, login) or users.create_user(s, login, by="tests", roles=[LECTEUR], regions=regions)
        token, _ = api_tokens.create_token(s, users.scope_of(s, user.id), "script")
    return token


def _departements(response) -> set[str]:
    text = b"".join(response.response).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    keys = [k for k in (rows[0] if rows else {}) if "partement" in k.lower()]
    return {row[k] for row in rows for k in keys}


def test_a_regional_token_reads_its_region_only_and_writes_nothing(app):
    token = _token(app, "script.occitanie", ["76"])
    client = anonymous_client(app)
    auth = {"Authorization": f"Bearer {token}"}
    ok = client.get("/exports/extract/fact_documents.csv", headers=auth)
    assert ok.status_code == 200 and _departements(ok) == {"31"}
    denied = client.get("/exports/extract/fact_documents.csv?region=11", headers=auth)
    assert denied.status_code == 403 and "accès non autorisé" in denied.get_data(as_text=True)
    assert client.get("/exports/extract/fact_documents.csv", headers={"Authorization": "Bearer segur_x_y"}
                      ).status_code == 401
    assert client.post("/exports/extract/fact_documents.csv", headers={**auth, "Origin": "http://localhost"}
                       ).status_code in (403, 405)
    page = client.get("/", headers={**auth, "Accept": "text/html"})  # a token is no key to the screens
    assert page.status_code == 302 and "/auth/login" in page.headers["Location"]


def test_a_national_token_reads_every_region(app):
    client = anonymous_client(app)
    national = client.get("/exports/extract/fact_documents.csv",
                          headers={"Authorization": f"Bearer {_token(app, 'script.national', [])}"})
    assert national.status_code == 200 and {"31", "75", "971"} <= _departements(national)
