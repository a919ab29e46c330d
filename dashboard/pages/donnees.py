"""Données: is the data fresh, what was loaded, what was rejected and why, which files, which templates."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_mantine_components as dmc
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.components import data_table, empty_state, page_header, status_badge
from dashboard.components.export_menu import grid_export, table_with_export
from dashboard.components.load_words import detected_words
from dashboard.components.table import export_as
from dashboard.format import fmt_bytes, fmt_date, fmt_datetime, fmt_month, fmt_number, fmt_percent
from dashboard.i18n import t
from dashboard.jobs import Job, registry, start_for_view, visible_job  # exports
from dashboard.pagekit import PageRequest, view
from dashboard.routes import template_href
from dashboard.state import parse_search
from etl.sources import CONTRACTS
from etl.status import status
from indicators.tables import CONTRACT_OF_TABLE
from reports.extracts import ExtractError, extract_tables

dash.register_page(__name__, path="/donnees", name="Données", title="Données — Ségur numérique", order=6)

REJECTS_SHOWN = 500


def freshness_table(sources: list[dict], page: PageRequest) -> html.Div:
    """One row per source contract: last period, last load, next expected, state (icon + text)."""
    lang = page.lang
    rows, raws, period_kinds = [], [], []
    for s in sources:
        c = CONTRACTS[s["source"]]
        if s["rows"] == 0:
            state = status_badge("no_data", lang, page.t("data.empty"))
        elif s["stale"]:
            state = status_badge("watch", lang, page.t("data.stale"))
        else:
            state = status_badge("on_track", lang, page.t("data.fresh"))
        rows.append({
            "source": c.title_en if lang == "en" else c.title_fr, "producer": c.producer,
            "periodicity": page.t(f"data.periodicity.{c.periodicity}"), "rows": s["rows"], "files": s["files"],
            "last_period": fmt_month(s["last_period"], lang) if c.periodicity == "monthly" else fmt_date(
                s["last_period"], lang),
            "last_load": fmt_datetime(s["last_load"], lang), "expected_next": fmt_date(s["expected_next"], lang),
            "state": state,
        })
        raws.append({"last_period": s["last_period"], "last_load": s["last_load"], "expected_next": s["expected_next"]})
        period_kinds.append("month" if c.periodicity == "monthly" else "date")
    df = pd.DataFrame(rows)
    headers = {k: page.t(f"data.col.{k}") for k in df.columns}
    return table_with_export(df, lang, page.t("data.freshness.title"), headers=headers,
                             formats={"rows": "count", "files": "int"}, raw=pd.DataFrame(raws, index=df.index),
                             raw_formats={"last_load": "datetime", "expected_next": "date"},
                             cell_kinds={"last_period": period_kinds})


def runs_table(report: dict, page: PageRequest) -> html.Div:
    """Published runs (load_run) and failed ones (run reports: nothing was published)."""
    lang = page.lang
    runs = [{**r, "message": ""} for r in report["runs"]]
    runs += [{"run_id": r["run_id"], "started_at": r["started_at"], "status": "failed", "mode": "", "files": None,
              "rows_loaded": None, "rows_rejected": None, "message": r.get("message") or ""}
             for r in report["failed_runs"]]
    if not runs:
        return html.P(page.t("data.runs.none"))
    runs.sort(key=lambda r: str(r["started_at"] or ""), reverse=True)
    df = pd.DataFrame([{
        "run": r["run_id"], "started": fmt_datetime(r["started_at"], lang),
        "status": status_badge({"published": "on_track", "published_with_rejects": "watch"}.get(r["status"],
                                                                                               "off_track"),
                               lang, page.t(f"data.run.{r['status']}")),
        "mode": page.t(f"data.mode.{r['mode']}") if r["mode"] else "—", "files": r["files"],
        "rows_loaded": r["rows_loaded"], "rows_rejected": r["rows_rejected"], "message": r["message"] or "—",
    } for r in runs[:20]])
    headers = {k: page.t(f"data.col.{k}") for k in df.columns}
    return table_with_export(df, lang, page.t("data.runs.title"), headers=headers,
                             formats={"files": "int", "rows_loaded": "count", "rows_rejected": "count"},
                             raw=pd.DataFrame({"started": [r["started_at"] for r in runs[:20]]}, index=df.index),
                             raw_formats={"started": "datetime"})


def rejects_section(page: PageRequest) -> list:
    wh = page.warehouse
    total = wh.query_one("SELECT count(*) FROM reject")[0]
    if total == 0:
        return [html.P(page.t("data.rejects.none"))]
    df = wh.query_df(
        "SELECT file_name AS file, source, sheet, row_number AS row, column_name AS column, value, rule, "
        "message AS reason FROM reject ORDER BY run_id DESC, file_name, row_number NULLS FIRST LIMIT ?",
        [REJECTS_SHOWN])
    headers = {k: page.t(f"data.col.{k}") for k in df.columns}
    return [
        html.P(page.t("data.rejects.count", total=fmt_number(total, page.lang, decimals=0),
                      shown=fmt_number(len(df), page.lang, decimals=0))),
        grid_export(data_table(df, ids.DATA_REJECTS_GRID, page.lang, headers=headers, formats={"row": "int"},
                               widths={"file": 230, "source": 170, "sheet": 110, "row": 90, "column": 170,
                                       "value": 130, "rule": 150, "reason": 420},
                               wrap=("reason",), page_size=20), page.lang, page.t("data.rejects.title")),
    ]


def files_section(page: PageRequest) -> list:
    df = page.warehouse.query_df(
        "SELECT f.file_name AS file, f.source, f.sha256, f.size_bytes AS size, f.detected, f.rows_read, "
        "f.rows_loaded, f.rows_rejected, f.period_min, f.period_max, f.run_id AS run, f.superseded_by AS superseded "
        "FROM source_file f ORDER BY f.run_id DESC, f.source, f.file_name")
    headers = {k: page.t(f"data.col.{k}") for k in df.columns}
    lang = page.lang
    df["detected"] = [detected_words(d, lang) for d in df["detected"]]  # stored in French by the loader
    return [
        html.P(page.t("data.files.summary", count=fmt_number(len(df), lang, decimals=0))),
        grid_export(data_table(df, ids.DATA_FILES_GRID, lang, headers=headers,
                               formats={"size": export_as("int", lambda v, lg: fmt_bytes(v, lg)), "rows_read": "count",
                                        "rows_loaded": "count", "rows_rejected": "count", "period_min": "date",
                                        "period_max": "date"},
                               widths={"file": 230, "source": 170, "sha256": 180, "size": 100, "detected": 340,
                                       "rows_read": 120, "rows_loaded": 130, "rows_rejected": 130, "period_min": 140,
                                       "period_max": 140, "run": 220, "superseded": 160},
                               wrap=("detected",), page_size=20), lang, page.t("data.files.title")),
    ]


def periods_section(sources: list[dict], page: PageRequest) -> list:
    """Which file(s) hold each run of periods of each source (etl/status.py `period_runs`)."""
    df = pd.DataFrame([{"source": s["source"], "period_from": r["from"], "period_to": r["to"], "periods": r["count"],
                        "file": ", ".join(r["files"]), "rows": r["rows"]}
                       for s in sources for r in s.get("periods", [])],
                      columns=["source", "period_from", "period_to", "periods", "file", "rows"])
    headers = {k: page.t(f"data.col.{k}") for k in df.columns}
    return [html.P(page.t("data.periods.lead")),
            grid_export(data_table(df, ids.DATA_PERIODS_GRID, page.lang, headers=headers,
                                   formats={"periods": "int", "rows": "count"},
                                   widths={"source": 170, "period_from": 140, "period_to": 140, "periods": 110,
                                           "file": 360, "rows": 120}, wrap=("file",), page_size=20),
                        page.lang, page.t("data.periods.title"))]


def templates_section(page: PageRequest) -> html.Ul:
    items = []
    for c in CONTRACTS.values():
        title = c.title_en if page.lang == "en" else c.title_fr
        links = [html.A(fmt.upper(), href=template_href(c.name, fmt), download=f"{c.name}.{fmt}",
                        className="download-link",
                        **{"aria-label": page.t("data.templates.download", fmt=fmt.upper(), title=title)})
                 for fmt in ("csv", "xlsx")]
        items.append(html.Li([
            html.Span(title, className="template-title"), " ",
            html.Code(c.name), f" — {c.producer}, {page.t(f'data.periodicity.{c.periodicity}')} ",
            html.Span(links, className="download-links"),
        ]))
    return html.Ul(items, className="template-list")


def section(title: str, *children, section_id: str | None = None) -> html.Section:
    props = {"id": section_id} if section_id else {}
    return html.Section([html.H2(title), *children], className="page-section", **props)


@view(needs_warehouse=False)
def layout(page: PageRequest):
    """Freshness and lineage are shown when a warehouse exists; templates always (they are how one starts)."""
    report = status(page.settings, page.ctx.today())
    parts: list = [page_header(page.t("data.title"), page.t("data.lead"))]
    if not page.warehouse.available():
        parts.append(empty_state(page.lang))
        if report["failed_runs"]:
            parts.append(section(page.t("data.runs.title"), runs_table(report, page)))
    else:
        late = sum(1 for s in report["sources"] if s["stale"])
        parts += [
            section(page.t("data.freshness.title"),
                    html.P(page.t("data.freshness.summary", late=late, total=len(report["sources"]),
                                  today=fmt_date(page.ctx.today(), page.lang))),
                    freshness_table(report["sources"], page), section_id=ids.DATA_FRESHNESS),
        ]
        if page.scope.can_admin_data:  # runs, rejected rows (every région's) and files: the data administrators'
            parts += [
                section(page.t("data.runs.title"), runs_table(report, page)),
                section(page.t("data.rejects.title"), *rejects_section(page)),
                section(page.t("data.files.title"), *files_section(page)),
                section(page.t("data.periods.title"), *periods_section(report["sources"], page)),
            ]
        parts.append(extract_section(page))  # --- exports ---
    parts.append(section(page.t("data.templates.title"), html.P(page.t("data.templates.lead")),
                         templates_section(page)))
    return parts


# --- exports --- large extracts: started here, written in the background (dashboard/jobs.py), polled by an
# Interval; the job id lives in the browser session, so leaving and coming back resumes the progress bar.
def extract_section(page: PageRequest) -> html.Section:
    def select(id_: str, key: str, data: list[dict], value: str) -> dmc.Select:
        return dmc.Select(id=id_, label=page.t(key), data=data, value=value, allowDeselect=False,
                          className="extract-field", comboboxProps={"withinPortal": True})

    tables = [{"value": n, "label": f"{getattr(CONTRACT_OF_TABLE[n], 'title_en' if page.lang == 'en' else 'title_fr')} ({n})"}
              for n in extract_tables()]
    return section(
        page.t("extract.title"), html.P(page.t("extract.lead")),
        html.Div([
            select(ids.EXTRACT_TABLE, "extract.table", tables,
                   next((o["value"] for o in tables if o["value"].startswith("fact_")), tables[0]["value"])),
            select(ids.EXTRACT_FORMAT, "extract.format", [{"value": "csv", "label": "CSV"},
                                                         {"value": "xlsx", "label": "XLSX"},
                                                         {"value": "parquet", "label": "Parquet"}], "csv"),
            select(ids.EXTRACT_SEP, "extract.sep", [{"value": ";", "label": ";"}, {"value": ",", "label": ","},
                                                   {"value": "tab", "label": page.t("extract.sep.tab")}], ";"),
            select(ids.EXTRACT_DECIMAL, "extract.decimal", [{"value": "comma", "label": page.t("extract.decimal.comma")},
                                                           {"value": "point", "label": page.t("extract.decimal.point")}],
                   "comma"),
            html.Button(page.t("extract.start"), id=ids.EXTRACT_START, n_clicks=0, type="button",
                        className="extract-start"),
        ], className="extract-form"),
        html.Div(id=ids.EXTRACT_PROGRESS, className="extract-progress"),
        tidy_links(page),
        dcc.Store(id=ids.EXTRACT_JOB, storage_type="session"),
        dcc.Interval(id=ids.EXTRACT_POLL, interval=800, disabled=True),
        section_id="extraction",
    )


def tidy_links(page: PageRequest) -> html.Div:
    """The long table (indicator × territory × month) of the person's scope, from the data API (which applies
    the scope: a regional reader gets their régions and the national row), and the API's description."""
    query = urlencode({k: v for k, v in (("lang", page.lang), ("as_of", page.state.as_of)) if v})
    links = [html.A(label, href=f"/api/v1/tidy?format={fmt}&{query}", download=f"table_longue.{fmt}",
                    className="download-link tidy-download", id=f"tidy-{fmt}")
             for fmt, label in (("xlsx", "XLSX"), ("csv", "CSV"), ("parquet", "Parquet"))]
    return html.Div([
        html.H3(page.t("extract.tidy.title")),
        html.P([page.t("extract.tidy.lead"), " ", *[x for a in links for x in (a, " ")]]),
        html.P([page.t("extract.tidy.api"), " ",
                html.A(page.t("extract.tidy.api_link"), href="/api/v1/openapi.json", id="api-docs-link")]),
    ], className="tidy-extract")


def extract_progress(job: Job, lang: str) -> list:
    """Progress bar and "N lignes sur M"; the download link when done; the reason when it failed."""
    def n(x: int) -> str:
        return fmt_number(x, lang, decimals=0)

    if job.status == "failed":
        return [html.P(t("extract.failed", lang, reason=job.error), role="alert", className="extract-error")]
    total = max(job.rows_total, 1)
    bar = html.Progress(value=str(total if job.status == "done" else job.rows_done), max=str(total),
                        className="extract-bar", **{"aria-label": t("extract.progress_label", lang)})
    if job.status == "done":
        return [bar, html.P([t("extract.done", lang, rows=n(job.rows_done), size=fmt_bytes(job.bytes, lang)), " ",
                             html.A(t("extract.download", lang, name=job.file_name), href=f"/exports/jobs/{job.id}",
                                    download=job.file_name, className="download-link extract-download")],
                            role="status")]
    text = (t("extract.running_percent", lang, done=n(job.rows_done), total=n(job.rows_total),
              percent=fmt_percent(job.rows_done / total, lang, decimals=0)) if job.status == "running"
            else t("extract.queued", lang))
    return [bar, html.P(text, className="extract-count")]


@dash.callback(
    Output(ids.EXTRACT_JOB, "data"), Output(ids.EXTRACT_POLL, "disabled"), Output(ids.EXTRACT_PROGRESS, "children"),
    Input(ids.EXTRACT_START, "n_clicks"), Input(ids.EXTRACT_POLL, "n_intervals"),
    Input(ids.EXTRACT_JOB, "modified_timestamp"),
    State(ids.EXTRACT_JOB, "data"), State(ids.EXTRACT_TABLE, "value"), State(ids.EXTRACT_FORMAT, "value"),
    State(ids.EXTRACT_SEP, "value"), State(ids.EXTRACT_DECIMAL, "value"), State(ids.URL, "search"),
)
def extract_job(n_clicks, _ticks, _stamp, job_id, table, fmt, sep, decimal, search):
    lang = "en" if parse_search(search).get("lang") == "en" else "fr"
    if ctx.triggered_id == ids.EXTRACT_START and n_clicks:
        try:
            job = start_for_view(search, table, fmt, sep, decimal)
        except ExtractError as e:
            return None, True, [html.P(t("extract.failed", lang, reason=str(e)), role="alert",
                                       className="extract-error")]
        return job.id, False, extract_progress(job, lang)
    job = visible_job(registry().get(job_id))
    if job is None:
        return no_update, True, ([html.P(t("extract.unknown_job", lang), role="status")] if job_id else [])
    return no_update, job.finished, extract_progress(job, lang)
