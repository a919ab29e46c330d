"""The overview's budget strip: envelope → committed → paid, with rates, and the amount at risk.

Amounts come from indicators.budget (when present), rates and statuses from the budget indicators
(BUD-01 committed / envelope, BUD-02 paid / envelope, BUD-04 money at risk (indicators/at_risk.py),
BUD-05 paid to date), so the strip and the indicator pages always agree.
"""

from __future__ import annotations

from dash import html

from dashboard import ids
from dashboard.components.indicator_common import fmt_value, unavailable_text
from dashboard.components.overview_data import OverviewData
from dashboard.components.status import status_badge
from dashboard.format import MISSING, fmt_percent


def _value_of(data: OverviewData, ind_id: str) -> float | None:
    r = data.results.get(ind_id)
    if r is None or not data.available(ind_id) or r.current is None:
        return None
    return r.current.value


def _status(data: OverviewData, ind_id: str, page) -> html.Span | None:
    r = data.results.get(ind_id)
    if r is None or not data.available(ind_id):
        return None
    return status_badge(r.status, page.lang)


def budget_figures(data: OverviewData) -> dict[str, float | None]:
    """The strip's numbers: amounts in euros and rates in percent (None when the view cannot say)."""
    b = data.budget
    envelope = b.envelope_eur if b else None
    committed = b.committed_eur if b else None
    paid = b.paid_eur if b else _value_of(data, "BUD-05")
    committed_pct = _value_of(data, "BUD-01")
    paid_pct = _value_of(data, "BUD-02")
    if committed_pct is None and envelope and committed is not None:
        committed_pct = committed / envelope * 100
    if paid_pct is None and envelope and paid is not None:
        paid_pct = paid / envelope * 100
    if not envelope:
        committed_pct = paid_pct = None  # a rate without its envelope would mislead
    return {
        "envelope": envelope, "committed": committed, "paid": paid, "committed_pct": committed_pct,
        "paid_pct": paid_pct, "paid_of_committed": (paid / committed * 100) if committed and paid is not None else None,
        "at_risk": _value_of(data, "BUD-04"),
    }


def _box(key: str, label: str, amount: str, details: list, status, href: str | None,
         share: float | None = None) -> html.Div:
    """One figure of the strip; `share` (0–1 of the envelope) draws a bar under the amount (its number is
    written in the details: the bar is decorative)."""
    title = html.A(label, href=href, className="budget-link") if href else label
    children = [html.P(title, className="budget-label"), html.P(amount, className="budget-amount")]
    if share is not None:
        width = f"{max(0.0, min(1.0, share)):.1%}"
        children.append(html.Div(html.Div(html.Div(className=f"progress-fill budget-fill-{key}", style={"width": width}),
                                          className="progress-track"), className="progress", **{"aria-hidden": "true"}))
    children += [html.P(d, className="budget-detail") for d in details if d]
    if status is not None:
        children.append(html.Div(status, className="budget-status"))
    return html.Div(children, className=f"budget-box budget-{key}", **{"data-figure": key})


def budget_strip(data: OverviewData, page) -> html.Section:
    f = budget_figures(data)
    lang = page.lang
    eur = lambda v: fmt_value(v, "EUR", lang)  # noqa: E731
    pct = lambda v: fmt_percent(None if v is None else v / 100, lang)  # noqa: E731
    share = lambda v: None if v is None else v / 100  # noqa: E731
    risk_na = data.availability.get("BUD-04")
    boxes = [
        _box("envelope", page.t("budget_strip.envelope"), eur(f["envelope"]) if f["envelope"] else MISSING,
             [page.t("budget_strip.envelope_detail", year=data.as_of.year) if f["envelope"]
              else page.t("budget_strip.envelope_na")], None, None, 1.0 if f["envelope"] else None),
        html.Span("→", className="budget-arrow", **{"aria-hidden": "true"}),
        _box("committed", page.t("budget_strip.committed"), eur(f["committed"]),
             [page.t("budget_strip.of_envelope", pct=pct(f["committed_pct"])) if f["committed_pct"] is not None
              else None], _status(data, "BUD-01", page), page.href("/indicateurs/BUD-01"), share(f["committed_pct"])),
        html.Span("→", className="budget-arrow", **{"aria-hidden": "true"}),
        _box("paid", page.t("budget_strip.paid"), eur(f["paid"]),
             [page.t("budget_strip.of_envelope", pct=pct(f["paid_pct"])) if f["paid_pct"] is not None else None,
              page.t("budget_strip.of_committed", pct=pct(f["paid_of_committed"]))
              if f["paid_of_committed"] is not None else None],
             _status(data, "BUD-02", page) or _status(data, "BUD-05", page),
             page.href("/indicateurs/BUD-02" if data.available("BUD-02") else "/indicateurs/BUD-05"),
             share(f["paid_pct"])),
        _box("at_risk", page.t("budget_strip.at_risk"), eur(f["at_risk"]),
             [page.t("budget_strip.at_risk_detail") if f["at_risk"] is not None
              else unavailable_text(risk_na, lang) if risk_na and not risk_na.available else None],
             _status(data, "BUD-04", page), page.href("/indicateurs/BUD-04")),
    ]
    sentence = page.t("budget_strip.summary", committed=eur(f["committed"]), paid=eur(f["paid"]),
                      at_risk=eur(f["at_risk"])) if f["at_risk"] is not None else \
        page.t("budget_strip.summary_short", committed=eur(f["committed"]), paid=eur(f["paid"]))
    return html.Section([
        html.Div([html.H2(page.t("budget_strip.title")),
                  html.A(page.t("budget_strip.more"), href=page.href("/budget"), className="section-more")],
                 className="section-head"),
        html.P(sentence, className="section-lead"),
        html.Div(boxes, className="budget-boxes"),
    ], id=ids.OVERVIEW_BUDGET, className="page-section overview-budget")
