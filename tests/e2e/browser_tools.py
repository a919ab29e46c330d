"""Helpers of the browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def wait_for_page(pg, text: str) -> None:
    """Wait until the page content shows `text` and Dash has no callback in flight."""
    pg.get_by_text(text, exact=False).first.wait_for()
    pg.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


@contextmanager
def serve_app(data_dir: Path, today: str, ready_path: str = "/") -> Iterator[str]:
    """`python app.py` over `data_dir` on a free loopback port; yields its base URL, stops it afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # The served app warms its national views only: the browser tests share two cores with it.
    env = {"SEGUR_WARMUP": "national", **os.environ, "SEGUR_DATA_DIR": str(data_dir), "SEGUR_TODAY": today,
           "HOST": "127.0.0.1", "PORT": str(port)}
    log_path = data_dir / f"server-{port}.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(base + ready_path, timeout=2) as r:  # noqa: S310 - local server
                        if r.status == 200:
                            break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the app did not start: {log_path.read_text()}") from None
                    time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
