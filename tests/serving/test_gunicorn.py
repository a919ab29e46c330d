"""The repository's gunicorn configuration under a slow client: the worker is neither held nor killed.

A 16 MB prepared file is read at ~1,6 MB/s through a small receive window (the server's thread blocks for
~7 s, beyond the 4 s worker timeout set here; gthread's own 2 s linger on close stays under it) while other requests are served; then a graceful restart (HUP)
lets the slow download finish on the old worker while a new one answers.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import socket
import threading
import uuid

import pytest

from dashboard.jobs import Job
from serving.launch import GunicornServer
from tests.dashboard.factory import build_warehouse
from tests.serving import dash_client as dc

FILE_BYTES = 16 * 1024 * 1024
LOGIN = "c.martin"
CHUNK = 32 * 1024


class SlowDownload(threading.Thread):
    """GET a URL and read the body CHUNK bytes at a time with a pause between reads (a slow client)."""

    def __init__(self, host: str, port: int, path: str, cookie: str = "", pause_s: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.host, self.port, self.path, self.pause_s, self.cookie = host, port, path, pause_s, cookie
        self.received = 0
        self.head = b""
        self.started = threading.Event()
        self.done = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, CHUNK)  # before connect: no window autotuning
            sock.settimeout(60)
            sock.connect((self.host, self.port))
            sock.sendall(f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\nCookie: {self.cookie}\r\n"
                         "Connection: close\r\n\r\n".encode())
            throttle = threading.Event()
            data = b""
            while b"\r\n\r\n" not in data:
                data += sock.recv(CHUNK)
            self.head, _, body = data.partition(b"\r\n\r\n")
            self.received = len(body)
            while True:
                piece = sock.recv(CHUNK)
                if not piece:
                    break
                self.received += len(piece)
                if self.received > 1024 * 1024:
                    self.started.set()
                throttle.wait(self.pause_s)  # the throttling itself
            sock.close()
        except BaseException as e:  # noqa: BLE001 - reported by the test
            self.error = e
        finally:
            self.started.set()
            self.done.set()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("served")
    settings = build_warehouse(root / "data")
    jobs = root / "jobs"
    jobs.mkdir()
    job = Job(uuid.uuid4().hex, "fact_documents", "csv", "gros.csv", status="done", rows_total=1, rows_done=1,
              bytes=FILE_BYTES, owner=LOGIN)  # a job file is served to the person who started it
    (jobs / f"{job.id}.csv").write_bytes(os.urandom(FILE_BYTES))
    (jobs / f"{job.id}.json").write_text(json.dumps(dataclasses.asdict(job)))
    env = {"SEGUR_DATA_DIR": str(settings.data_dir), "SEGUR_TODAY": "2025-12-15", "SEGUR_JOBS_DIR": str(jobs),
           "SEGUR_WORKERS": "1", "SEGUR_THREADS": "4", "SEGUR_WORKER_TIMEOUT": "4",
           "SEGUR_DOWNLOADS_PER_PROCESS": "1"}
    with GunicornServer(env, root / "gunicorn.log") as server:
        server.cookie = dc.signed_in(server.url, settings.app_db, LOGIN).cookie
        yield server, job


def _get(server: GunicornServer, path: str) -> tuple[int, bytes]:
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.request("GET", path, headers={"Cookie": server.cookie})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


def _slow(server: GunicornServer, job: Job) -> SlowDownload:
    host, port = server.url.removeprefix("http://").split(":")
    download = SlowDownload(host, int(port), f"/exports/jobs/{job.id}", server.cookie)
    download.start()
    assert download.started.wait(60) and download.error is None, download.error
    return download


def test_a_slow_download_holds_one_thread_not_the_worker(served):
    server, job = served
    pids = server.worker_pids()
    assert len(pids) == 1
    download = _slow(server, job)
    status, body = _get(server, "/_dash-layout")  # served by another thread of the same worker
    assert status == 200 and b"_pages_content" in body
    assert not download.done.is_set()  # …while the slow client is still reading
    status, _ = _get(server, "/exports/workbook.xlsx?as_of=0000-01")
    assert status == 400
    status, body = _get(server, f"/exports/jobs/{job.id}")  # over SEGUR_DOWNLOADS_PER_PROCESS=1: threads stay free
    assert status == 503 and body.decode().startswith("Trop de téléchargements en cours sur ce serveur")
    assert not download.done.is_set()
    assert download.done.wait(120) and download.error is None, download.error
    assert download.head.startswith(b"HTTP/1.1 200") and download.received == FILE_BYTES
    assert "WORKER TIMEOUT" not in server.text()
    assert server.worker_pids() == pids  # the same worker, never killed nor replaced
    status, body = _get(server, f"/exports/jobs/{job.id}")  # the slot is given back once the transfer ends
    assert status == 200 and len(body) == FILE_BYTES


def test_logs_are_json_lines_with_the_request_fields(served):
    server, job = served
    _get(server, "/_dash-layout")
    server.wait_for(lambda: any(e.get("logger") == "access" and e.get("path") == "/_dash-layout"
                                for e in server.log_entries()), 10, "no access line")
    access = [e for e in server.log_entries() if e.get("logger") == "access" and e.get("path") == "/_dash-layout"]
    assert access[-1]["status"] == 200 and access[-1]["method"] == "GET" and access[-1]["duration_ms"] >= 0
    assert any(e.get("logger") == "gunicorn.error" and "Booting worker" in e["message"] for e in server.log_entries())


def test_a_graceful_restart_lets_the_slow_download_finish(served):
    server, job = served
    old = server.worker_pids()
    download = _slow(server, job)
    server.hup()
    server.wait_for(lambda: len(server.worker_pids()) > len(old), 60, "no new worker after HUP")
    status, _ = _get(server, "/_dash-layout")
    assert status == 200
    assert download.done.wait(120) and download.error is None, download.error
    assert download.received == FILE_BYTES  # the old worker finished it before leaving
    assert "WORKER TIMEOUT" not in server.text()
