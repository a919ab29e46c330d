"""Objective roll-up: weighted progress and status of the indicators an objective weighs."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.compute import IndicatorResult


@dataclass(frozen=True)
class ObjectiveResult:
    id: str
    label_fr: str
    label_en: str
    progress: float | None  # weighted mean of the indicators' clamped progress
    ratio: float | None  # weighted mean of progress / expected progress
    status: str
    counts: dict[str, int]  # status → number of indicators
    weights: dict[str, float]
    covered_weight: float  # share of the weights with data


def rollup(catalogue, results: dict[str, IndicatorResult]) -> list[ObjectiveResult]:
    """One ObjectiveResult per objective, from already computed indicator results (same view)."""
    on_track, watch = catalogue.defaults.status.on_track, catalogue.defaults.status.watch
    out = []
    for obj in catalogue.objectives:
        num_p = num_r = den = 0.0
        counts: dict[str, int] = {}
        for ind_id, w in obj.weights.items():
            r = results.get(ind_id)
            status = r.status if r else "no_data"
            counts[status] = counts.get(status, 0) + 1
            cur = r.current if r and r.status != "incomplete" else None  # incomplete data colours nothing
            if cur is None or cur.progress is None or cur.expected is None:
                continue
            ratio = cur.progress_raw / cur.expected if cur.expected > 0 else (1.0 if cur.progress_raw >= 0 else 0.0)
            num_p += w * cur.progress
            num_r += w * min(ratio, 1.5)  # one indicator far ahead must not hide the others
            den += w
        progress = num_p / den if den else None
        ratio = num_r / den if den else None
        status = ("no_data" if ratio is None else "on_track" if ratio >= on_track
                  else "watch" if ratio >= watch else "off_track")
        out.append(ObjectiveResult(obj.id, obj.label.fr, obj.label.en, progress, ratio, status, counts,
                                   dict(obj.weights), den))
    return out
