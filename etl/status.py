"""What is published: last runs, freshness per source, row counts (read-only)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb

from etl import slices
from etl.sources import CONTRACTS
from settings import Settings

PERIOD_DAYS = {"monthly": 31, "quarterly": 92, "yearly": 366, "on_event": 31}


def expected_next(last_period: date | None, periodicity: str, delay_days: int) -> date | None:
    """PILOTE's rule: the next value is due one period after the last one, plus the availability delay."""
    if last_period is None:
        return None
    if periodicity == "monthly":
        y, m = divmod(last_period.month, 12)
        end_next = date(last_period.year + y, m + 1, 1)  # first day after the last period month
        y2, m2 = divmod(end_next.month, 12)
        end_next = date(end_next.year + y2, m2 + 1, 1) - timedelta(days=1)
    elif periodicity == "yearly":
        end_next = date(last_period.year + 1, 12, 31)
    else:
        end_next = last_period + timedelta(days=PERIOD_DAYS.get(periodicity, 31))
    return end_next + timedelta(days=delay_days)


def period_runs(provenance: list[dict]) -> dict[str, list[dict]]:
    """Per source, the periods grouped into runs of consecutive periods held by the same file(s):
    `{"from", "to", "count", "files", "rows"}`, oldest first; a file is named after its producer, if any
    (`ars-idf : funding_events.csv`)."""
    # Two versions of one file name (a resend) are two files: named with the start of their sha256 then.
    ids_of: dict[tuple[str, str | None], set[str]] = {}
    for p in provenance:
        ids_of.setdefault((p["source"], p["file"]), set()).add(p["file_id"])

    def label(p: dict) -> str:
        if p["file"] is None:
            name = p["file_id"]
        else:
            name = p["file"] if len(ids_of[(p["source"], p["file"])]) == 1 else f"{p['file']} ({p['file_id'][:8]})"
        # a source several producers deliver: whose slice it is
        return f"{p['producer']} : {name}" if p.get("producer") else name

    by_period: dict[tuple[str, str], dict] = {}
    for p in provenance:
        slot = by_period.setdefault((p["source"], p["period"]), {"files": set(), "rows": 0})
        slot["files"].add(label(p))
        slot["rows"] += p["rows"]
    runs: dict[str, list[dict]] = {}
    for (source, period), slot in sorted(by_period.items()):
        files = sorted(slot["files"])
        mine = runs.setdefault(source, [])
        if mine and mine[-1]["files"] == files:
            mine[-1].update(to=period, count=mine[-1]["count"] + 1, rows=mine[-1]["rows"] + slot["rows"])
        else:
            mine.append({"from": period, "to": period, "count": 1, "files": files, "rows": slot["rows"]})
    return runs


def status(settings: Settings, today: date) -> dict:
    """Runs, freshness and row counts, as a dict (the CLI prints it as text or JSON)."""
    result: dict = {"warehouse": str(settings.warehouse), "published": settings.warehouse.exists(),
                    "runs": [], "sources": [], "failed_runs": []}
    for path in sorted(Path(settings.runs_dir).glob("*.json"))[-20:] if settings.runs_dir.exists() else []:
        try:
            run = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if run.get("status") == "failed":
            result["failed_runs"].append({k: run.get(k) for k in ("run_id", "started_at", "message",
                                                                  "problems_count")})
    if not settings.warehouse.exists():
        return result
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        result["runs"] = [
            dict(zip(["run_id", "started_at", "finished_at", "status", "mode", "files", "rows_loaded",
                      "rows_rejected"], (str(v) if i in (1, 2) else v for i, v in enumerate(r)), strict=True))
            for r in con.execute(
                "SELECT run_id, started_at, finished_at, status, mode, files_count, rows_loaded, rows_rejected "
                "FROM load_run ORDER BY started_at DESC LIMIT 10").fetchall()
        ]
        has_periods = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'source_period'"
                                  ).fetchone()[0]
        runs = period_runs(slices.provenance(con)) if has_periods else {}
        for c in CONTRACTS.values():
            rows = con.execute(f"SELECT count(*) FROM {c.table}").fetchone()[0]
            files, last_load, pmax = con.execute(
                "SELECT count(*), max(r.finished_at), max(f.period_max) FROM source_file f "
                "LEFT JOIN load_run r USING (run_id) WHERE f.source = ? AND f.superseded_by IS NULL",
                [c.name]).fetchone()
            nxt = expected_next(pmax, c.periodicity, c.availability_delay_days)
            result["sources"].append({
                "source": c.name, "table": c.table, "rows": rows, "files": files,
                "last_load": str(last_load) if last_load else None,
                "last_period": str(pmax) if pmax else None,
                "expected_next": str(nxt) if nxt else None,
                "stale": bool(nxt and nxt < today) or rows == 0,
                "periods": runs.get(c.name, []),
            })
    finally:
        con.close()
    return result


def status_text(s: dict) -> str:
    if not s["published"]:
        return (f"Aucun entrepôt publié ({s['warehouse']}). Lancez : python -m etl demo && python -m etl load")
    lines = ["Dernières exécutions :"]
    for r in s["runs"]:
        lines.append(f"  {r['run_id']}  {r['status']:<24} {r['mode']:<8} {r['files']:>3} fichier(s) "
                     f"{r['rows_loaded']:>10} lignes  {r['rows_rejected']:>6} rejets")
    for r in s["failed_runs"][-5:]:
        lines.append(f"  {r['run_id']}  ÉCHEC  {r.get('message') or ''} ({r.get('problems_count')} problème(s))")
    lines.append("Sources :")
    for src in s["sources"]:
        flag = "EN RETARD" if src["stale"] else "à jour"
        lines.append(f"  {src['source']:<22} {src['rows']:>10} lignes  dernière période {src['last_period'] or '—':<10}"
                     f"  prochaine attendue {src['expected_next'] or '—':<10}  {flag}")
        for run in src["periods"]:
            span = run["from"] if run["from"] == run["to"] else f"{run['from']} → {run['to']}"
            lines.append(f"    {span} ({run['count']} période(s), {run['rows']} lignes) : {', '.join(run['files'])}")
    return "\n".join(lines)
