"""python -m bench auth [--n N]: what signing in and the gate cost on the server (in-process, Flask test client).

Prints the median and p95 of: a local sign-in (POST /auth/login: throttling check, argon2 verify, audit row,
session cookie), a signed-in Dash callback (the gate resolves session → person → Scope, then the header's
identity callback), and the same callback's share spent in the gate alone. The browser round trips (local and
OIDC through a real provider) are printed by tests/e2e/test_access.py and tests/e2e/test_oidc.py (-s).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

PASSWORD = "bench-password-123456"


def _stats(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ms)})"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench auth")
    p.add_argument("--n", type=int, default=30)
    args = p.parse_args(argv)

    from flask.testing import FlaskClient

    from appstate import users
    from dashboard import create_app, ids
    from dashboard.auth import gate
    from indicators.scope import ROLES
    from settings import load_settings

    data_dir = Path(tempfile.mkdtemp(prefix="bench-auth-"))
    app = create_app(load_settings({"SEGUR_DATA_DIR": str(data_dir), "SEGUR_LOGIN_MAX_FAILURES": "1000000"}))
    server = app.server
    with server.extensions["segur"].sessions().begin() as session:
        users.create_user(session, "bench.user", by="bench", roles=ROLES, password=PASSWORD)
    sign_ins, callbacks, resolves = [], [], []
    payload = {"output": f"..{ids.IDENTITY}.children...{ids.FREEZE_OPEN}.style..",
               "outputs": [{"id": ids.IDENTITY, "property": "children"}, {"id": ids.FREEZE_OPEN, "property": "style"}],
               "inputs": [{"id": ids.URL, "property": "search", "value": ""}],
               "changedPropIds": [f"{ids.URL}.search"], "state": []}
    client = FlaskClient(server, server.response_class, use_cookies=True)
    client.get("/auth/login")  # Dash's first-request setup, outside the figures
    for _ in range(args.n):
        client = FlaskClient(server, server.response_class, use_cookies=True)
        t0 = time.perf_counter()
        resp = client.post("/auth/login", data={"login": "bench.user", "password": PASSWORD, "next": "/"})
        sign_ins.append(time.perf_counter() - t0)
        assert resp.status_code == 302, resp.status_code
        for _ in range(5):
            t0 = time.perf_counter()
            assert client.post("/_dash-update-component", json=payload).status_code == 200
            callbacks.append(time.perf_counter() - t0)
        with server.test_request_context("/", headers={"Cookie": client.get_cookie("segur_session").value
                                                       and f"segur_session={client.get_cookie('segur_session').value}"}):
            t0 = time.perf_counter()
            scope, _info = gate.resolve(10 * 3600)
            resolves.append(time.perf_counter() - t0)
            assert scope is not None
    print(f"local sign-in (POST /auth/login)        {_stats(sign_ins)}")
    print(f"signed-in callback (gate + identity)    {_stats(callbacks)}")
    print(f"gate alone (session → person → Scope)   {_stats(resolves)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
