"""What changed in the app state between two committees: decisions due or overdue, new comments, météo.

Also home of `Change`, the record every line of « Depuis le dernier comité » is (see reports.diff, which
adds the indicator and data changes and sorts the whole list).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from appstate.comments import list_comments
from appstate.decisions import due_decisions, overdue_decisions
from appstate.labels import COMMENT_KIND_LABELS, METEO_LEVEL_LABELS, label
from appstate.meteo import LEVEL_RANK, current_meteos
from indicators import fmt

# The order the committee reads changes in: statuses that worsened (to off track, then to watch), targets
# missed, overdue decisions, then the largest moves (worse moves weigh more, see reports.diff). Severity: the
# first four high, the next three medium, the others low.
RANKS = ("status_off_track", "worse", "milestone_missed", "decision_overdue", "big_move", "better",
         "milestone_reached", "decision_due", "info", "data", "comment", "small_move")
HIGH_RANKS, MEDIUM_RANKS = 4, 7
COMMENT_WEIGHT = {"risque": 5, "decision": 4, "action": 3, "analyse": 2, "information": 1}


@dataclass(frozen=True)
class Change:
    kind: str  # status | value | milestone | target | new_data | data_revised | decision_overdue | comment | …
    indicator_id: str | None
    territory: str | None  # None: national; else a région (or département) code
    before: Any
    after: Any
    severity: str  # high | medium | low
    score: float  # importance within its rank (higher first)
    sentence_fr: str
    sentence_en: str
    rank: str = "small_move"
    direction: str | None = None  # better | worse
    delta: float | None = None
    delta_pct: float | None = None
    detail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        def plain(v):
            if isinstance(v, date | datetime):
                return v.isoformat()
            if isinstance(v, dict):
                return {k: plain(x) for k, x in v.items()}
            if isinstance(v, list | tuple):
                return [plain(x) for x in v]
            return v
        return plain(asdict(self))


def make_change(kind: str, indicator_id: str | None, territory: str | None, before, after, rank: str,
                score: float, fr: str, en: str, **kw) -> Change:
    position = RANKS.index(rank)
    severity = "high" if position < HIGH_RANKS else "medium" if position < MEDIUM_RANKS else "low"
    return Change(kind, indicator_id, territory, before, after, severity, score, fr, en, rank, **kw)


def capped(changes: list, limit: int | None) -> tuple[list, int]:
    """The first `limit` changes (most important first) and every high-severity one after them: a list cut
    to fit a page never drops a worsened status, a missed target or an overdue decision. Returns (shown,
    number left out). Works on anything with a `severity` (Change, a pack's ChangeLine, their dicts)."""
    if limit is None or len(changes) <= limit:
        return list(changes), 0

    def severity(c) -> str | None:
        return c.get("severity") if isinstance(c, dict) else getattr(c, "severity", None)

    shown = list(changes[:limit]) + [c for c in changes[limit:] if severity(c) == "high"]
    return shown, len(changes) - len(shown)


def short(text: str, n: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _decisions(session: Session, today: date, moment: datetime) -> list[Change]:
    out = []
    for d in overdue_decisions(session, today, as_of=moment):
        late = (today - d.due_date).days
        out.append(make_change(
            "decision_overdue", (d.indicator_ids or (None,))[0], (d.regions or (None,))[0], d.due_date, d.status,
            "decision_overdue", late,
            f"Décision n° {d.id} en retard de {late} jours (échéance {fmt.day(d.due_date, 'fr')}, "
            f"responsable {d.owner}) : {short(d.text)}",
            f"Decision #{d.id} overdue by {late} days (due {fmt.day(d.due_date, 'en')}, owner {d.owner}): "
            f"{short(d.text)}", detail={"decision_id": d.id, "indicators": list(d.indicator_ids)}))
    for d in due_decisions(session, today, as_of=moment):
        days = (d.due_date - today).days
        out.append(make_change(
            "decision_due", (d.indicator_ids or (None,))[0], (d.regions or (None,))[0], d.due_date, d.status,
            "decision_due", 100 - days,
            f"Décision n° {d.id} à échéance le {fmt.day(d.due_date, 'fr')} (responsable {d.owner}) : {short(d.text)}",
            f"Decision #{d.id} due on {fmt.day(d.due_date, 'en')} (owner {d.owner}): {short(d.text)}",
            detail={"decision_id": d.id, "indicators": list(d.indicator_ids)}))
    return out


def _comments(session: Session, since: datetime, moment: datetime) -> list[Change]:
    out = []
    for c in list_comments(session, as_of=moment, since=since):
        kind_fr, kind_en = label(COMMENT_KIND_LABELS, c.kind, "fr"), label(COMMENT_KIND_LABELS, c.kind, "en")
        out.append(make_change(
            "comment", c.indicator_id, c.region_code or c.departement_code, None, c.kind, "comment",
            COMMENT_WEIGHT.get(c.kind, 0) + c.created_at.timestamp() / 1e11,
            f"Nouveau commentaire ({kind_fr.lower()}) sur {c.indicator_id} par {c.author} le "
            f"{fmt.day(c.created_at.date(), 'fr')} : « {short(c.body)} »",
            f"New comment ({kind_en.lower()}) on {c.indicator_id} by {c.author} on "
            f"{fmt.day(c.created_at.date(), 'en')}: '{short(c.body)}'", detail={"comment_id": c.id}))
    return out


def _meteo(session: Session, since: datetime, moment: datetime) -> list[Change]:
    then, now = current_meteos(session, as_of=since), current_meteos(session, as_of=moment)
    out = []
    for key, m in sorted(now.items()):
        old = then.get(key)
        if old is not None and old.level == m.level:
            continue
        worse = LEVEL_RANK[m.level] > (LEVEL_RANK[old.level] if old else 1)  # a first météo: worse if not good
        rank = "worse" if worse else "better" if old else "info"
        was_fr = label(METEO_LEVEL_LABELS, old.level, "fr") if old else "aucune"
        was_en = label(METEO_LEVEL_LABELS, old.level, "en") if old else "none"
        out.append(make_change(
            "meteo", m.target_id if key[0] == "indicator" else None, None, old.level if old else None, m.level,
            rank, 1.0 + LEVEL_RANK[m.level],
            f"Météo de {m.target_id} : {was_fr} → {label(METEO_LEVEL_LABELS, m.level, 'fr')} ({m.author}) : "
            f"{short(m.justification)}",
            f"Météo (manual status) of {m.target_id}: {was_en} → {label(METEO_LEVEL_LABELS, m.level, 'en')} ({m.author}): "
            f"{short(m.justification)}",
            direction="worse" if worse else "better" if old else None,
            detail={"target_type": key[0], "target_id": key[1]}))
    return out


def state_changes(session: Session, today: date, moment: datetime, since: datetime | None) -> list[Change]:
    """Decisions overdue or due at `today` (as they stood at `moment`); comments and météo set after `since`."""
    out = _decisions(session, today, moment)
    if since is not None:
        out += _comments(session, since, moment) + _meteo(session, since, moment)
    return out
