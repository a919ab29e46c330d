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
from indicators.compute import Engine, IndicatorResult
from indicators.tables import source_file
from texts import status_label

STATUS_RANK = {"off_track": 0, "watch": 1, "on_track": 2}

__all__ = ["Change", "Side", "committee_diff", "diff_snapshot", "live_side", "snapshot_side", "sort_key"]


class Side(NamedTuple):
    engine: Engine
    as_of: date
    meta: Any = None  # SnapshotMeta, or None for the live data

    @property
    def moment(self) -> datetime:
        return self.meta.created_at if self.meta is not None else datetime.now(UTC)


def _when(period: date | None, grain: str, lang: str) -> str:
    if period is None or grain == "month":
        return fmt.month(period, lang)
    if grain == "year":
        return str(period.year)
    return f"{'T' if lang == 'fr' else 'Q'}{(period.month - 1) // 3 + 1} {period.year}"


def _name(r: IndicatorResult, territory_label: str | None, lang: str) -> str:
    where = f" · {territory_label}" if territory_label else ""
    return f"{r.id} {r.label(lang)}{where}"


def _status(r: IndicatorResult, before: str, after: str, terr: str | None, terr_label: str | None,
            why: tuple[str, str]) -> list[Change]:
    if before == after or before not in STATUS_RANK or after not in STATUS_RANK:
        return []
    worse = STATUS_RANK[after] < STATUS_RANK[before]
    rank = ("status_off_track" if after == "off_track" else "worse") if worse else "better"
    verb_fr, verb_en = ("se dégrade", "worsens") if worse else ("s'améliore", "improves")
    score = (2 if terr is None else 1) + abs(STATUS_RANK[after] - STATUS_RANK[before])
    return [make_change(
        "status", r.id, terr, before, after, rank, score,
        f"{_name(r, terr_label, 'fr')} : le statut {verb_fr}, de « {status_label(before, 'fr', lower=True)} » "
        f"à « {status_label(after, 'fr', lower=True)} ». {why[0]}",
        f"{_name(r, terr_label, 'en')}: status {verb_en} from '{status_label(before, 'en', lower=True)}' "
        f"to '{status_label(after, 'en', lower=True)}'. {why[1]}", direction="worse" if worse else "better")]


def _value(r: IndicatorResult, before: float | None, after: float | None, when: tuple, terr: str | None,
           terr_label: str | None, big_move: float, national: tuple | None = None) -> list[Change]:
    """A value move; for a région (`national` = the national (delta, pct)), only when it departs from the
    national move by at least `big_move`."""
    if after is None or before == after:
        return []
    unit = r.indicator.unit
    delta = after - (before or 0.0)
    pct = delta / abs(before) if before else None
    national_pct = national[1] if national else None
    if national is None or pct is None or national_pct is None:
        gap = abs(pct) if pct is not None else None
    else:
        gap = abs(pct - national_pct)
    big = gap is None or gap >= big_move
    if national is not None and not big:
        return []
    good = (delta > 0) == (r.indicator.direction == "up")

    def signed(x: float | None, lang: str, unit_: str | None) -> str:
        if x is None:
            return "—"
        sign = "+" if x > 0 else "−" if x < 0 else ""
        if unit_ is None:
            return sign + fmt.percent(abs(x), lang, 1)
        text = fmt.value(abs(x), unit_, lang)
        return sign + (text.replace("\u00a0%", "\u00a0points" if lang == "fr" else "\u00a0pts"))

    def words(lang: str) -> str:
        share = f" ({signed(pct, lang, None)})" if pct is not None else ""
        then = f"{fmt.value(before, unit, lang)} ({_when(when[0], r.grain, lang)})"
        now = f"{fmt.value(after, unit, lang)} ({_when(when[1], r.grain, lang)})"
        nat = ""
        if national is not None:
            nat = f" ; national : {signed(national_pct, lang, None)}" if lang == "fr" else \
                f"; national: {signed(national_pct, lang, None)}"
        if lang == "fr":
            return f"{_name(r, terr_label, 'fr')} : {now} contre {then}, soit {signed(delta, lang, unit)}{share}{nat}."
        return f"{_name(r, terr_label, 'en')}: {now} against {then}, i.e. {signed(delta, lang, unit)}{share}{nat}."

    return [make_change("value", r.id, terr, before, after, "big_move" if big else "small_move",
                        (gap if gap is not None else 1.0) * (1.0 if good else 1.5), words("fr"), words("en"),
                        direction="better" if good else "worse", delta=delta, delta_pct=pct,
                        detail={"period_before": when[0], "period_after": when[1], "unit": unit,
                                "national_delta_pct": national_pct})]


def _milestones(prev: IndicatorResult, cur: IndicatorResult) -> list[Change]:
    before = {m.date: m.state for m in prev.milestones}
    out = []
    for m in cur.milestones:
        was = before.get(m.date)
        if m.state not in ("reached", "missed") or was == m.state:
            continue
        missed = m.state == "missed"
        unit = cur.indicator.unit
        fr = (f"{_name(cur, None, 'fr')} : jalon du {fmt.day(m.date, 'fr')} ({fmt.value(m.value, unit, 'fr')}) "
              f"{'manqué' if missed else 'atteint'}, valeur {fmt.value(m.actual, unit, 'fr')}.")
        en = (f"{_name(cur, None, 'en')}: milestone of {fmt.day(m.date, 'en')} ({fmt.value(m.value, unit, 'en')}) "
              f"{'missed' if missed else 'reached'}, value {fmt.value(m.actual, unit, 'en')}.")
        out.append(make_change("milestone", cur.id, None, was, m.state,
                               "milestone_missed" if missed else "milestone_reached", m.date.toordinal() / 1e6, fr,
                               en, direction="worse" if missed else "better",
                               detail={"date": m.date, "target": m.value, "actual": m.actual}))
    return out


def _target(prev: IndicatorResult, cur: IndicatorResult) -> list[Change]:
    a, b = prev.indicator.target.final, cur.indicator.target.final
    if (a.date, a.value) == (b.date, b.value):
        return []
    unit = cur.indicator.unit
    return [make_change(
        "target", cur.id, None, {"date": a.date, "value": a.value}, {"date": b.date, "value": b.value}, "data", 1.0,
        f"{_name(cur, None, 'fr')} : cible finale modifiée, {fmt.value(a.value, unit, 'fr')} au "
        f"{fmt.day(a.date, 'fr')} → {fmt.value(b.value, unit, 'fr')} au {fmt.day(b.date, 'fr')}.",
        f"{_name(cur, None, 'en')}: final target changed, {fmt.value(a.value, unit, 'en')} by "
        f"{fmt.day(a.date, 'en')} → {fmt.value(b.value, unit, 'en')} by {fmt.day(b.date, 'en')}.",
        detail={"unit": unit})]


def _period(p) -> date | None:
    return p.period if p is not None else None


def _indicator_changes(cur: Side, prev: Side, ind_id: str, regions: bool, big_move: float) -> list[Change]:
    ind = cur.engine.catalogue.indicator(ind_id)
    by_region = regions and "region" in ind.dimensions
    c = cur.engine.compute(ind_id, cur.as_of, None, "region" if by_region else None, with_forecast=False)
    p = prev.engine.compute(ind_id, prev.as_of, None, "region" if by_region else None, with_forecast=False)
    out = _status(c, p.status, c.status, None, None, (c.reason_fr, c.reason_en))
    when = (_period(p.current), _period(c.current))
    national = _value(c, p.current.value if p.current else None, c.current.value if c.current else None, when,
                      None, None, big_move)
    out += national
    out += _milestones(p, c) + _target(p, c)
    if c.breakdown and p.breakdown:
        before = {row.key: row for row in p.breakdown}
        for row in c.breakdown:
            old = before.get(row.key)
            if old is None:
                continue
            out += _status(c, old.status, row.status, row.key, row.label, (row.reason_fr, row.reason_en))
            out += _value(c, old.value, row.value, when, row.key, row.label, big_move,
                          national=(national[0].delta, national[0].delta_pct) if national else (0.0, 0.0))
    return out


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
            changes += _indicator_changes(cur, prev, ind.id, regions, big_move)
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
