"""The workbook's Budget sheet, pivot-safe: flows and stocks apart, totals equal to the sum of their rows.

Left, the **flows**: envelope, committed and paid by dispositif × couloir × vague × région × year, additive in
every direction (a pivot table can sum any of them). No "reste" on these rows: a national envelope has no
région and a payment may fall in the year after its commitment, so a reste per row would be meaningless
(and often negative). Right, the **stocks** at the end of the as-of month, by dispositif: cumulated envelope,
committed and paid, and the restes where they mean something (« Reste à engager » only where the dispositif
has an envelope in the view, « Reste à verser » only where it commits before paying). Each table's total rows are formulas over exactly its rows.
"""

from __future__ import annotations

from datetime import date

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from indicators.budget import budget_frame
from indicators.query import ViewFilters
from reports.excel_text import TEXT
from reports.xlsx import FMT_EUR, Col, put, write_table

BOLD = Font(bold=True)


def stocks(frame, dispositifs: dict[str, str]) -> list[list]:
    """Per dispositif: envelope, committed, paid cumulated over the view's rows, and the restes."""
    by = frame.groupby("dispositif_code", dropna=False)[["envelope_eur", "committed_eur", "paid_eur"]]
    sums = by.sum(min_count=1)
    rows = []
    for code, env, com, paid in sums.itertuples(name=None):
        com, paid = com if com == com else 0.0, paid if paid == paid else 0.0
        has_env = env == env and env != 0
        # a dispositif paying lump sums without commitments (usage forfaits) has nothing "left to pay"
        rows.append([code, dispositifs.get(code, code), env if env == env else None, com, paid,
                     env - com if has_env else None, com - paid if com > 0 else None])
    return rows


def write_budget(ws, engine, as_of: date, view: ViewFilters, lang: str, dispositifs: dict[str, str],
                 month_text: str) -> None:
    tx = TEXT[lang]
    frame = budget_frame(engine.db, as_of, view)
    ref = engine.territory()
    regions = ref.region_label_fr if lang == "fr" else ref.region_label_en
    flows = [[d, dispositifs.get(d, d), c, v, reg, regions.get(reg, reg) if reg else tx["budget.national"], y,
              env, com, paid]
             for d, c, v, reg, y, env, com, paid, *_ in frame.itertuples(index=False, name=None)]
    money = [Col(tx[f"col.{k}"], FMT_EUR, 18) for k in ("envelope", "committed", "paid")]
    cols = [Col(tx["col.dispositif_code"], width=14), Col(tx["col.dispositif"], width=32),
            Col(tx["col.couloir_code"], width=15), Col(tx["col.vague"], width=8), Col(tx["col.region_code"], width=9),
            Col(tx["col.region"], width=28), Col(tx["col.year"], "0", 8), *money]
    first, last = write_table(ws, cols, flows, "Budget")
    ws.freeze_panes = "A2"
    _totals(ws, first, last, [len(cols) - 2, len(cols) - 1, len(cols)], tx, label_col=1)

    start = len(cols) + 2
    stock_cols = [Col(tx["col.dispositif_code"], width=14), Col(tx["col.dispositif"], width=32),
                  *(Col(tx[f"col.{k}_cum"], FMT_EUR, 18) for k in ("envelope", "committed", "paid")),
                  Col(tx["col.to_commit"], FMT_EUR, 18), Col(tx["col.to_pay"], FMT_EUR, 18)]
    s_first, s_last = write_table(ws, stock_cols, stocks(frame, dispositifs), "Restes", first_col=start)
    _totals(ws, s_first, s_last, list(range(start + 2, start + len(stock_cols))), tx, label_col=start)
    notes = [tx["budget.note"].format(date=month_text), tx["budget.stocks_note"]]
    if frame.attrs.get("envelope_note"):
        notes.append(tx["budget.note_departement"])
    for n, note in enumerate(notes):
        put(ws, max(last, s_last) + 4 + n, 1, note)


def _totals(ws, first: int, last: int, columns: list[int], tx: dict, label_col: int) -> None:
    """SUBTOTAL (follows the table's filters) and SUM rows under a table's money columns."""
    for offset, (label, func) in enumerate(((tx["budget.subtotal"], "SUBTOTAL(109,{c}{a}:{c}{b})"),
                                            (tx["budget.total"], "SUM({c}{a}:{c}{b})")), start=1):
        r = last + offset
        put(ws, r, label_col, label, font=BOLD)
        for col in columns:
            c = get_column_letter(col)
            cell = ws[f"{c}{r}"]
            cell.value = "=" + func.format(c=c, a=first, b=last)
            cell.number_format, cell.font = FMT_EUR, BOLD
