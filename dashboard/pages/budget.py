"""Budget: envelope → committed → paid, what remains, what is at risk before PNRR money stops, and where."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
import pandas as pd
from dash import html

from dashboard import ids
from dashboard.components import chart_with_table, data_table, kpi_row, kpi_tile, messages_alert, page_header
from dashboard.components.export_menu import grid_export, table_with_export
from dashboard.components.page_controls import cached, link_chips, view_month, wrapped_headers
from dashboard.figures.budget import calendar_rows, consumption_figure, lag_figure, risk_figure
from dashboard.format import fmt_date, fmt_days, fmt_eur, fmt_month, fmt_number, fmt_percent
from dashboard.pagekit import PageRequest, view
from dashboard.theme import status_style
from indicators.at_risk import risk_rules
from indicators.budget import budget_frame
from indicators.budget_views import (
    GROUPINGS,
    PNRR_END,
    beneficiaries,
    consumption,
    envelope_sources,
    grouped,
    money_at_risk,
    payment_lag,
    programme_calendar,
    totals,
)

dash.register_page(__name__, path="/budget", name="Budget", title="Budget — Ségur numérique", order=2)

DEFAULT_BY = ("dispositif",)
TOP_BENEFICIARIES = 100
AMOUNT_COLUMNS = ("envelope_eur", "committed_eur", "paid_eur", "to_commit_eur", "to_pay_eur")
RATE_COLUMNS = ("committed_rate", "paid_rate", "paid_of_committed")
GROUP_WIDTHS = {"dispositif": 230, "couloir": 190, "vague": 110, "region": 230, "year": 90}
STATUS_OF = {"at_risk": "off_track", "open": "no_target", "paid": "on_track"}


def fmt_meur(amount_eur, lang: str) -> str:
    """Large amounts in M€ with one decimal (`1 275,7 M€`, never `1,3 Md€`: budget readers compare to the
    decimal), small ones in euros (`26 822 €`)."""
    if amount_eur is not None and amount_eur == amount_eur and abs(amount_eur) >= 1e6:
        return fmt_number(amount_eur / 1e6, lang, "M€", decimals=1)
    return fmt_eur(amount_eur, lang)


def parse_by(raw: str | None) -> tuple[list[str], list[str]]:
    """The grouping keys of the `by` parameter (`region,year`) in canonical order, and the unknown values."""
    parts = [p.strip().lower() for p in (raw or "").split(",") if p.strip()]
    unknown = [p for p in parts if p not in GROUPINGS]
    keys = [k for k in GROUPINGS if k in parts]
    return keys or list(DEFAULT_BY), unknown


class Labels:
    """Code → label in the page's language for the budget dimensions."""

    def __init__(self, page: PageRequest) -> None:
        self.page = page

    def dispositif(self, code) -> str:
        return self.page.reference.label("dispositifs", code, self.page.lang) if code else "—"

    def couloir(self, code) -> str:
        return self.page.reference.label("couloirs", code, self.page.lang) if code else "—"

    def vague(self, code) -> str:
        return self.page.reference.label("vagues", code, self.page.lang) if code else self.page.t("budget.no_vague")

    def region(self, code) -> str:
        return self.page.reference.label("regions", code, self.page.lang) if code else self.page.t("budget.national")

    def of(self, key: str):
        return {"dispositif": self.dispositif, "couloir": self.couloir, "vague": self.vague,
                "region": self.region, "year": lambda y: y}[key]


def section(title: str, *children, section_id: str | None = None) -> html.Section:
    return html.Section([html.H2(title), *children], className="page-section", **({"id": section_id} if section_id
                                                                                   else {}))


def envelope_note(page: PageRequest, sources: pd.DataFrame, total: dict) -> dmc.Alert:
    """Which envelope is the denominator, from which sources, and why figures differ between sources."""
    lang = page.lang
    parts = [html.P(page.t("budget.envelope.sources_differ"))]
    if page.filters.departement:
        parts.append(html.P(page.t("budget.envelope.no_departement")))
    elif page.filters.region:
        parts.append(html.P(page.t("budget.envelope.region_only", uncovered=fmt_meur(total["uncovered_committed_eur"],
                                                                                   lang))))
    parts += [html.P(page.t("budget.envelope.over_committed", dispositif=Labels(page).dispositif(o["dispositif_code"]), committed=fmt_meur(o["committed_eur"], lang), envelope=fmt_meur(o["envelope_eur"], lang), rate=fmt_percent(o["committed_rate"], lang))) for o in total.get("over_committed", ())]  # noqa: E501
    if len(sources):
        table = sources.rename(columns={"source_label": page.t("budget.col.source_label"),
                                        "envelope_eur": page.t("budget.col.envelope_eur")})
        parts.append(html.Details([html.Summary(page.t("budget.envelope.see_sources", n=len(sources))),
                                   table_with_export(table, lang, page.t("budget.envelope.sources_caption"),
                                                     formats={page.t("budget.col.envelope_eur"): "eur_compact"})],
                                  className="chart-data"))
    return dmc.Alert(parts, title=page.t("budget.envelope.title"), color="infoDsfr", variant="light",
                     className="budget-envelope-note")


def kpi_strip(page: PageRequest, total: dict, at_risk_eur: float) -> html.Section:
    lang, t = page.lang, page.t
    share = at_risk_eur / total["to_pay_eur"] if total["to_pay_eur"] > 0 else float("nan")
    tiles = [
        kpi_tile(t("budget.kpi.envelope"), fmt_meur(total["envelope_eur"], lang), lang,
                 detail=t("budget.kpi.envelope_detail")),
        kpi_tile(t("budget.kpi.committed"), fmt_meur(total["committed_eur"], lang), lang,
                 detail=t("budget.kpi.committed_detail")),
        kpi_tile(t("budget.kpi.paid"), fmt_meur(total["paid_eur"], lang), lang,
                 detail=t("budget.kpi.paid_detail", rate=fmt_percent(total["paid_of_committed"], lang))),
        kpi_tile(t("budget.kpi.at_risk"), fmt_meur(at_risk_eur, lang), lang,
                 detail=t("budget.kpi.at_risk_detail", share=fmt_percent(share, lang)), note=t("budget.kpi.at_risk_note"),
                 href=f"#{ids.BUDGET_RISK}", tile_id=ids.BUDGET_KPI_AT_RISK),
        kpi_tile(t("budget.kpi.to_commit"), fmt_meur(total["to_commit_eur"], lang), lang),
        kpi_tile(t("budget.kpi.to_pay"), fmt_meur(total["to_pay_eur"], lang), lang,
                 detail=t("budget.kpi.to_pay_detail", date=fmt_date(PNRR_END, lang))),
        kpi_tile(t("budget.kpi.committed_rate"), fmt_percent(total["committed_rate"], lang), lang,
                 detail=t("budget.kpi.rate_detail")),
        kpi_tile(t("budget.kpi.paid_rate"), fmt_percent(total["paid_rate"], lang), lang,
                 detail=t("budget.kpi.rate_detail")),
    ]
    return kpi_row(tiles, lang, ids.BUDGET_KPIS)


def consumption_section(page: PageRequest, as_of, total: dict) -> html.Section:
    lang, t = page.lang, page.t
    series = cached(page, consumption, as_of, page.filters)
    lanes = calendar_rows(cached(page, programme_calendar, page.filters), Labels(page).dispositif, lang)
    months_left = (PNRR_END.year - as_of.year) * 12 + PNRR_END.month - as_of.month
    summary = t("budget.consumption.summary", month=fmt_month(as_of, lang), committed=fmt_meur(total["committed_eur"],
                                                                                             lang),
                paid=fmt_meur(total["paid_eur"], lang), envelope=fmt_meur(total["envelope_eur"], lang),
                months=fmt_number(max(months_left, 0), lang, decimals=0))
    if series.empty:
        return section(t("budget.consumption.title"), html.P(t("budget.none")))
    table = series[["month", "committed_cum_eur", "paid_cum_eur", "envelope_cum_eur"]]
    calendar = lanes[["label", "open_date", "close_date"]]
    return section(
        t("budget.consumption.title"),
        chart_with_table(consumption_figure(series, lanes, lang, PNRR_END), table, summary, lang,
                         title=t("budget.consumption.chart_title"), graph_id=ids.BUDGET_CONSUMPTION_GRAPH,
                         headers={c: t(f"budget.col.{c}") for c in table.columns},
                         formats={"month": "month", "committed_cum_eur": "eur_compact", "paid_cum_eur": "eur_compact",
                                  "envelope_cum_eur": "eur_compact"}),
        html.Details([html.Summary(t("budget.calendar.see")),
                      table_with_export(calendar, lang, t("budget.calendar.caption"),
                                        headers={c: t(f"budget.col.{c}") for c in calendar.columns},
                                        formats={"open_date": "date", "close_date": "date"})], className="chart-data"),
        section_id=ids.BUDGET_CONSUMPTION)


def table_section(page: PageRequest, frame: pd.DataFrame, by: list[str]) -> html.Section:
    lang, t = page.lang, page.t
    options = []
    for key in GROUPINGS:
        toggled = [k for k in GROUPINGS if (k in by) != (k == key)] or by
        options.append((t(f"budget.by.{key}"), page.href("/budget", by=",".join(toggled)), key in by))
    table = grouped(frame, by) if len(frame) else pd.DataFrame(columns=[*(GROUPINGS[k] for k in by),
                                                                        *AMOUNT_COLUMNS, *RATE_COLUMNS])
    labels = Labels(page)
    shown = pd.DataFrame({t(f"budget.by.{k}"): [labels.of(k)(v) for v in table[GROUPINGS[k]]] for k in by})
    for col in (*AMOUNT_COLUMNS, *RATE_COLUMNS):
        shown[t(f"budget.col.{col}")] = table[col].to_numpy()
    formats = {t(f"budget.col.{c}"): "eur_compact" for c in AMOUNT_COLUMNS}
    formats |= {t(f"budget.col.{c}"): "percent" for c in RATE_COLUMNS}
    if "year" in by:
        formats[t("budget.by.year")] = lambda v, lg: str(v)
    return section(
        t("budget.table.title"),
        link_chips(options, t("budget.by.label"), ids.BUDGET_BY),
        html.P(t("budget.table.lead", n=fmt_number(len(table), lang, decimals=0))),
        grid_export(wrapped_headers(data_table(shown, ids.BUDGET_GRID, lang, formats=formats,
                                               pinned=tuple(shown.columns[:1]), page_size=20,
                                               wrap=tuple(shown.columns[:len(by)]),  # long names wrap, never cut
                                               widths={t(f"budget.by.{k}"): GROUP_WIDTHS[k] for k in by})),
                    lang, t("budget.table.title")),
        section_id=ids.BUDGET_TABLE)


def lag_section(page: PageRequest, as_of) -> html.Section:
    lang, t = page.lang, page.t
    lag = cached(page, payment_lag, as_of, page.filters, risk_rules(page.engine.catalogue))
    if lag.empty:
        return section(t("budget.lag.title"), html.P(t("budget.lag.none")))
    label = Labels(page).dispositif
    slow, fast = lag.loc[lag["median"].idxmax()], lag.loc[lag["median"].idxmin()]
    summary = t("budget.lag.summary", slow=label(slow["dispositif_code"]), slow_days=fmt_days(slow["median"], lang),
                fast=label(fast["dispositif_code"]), fast_days=fmt_days(fast["median"], lang))
    table = lag.assign(dispositif_code=[label(c) for c in lag["dispositif_code"]])
    return section(t("budget.lag.title"), html.P(t("budget.lag.lead")), chart_with_table(
        lag_figure(lag, label, lang), table, summary, lang, title=t("budget.lag.chart_title"),
        graph_id=ids.BUDGET_LAG_GRAPH, headers={c: t(f"budget.col.{c}") for c in table.columns},
        formats={"commitments": "count", **{q: "days" for q in ("p10", "p25", "median", "p75", "p90")}}),
        section_id=ids.BUDGET_LAG)


def risk_section(page: PageRequest, risk: pd.DataFrame, at_risk_eur: float) -> html.Section:
    lang, t = page.lang, page.t
    labels = Labels(page)
    rules = html.Ul([html.Li(t(f"budget.reason.{r}.rule")) for r in ("window", "target", "not_validated")],
                    className="risk-rules")
    if risk.empty:
        return section(t("budget.risk.title"), rules, html.P(t("budget.risk.none")), section_id=ids.BUDGET_RISK)
    charts = []
    for category, key, label, graph_id in (("region_code", "region", labels.region, ids.BUDGET_RISK_REGION_GRAPH),
                                           ("dispositif_code", "dispositif", labels.dispositif,
                                            ids.BUDGET_RISK_DISPOSITIF_GRAPH)):
        wide = risk.pivot_table(index=category, columns="reason", values="at_risk_eur", aggfunc="sum", fill_value=0.0)
        wide = wide.reindex(columns=[r for r in ("window", "target", "not_validated") if r in wide.columns])
        wide["total"] = wide.sum(axis=1)
        wide = wide.sort_values("total", ascending=False).reset_index()
        top = wide.iloc[0]
        summary = t(f"budget.risk.summary_{key}", name=label(top[category]), amount=fmt_meur(top["total"], lang),
                    share=fmt_percent(top["total"] / at_risk_eur if at_risk_eur else None, lang))
        table = wide.assign(**{category: [label(c) for c in wide[category]]})
        headers = {category: t(f"budget.by.{key}"), "total": t("budget.col.at_risk_eur"),
                   **{r: t(f"budget.reason.{r}") for r in ("window", "target", "not_validated")}}
        charts.append(chart_with_table(risk_figure(risk, category, label, lang), table, summary, lang,
                                       title=t(f"budget.risk.chart_{key}"), graph_id=graph_id, headers=headers,
                                       formats={c: "eur_compact" for c in table.columns if c != category}))
    return section(t("budget.risk.title"), rules, *charts, section_id=ids.BUDGET_RISK)


def beneficiaries_section(page: PageRequest, as_of) -> html.Section:
    lang, t = page.lang, page.t
    df = cached(page, beneficiaries, as_of, page.filters, TOP_BENEFICIARIES, risk_rules(page.engine.catalogue))
    if df.empty:
        return section(t("budget.beneficiaries.title"), html.P(t("budget.none")))
    label = Labels(page).dispositif
    status = [f"{status_style(STATUS_OF[s]).icon} {t(f'budget.status.{s}')}" for s in df["status"]]
    shown = pd.DataFrame({
        "beneficiary_id": df["beneficiary_id"], "beneficiary_name": df["beneficiary_name"],
        "beneficiary_kind": [t(f"budget.kind.{k}") for k in df["beneficiary_kind"]],
        "dispositif": [label(c) for c in df["dispositif_code"]], "status": status,
        "committed_eur": df["committed_eur"], "paid_eur": df["paid_eur"], "open_eur": df["open_eur"],
        "at_risk_eur": df["at_risk_eur"], "last_event_date": df["last_event_date"]})
    headers = {c: t(f"budget.col.{c}") for c in shown.columns}
    formats = {c: "eur_compact" for c in ("committed_eur", "paid_eur", "open_eur", "at_risk_eur")}
    grid = data_table(shown, ids.BUDGET_BENEFICIARIES_GRID, lang, headers=headers,
                      formats={**formats, "last_event_date": "date"}, pinned=("beneficiary_id",), page_size=20,
                      widths={"beneficiary_id": 120, "beneficiary_name": 190, "beneficiary_kind": 85,
                              "dispositif": 195, "status": 115, "committed_eur": 115, "paid_eur": 115,
                              "open_eur": 115, "at_risk_eur": 115, "last_event_date": 130})
    return section(
        t("budget.beneficiaries.title"),
        html.P(t("budget.beneficiaries.lead", n=fmt_number(len(df), lang, decimals=0))),
        grid_export(wrapped_headers(grid), lang, t("budget.beneficiaries.title")),
        section_id=ids.BUDGET_BENEFICIARIES)


@view()
def layout(page: PageRequest):
    """KPIs, envelope note, consumption and calendar, grouped table, payment lag, money at risk, beneficiaries."""
    as_of = view_month(page)
    by, unknown = parse_by(page.extra.get("by"))
    frame = cached(page, budget_frame, as_of, page.filters)
    total = totals(frame)
    rules = risk_rules(page.engine.catalogue)  # BUD-04's: the split adds up to the overview's figure
    risk = cached(page, money_at_risk, as_of, page.filters, rules)
    at_risk_eur = float(risk["at_risk_eur"].sum()) if len(risk) else 0.0
    warning = None
    if unknown:
        warning = messages_alert([page.t("budget.by.unknown", value=", ".join(unknown)[:80],
                                         allowed=", ".join(GROUPINGS), used=", ".join(by))], page.lang)
    return [
        page_header(page.t("budget.title"), page.t("budget.lead", month=fmt_month(as_of, page.lang),
                                                   pnrr=fmt_date(PNRR_END, page.lang))),
        warning,
        kpi_strip(page, total, at_risk_eur),
        envelope_note(page, cached(page, envelope_sources, as_of, page.filters), total),
        consumption_section(page, as_of, total),
        table_section(page, frame, by),
        risk_section(page, risk, at_risk_eur),
        lag_section(page, as_of),
        beneficiaries_section(page, as_of),
    ]
