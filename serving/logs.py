"""Structured logs for gunicorn: one JSON object per line, for the access log and for every error/app log.

`gunicorn.conf.py` sets `logger_class = "serving.logs.JsonLogger"`. The app's own loggers (dashboard, reports,
indicators…) go through the root logger, which gets the same JSON handler: one format for an operator's tools.
Query strings are not logged (they can be long and carry filters): their length is.
"""

from __future__ import annotations

import json
import logging
import os
import time

from gunicorn.glogging import Logger


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line: time, level, logger, process, message (and the trace of an exception)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(record.created)),
                 "level": record.levelname.lower(), "logger": record.name, "pid": record.process,
                 "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _MessageOnly(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage()


def access_entry(status: int, environ: dict, sent: int | None, request_time_s: float) -> dict:
    """The JSON fields of one request (pure: tested without gunicorn)."""
    return {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "level": "info", "logger": "access", "pid": os.getpid(),
            "remote": environ.get("HTTP_X_FORWARDED_FOR", environ.get("REMOTE_ADDR", "")).split(",")[0].strip(),
            "method": environ.get("REQUEST_METHOD", ""), "path": environ.get("PATH_INFO", "")[:512],
            "query_chars": len(environ.get("QUERY_STRING", "")), "status": status, "bytes": sent,
            "duration_ms": round(request_time_s * 1000, 1), "user": environ.get("segur.login") or None,
            "user_agent": environ.get("HTTP_USER_AGENT", "")[:200]}


class JsonLogger(Logger):
    """gunicorn's logger with JSON lines: errors through JsonFormatter, access lines built by access_entry."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())
        for handler in self.access_log.handlers:
            handler.setFormatter(_MessageOnly())
        root = logging.getLogger()
        for handler in list(root.handlers):
            if getattr(handler, "_segur", False):
                root.removeHandler(handler)
        for handler in self.error_log.handlers:
            shared = logging.StreamHandler(getattr(handler, "stream", None))
            shared.setFormatter(JsonFormatter())
            shared._segur = True  # type: ignore[attr-defined]
            root.addHandler(shared)
        if root.level > logging.INFO or root.level == logging.NOTSET:
            root.setLevel(logging.INFO)

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        seconds = request_time.total_seconds() if hasattr(request_time, "total_seconds") else float(request_time)
        status = getattr(resp, "status_code", None) or int(str(getattr(resp, "status", "0")).split()[0] or 0)
        sent = getattr(resp, "sent", None) or getattr(resp, "response_length", None)  # sendfile leaves sent at 0
        self.access_log.info(json.dumps(access_entry(status, environ, sent, seconds),
                                        ensure_ascii=False))
