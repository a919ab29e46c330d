"""Déploiement: from referencing to use — funnel per couloir × vague, éditeurs, orders over time with deadlines."""

from __future__ import annotations

import dash
import pandas as pd
from dash import html

from dashboard import ids
from dashboard.components import chart_with_table, data_table, kpi_row, kpi_tile, messages_alert, page_header
from dashboard.components.export_menu import grid_export, table_with_export
from dashboard.components.page_controls import cached, dense_grid, link_chips, view_month, wrapped_headers
from dashboard.components.table import export_as
from dashboard.figures.deploiement import deadline_groups, funnel_figure, funnel_stages, orders_figure
from dashboard.format import fmt_count, fmt_days, fmt_month, fmt_number, fmt_percent
from dashboard.i18n import t
from dashboard.pagekit import PageRequest, view
from indicators.budget_views import programme_calendar
from indicators.deployment import STALE_MONTHS, USAGE_MONTHS, editeurs, funnel, orders_by_month

dash.register_page(__name__, path="/deploiement", name="Déploiement", title="Déploiement — Ségur numérique",
                   order=4)

ALL = "ensemble"


def segment_key(couloir: str, vague: str) -> str:
    return f"{couloir}-{vague}"


def section(title: str, *children, section_id: str | None = None) -> html.Section:
    return html.Section([html.H2(title), *children], className="page-section", **({"id": section_id} if section_id
                                                                                   else {}))


def couloir_label(page: PageRequest, code) -> str:
    return page.reference.label("couloirs", code, page.lang) if code else "—"


def vague_label(page: PageRequest, code) -> str:
    return page.reference.label("vagues", code, page.lang) if code else "—"


def measured_label(page: PageRequest, segments: pd.DataFrame) -> str:
    codes = sorted(set(segments.loc[segments["usage_measured"], "couloir_code"]))
    return ", ".join(couloir_label(page, c).lower() for c in codes) or "—"


def kpi_strip(page: PageRequest, total: dict, measured: str) -> html.Section:
    lang, t = page.lang, page.t
    usage = (fmt_count(total["in_use"], lang, compact=False) if total["usage_measured"]
             else t("deploiement.not_measured"))
    tiles = [
        kpi_tile(t("deploiement.kpi.referenced"), fmt_count(total["solutions"], lang, compact=False), lang,
                 detail=t("deploiement.kpi.referenced_detail", n=fmt_number(total["editeurs"], lang, decimals=0))),
        kpi_tile(t("deploiement.kpi.ordered"), fmt_count(total["ordered"], lang, compact=False), lang),
        kpi_tile(t("deploiement.kpi.installed"), fmt_count(total["installed"], lang, compact=False), lang,
                 detail=t("deploiement.kpi.installed_detail", rate=fmt_percent(total["install_rate"], lang))),
        kpi_tile(t("deploiement.kpi.validated"), fmt_count(total["validated"], lang, compact=False), lang,
                 detail=t("deploiement.kpi.validated_detail", rate=fmt_percent(total["validation_rate"], lang))),
        kpi_tile(t("deploiement.kpi.in_use"), usage, lang, tile_id=ids.DEPLOIEMENT_KPI_IN_USE,
                 detail=t("deploiement.kpi.in_use_detail", rate=fmt_percent(total["usage_rate"], lang),
                          couloirs=measured)),
        kpi_tile(t("deploiement.kpi.order_to_install"), fmt_days(total["order_to_install_days"], lang), lang,
                 detail=t("deploiement.kpi.install_to_validation",
                          days=fmt_days(total["install_to_validation_days"], lang))),
        kpi_tile(t("deploiement.kpi.stale"), fmt_count(total["stale_orders"], lang, compact=False), lang,
                 detail=t("deploiement.kpi.stale_detail", months=STALE_MONTHS)),
    ]
    return kpi_row(tiles, lang, ids.DEPLOIEMENT_KPIS)


def funnel_section(page: PageRequest, segments: pd.DataFrame, total: dict, chosen: str, measured: str):
    lang, t = page.lang, page.t
    options = [(t("deploiement.segment.all"), page.href("/deploiement"), chosen == ALL)]
    for r in segments.itertuples(index=False):
        key = segment_key(r.couloir_code, r.vague)
        options.append((f"{couloir_label(page, r.couloir_code)} · {vague_label(page, r.vague)}",
                        page.href("/deploiement", segment=key), chosen == key))
    if chosen == ALL:
        row, name = total, t("deploiement.segment.all_long")
        usage_shown = bool(total["usage_measured"]) and bool(segments.loc[segments["validated"] > 0,
                                                                           "usage_measured"].all())
    else:
        row = segments[[segment_key(c, v) == chosen for c, v in zip(segments["couloir_code"], segments["vague"],
                                                                    strict=True)]].iloc[0].to_dict()
        name = f"{couloir_label(page, row['couloir_code'])} · {vague_label(page, row['vague'])}"
        usage_shown = bool(row["usage_measured"])
    stages = funnel_stages(row, usage_shown)
    referenced = t("deploiement.funnel.referenced", n=fmt_count(row["solutions"], lang, compact=False),
                   editeurs=fmt_number(row["editeurs"], lang, decimals=0))
    note = None if usage_shown else t("deploiement.usage.not_measured", couloirs=measured)
    summary = t("deploiement.funnel.summary" if usage_shown else "deploiement.funnel.summary_no_usage", name=name,
                ordered=fmt_count(row["ordered"], lang, compact=False), installed=fmt_percent(row["install_rate"], lang),
                validated=fmt_percent(row["validation_rate"], lang), usage=fmt_percent(row["usage_rate"], lang))
    twin = pd.concat([pd.DataFrame([{"stage": "referenced", "sites": row["solutions"], "rate": None}]), stages],
                     ignore_index=True).rename(columns={"sites": "count"})
    twin["stage"] = [t(f"deploiement.stage.{s}") for s in twin["stage"]]
    twin = twin.astype({"count": "int64", "rate": "float64"})
    return [
        link_chips(options, t("deploiement.segment.label"), ids.DEPLOIEMENT_SEGMENTS),
        chart_with_table(funnel_figure(stages, lang, referenced, note), twin, summary, lang,
                         title=t("deploiement.funnel.chart_title", name=name), graph_id=ids.DEPLOIEMENT_FUNNEL_GRAPH,
                         headers={c: t(f"deploiement.col.{c}") for c in twin.columns},
                         formats={"count": "count", "rate": "percent"}),
    ]


def in_use_format(lang: str):
    """« En usage »: the count, or « non mesuré » where no source measures usage; exported as a count."""
    def shown(v, lg) -> str:
        return t("deploiement.not_measured", lg) if v is None or v != v else fmt_count(v, lg, compact=False)
    return export_as("count", shown)


def segments_tables(page: PageRequest, segments: pd.DataFrame) -> list:
    """Two grids per couloir × vague: the volumes at each stage, then the conversion rates and delays."""
    lang, t = page.lang, page.t
    label = [f"{couloir_label(page, c)} · {vague_label(page, v)}"
             for c, v in zip(segments["couloir_code"], segments["vague"], strict=True)]
    volumes = segments[["solutions", "ordered", "installed", "validated", "stale_orders"]].copy()
    volumes.insert(0, "segment", label)
    # A number where usage is measured, empty where it is not: the grid shows « non mesuré », exports a count.
    volumes.insert(5, "in_use", pd.Series([float(v) if m else None for v, m in zip(
        segments["in_use"], segments["usage_measured"], strict=True)], index=volumes.index, dtype="float64"))
    rates = segments[["install_rate", "validation_rate", "usage_rate", "order_to_install_days",
                      "install_to_validation_days"]].copy()
    rates.insert(0, "segment", label)
    grids = []
    for df, grid_id, formats in (
            (volumes, ids.DEPLOIEMENT_FUNNEL_GRID, {**{c: "count" for c in ("solutions", "ordered", "installed",
                                                                            "validated", "stale_orders")},
                                                    "in_use": in_use_format(lang)}),
            (rates, ids.DEPLOIEMENT_RATES_GRID, {"install_rate": "percent", "validation_rate": "percent",
                                                 "usage_rate": "percent", "order_to_install_days": "days",
                                                 "install_to_validation_days": "days"})):
        grids.append(wrapped_headers(data_table(df, grid_id, lang, formats=formats, pinned=("segment",),
                                                headers={c: t(f"deploiement.col.{c}") for c in df.columns},
                                                widths={"segment": 300}, page_size=20)))
    in_use = grids[0].columnDefs[list(volumes.columns).index("in_use")]
    in_use["type"] = "rightAligned"  # a count, or "non mesuré": aligned with the other counts
    titles = (t("deploiement.funnel.volumes_title"), t("deploiement.funnel.table_title"))
    return [grid_export(grid, lang, title) for grid, title in zip(grids, titles, strict=True)]


def editeurs_section(page: PageRequest, as_of) -> html.Section:
    lang, t = page.lang, page.t
    df = cached(page, editeurs, as_of, page.filters)
    if df.empty:
        return section(t("deploiement.editeurs.title"), html.P(t("deploiement.none")))
    shown = df.drop(columns=["couloir_codes"]).assign(
        couloirs=[", ".join(couloir_label(page, c) for c in codes) for codes in df["couloir_codes"]],
        vague=[vague_label(page, v) for v in df["vague"]])
    shown = shown[["editeur_name", "editeur_siren", "vague", "couloirs", "solution_names", "referenced_date",
                   "ordered", "installed", "validated", "install_rate", "order_to_install_days"]]
    formats = {"ordered": "count", "installed": "count", "validated": "count",
               "install_rate": "percent", "order_to_install_days": "days", "referenced_date": "date"}
    grid = data_table(shown, ids.DEPLOIEMENT_EDITEURS_GRID, lang, formats=formats, pinned=("editeur_name",),
                      headers={c: t(f"deploiement.col.{c}") for c in shown.columns}, page_size=20,
                      widths={"editeur_name": 175, "editeur_siren": 105, "vague": 80, "couloirs": 130,
                              "solution_names": 155, "referenced_date": 125})
    return section(
        t("deploiement.editeurs.title"),
        html.P(t("deploiement.editeurs.lead", n=fmt_number(df["editeur_siren"].nunique(), lang, decimals=0))),
        grid_export(dense_grid(grid, min_width=105), lang, t("deploiement.editeurs.title")),
        section_id=ids.DEPLOIEMENT_EDITEURS)


def orders_section(page: PageRequest, as_of) -> html.Section:
    lang, t = page.lang, page.t
    orders = cached(page, orders_by_month, as_of, page.filters)
    if orders.empty:
        return section(t("deploiement.orders.title"), html.P(t("deploiement.none")))
    calendar = cached(page, programme_calendar, page.filters)
    sons = calendar[(calendar["kind"] == "equipement") & (calendar["funding_window"] == 0)]
    deadlines = deadline_groups(sons, lambda c: page.reference.label("dispositifs", c, lang))
    peak = orders.loc[orders["ordered"].idxmax()]
    summary = t("deploiement.orders.summary", month=fmt_month(as_of, lang),
                ordered=fmt_count(orders["ordered"].sum(), lang, compact=False),
                installed=fmt_count(orders["installed"].sum(), lang, compact=False),
                validated=fmt_count(orders["validated"].sum(), lang, compact=False),
                peak_month=fmt_month(peak["month"], lang), peak=fmt_count(peak["ordered"], lang, compact=False))
    return section(
        t("deploiement.orders.title"),
        chart_with_table(orders_figure(orders, deadlines, lang), orders, summary, lang,
                         title=t("deploiement.orders.chart_title"), graph_id=ids.DEPLOIEMENT_ORDERS_GRAPH,
                         headers={c: t(f"deploiement.col.{c}") for c in orders.columns},
                         formats={"month": "month", "ordered": "count", "installed": "count", "validated": "count"}),
        html.Details([html.Summary(t("deploiement.deadlines.see")),
                      table_with_export(deadlines, lang, t("deploiement.deadlines.caption"),
                                        headers={"close_date": t("deploiement.col.close_date"),
                                                 "dispositifs": t("deploiement.col.dispositifs")},
                                        formats={"close_date": "date"})],
                     className="chart-data"),
        section_id=ids.DEPLOIEMENT_ORDERS)


@view()
def layout(page: PageRequest):
    """KPIs, funnel of a couloir × vague with its selector, funnel table, éditeurs, orders per month."""
    lang, t = page.lang, page.t
    as_of = view_month(page)
    segments = cached(page, funnel, as_of, page.filters)
    total = cached(page, funnel, as_of, page.filters, False).iloc[0].to_dict()
    keys = {segment_key(c, v) for c, v in zip(segments["couloir_code"], segments["vague"], strict=True)}
    raw = (page.extra.get("segment") or ALL).strip().lower()
    chosen = raw if raw in keys or raw == ALL else ALL
    warning = None
    if chosen != raw:
        warning = messages_alert([t("deploiement.segment.unknown", value=raw[:40],
                                    allowed=", ".join(sorted(keys)) or "—")], lang)
    measured = measured_label(page, segments)
    volumes, rates = segments_tables(page, segments)
    parts = [
        page_header(t("deploiement.title"), t("deploiement.lead", month=fmt_month(as_of, lang),
                                              months=USAGE_MONTHS)),
        warning,
        kpi_strip(page, total, measured),
    ]
    if total["ordered"] == 0:
        parts.append(html.P(t("deploiement.no_orders"), className="page-note"))
    parts += [
        section(t("deploiement.funnel.title"), *funnel_section(page, segments, total, chosen, measured),
                html.H3(t("deploiement.funnel.volumes_title"), className="chart-title table-title"),
                html.P(t("deploiement.funnel.table_lead", month=fmt_month(as_of, lang))), volumes,
                html.H3(t("deploiement.funnel.table_title"), className="chart-title table-title"), rates,
                section_id=ids.DEPLOIEMENT_FUNNEL),
        editeurs_section(page, as_of),
        orders_section(page, as_of),
    ]
    return parts
