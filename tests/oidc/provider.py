"""Start the test OIDC provider (tests/oidc/provider.mjs, npm `oidc-provider`) on a loopback port.

`node` and `npm ci` in tests/oidc are needed (.ci/run does both); without them the tests that need a provider
are skipped with the reason.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"


def missing() -> str | None:
    """Why the provider cannot start here (None when it can)."""
    if shutil.which("node") is None:
        return "node introuvable : installez nodejs et npm (apt-get install nodejs npm), puis npm ci dans tests/oidc"
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        return "paquet npm oidc-provider absent : lancez « npm ci » dans tests/oidc (ce que fait .ci/run)"
    return None


@contextmanager
def running(port: int, redirect_uri: str, post_logout_uri: str, log: Path) -> Iterator[Provider]:
    provider = Provider(f"http://127.0.0.1:{port}", "segur-dashboard", secrets.token_urlsafe(24))
    with log.open("w") as out:
        proc = subprocess.Popen(["node", "provider.mjs", str(port), provider.client_id, provider.client_secret,
                                 redirect_uri, post_logout_uri], cwd=HERE, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(provider.discovery_url, timeout=2) as r:  # noqa: S310 - loopback
                        if json.load(r)["issuer"] == provider.issuer:
                            break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the OIDC provider did not start: {log.read_text()}") from None
                    time.sleep(0.2)
            yield provider
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
