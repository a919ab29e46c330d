"""The analyst's workbook of a dashboard view: every figure of the view, its targets, budget and provenance.

`build_workbook(engine, as_of, filters, lang)` asks the engine for each indicator (the workbook never
computes an indicator itself) and writes: Lisez-moi, Synthèse, one sheet per objective, Budget,
Définitions, Provenance. Numbers stay numbers, dates stay dates, text is never a formula.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from indicators import fmt
from indicators.budget import budget_frame
from indicators.budget_views import totals
from indicators.compute import Engine, IndicatorResult, month_end, parse_month
from indicators.labels import dimension_labels
from indicators.model import UNIT_LABELS
from indicators.query import ViewFilters
from indicators.rollup import rollup
from indicators.scope import Scope
from reports import VERSION
from reports.excel_budget import write_budget
from reports.excel_sheets import write_definitions, write_provenance, write_readme
from reports.excel_text import TEXT
from reports.excel_tidy import SHEET, write_tidy_sheet
from reports.xlsx import (
    FMT_DATE,
    FMT_RATIO,
    STATUS_COLOURS,
    Col,
    print_layout,
    put,
    sheet_title,
    unit_format,
    write_table,
)
from reports.xlsx_splice import SplicedWorkbook
from settings import load_settings

URL_KEYS = ("as_of", "region", "departement", "couloir", "dispositif", "vague", "lang", "snapshot")


def dashboard_link(as_of: date | str | None, filters: ViewFilters, lang: str = "fr", base: str | None = None,
                   snapshot: str | None = None) -> str:
    """The dashboard address of the same view: `http://127.0.0.1:8050/?as_of=2026-10&region=11`; with
    `snapshot`, the committee snapshot's frozen figures (`&snapshot=s-…`), not the live ones."""
    if base is None:
        base = load_settings().dashboard_url
    query = {"as_of": as_of.isoformat()[:7] if isinstance(as_of, date) else as_of, **dict(filters.items()),
             "lang": lang if lang != "fr" else None, "snapshot": snapshot}
    query = {k: query[k] for k in URL_KEYS if query.get(k)}
    return base + ("?" + urlencode(query) if query else "")


def build_workbook(engine: Engine, as_of: str | date | None = None, filters: ViewFilters | None = None,
                   lang: str = "fr", dashboard_url: str | None = None, scope: Scope | None = None,
                   snapshot: str | None = None) -> Workbook:
    """The workbook of one view (as-of month, filters, language); `dashboard_url` is the dashboard's base
    address (default: the settings' SEGUR_PUBLIC_URL, else http://HOST:PORT/); `scope` (default: the operator's,
    national) limits the régions of the long table; `snapshot`: the id of the committee snapshot whose frozen
    figures `engine` reads (its link then opens them)."""
    if lang not in TEXT:
        raise ValueError(f"langue inconnue « {lang} » (attendu : fr ou en)")
    view = filters or ViewFilters()
    as_of_m = parse_month(as_of) or engine.latest_month()
    tx = TEXT[lang]
    results = {i.id: engine.compute(i.id, as_of_m, view) for i in engine.catalogue.indicators}
    wb = SplicedWorkbook()
    used: set[str] = set()
    readme = wb.active
    readme.title = sheet_title(tx["sheet.readme"], used)
    summary = wb.create_sheet(sheet_title(tx["sheet.summary"], used))
    _summary(summary, engine, results, view, lang, as_of_m)
    for obj in engine.catalogue.objectives:
        ws = wb.create_sheet(sheet_title(getattr(obj.label, lang), used))
        _objective(ws, engine, [results[i] for i in obj.weights], as_of_m, view, lang, obj.id)
    write_budget(wb.create_sheet(sheet_title(tx["sheet.budget"], used)), engine, as_of_m, view, lang,
                 dimension_labels(engine, "dispositif", lang), month_end(as_of_m).strftime("%d/%m/%Y"))
    write_tidy_sheet(wb.create_sheet(sheet_title(SHEET[lang], used)), engine, as_of_m, view, lang, scope)
    write_definitions(wb.create_sheet(sheet_title(tx["sheet.definitions"], used)), engine.catalogue, lang)
    write_provenance(wb.create_sheet(sheet_title(tx["sheet.provenance"], used)), engine, lang)
    write_readme(readme, engine, as_of_m, view, lang, dashboard_link(as_of_m, view, lang, dashboard_url, snapshot),
                 [ws.title for ws in wb.worksheets])
    for ws in wb.worksheets:  # the readme's table starts further down: only data sheets repeat row 1
        print_layout(ws, None if ws is readme else "1:1")
    wb.properties.title = tx["title"]
    wb.properties.creator = f"Pilotage Ségur numérique {VERSION}"
    return wb


def write_workbook(path, engine: Engine, as_of: str | date | None = None, filters: ViewFilters | None = None,
                   lang: str = "fr", dashboard_url: str | None = None, snapshot: str | None = None) -> Path:
    """Build and save the workbook atomically (a partial file never takes the name)."""
    out = Path(path)
    tmp = out.with_name(f".{out.name}.partial")
    try:
        build_workbook(engine, as_of, filters, lang, dashboard_url, snapshot=snapshot).save(tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def status_text(status: str, lang: str) -> str:
    return TEXT[lang][f"status.{status}"]


def add_status_colours(ws, col: int, first_row: int, last_row: int, lang: str) -> None:
    """Fill a status column by status: the text is in the cell, the colour only repeats it."""
    letter = get_column_letter(col)
    for status, (fill, text) in STATUS_COLOURS.items():
        rule = FormulaRule(formula=[f'${letter}{first_row}="{status_text(status, lang)}"'],
                           fill=PatternFill(start_color=fill, end_color=fill, fill_type="solid"),
                           font=Font(color=text, bold=True))
        ws.conditional_formatting.add(f"{letter}{first_row}:{letter}{last_row}", rule)


def _label(r: IndicatorResult, lang: str) -> str:
    return getattr(r.indicator.label, lang)


def _territorial_budget_rates(engine: Engine, as_of: date, view: ViewFilters, lang: str) -> dict:
    """In a région view (the budget rates are not declared by région), the rates the dashboard's Budget page
    shows for it: committed and paid on the dispositifs with a territorialised envelope, over that envelope."""
    if not view.region or view.departement:
        return {}
    total = totals(budget_frame(engine.db, as_of, view))
    if not total["envelope_eur"] > 0:  # NaN or 0: no envelope known for the view, the engine's "no data" stands
        return {}
    period = as_of.replace(month=1, day=1)  # the rates are yearly (envelopes are yearly)
    return {"BUD-01": (total["committed_rate"] * 100, period), "BUD-02": (total["paid_rate"] * 100, period),
            "reason": TEXT[lang]["budget.territorial_rate"].format(
                envelope=fmt.value(total["envelope_eur"], "EUR", lang),
                uncovered=fmt.value(total["uncovered_committed_eur"], "EUR", lang))}


def _summary(ws, engine: Engine, results: dict[str, IndicatorResult], view: ViewFilters, lang: str,
             as_of: date) -> None:
    tx = TEXT[lang]
    units = {k: r.indicator.unit for k, r in results.items()}
    value_fmt = lambda row: unit_format(units[row[0]])  # noqa: E731
    cols = [Col(tx["col.id"], width=10), Col(tx["col.indicator"], width=45), Col(tx["col.objectives"], width=30),
            Col(tx["col.unit"], width=12), Col(tx["col.value"], value_fmt), Col(tx["col.period"], FMT_DATE),
            Col(tx["col.target_now"], value_fmt), Col(tx["col.final_target"], value_fmt),
            Col(tx["col.final_date"], FMT_DATE), Col(tx["col.progress"], FMT_RATIO, 13),
            Col(tx["col.status"], width=16), Col(tx["col.reason"], width=60), Col(tx["col.trend"], value_fmt),
            Col(tx["col.forecast"], width=60), Col(tx["col.last_period"], FMT_DATE),
            Col(tx["col.expected_next"], FMT_DATE), Col(tx["col.freshness"], width=14)]
    if view.items():
        cols += [Col(tx["col.national"], value_fmt), Col(tx["col.gap"], "0.0")]
    rows = []
    territorial = _territorial_budget_rates(engine, as_of, view, lang)
    for ind_id, r in results.items():
        cur, f, ind = r.current, r.forecast, r.indicator
        objectives = ", ".join(getattr(o.label, lang) for o in engine.catalogue.objectives_of(ind_id))
        forecast = (f.message_fr if lang == "fr" else f.message_en) if f else ""
        row = [ind_id, _label(r, lang), objectives, UNIT_LABELS[ind.unit][lang == "en"],
               cur.value if cur else None, cur.period if cur else None, cur.target if cur else None,
               r.milestones[-1].value if r.milestones else ind.target.final.value, ind.target.final.date,
               cur.progress if cur else None, status_text(r.status, lang),
               r.reason_fr if lang == "fr" else r.reason_en, r.trend, forecast, r.freshness.last_period,
               r.freshness.expected_next, tx["fresh.stale"] if r.freshness.stale else tx["fresh.ok"]]
        if ind_id in territorial and cur is None:  # the Budget page's rate of this région, not the engine's
            row[4], row[5], row[10], row[11] = (*territorial[ind_id], status_text("no_target", lang),
                                                territorial["reason"])
        if view.items():
            row += [r.national.value if r.national else None, r.gap_points]
        rows.append(row)
    first, last = write_table(ws, cols, rows, "Synthese")
    ws.freeze_panes = "C2"
    add_status_colours(ws, 11, first, last, lang)
    chart = BarChart()
    chart.type, chart.style, chart.title = "bar", 10, tx["chart.progress"]
    chart.add_data(Reference(ws, min_col=10, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.y_axis.numFmt, chart.y_axis.scaling.min, chart.y_axis.scaling.max = "0%", 0, 1
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.legend = None
    chart.height, chart.width = max(7.5, 0.5 * len(rows)), 16
    ws.add_chart(chart, f"A{last + 3}")
    _rollup_table(ws, engine, results, lang, len(cols) + 2)


def _rollup_table(ws, engine: Engine, results, lang: str, first_col: int) -> None:
    tx = TEXT[lang]
    objs = rollup(engine.catalogue, results)
    rows = [[o.id, o.label_fr if lang == "fr" else o.label_en, o.progress, status_text(o.status, lang),
             ", ".join(f"{n} {status_text(s, lang).lower()}" for s, n in sorted(o.counts.items())), o.covered_weight]
            for o in objs]
    cols = [Col(tx["col.objective_id"], width=14), Col(tx["col.objective"], width=36),
            Col(tx["col.weighted_progress"], FMT_RATIO, 14), Col(tx["col.status"], width=16),
            Col(tx["col.counts"], width=40), Col(tx["col.covered_weight"], FMT_RATIO, 14)]
    first, last = write_table(ws, cols, rows, "Objectifs", first_col=first_col)
    add_status_colours(ws, first_col + 3, first, last, lang)


def _objective(ws, engine: Engine, results: list[IndicatorResult], as_of: date, view: ViewFilters, lang: str,
               obj_id: str) -> None:
    tx = TEXT[lang]
    units = {r.id: r.indicator.unit for r in results}
    value_fmt = lambda row: unit_format(units[row[0]])  # noqa: E731
    series = [[r.id, _label(r, lang), p.period, p.value, p.target, p.progress, status_text(p.status, lang),
               tx["note.carried"] if p.carried else None]
              for r in results for p in r.series if p.value is not None or p.target is not None]
    cols = [Col(tx["col.id"], width=10), Col(tx["col.indicator"], width=40), Col(tx["col.period"], FMT_DATE),
            Col(tx["col.value"], value_fmt), Col(tx["col.target"], value_fmt), Col(tx["col.progress"], FMT_RATIO, 13),
            Col(tx["col.status"], width=16), Col(tx["col.note"], width=34)]
    first, last = write_table(ws, cols, series, f"Serie_{obj_id}")
    add_status_colours(ws, 7, first, last, lang)
    ws.freeze_panes = "A2"
    dim = None if view.departement else "departement" if view.region else "region"
    rows = []
    for r in results:
        if dim is None or dim not in r.indicator.dimensions:
            continue
        res = engine.compute(r.id, as_of, view, breakdown=dim, with_forecast=False)
        rows += [[r.id, _label(r, lang), b.key, b.label, b.value, b.target, b.progress, status_text(b.status, lang),
                  b.gap_points] for b in res.breakdown or []]
    if rows:
        start = len(cols) + 2
        cols = [Col(tx["col.id"], width=10), Col(tx["col.indicator"], width=40),
                Col(tx[f"col.{dim}_code"], width=10), Col(tx[f"col.{dim}"], width=28), Col(tx["col.value"], value_fmt),
                Col(tx["col.target"], value_fmt), Col(tx["col.progress"], FMT_RATIO, 13),
                Col(tx["col.status"], width=16), Col(tx["col.gap"], "0.0")]
        first, last = write_table(ws, cols, rows, f"Territoires_{obj_id}", first_col=start)
        add_status_colours(ws, start + 7, first, last, lang)
        put(ws, last + 2, start, tx["note.breakdown"].format(month=fmt.month(as_of, lang)))




__all__ = ["add_status_colours", "build_workbook", "dashboard_link", "status_text", "write_workbook"]
