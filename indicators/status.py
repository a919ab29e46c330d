"""Targets at a date, progress and status (RAG) — pure functions, direction-aware.

progress = (value − baseline) / (final target − baseline): the share of the way from the baseline to
the final target (PILOTE's rule). The status compares it with the share the trajectory expects at the
same date: ratio = progress / expected progress = (value − baseline) / (target at date − baseline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from indicators import fmt

STATUSES = ("on_track", "watch", "off_track", "no_target", "no_data", "incomplete")  # incomplete: completeness.py


def trajectory_points(baseline_date: date, baseline_value: float,
                      milestones: list[tuple[date, float]]) -> list[tuple[date, float]]:
    return [(baseline_date, baseline_value), *milestones]


def target_at(points: list[tuple[date, float]], when: date) -> float | None:
    """Linear interpolation between dated points; None before the first; flat after the last."""
    if not points or when < points[0][0]:
        return None
    for (d0, v0), (d1, v1) in zip(points, points[1:], strict=False):
        if d0 <= when <= d1:
            span = (d1 - d0).days
            return v1 if span == 0 else v0 + (v1 - v0) * (when - d0).days / span
    return points[-1][1]


@dataclass(frozen=True)
class Assessment:
    progress_raw: float | None  # share of the way from baseline to the final target (unclamped)
    progress: float | None  # clamped to [0, 1]
    expected: float | None  # share the trajectory expects at this date (clamped)
    ratio: float | None  # progress / expected (the status ratio)
    status: str


def _clamp(x: float | None) -> float | None:
    return None if x is None else min(1.0, max(0.0, x))


def assess(value: float | None, baseline: float, target_now: float | None, final: float,
           on_track: float, watch: float) -> Assessment:
    if value is None:
        return Assessment(None, None, None, None, "no_data")
    if target_now is None:
        return Assessment(None, None, None, None, "no_target")
    span = final - baseline
    if span == 0:
        raw = 1.0 if value == final else 0.0
        expected = 1.0
    else:
        raw = (value - baseline) / span
        expected = (target_now - baseline) / span
    if expected <= 0:
        ratio = 1.0 if raw >= 0 else 0.0
    else:
        ratio = raw / expected
    status = "on_track" if ratio >= on_track else "watch" if ratio >= watch else "off_track"
    return Assessment(raw, _clamp(raw), _clamp(expected), ratio, status)


def reason(a: Assessment, final_value: float, final_date: date, period_end: date, unit: str,
           lang: str, value: float | None = None, baseline: float | None = None, direction: str = "up") -> str:
    """One sentence saying why the status is what it is, in words that fit the direction: a value that moved
    away from its target is said so with the values (never "-88 % of the target reached"), and a target to
    go down to reads as a decrease to make."""
    fr = lang == "fr"
    if a.status == "no_data":
        return "Pas de donnée pour cette période et ce périmètre." if fr else "No data for this period and scope."
    if a.status == "no_target":
        return ("Pas de cible définie pour ce périmètre à cette date." if fr
                else "No target defined for this scope at this date.")
    target = fmt.value(final_value, unit, lang)
    year = final_date.year
    if value is not None and baseline is not None and (direction == "down" or (a.progress_raw or 0) < 0):
        return _reason_in_values(a, fmt.value(value, unit, lang), fmt.value(baseline, unit, lang), target,
                                 final_date, period_end, direction, lang)
    progress = fmt.percent(a.progress_raw if a.progress_raw is not None and a.progress_raw < 0 else a.progress, lang)
    expected = fmt.percent(a.expected, lang)
    if period_end >= final_date:
        if fr:
            return f"Échéance {fmt.month(final_date, lang)} passée : {progress} de la cible ({target}) atteinte."
        return f"Deadline {fmt.month(final_date, lang)} passed: {progress} of the target ({target}) reached."
    if fr:
        return f"{progress} de la cible {year} ({target}) ; la trajectoire attend {expected} à cette date."
    return f"{progress} of the {year} target ({target}); the trajectory expects {expected} by now."


def _reason_in_values(a: Assessment, value: str, baseline: str, target: str, final_date: date, period_end: date,
                      direction: str, lang: str) -> str:
    """The status sentence of a value to bring down, or of one that moved away from its target."""
    fr, down = lang == "fr", direction == "down"
    month, year = fmt.month(final_date, lang), final_date.year
    if down and not target.startswith("0"):  # "0 € or less" reads oddly: nothing less than nothing
        target = f"{target} ou moins" if fr else f"{target} or less"
    expected = fmt.percent(a.expected, lang)
    if (a.progress_raw or 0) < 0:
        if fr:
            where = "au-dessus" if down else "en dessous"
            aim = f"la cible {year} est {target}"
            lead = f"Échéance {month} passée : " if period_end >= final_date else ""
            return f"{lead}{value}, {where} de la référence ({baseline}) : l'écart à la cible s'est creusé ({aim})."
        where = "above" if down else "below"
        aim = f"the {year} target is {target}"
        lead = f"Deadline {month} passed: " if period_end >= final_date else ""
        return f"{lead}{value}, {where} the baseline ({baseline}): further from the target ({aim})."
    done = fmt.percent(a.progress, lang)
    if period_end >= final_date:
        if fr:
            return (f"Échéance {month} passée : {value} pour une cible de {target} (référence {baseline}) ; "
                    f"{done} de la baisse attendue faite.")
        return (f"Deadline {month} passed: {value} against a target of {target} (baseline {baseline}); "
                f"{done} of the expected decrease made.")
    if fr:
        return (f"{value} pour une cible {year} de {target} (référence {baseline}) : {done} de la baisse "
                f"attendue faite ; la trajectoire en attend {expected} à cette date.")
    return (f"{value} against a {year} target of {target} (baseline {baseline}): {done} of the expected "
            f"decrease made; the trajectory expects {expected} by now.")


def past_deadline(status: str, at_deadline: float | None, now: float | None, final: float, direction: str) -> str:
    """The status once the final deadline has passed: the trajectory's tolerance no longer applies. A target
    missed at its date is never « en bonne voie »: « à surveiller » when it has been met since, else « en
    retard ». With no value at the deadline, today's value decides."""
    def met(v: float | None) -> bool:
        return v is not None and (v >= final if direction == "up" else v <= final)
    if met(at_deadline) or (at_deadline is None and met(now)):
        return status
    return "watch" if met(now) else "off_track"


def deadline_reason(at_deadline: float | None, now: float | None, final: float, final_date: date, unit: str,
                    direction: str, lang: str) -> str:
    """Why a past deadline's status is what it is, with the value at the deadline and today's."""
    fr = lang == "fr"
    month, target = fmt.month(final_date, lang), fmt.value(final, unit, lang)
    then, today = fmt.value(at_deadline, unit, lang), fmt.value(now, unit, lang)
    met_now = now is not None and (now >= final if direction == "up" else now <= final)
    if at_deadline is None:
        return (f"Échéance {month} passée : pas de valeur à l'échéance ; {today} aujourd'hui pour une cible de "
                f"{target}." if fr else f"Deadline {month} passed: no value at the deadline; {today} now against "
                f"a target of {target}.")
    if met_now:
        return (f"Échéance {month} passée : cible de {target} manquée à l'échéance ({then}), atteinte depuis "
                f"({today} aujourd'hui)." if fr else f"Deadline {month} passed: target of {target} missed at the "
                f"deadline ({then}), met since ({today} now).")
    if then == today:
        return (f"Échéance {month} passée : cible de {target} manquée ({then} à l'échéance)." if fr
                else f"Deadline {month} passed: target of {target} missed ({then} at the deadline).")
    return (f"Échéance {month} passée : cible de {target} manquée ({then} à l'échéance, {today} aujourd'hui)."
            if fr else f"Deadline {month} passed: target of {target} missed ({then} at the deadline, {today} now).")


def milestone_state(value_at_date: float | None, target: float, due: date, as_of_end: date, direction: str) -> str:
    """reached | missed | due_soon (within 3 months) | upcoming."""
    met = value_at_date is not None and (value_at_date >= target if direction == "up" else value_at_date <= target)
    if due <= as_of_end:
        return "reached" if met else "missed"
    if met:
        return "reached"
    months = (due.year - as_of_end.year) * 12 + due.month - as_of_end.month
    return "due_soon" if months <= 3 else "upcoming"
