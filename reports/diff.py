"""« Depuis le dernier comité »: what changed between two committee views, most important first.

A side is `(engine, as_of, meta)`: a snapshot (`meta` = its SnapshotMeta) or the live data (`meta` None).
The diff compares each indicator nationally and per région (status, value, milestones, target), the data
loaded per source, and the app state between the two moments (decisions due or overdue, new comments,
météo changes). Order: status worsened to off track, missed milestones, overdue decisions, other
worsenings, big moves, improvements, reached milestones, due decisions, new data, comments, small moves.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import select

from appstate.changes import RANKS, Change, make_change, state_changes
from etl.sources import CONTRACTS
from indicators import fmt
from indicators.compute import Engine
from indicators.tables import source_file
from reports.diff_indicator import indicator_changes

__all__ = ["Change", "Side", "committee_diff", "diff_snapshot", "live_side", "snapshot_side", "sort_key"]


class Side(NamedTuple):
    engine: Engine
    as_of: date
    meta: Any = None  # SnapshotMeta, or None for the live data

    @property
    def moment(self) -> datetime:
        return self.meta.created_at if self.meta is not None else datetime.now(UTC)


def _sources(engine: Engine) -> list[tuple]:
    sf = source_file.c
    return engine.db.rows(select(sf.source, sf.file_id, sf.file_name, sf.period_min, sf.period_max)
                          .where(sf.superseded_by.is_(None)))


def _data_changes(cur: Side, prev: Side) -> list[Change]:
    now, then = _sources(cur.engine), _sources(prev.engine)
    old_ids = {r[1] for r in then}
    feeds: dict[str, list[str]] = {}
    for ind in cur.engine.catalogue.indicators:
        for s in ind.sources:
            feeds.setdefault(s, []).append(ind.id)
    out = []
    for source in sorted({r[0] for r in now}):
        last_then = max((r[4] for r in then if r[0] == source and r[4]), default=None)
        last_now = max((r[4] for r in now if r[0] == source and r[4]), default=None)
        used = feeds.get(source, [])
        detail = {"source": source, "indicators": used}
        contract = CONTRACTS.get(source)
        title_fr, title_en = (contract.title_fr, contract.title_en) if contract else (source, source)
        if last_now and (last_then is None or last_now > last_then):
            out.append(make_change(
                "new_data", None, None, last_then, last_now, "data", 1.0 + len(used) / 100,
                f"Nouvelles données « {title_fr} » jusqu'à {fmt.month(last_now, 'fr')} (auparavant "
                f"{fmt.month(last_then, 'fr')}) ; indicateurs concernés : {', '.join(used) or 'aucun'}.",
                f"New '{title_en}' data up to {fmt.month(last_now, 'en')} (previously {fmt.month(last_then, 'en')}); "
                f"indicators: {', '.join(used) or 'none'}.", detail=detail))
        revised = sorted(r[2] for r in now if r[0] == source and r[1] not in old_ids and last_then
                         and r[3] is not None and r[3] <= last_then)
        if revised:
            out.append(make_change(
                "data_revised", None, None, None, revised, "data", 0.5 + len(used) / 100,
                f"Données « {title_fr} » corrigées pour des périodes déjà présentées ({', '.join(revised)}) ; "
                f"indicateurs concernés : {', '.join(used) or 'aucun'}.",
                f"'{title_en}' data corrected for periods already shown ({', '.join(revised)}); "
                f"indicators: {', '.join(used) or 'none'}.", detail=detail))
    return out


def _catalogue_changes(cur: Side, prev: Side) -> list[Change]:
    now = [i.id for i in cur.engine.catalogue.indicators]
    then = [i.id for i in prev.engine.catalogue.indicators]
    out = [make_change("indicator_added", i, None, None, i, "data", 0.2, f"Nouvel indicateur {i} au catalogue.",
                       f"New indicator {i} in the catalogue.") for i in now if i not in then]
    out += [make_change("indicator_removed", i, None, i, None, "data", 0.2, f"Indicateur {i} retiré du catalogue.",
                        f"Indicator {i} removed from the catalogue.") for i in then if i not in now]
    return out


def sort_key(c: Change) -> tuple:
    return (RANKS.index(c.rank), c.territory is not None, -c.score, c.indicator_id or "", c.territory or "", c.kind)


def committee_diff(current, previous, session, *, regions: bool = True, big_move: float = 0.10) -> list[Change]:
    """Every change from `previous` to `current` (each `(engine, as_of, meta|None)`), most important first.

    `session` reads the app state. A national value move from `big_move` (relative) up is a big move; a
    régional one is listed only when it departs from the national move by at least `big_move`.
    """
    cur, prev = Side(*current), Side(*previous)
    changes = _catalogue_changes(cur, prev) + _data_changes(cur, prev)
    previous_ids = {i.id for i in prev.engine.catalogue.indicators}
    for ind in cur.engine.catalogue.indicators:
        if ind.id in previous_ids:
            changes += indicator_changes(cur, prev, ind.id, regions, big_move)
    if session is not None:
        since = prev.meta.created_at if prev.meta is not None else None
        changes += state_changes(session, cur.engine.today, cur.moment, since)
    return sorted(changes, key=sort_key)


def live_side(settings, catalogue=None) -> Side:
    """The live data: the published warehouse and the current catalogue, at the last month loaded."""
    from indicators.catalog import load_catalogue

    today = date.fromisoformat(settings.today) if settings.today else None
    engine = Engine(settings.warehouse, catalogue or load_catalogue(settings.indicators), today=today)
    return Side(engine, engine.latest_month(), None)


def snapshot_side(settings, snapshot_id: str) -> Side:
    from reports.snapshot import open_snapshot

    engine, meta = open_snapshot(settings, snapshot_id)
    return Side(engine, meta.as_of, meta)


def diff_snapshot(settings, snapshot_id: str, against: str = "live", session=None, **options
                  ) -> tuple[Side, Side, list[Change]]:
    """(current, previous, changes) for a snapshot compared with `against`.

    against="live": from the snapshot to the live data; "previous": from the snapshot created before it
    to it; another snapshot id: from the older of the two to the newer.
    """
    from reports.snapshot import SnapshotError, get_snapshot, list_snapshots

    base = get_snapshot(settings, snapshot_id)
    if base.deleted_at is not None:
        raise SnapshotError(f"l'instantané {base.id} a été supprimé")
    if against == "live":
        current, previous = live_side(settings), snapshot_side(settings, base.id)
    else:
        if against == "previous":
            older = [m for m in list_snapshots(settings) if m.created_at < base.created_at]
            if not older:
                raise SnapshotError(f"aucun instantané antérieur à {base.id} ({base.label}) : comparez avec "
                                    "--against live")
            other = older[0]
        else:
            other = get_snapshot(settings, against)
        first, second = sorted([base, other], key=lambda m: m.created_at)
        current, previous = snapshot_side(settings, second.id), snapshot_side(settings, first.id)
    if session is None:
        from appstate.db import session_factory

        with session_factory(settings.app_db)() as own:
            return current, previous, committee_diff(current, previous, own, **options)
    return current, previous, committee_diff(current, previous, session, **options)
