"""The sections of a committee pack beyond the indicator pages: budget, couloir scorecard, territories,
comments, changes and decisions; and the shared helpers (labels, statuses, signed changes). Pure data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import texts as shared_words
from appstate.changes import capped
from indicators import fmt
from indicators.compute import Engine, IndicatorResult, month_end
from indicators.labels import dimension_labels

if TYPE_CHECKING:
    from reports.pack_data import Row

TEMPLATES = Path(__file__).resolve().parent / "templates"
_TEXT = json.loads((TEMPLATES / "pack_text.json").read_text(encoding="utf-8"))
MAX_CHANGES = 30
OPEN_DECISIONS = ("a_faire", "en_cours")


def texts(lang: str) -> dict[str, str]:
    """Every label of a pack in one language: the pack's own (reports/templates/pack_text.json: key → [fr, en])
    and the words it shares with the screen and the workbook (statuses, decision statuses, comment kinds, common
    headings), from the one message catalogue (`texts`, locale/*.po)."""
    if lang not in ("fr", "en"):
        raise ValueError(f"langue inconnue « {lang} » (attendu : fr ou en)")
    return {**shared_words.messages(lang), **{k: v[0 if lang == "fr" else 1] for k, v in _TEXT.items()}}


@dataclass(frozen=True)
class Status:
    key: str
    icon: str
    label: str

    @property
    def text(self) -> str:
        return f"{self.icon} {self.label}"


def status_of(key: str, tx: dict[str, str]) -> Status:
    key = key if f"status.{key}" in tx else "no_data"
    return Status(key, shared_words.status_icon(key), tx[f"status.{key}"])


def signed(delta: float | None, unit: str, lang: str) -> str:
    """`+0,5 pt`, `−11,9 M€`, `+1 244 acteurs`: a change with its direction in the text, not only a colour."""
    if delta is None:
        return "—"
    arrow = "↗" if delta > 0 else "↘" if delta < 0 else "→"
    sign = "+" if delta > 0 else "−" if delta < 0 else ""
    body = (fmt.number(abs(delta), lang, digits=1) + "\u00a0pt") if unit == "pct" else fmt.value(abs(delta), unit, lang)
    return f"{arrow} {sign}{body}"


@dataclass(frozen=True)
class Comment:
    indicator_id: str
    couloir: str | None
    kind: str
    body: str
    author: str
    when: str


@dataclass(frozen=True)
class BudgetLine:
    code: str
    label: str
    envelope: float | None
    committed: float
    paid: float
    texts: tuple[str, str, str, str]  # envelope, committed, paid, committed unpaid


@dataclass
class BudgetSection:
    envelope: float
    committed: float
    paid: float
    tiles: list[tuple[str, str, str]]  # (label, amount, detail)
    lines: list[BudgetLine]
    total: BudgetLine
    rows: list[Row]  # the budget indicators
    note: str
    summary: str


@dataclass(frozen=True)
class ScorecardRow:
    code: str
    label: str
    value: float | None
    target: float | None
    value_text: str
    target_text: str
    achieved_text: str
    status: Status
    reason: str
    comment: str


@dataclass
class Scorecard:
    title: str
    rows: list[ScorecardRow]
    summary: str


@dataclass(frozen=True)
class TerritoryRow:
    rank: int
    code: str
    label: str
    value: float | None
    value_text: str
    target_text: str
    status: Status
    gap_text: str
    here: bool


@dataclass
class Territories:
    indicator_id: str
    title: str
    unit: str
    rows: list[TerritoryRow]
    national_text: str
    intro: str
    summary: str


@dataclass(frozen=True)
class ChangeLine:
    severity: str
    severity_text: str
    sentence: str


@dataclass(frozen=True)
class DecisionLine:
    text: str
    owner: str
    due_text: str
    status_text: str
    overdue: bool
    links: str


def _get(item, key: str, default=None):
    return item.get(key, default) if isinstance(item, dict) else getattr(item, key, default)


def _date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def comment_views(comments, region: str | None, lang: str, tx: dict[str, str]) -> list[Comment]:
    """The comments of the view's territory (national: those without a territory), newest first."""
    def here(c) -> bool:
        if _get(c, "deleted"):
            return False
        return _get(c, "region_code") == region if region else not (_get(c, "region_code") or
                                                                  _get(c, "departement_code"))
    kept = sorted((c for c in comments if here(c)), key=lambda c: str(_get(c, "created_at") or ""), reverse=True)
    return [Comment(_get(c, "indicator_id") or "", _get(c, "couloir_code"), tx.get(f"comment_kind.{_get(c, 'kind')}",
                    _get(c, "kind") or ""), _get(c, "body") or "", _get(c, "author") or "",
                    fmt.day(_date(_get(c, "created_at")), lang)) for c in kept]


def labels(engine: Engine, dim: str, lang: str) -> dict[str, str]:
    """Display names of a dimension's codes in the pack's language (régions, couloirs, dispositifs)."""
    return dimension_labels(engine, dim, lang)


def budget_section(engine: Engine, frame, as_of: date, rows: list[Row], lang: str, tx: dict[str, str],
                   regional: bool = False, at_risk: Row | None = None) -> BudgetSection:
    """Envelope, committed and paid (indicators.budget), by dispositif, and the money at risk (`at_risk`: the
    row of the catalogue's at-risk indicator). In a région's pack the envelopes are the regional ones only
    (national envelopes are not split by région): no rate against them."""
    names = labels(engine, "dispositif", lang)
    by = frame.groupby("dispositif_code")[["envelope_eur", "committed_eur", "paid_eur"]].sum(min_count=1)

    def line(code: str, label: str, env, com, paid) -> BudgetLine:
        env = None if env is None or env != env else float(env)
        com, paid = float(com or 0.0), float(paid or 0.0)
        return BudgetLine(code, label, env, com, paid, tuple(fmt.value(v, "EUR", lang)
                                                              for v in (env, com, paid, com - paid)))
    lines = sorted((line(c, names.get(c, c), *v) for c, v in by.iterrows()),
                   key=lambda b: (-(b.envelope or 0.0), -b.committed))
    env, com, paid = (float(frame[c].sum()) for c in ("envelope_eur", "committed_eur", "paid_eur"))
    rate = {k: fmt.percent(v / env, lang) if env and not regional else "—"
            for k, v in (("committed", com), ("paid", paid))}

    def detail(key: str) -> str:
        return "" if regional else tx["budget.rate"].format(rate=rate[key])
    tiles = [(tx["col.envelope"], fmt.value(env, "EUR", lang), tx["budget.regional_envelope"] if regional else ""),
             (tx["col.committed"], fmt.value(com, "EUR", lang), detail("committed")),
             (tx["col.paid"], fmt.value(paid, "EUR", lang), detail("paid")),
             (tx["col.to_pay"], fmt.value(com - paid, "EUR", lang), tx["budget.to_pay"])]
    if at_risk is not None:  # the catalogue's one definition (indicators/at_risk.py), as on every page
        tiles.append((tx["col.at_risk"], at_risk.value_text, tx["budget.at_risk"].format(id=at_risk.id)))
    summary = tx["chart.budget_summary_regional" if regional else "chart.budget_summary"].format(
        envelope=tiles[0][1], committed=tiles[1][1], paid=tiles[2][1], committed_rate=rate["committed"],
        paid_rate=rate["paid"])
    note = tx["budget.note"].format(year=as_of.year, date=fmt.day(month_end(as_of), lang))
    if regional:
        note += " " + tx["budget.regional_envelope"]
    return BudgetSection(env, com, paid, tiles, lines, line("", tx["budget.total"], env, com, paid), rows, note,
                         summary)


def scorecard_section(r: IndicatorResult, comments: list[Comment], names: dict[str, str], lang: str,
                      tx: dict[str, str]) -> Scorecard:
    """USE-02 by couloir: documents over 12 months against each couloir's Ségur target."""
    unit = r.indicator.unit
    said = {}
    for c in comments:
        said.setdefault(c.couloir, c.body)  # newest first: the latest comment of the committee
    rows = []
    for b in r.breakdown or []:
        ratio = b.value / b.target if b.value is not None and b.target else None
        rows.append(ScorecardRow(b.key, names.get(b.key, b.label), b.value, b.target, fmt.value(b.value, unit, lang),
                                 fmt.value(b.target, unit, lang), fmt.percent(ratio, lang), status_of(b.status, tx),
                                 b.reason_fr if lang == "fr" else b.reason_en, said.get(b.key, "")))
    rows.sort(key=lambda s: (s.target is None, (s.value or 0) / s.target if s.target else -(s.value or 0)))
    targeted = [s for s in rows if s.target]
    met = sum(s.value is not None and s.value >= s.target for s in targeted)
    summary = tx["chart.scorecard_summary"].format(met=met, total=len(targeted),
                                                   worst=targeted[0].label if targeted else "—")
    return Scorecard(f"{r.id} {r.label(lang)}", rows, summary)


def territories_section(r: IndicatorResult, region: str | None, names: dict[str, str], lang: str,
                        tx: dict[str, str]) -> Territories:
    """An indicator by région, best first (direction-aware), the view's région marked."""
    unit = r.indicator.unit
    down = r.indicator.direction == "down"
    ranked = sorted((b for b in r.breakdown or [] if b.value is not None), key=lambda b: b.value, reverse=not down)
    rows = [TerritoryRow(i, b.key, names.get(b.key, b.label), b.value, fmt.value(b.value, unit, lang), fmt.value(b.target, unit, lang),
                         status_of(b.status, tx), b.gap_text(lang), b.key == region)
            for i, b in enumerate(ranked, start=1)]
    national = fmt.value(r.current.value if r.current else None, unit, lang)
    summary = ""
    if rows:
        best, worst = rows[0], rows[-1]
        summary = tx["chart.territory_summary"].format(
            indicator=r.label(lang), low=worst.value_text, low_region=worst.label, high=best.value_text,
            high_region=best.label, national=national)
        summary += "".join(" " + tx["chart.territory_here"].format(region=t.label, rank=t.rank, total=len(rows))
                           for t in rows if t.here)
    return Territories(r.id, f"{r.id} {r.label(lang)}", unit, rows, national,
                       tx["territories.intro"].format(indicator=f"{r.id} {r.label(lang)}",
                                                      month=fmt.month(r.as_of, lang)), summary)


def change_lines(changes, region: str | None, lang: str, tx: dict[str, str],
                 limit: int = MAX_CHANGES) -> tuple[list[ChangeLine], int]:
    """The changes of the view (a région's pack: that région's first, then the national ones), capped."""
    if region:
        changes = ([c for c in changes if _get(c, "territory") == region]
                   + [c for c in changes if _get(c, "territory") is None])
    else:
        changes = [c for c in changes if _get(c, "territory") is None] + [
            c for c in changes if _get(c, "territory") is not None]
    lines = [ChangeLine(_get(c, "severity") or "low", tx.get(f"severity.{_get(c, 'severity')}", ""),
                        _get(c, f"sentence_{lang}") or _get(c, "sentence_fr") or "") for c in changes]
    return capped(lines, limit)


def decision_lines(decisions, region: str | None, today: date, lang: str, tx: dict[str, str]) -> list[DecisionLine]:
    """Open decisions first (earliest due first), then the others; a région's pack: its own and national ones."""
    def concerns(d) -> bool:
        regions = _get(d, "regions") or ()
        return not region or region in regions or not (regions or _get(d, "departements"))
    kept = [d for d in decisions if concerns(d)]
    kept.sort(key=lambda d: (_get(d, "status") not in OPEN_DECISIONS, _date(_get(d, "due_date")) or date.max))
    out = []
    for d in kept:
        due = _date(_get(d, "due_date"))
        overdue = _get(d, "status") in OPEN_DECISIONS and due is not None and due < today
        status = tx.get(f"decision_status.{_get(d, 'status')}", _get(d, "status") or "")
        out.append(DecisionLine(_get(d, "text") or "", _get(d, "owner") or "", fmt.day(due, lang) if due else "—",
                                f"✖ {status} · {tx['decision.overdue']}" if overdue else status, overdue,
                                ", ".join(_get(d, "indicator_ids") or ())))
    return out
