"""API answers as JSON (`{"data": …, "meta": …}`, ISO dates) or CSV (French Excel, through the export format
registry's CSV writer: the same bytes as the extracts)."""

from __future__ import annotations

import json
import math
from datetime import date, datetime

import flask

from dashboard.api.payloads import flat
from reports.formats import media_type, table_bytes


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON: {type(value).__name__}")


def _clean(value):
    """NaN and infinities are not JSON: null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def json_response(body: dict, status: int = 200) -> flask.Response:
    text = json.dumps(_clean(body), ensure_ascii=False, default=_default, allow_nan=False)
    resp = flask.Response(text, status=status, mimetype="application/json")
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def csv_bytes(rows: list[dict]) -> bytes:
    """Rows (nested dicts flattened) as CSV; every row gets every column, in first-seen order."""
    import pyarrow as pa

    flat_rows = [flat(r) for r in rows]
    columns: dict[str, None] = {}
    for r in flat_rows:
        columns.update(dict.fromkeys(r))
    data = {c: [_clean(r.get(c)) for r in flat_rows] for c in columns}
    arrays = {}
    for c, values in data.items():
        try:
            arrays[c] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed kinds in one column: their text
            arrays[c] = pa.array([None if v is None else _default(v) if isinstance(v, date) else str(v)
                                  for v in values])
        if pa.types.is_null(arrays[c].type):
            arrays[c] = arrays[c].cast(pa.string())
    return table_bytes("csv", pa.table(arrays) if arrays else pa.table({"": pa.array([], pa.string())}))


def answer(rows: list[dict] | dict, fmt: str, meta: dict | None = None, name: str = "segur") -> flask.Response:
    """JSON: `{"data": rows, "meta": meta}`; CSV: the rows (a single object is one row), as a download."""
    if fmt == "csv":
        resp = flask.Response(csv_bytes(rows if isinstance(rows, list) else [rows]), mimetype=media_type("csv"))
        resp.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Content-Type-Options"] = "nosniff"
        return resp
    return json_response({"data": rows, "meta": meta or {}})


def error(status: int, code: str, message: str) -> flask.Response:
    return json_response({"error": {"status": status, "code": code, "message": message}}, status)
