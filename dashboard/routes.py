"""Plain Flask routes next to Dash: downloadable source templates (files, not base64 in JSON)."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import flask

from etl.sources import CONTRACTS
from etl.templates import write_templates
from reports.formats import media_types

FORMATS = media_types("csv", "xlsx")  # the templates' formats (reports/formats.py)
_lock = threading.Lock()


def template_filename(source: str, ext: str) -> str | None:
    """`<source>.<ext>` if both are known (the only names ever served: no path from the request is used)."""
    if source in CONTRACTS and ext in FORMATS:
        return f"{source}.{ext}"
    return None


def _templates_dir(server: flask.Flask) -> Path:
    """Templates are generated once per process from the contracts, into a private cache directory."""
    with _lock:
        cached = server.config.get("SEGUR_TEMPLATES_DIR")
        if cached and Path(cached).is_dir():
            return Path(cached)
        out = Path(tempfile.mkdtemp(prefix="segur-templates-"))
        write_templates(out)
        server.config["SEGUR_TEMPLATES_DIR"] = str(out)
        return out


def template_href(source: str, ext: str) -> str:
    return f"/templates/{source}.{ext}"


def register(server: flask.Flask) -> None:
    @server.get("/templates/<name>")
    def download_template(name: str):
        source, _, ext = name.rpartition(".")
        file_name = template_filename(source, ext)
        if file_name is None:
            flask.abort(404)
        path = _templates_dir(server) / file_name
        return flask.send_file(path, mimetype=FORMATS[ext], as_attachment=True, download_name=file_name,
                               max_age=0)
