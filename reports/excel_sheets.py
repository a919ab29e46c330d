"""The reference sheets of the workbook: Lisez-moi (the view and its sources), Définitions, Provenance."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import PurePath

import pandas as pd
from openpyxl.styles import Font
from sqlalchemy import column, func, select
from sqlalchemy import table as sql_table

from etl.sources import CONTRACTS
from etl.status import expected_next
from indicators import fmt
from indicators.compute import Engine, month_end
from indicators.explain import describe
from indicators.labels import dimension_labels
from indicators.model import UNIT_LABELS
from indicators.query import ViewFilters
from indicators.tables import FACTS, source_file
from reports import VERSION
from reports.excel_text import TEXT
from reports.xlsx import FMT_DATE, FMT_DATETIME, FMT_INT, TITLE_FONT, Col, put, write_table

BOLD = Font(bold=True)
# load_run columns beyond those indicators/tables.py declares (read here only).
LOAD_RUN = sql_table("load_run", *(column(c) for c in (
    "run_id", "started_at", "finished_at", "status", "mode", "files_count", "rows_read", "rows_loaded",
    "rows_rejected", "etl_version")))


def _py(v):
    """A pandas/numpy value as a plain Python value openpyxl writes natively (NaT/NaN → empty)."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v.item() if hasattr(v, "item") else v


def filters_in_words(engine: Engine, view: ViewFilters, lang: str) -> str:
    """`Région : Île-de-France (11) ; Couloir : Hôpital (hopital)`."""
    tx = TEXT[lang]
    if not view.items():
        return tx["readme.no_filter"]
    labels = {"region": (tx["col.region"], dimension_labels(engine, "region", lang)),
              "departement": (tx["col.departement"], engine.territory().dep_label),
              "vague": (tx["col.vague"], {"1": f"{tx['col.vague']} 1", "2": f"{tx['col.vague']} 2"}),
              "couloir": (tx["col.couloir_code"], dimension_labels(engine, "couloir", lang)),
              "dispositif": (tx["col.dispositif"], dimension_labels(engine, "dispositif", lang))}
    return " ; ".join(f"{labels[d][0]} : {labels[d][1].get(c, c)} ({c})" for d, c in view.items())


def source_freshness(engine: Engine) -> list[dict]:
    """Per source contract: last period loaded, next one expected, stale or not, rows in the warehouse."""
    last = dict(engine.db.rows(select(source_file.c.source, func.max(source_file.c.period_max))
                               .where(source_file.c.superseded_by.is_(None)).group_by(source_file.c.source)))
    out = []
    for c in CONTRACTS.values():
        rows = engine.db.rows(select(func.count()).select_from(FACTS[c.table]))[0][0]
        nxt = expected_next(last.get(c.name), c.periodicity, c.availability_delay_days)
        out.append({"source": c.name, "title_fr": c.title_fr, "title_en": c.title_en, "producer": c.producer,
                    "last_period": last.get(c.name), "expected_next": nxt,
                    "stale": bool(nxt is None or nxt < engine.today) or rows == 0, "rows": rows})
    return out


def catalogue_label(cat, lang: str) -> str:
    """`indicators.yaml, version 1 (sha256 67bb8b3ae3e4…)`: the file's name, never the server's path to it."""
    return TEXT[lang]["readme.catalogue_value"].format(name=PurePath(cat.file).name, version=cat.version,
                                                      sha=cat.sha256[:12])


def write_readme(ws, engine: Engine, as_of: date, view: ViewFilters, lang: str, url: str,
                 sheet_titles: list[str]) -> None:
    tx = TEXT[lang]
    put(ws, 1, 1, tx["title"], font=TITLE_FONT)
    cat = engine.catalogue
    facts = [(tx["readme.as_of"], month_end(as_of), FMT_DATE), (tx["readme.month"], fmt.month(as_of, lang), None),
             (tx["readme.filters"], filters_in_words(engine, view, lang), None),
             (tx["readme.generated"], datetime.now().replace(microsecond=0), FMT_DATETIME),
             (tx["readme.version"], VERSION, None),
             (tx["readme.catalogue"], catalogue_label(cat, lang), None),
             (tx["readme.url"], url, None)]
    for r, (key, value, number_format) in enumerate(facts, start=3):
        put(ws, r, 1, key, font=BOLD)
        cell = put(ws, r, 2, value, number_format)
        if value == url:
            cell.hyperlink, cell.style = url, "Hyperlink"
    top = len(facts) + 4
    put(ws, top, 1, tx["readme.how"], font=TITLE_FONT)
    objectives = sheet_titles[2:-4]
    how = [(sheet_titles[0], tx["readme.how.readme"]), (sheet_titles[1], tx["readme.how.summary"]),
           *((t, tx["readme.how.objective"]) for t in objectives), (sheet_titles[-4], tx["readme.how.budget"]),
           (sheet_titles[-3], tx["readme.how.tidy"]),
           (sheet_titles[-2], tx["readme.how.definitions"]), (sheet_titles[-1], tx["readme.how.provenance"]),
           ("", tx["readme.how.numbers"])]
    for r, (title, text) in enumerate(how, start=top + 1):
        put(ws, r, 1, title, font=BOLD)
        put(ws, r, 2, text)
    r += 2
    put(ws, r, 1, tx["readme.freshness"], font=TITLE_FONT)
    rows = [[s["source"], s[f"title_{lang}"], s["producer"], s["last_period"], s["expected_next"],
             tx["fresh.stale"] if s["stale"] else tx["fresh.ok"], s["rows"]] for s in source_freshness(engine)]
    cols = [Col(tx["col.source"]), Col(tx["col.title"]), Col(tx["col.producer"]), Col(tx["col.last_period"], FMT_DATE),
            Col(tx["col.expected_next"], FMT_DATE), Col(tx["col.freshness"]), Col(tx["col.rows"], FMT_INT)]
    write_table(ws, cols, rows, "Fraicheur", first_row=r + 1)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 34)
    ws.column_dimensions["B"].width = max(ws.column_dimensions["B"].width or 0, 60)


def write_definitions(ws, catalogue, lang: str) -> None:
    tx = TEXT[lang]
    rows, milestones = [], []
    for ind in catalogue.indicators:
        unit = UNIT_LABELS[ind.unit][lang == "en"]
        steps = " ; ".join(f"{m.date:%d/%m/%Y} : {fmt.value(m.value, ind.unit, lang)}" for m in ind.target.milestones)
        rows.append([ind.id, ind.label.fr, ind.label.en, getattr(ind.description, lang), describe(ind.measure, lang),
                     unit, tx[f"direction.{ind.direction}"], ind.baseline.value, ind.baseline.date,
                     ind.target.final.value, ind.target.final.date, steps, ind.owner, ", ".join(ind.sources),
                     getattr(ind.notes, lang) if ind.notes else "", tx["yes"] if ind.public else tx["no"]])
        milestones += [[ind.id, m.date, m.value, getattr(m.label, lang) if m.label else "",
                        tx["reference"] if m.reference else tx["yes"] if m.official else tx["no"], m.source or ""]
                       for m in ind.target.milestones]
    value_fmt = {i.id: ("#,##0.0" if i.unit in ("pct", "jours") else FMT_INT) for i in catalogue.indicators}
    vf = lambda row: value_fmt[row[0]]  # noqa: E731
    cols = [Col(tx["col.id"], width=10), Col(tx["col.label_fr"], width=40), Col(tx["col.label_en"], width=40),
            Col(tx["col.description"], width=60), Col(tx["col.formula"], width=60), Col(tx["col.unit"], width=12),
            Col(tx["col.direction"], width=12), Col(tx["col.baseline"], vf), Col(tx["col.baseline_date"], FMT_DATE),
            Col(tx["col.final_target"], vf), Col(tx["col.final_date"], FMT_DATE), Col(tx["col.milestones"], width=50),
            Col(tx["col.owner"], width=12), Col(tx["col.sources"], width=30), Col(tx["col.notes"], width=60),
            Col(tx["col.public"], width=10)]
    write_table(ws, cols, rows, "Definitions")
    write_table(ws, [Col(tx["col.id"], width=10), Col(tx["col.date"], FMT_DATE), Col(tx["col.target"], vf),
                     Col(tx["col.milestone"], width=50), Col(tx["col.official"], width=10),
                     Col(tx["col.milestone_source"], width=40)], milestones, "Jalons", first_col=len(cols) + 2)
    ws.freeze_panes = "B2"


def write_provenance(ws, engine: Engine, lang: str) -> None:
    tx = TEXT[lang]
    sf = source_file.c
    files = engine.db.frame(select(sf.file_name, sf.source, sf.sha256, sf.period_min, sf.period_max, sf.rows_loaded,
                                   sf.run_id, sf.superseded_by).order_by(sf.source, sf.file_name))
    cols = [Col(tx["col.file"], width=40), Col(tx["col.source"], width=22), Col(tx["col.sha256"], width=66),
            Col(tx["col.period_min"], FMT_DATE), Col(tx["col.period_max"], FMT_DATE), Col(tx["col.rows"], FMT_INT),
            Col(tx["col.run"], width=24), Col(tx["col.superseded"], width=20)]
    write_table(ws, cols, ([_py(v) for v in row] for row in files.itertuples(index=False, name=None)), "Fichiers")
    lr = LOAD_RUN.c
    runs = engine.db.frame(select(*lr).order_by(lr.started_at.desc()))
    run_cols = [Col(tx["col.run"], width=24), Col(tx["col.started"], FMT_DATETIME, 18),
                Col(tx["col.finished"], FMT_DATETIME, 18), Col(tx["col.run_status"], width=22),
                Col(tx["col.mode"], width=10), Col(tx["col.files"], FMT_INT), Col(tx["col.rows_read"], FMT_INT),
                Col(tx["col.rows_loaded"], FMT_INT), Col(tx["col.rows_rejected"], FMT_INT),
                Col(tx["col.etl_version"], width=10)]
    write_table(ws, run_cols, ([_py(v) for v in row] for row in runs.itertuples(index=False, name=None)),
                "Executions", first_col=len(cols) + 2)
    ws.freeze_panes = "A2"
