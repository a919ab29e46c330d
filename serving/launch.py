"""Start the app under gunicorn with the repository's gunicorn.conf.py on a free loopback port (for the tests
and `python -m bench load`)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from settings import ROOT

LISTEN_RE = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
BOOT_RE = re.compile(r"Booting worker with pid: (\d+)")


class GunicornServer:
    """`with GunicornServer(env) as server:` — server.url, server.log_lines(), server.worker_pids()."""

    def __init__(self, env: dict[str, str], log_path: Path, extra_args: tuple[str, ...] = ()) -> None:
        self.env = {**os.environ, "HOST": "127.0.0.1", "PORT": "0", "SEGUR_WARMUP": "off", **env}
        self.log_path = log_path
        self.extra_args = extra_args
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> GunicornServer:
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed in __exit__
        self._log = log
        self.proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", *self.extra_args,
                                      "app:server"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        port = self.wait_for(lambda: _first(LISTEN_RE, self.text()), 60, "gunicorn did not listen")
        self.url = f"http://127.0.0.1:{port}"
        self.wait_for(self._ready, 120, "the app did not answer")
        return self

    def __exit__(self, *_exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()

    def text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_entries(self) -> list[dict]:
        """The JSON lines of the log (every line gunicorn and the app wrote, once parsed)."""
        out = []
        for line in self.text().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out

    def rss_mb(self) -> float:
        """Resident memory of the master and every worker (and their children: a renderer), in MiB."""
        import psutil

        try:
            master = psutil.Process(self.proc.pid)
            procs = [master, *master.children(recursive=True)]
            return sum(p.memory_info().rss for p in procs) / 2**20
        except psutil.Error:
            return 0.0

    def worker_pids(self) -> list[int]:
        return [int(p) for p in BOOT_RE.findall(self.text())]

    def hup(self) -> None:
        """Graceful restart: new workers, the old ones finish their requests."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGHUP)

    def _ready(self) -> bool:
        """The app answers (the sign-in page needs nobody signed in)."""
        try:
            with urllib.request.urlopen(self.url + "/auth/login", timeout=10) as resp:  # noqa: S310 - loopback
                return resp.status == 200
        except OSError:
            return False

    def wait_for(self, condition, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        pause = threading.Event()
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}):\n{self.text()[-3000:]}")
            pause.wait(0.1)
        raise TimeoutError(f"{what} within {timeout:.0f} s:\n{self.text()[-3000:]}")


def _first(pattern: re.Pattern, text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None


def sign_in(base: str, app_db: str, login: str) -> str:
    """Create (once) a national person with every role in `app_db`, sign in through the login form as a browser
    would, and return the session cookie (a header value) for the served app at `base`."""
    import http.cookiejar
    import secrets
    import urllib.parse

    from appstate import db, users
    from indicators.scope import ROLES

    password = secrets.token_urlsafe(18)
    with db.session_factory(app_db).begin() as session:
        user = users.find(session, login)
        if user is None:
            users.create_user(session, login, by="serving", roles=ROLES, password=password)
        else:
            users.set_password(session, user, password, by="serving")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = urllib.parse.urlencode({"login": login, "password": password, "next": "/"}).encode()
    request = urllib.request.Request(base + "/auth/login", data=body, method="POST", headers={"Origin": base})
    with opener.open(request, timeout=60) as resp:
        if resp.status != 200:
            raise RuntimeError(f"sign-in as {login} failed on {base}: HTTP {resp.status}")
    cookies = [f"{c.name}={c.value}" for c in jar if c.name == "segur_session"]
    if not cookies:
        raise RuntimeError(f"sign-in as {login} failed on {base}: no session cookie")
    return cookies[0]
