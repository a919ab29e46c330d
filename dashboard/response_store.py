"""The second level of the response cache: answers kept as files in one directory, shared by the processes.

With 2 gunicorn workers (or more instances on one machine), each process's memory cache rendered every view once
per process, and a view asked again landed half the time on the process that had not rendered it. Files in one
directory (`SEGUR_RESPONSE_CACHE_DIR`, default `<SEGUR_DATA_DIR>/responses`) let a render in one process serve
the others: a miss in memory reads the file (a few hundred kB, well under a millisecond from the page cache).

The key already holds everything the answer depends on (dashboard/response_cache.py), the app-state version and
the published warehouse included, and the namespace is a digest of the app's whole settings (the app-state
database, access mode, paths…): only processes configured alike share answers. A file of an older generation
is never found again: it only waits for the
clean-up, which removes expired files (and the oldest when the directory outgrows its bound) at most every
CLEAN_EVERY_S seconds per process. A file is written whole under a temporary name then renamed (atomic on POSIX),
so a reader never sees half an answer. An unreadable or damaged file is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
import threading
import time
from pathlib import Path

CLEAN_EVERY_S = 30.0
_HEAD = struct.Struct("!dB")  # wall-clock expiry (shared between processes), 1 = "per person" marker
_SUFFIX = ".resp"


class ResponseStore:
    """Answers as files: `get(key)` -> (seconds left, body or None for the per-person marker, content type)."""

    def __init__(self, directory: Path, max_bytes: int, namespace: str = "") -> None:
        self.directory, self.max_bytes, self.namespace = Path(directory), max_bytes, namespace
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._last_clean = 0.0
        self._lock = threading.Lock()

    def _path(self, key: tuple) -> Path:
        return self.directory / (hashlib.sha256(repr((self.namespace, key)).encode()).hexdigest() + _SUFFIX)

    def get(self, key: tuple) -> tuple[float, bytes | None, str] | None:
        try:
            raw = self._path(key).read_bytes()
            expires, personal = _HEAD.unpack_from(raw)
            content_type, _, body = raw[_HEAD.size:].partition(b"\n")
        except (OSError, struct.error):
            return None
        left = expires - time.time()
        if left <= 0:
            return None
        return left, None if personal else body, content_type.decode("ascii", "replace")

    def put(self, key: tuple, ttl_s: float, body: bytes | None, content_type: str) -> None:
        head = _HEAD.pack(time.time() + ttl_s, body is None) + content_type.encode("ascii", "replace") + b"\n"
        try:
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(head + (body or b""))
            os.replace(tmp, self._path(key))
        except OSError:
            return  # a full or read-only disk costs a render, never an answer
        self._maybe_clean()

    def _maybe_clean(self) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last_clean < CLEAN_EVERY_S:
                return
            self._last_clean = now
        self.clean()

    def clean(self) -> int:
        """Remove expired files, then the oldest while the directory is over its bound; the number removed."""
        files, removed, wall = [], 0, time.time()
        for entry in os.scandir(self.directory):
            try:
                if entry.name.endswith(".tmp") and wall - entry.stat().st_mtime > 60:
                    os.unlink(entry.path)  # left by a process killed while writing
                    removed += 1
                    continue
                if not entry.name.endswith(_SUFFIX):
                    continue
                with open(entry.path, "rb") as fh:
                    expires, _ = _HEAD.unpack(fh.read(_HEAD.size))
                st = entry.stat()
            except (OSError, struct.error):
                continue
            if expires <= wall:
                removed += _unlink(entry.path)
            else:
                files.append((st.st_mtime, st.st_size, entry.path))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            removed += _unlink(path)
            total -= size
        return removed


def _unlink(path: str) -> int:
    try:
        os.unlink(path)
        return 1
    except OSError:
        return 0
