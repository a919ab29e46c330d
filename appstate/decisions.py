"""Committee decisions: who does what by when, linked to indicators and territories, every change kept."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from appstate import validate
from appstate.models import (
    DECISION_STATUSES,
    Decision,
    DecisionIndicator,
    DecisionRevision,
    DecisionTerritory,
    utcnow,
)

OPEN_STATUSES = ("a_faire", "en_cours")
UNSET = object()
SCALAR_FIELDS = ("text", "owner", "due_date", "status", "committee_label")
LINK_FIELDS = ("indicator_ids", "regions", "departements")


@dataclass(frozen=True)
class DecisionView:
    id: int
    text: str
    owner: str
    due_date: date | None
    status: str
    committee_label: str | None
    snapshot_id: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    indicator_ids: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()
    revisions: int = field(default=0, compare=False)

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue(self, today: date) -> bool:
        return self.open and self.due_date is not None and self.due_date < today

    def due_within(self, today: date, days: int = 30) -> bool:
        return self.open and self.due_date is not None and today <= self.due_date <= today + timedelta(days=days)


def _checked(values: dict, catalogue) -> dict:
    out = {}
    for name, value in values.items():
        if name == "text":
            out[name] = validate.text(value, "texte de la décision")
        elif name == "owner":
            out[name] = validate.author(value, "responsable")
        elif name == "due_date":
            out[name] = validate.day(value)
        elif name == "status":
            out[name] = validate.choice(value, DECISION_STATUSES, "statut de décision")
        elif name == "committee_label":
            out[name] = validate.optional_text(value, "libellé du comité", 200)
        elif name == "indicator_ids":
            out[name] = sorted({validate.indicator_id(i, catalogue) for i in value or ()})
        elif name in ("regions", "departements"):
            out[name] = validate.codes(value, "region" if name == "regions" else "departement")
    return out


def _links(decision: Decision) -> dict[str, list[str]]:
    return {"indicator_ids": [i.indicator_id for i in decision.indicators],
            "regions": sorted(t.code for t in decision.territories if t.level == "region"),
            "departements": sorted(t.code for t in decision.territories if t.level == "departement")}


def _set_links(decision: Decision, name: str, codes: list[str]) -> None:
    """Replace one kind of link, keeping the rows that stay (no delete + insert of the same key)."""
    if name == "indicator_ids":
        have = {i.indicator_id: i for i in decision.indicators}
        decision.indicators = [have.get(c) or DecisionIndicator(indicator_id=c) for c in codes]
        return
    level = "region" if name == "regions" else "departement"
    have = {t.code: t for t in decision.territories if t.level == level}
    others = [t for t in decision.territories if t.level != level]
    decision.territories = others + [have.get(c) or DecisionTerritory(level=level, code=c) for c in codes]


def add_decision(session: Session, text: str, owner: str, author: str, *, due_date: date | str | None = None,
                 status: str = "a_faire", committee_label: str | None = None, snapshot_id: str | None = None,
                 indicator_ids=(), regions=(), departements=(), catalogue=None,
                 now: datetime | None = None) -> Decision:
    """Record a decision; links to indicators (checked against `catalogue` if given) and territories."""
    author = validate.author(author)
    values = _checked({"text": text, "owner": owner, "due_date": due_date, "status": status,
                       "committee_label": committee_label, "indicator_ids": indicator_ids, "regions": regions,
                       "departements": departements}, catalogue)
    when = validate.moment(now) or utcnow()
    decision = Decision(created_by=author, created_at=when, updated_at=when,
                        snapshot_id=validate.snapshot_id(session, snapshot_id),
                        **{k: values[k] for k in SCALAR_FIELDS})
    for name in LINK_FIELDS:
        _set_links(decision, name, values[name])
    session.add(decision)
    session.flush()
    return decision


def _text(name: str, value) -> str | None:
    if name in LINK_FIELDS:
        return json.dumps(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def update_decision(session: Session, decision_id: int, author: str, *, text=UNSET, owner=UNSET, due_date=UNSET,
                    status=UNSET, committee_label=UNSET, indicator_ids=UNSET, regions=UNSET, departements=UNSET,
                    catalogue=None, now: datetime | None = None) -> Decision:
    """Change some fields of a decision; one revision (old, new, who, when) per changed field."""
    author = validate.author(author)
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise ValueError(f"décision introuvable (n° {decision_id})")
    given = {k: v for k, v in {"text": text, "owner": owner, "due_date": due_date, "status": status,
                               "committee_label": committee_label, "indicator_ids": indicator_ids,
                               "regions": regions, "departements": departements}.items() if v is not UNSET}
    values = _checked(given, catalogue)
    when = validate.moment(now) or utcnow()
    links = _links(decision)
    changed = 0
    for name, new in values.items():
        old = links[name] if name in LINK_FIELDS else getattr(decision, name)
        if old == new:
            continue
        changed += 1
        session.add(DecisionRevision(decision_id=decision.id, field=name, old_value=_text(name, old),
                                     new_value=_text(name, new), author=author, changed_at=when))
        if name in LINK_FIELDS:
            _set_links(decision, name, new)
        else:
            setattr(decision, name, new)
    if not changed:
        raise ValueError("aucune modification : les valeurs données sont celles de la décision")
    decision.updated_at = when
    session.flush()
    session.expire(decision, ["revisions"])
    return decision


def _parse(name: str, text: str | None):
    if name in LINK_FIELDS:
        return json.loads(text) if text else []
    if name == "due_date":
        return date.fromisoformat(text) if text else None
    return text


def _view(decision: Decision, as_of: datetime | None) -> DecisionView:
    values = {name: getattr(decision, name) for name in SCALAR_FIELDS} | _links(decision)
    revisions = list(decision.revisions)
    updated = decision.updated_at
    if as_of is not None:
        for rev in sorted((r for r in revisions if r.changed_at > as_of), key=lambda r: (r.changed_at, r.id),
                          reverse=True):
            values[rev.field] = _parse(rev.field, rev.old_value)
        revisions = [r for r in revisions if r.changed_at <= as_of]
        updated = max([decision.created_at] + [r.changed_at for r in revisions])
    return DecisionView(decision.id, values["text"], values["owner"], values["due_date"], values["status"],
                        values["committee_label"], decision.snapshot_id, decision.created_by, decision.created_at,
                        updated, tuple(values["indicator_ids"]), tuple(values["regions"]),
                        tuple(values["departements"]), len(revisions))


def list_decisions(session: Session, *, status: str | tuple[str, ...] | None = None, open_only: bool = False,
                   indicator_id: str | None = None, region: str | None = None, departement: str | None = None,
                   committee_label: str | None = None, as_of: datetime | None = None) -> list[DecisionView]:
    """Decisions as they stood at `as_of` (default: now), by due date (undated last), then number."""
    validate.moment(as_of, "as_of")
    stmt = select(Decision).options(selectinload(Decision.indicators), selectinload(Decision.territories),
                                    selectinload(Decision.revisions))
    if as_of is not None:
        stmt = stmt.where(Decision.created_at <= as_of)
    views = [_view(d, as_of) for d in session.scalars(stmt)]
    statuses = (status,) if isinstance(status, str) else status
    views = [v for v in views
             if (statuses is None or v.status in statuses) and (not open_only or v.open)
             and (indicator_id is None or indicator_id in v.indicator_ids)
             and (region is None or region in v.regions) and (departement is None or departement in v.departements)
             and (committee_label is None or v.committee_label == committee_label)]
    return sorted(views, key=lambda v: (v.due_date is None, v.due_date or date.max, v.id))


def overdue_decisions(session: Session, today: date, as_of: datetime | None = None) -> list[DecisionView]:
    """Open decisions whose due date is before `today`."""
    return [v for v in list_decisions(session, open_only=True, as_of=as_of) if v.overdue(today)]


def due_decisions(session: Session, today: date, within_days: int = 30,
                  as_of: datetime | None = None) -> list[DecisionView]:
    """Open decisions due between `today` and `today + within_days` (included)."""
    return [v for v in list_decisions(session, open_only=True, as_of=as_of) if v.due_within(today, within_days)]


def decision_history(session: Session, decision_id: int) -> list[dict]:
    """Every change of a decision, oldest first: field, old, new, author, changed_at."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise ValueError(f"décision introuvable (n° {decision_id})")
    return [{"field": r.field, "old": _parse(r.field, r.old_value), "new": _parse(r.field, r.new_value),
             "author": r.author, "changed_at": r.changed_at} for r in decision.revisions]

