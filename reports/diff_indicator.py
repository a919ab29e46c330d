"""« Depuis le dernier comité », one indicator: its status, value, milestone and target changes, nationally and
per région. A value move is computed only when both sides have a complete value: a missing or incomplete side
is said (« donnée manquante », « données incomplètes »), never taken as zero (reports.diff orders the lines).
"""

from __future__ import annotations

from datetime import date

from appstate.changes import Change, make_change
from indicators import fmt
from indicators.compute import IndicatorResult
from reports.change_text import STATUS_LABELS

STATUS_RANK = {"off_track": 0, "watch": 1, "on_track": 2}


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
        f"{_name(r, terr_label, 'fr')} : le statut {verb_fr}, de « {STATUS_LABELS[before][0]} » "
        f"à « {STATUS_LABELS[after][0]} ». {why[0]}",
        f"{_name(r, terr_label, 'en')}: status {verb_en} from '{STATUS_LABELS[before][1]}' "
        f"to '{STATUS_LABELS[after][1]}'. {why[1]}", direction="worse" if worse else "better")]


def _completeness(r: IndicatorResult, before: str, after: str, terr: str | None, terr_label: str | None,
                  why: tuple[str, str]) -> list[Change]:
    """A status that becomes, or stops being, « données incomplètes »: said, never read as a move."""
    if before == after or "incomplete" not in (before, after) or not {before, after} <= {*STATUS_RANK, "incomplete"}:
        return []
    now = after == "incomplete"
    fr = (f"{_name(r, terr_label, 'fr')} : données incomplètes, le statut « {STATUS_LABELS[before][0]} » n'est "
          f"plus établi. {why[0]}" if now else f"{_name(r, terr_label, 'fr')} : données de nouveau complètes, "
          f"statut « {STATUS_LABELS[after][0]} » (incomplètes au dernier comité).")
    en = (f"{_name(r, terr_label, 'en')}: incomplete data, the '{STATUS_LABELS[before][1]}' status no longer "
          f"holds. {why[1]}" if now else f"{_name(r, terr_label, 'en')}: data complete again, status "
          f"'{STATUS_LABELS[after][1]}' (incomplete at the last committee).")
    return [make_change("status", r.id, terr, before, after, "info", 1.0 if terr is None else 0.5, fr, en)]


def _not_compared(r: IndicatorResult, before: float | None, after: float, when: tuple, terr: str | None,
                  terr_label: str | None, why: str) -> list[Change]:
    """The value now, and why no move is computed: the earlier side is missing or incomplete (never 0)."""
    unit = r.indicator.unit
    said = {"missing": ("donnée manquante", "missing data"), "incomplete": ("données incomplètes", "incomplete data")}
    now_fr = f"{fmt.value(after, unit, 'fr')} ({_when(when[1], r.grain, 'fr')})"
    now_en = f"{fmt.value(after, unit, 'en')} ({_when(when[1], r.grain, 'en')})"
    return [make_change(
        "value", r.id, terr, before, after, "info", 0.1,
        f"{_name(r, terr_label, 'fr')} : {now_fr} ; au dernier comité : {said[why][0]}, évolution non calculée.",
        f"{_name(r, terr_label, 'en')}: {now_en}; at the last committee: {said[why][1]}, no change computed.",
        detail={"period_before": when[0], "period_after": when[1], "unit": unit, "not_compared": why})]


def _compared(r: IndicatorResult, before: float | None, after: float | None, statuses: tuple[str, str],
              when: tuple, terr: str | None, terr_label: str | None, big_move: float,
              national: tuple | None = None) -> list[Change]:
    """A value move when both sides are there and complete; else what can be said without computing one."""
    if after is None or statuses[1] == "incomplete":
        return []
    if before is None or statuses[0] == "incomplete":
        return _not_compared(r, before, after, when, terr, terr_label,
                             "missing" if before is None else "incomplete")
    return _value(r, before, after, when, terr, terr_label, big_move, national)


def _value(r: IndicatorResult, before: float | None, after: float | None, when: tuple, terr: str | None,
           terr_label: str | None, big_move: float, national: tuple | None = None) -> list[Change]:
    """A value move; for a région (`national` = the national (delta, pct)), only when it departs from the
    national move by at least `big_move`."""
    if after is None or before == after:
        return []
    unit = r.indicator.unit
    delta = after - before  # both present (`_compared`): a missing side is never a zero
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
        if national is not None and national_pct is not None:
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


def indicator_changes(cur, prev, ind_id: str, regions: bool, big_move: float) -> list[Change]:
    """Every change of one indicator from side `prev` to side `cur` (reports.diff.Side)."""
    ind = cur.engine.catalogue.indicator(ind_id)
    by_region = regions and "region" in ind.dimensions
    c = cur.engine.compute(ind_id, cur.as_of, None, "region" if by_region else None, with_forecast=False)
    p = prev.engine.compute(ind_id, prev.as_of, None, "region" if by_region else None, with_forecast=False)
    out = _status(c, p.status, c.status, None, None, (c.reason_fr, c.reason_en))
    out += _completeness(c, p.status, c.status, None, None, (c.reason_fr, c.reason_en))
    when = (_period(p.current), _period(c.current))
    national = _compared(c, p.current.value if p.current else None, c.current.value if c.current else None,
                         (p.status, c.status), when, None, None, big_move)
    out += national
    moved = [ch for ch in national if ch.delta is not None]
    comparable = (p.current and c.current and p.current.value is not None and c.current.value is not None
                  and "incomplete" not in (p.status, c.status))
    # the national move a région departs from: none known (not compared) is not a 0 % move
    nation = (moved[0].delta, moved[0].delta_pct) if moved else (0.0, 0.0) if comparable else (None, None)
    out += _milestones(p, c) + _target(p, c)
    if c.breakdown and p.breakdown:
        before = {row.key: row for row in p.breakdown}
        for row in c.breakdown:
            old = before.get(row.key)
            if old is None:
                continue
            out += _status(c, old.status, row.status, row.key, row.label, (row.reason_fr, row.reason_en))
            out += _completeness(c, old.status, row.status, row.key, row.label, (row.reason_fr, row.reason_en))
            out += _compared(c, old.value, row.value, (old.status, row.status), when, row.key, row.label, big_move,
                             national=nation)
    return out
