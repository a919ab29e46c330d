"""The overview's alerts: off-track indicators, late data, territories behind, milestones due soon.

`collect_alerts` is pure (OverviewData in, Alert list out, in catalogue order within each kind);
`alerts_panel` renders them, each linking to the indicator page that explains it.
"""

from __future__ import annotations

from dataclasses import dataclass

import dash_mantine_components as dmc
from dash import html

from dashboard import ids
from dashboard.components.indicator_common import TERRITORY_TABLES, fmt_value
from dashboard.components.overview_data import GAP_THRESHOLD_POINTS, OverviewData, TerritoryGap
from dashboard.format import fmt_date, fmt_number
from dashboard.theme import status_style

KINDS = ("off_track", "territory", "stale", "milestone")
KIND_STATUS = {"off_track": "off_track", "territory": "watch", "stale": "watch", "milestone": "no_target"}
TERRITORIES_NAMED = 4
SHOWN = 5  # alerts listed per group before "see the others"


@dataclass(frozen=True)
class Alert:
    kind: str  # one of KINDS
    indicator_id: str
    territories: tuple[TerritoryGap, ...] = ()
    view_gap: float | None = None  # the filtered territory vs the national value (territory alerts), in points
    shown_gap: TerritoryGap | None = None  # the same gap in the indicator's unit
    milestone: object | None = None  # indicators.compute.MilestoneView (milestone alerts)


def collect_alerts(data: OverviewData) -> list[Alert]:
    """Every alert of a view, grouped by kind (KINDS order), indicators in catalogue order."""
    found: dict[str, list[Alert]] = {k: [] for k in KINDS}
    for ind_id, result in data.results.items():
        if result is None or not data.available(ind_id):
            continue
        if result.status == "off_track":
            found["off_track"].append(Alert("off_track", ind_id))
        gaps = tuple(data.gaps.get(ind_id, ()))
        view_gap = data.view_gap.get(ind_id)
        if view_gap is not None and view_gap >= GAP_THRESHOLD_POINTS:
            view_gap = None
        if gaps or view_gap is not None:
            found["territory"].append(Alert("territory", ind_id, gaps, view_gap,
                                            data.view_gap_shown.get(ind_id) if view_gap is not None else None))
        if result.freshness.stale:
            found["stale"].append(Alert("stale", ind_id))
        for m in result.milestones:
            if m.state == "due_soon":
                found["milestone"].append(Alert("milestone", ind_id, milestone=m))
    return [a for k in KINDS for a in found[k]]


def _territory_text(alert: Alert, result, level: str | None, page) -> str:
    lang = page.lang
    parts = []
    if alert.view_gap is not None:
        shown = alert.shown_gap or TerritoryGap("", alert.view_gap)
        parts.append(page.t("alerts.view_gap", gap=shown.text(lang)))
    if alert.territories and level:
        named = [f"{page.reference.label(TERRITORY_TABLES[level], g.key, lang)} ({g.text(lang)})"
                 for g in alert.territories[:TERRITORIES_NAMED]]
        more = len(alert.territories) - TERRITORIES_NAMED
        listing = ", ".join(named) + (" " + page.t("alerts.and_more", n=more) if more > 0 else "")
        key = "alerts.territories_region" if level == "departement" else "alerts.territories_nation"
        parts.append(page.t(key, n=len(alert.territories), level=page.t(f"alerts.level.{level}"),
                            listing=listing))
    return " ".join(parts)


def alert_text(alert: Alert, data: OverviewData, page) -> str:
    """The sentence after the indicator's name."""
    result = data.results[alert.indicator_id]
    lang, unit = page.lang, result.indicator.unit
    if alert.kind == "off_track":
        return result.reason_en if lang == "en" else result.reason_fr
    if alert.kind == "stale":
        return page.t("alerts.stale_text", date=fmt_date(result.freshness.expected_next, lang),
                      last=fmt_date(result.freshness.last_period, lang))
    if alert.kind == "milestone":
        m = alert.milestone
        label = (m.label_en if lang == "en" else m.label_fr) or ""
        return page.t("alerts.milestone_text", date=fmt_date(m.date, lang), value=fmt_value(m.value, unit, lang),
                      label=label, current=fmt_value(result.current.value if result.current else None, unit, lang))
    return _territory_text(alert, result, data.gap_level, page)


def _item(alert: Alert, data: OverviewData, page) -> html.Li:
    result = data.results[alert.indicator_id]
    extra = {"by": data.gap_level} if alert.kind == "territory" and data.gap_level and alert.territories else {}
    style = status_style(KIND_STATUS[alert.kind])
    return html.Li([
        html.Span(style.icon, className="alert-icon", style={"color": style.color}, **{"aria-hidden": "true"}),
        html.Span([
            dmc.Anchor(f"{alert.indicator_id} · {result.label(page.lang)}",
                       href=page.href(f"/indicateurs/{alert.indicator_id}", **extra), className="alert-link"),
            html.Span(" — " + alert_text(alert, data, page), className="alert-detail"),
        ]),
    ], className=f"alert-item alert-{alert.kind}", **{"data-indicator": alert.indicator_id, "data-kind": alert.kind})


def alerts_panel(alerts: list[Alert], data: OverviewData, page) -> html.Section:
    """The alerts in four labelled groups; an empty group says so rather than disappearing."""
    groups = []
    for kind in KINDS:
        items = [a for a in alerts if a.kind == kind]
        style = status_style(KIND_STATUS[kind])
        title = html.H3([html.Span(style.icon, className="alert-group-icon", style={"color": style.color},
                                   **{"aria-hidden": "true"}),
                         page.t(f"alerts.group.{kind}", n=fmt_number(len(items), page.lang, decimals=0))],
                        className="alert-group-title")
        if not items:
            body = [html.P(page.t(f"alerts.none.{kind}"), className="alert-none")]
        else:
            body = [html.Ul([_item(a, data, page) for a in items[:SHOWN]], className="alert-items")]
            if len(items) > SHOWN:  # the rest one click away: the list stays readable on a projector
                body.append(html.Details([
                    html.Summary(page.t("alerts.more", n=fmt_number(len(items) - SHOWN, page.lang, decimals=0))),
                    html.Ul([_item(a, data, page) for a in items[SHOWN:]], className="alert-items"),
                ], className="alert-more"))
        groups.append(html.Div([title, *body], className=f"alert-group alert-group-{kind}"))
    summary = page.t("alerts.summary", n=fmt_number(len(alerts), page.lang, decimals=0))
    return html.Section([html.H2(page.t("alerts.title")), html.P(summary, className="section-lead"),
                         html.Div(groups, className="alert-groups")],
                        id=ids.OVERVIEW_ALERTS, className="page-section overview-alerts")
