"""Mode présentation: the committee deck on screen, one section per screen, large type, keyboard-driven.

Works on live data or `?snapshot=ID` (then every figure is the frozen one). Navigation is done by
dashboard/assets/presentation.js (arrows, Page Up/Down as clickers send, Space; `#section-N` in the URL
hash; an aria-live region announces the section); printing gives one section per page (presentation.css).
"""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.committee_diff import changes_table
from dashboard.components.indicator_format import fmt_progress, fmt_value
from dashboard.components.status import status_badge
from dashboard.format import fmt_date, fmt_eur, fmt_month
from dashboard.pagekit import PageRequest, view

dash.register_page(__name__, path="/presentation", name="Présentation", title="Présentation — Ségur numérique",
                   order=9)

CHANGES_SHOWN = 8
COULOIR_INDICATOR = "USE-02"
TERRITORY_INDICATOR = "CIT-02"


def _result(engine, ind_id: str, as_of, filters):
    try:
        return engine.compute(ind_id, as_of, filters, with_forecast=False)
    except Exception:  # noqa: BLE001 - one missing indicator leaves its row empty, not the deck
        return None


def indicator_rows(engine, ind_ids, as_of, filters, page: PageRequest) -> html.Table:
    """Indicator, value, target, progress, status (icon + text): the deck's table."""
    lang = page.lang
    cat = {i.id: i for i in engine.catalogue.indicators}
    rows = []
    for ind_id in ind_ids:
        ind, r = cat.get(ind_id), _result(engine, ind_id, as_of, filters)
        if ind is None:
            continue
        point = r.current if r is not None else None
        rows.append(html.Tr([
            html.Th([html.Span(ind_id, className="pres-code"), " ", getattr(ind.label, lang)],
                    scope="row"),
            html.Td(fmt_value(point.value if point else None, ind.unit, lang), className="num"),
            html.Td(fmt_value(point.target if point else None, ind.unit, lang), className="num"),
            html.Td(fmt_progress(point.progress if point else None, lang), className="num"),
            html.Td(status_badge(r.status if r is not None else "no_data", lang)),
        ]))
    head = html.Thead(html.Tr([html.Th(page.t(k), scope="col") for k in (
        "comite.col.indicator", "pres.col.value", "pres.col.target", "pres.col.progress", "pres.col.state")]))
    return html.Table([head, html.Tbody(rows)], className="pres-table")


def _section(n: int, key: str, title: str, body: list, links: list | None = None) -> html.Section:
    return html.Section(
        id=f"section-{n}", className="presentation-section", tabIndex="-1",
        **{"aria-labelledby": f"section-{n}-title", "data-title": title, "data-key": key},
        children=[html.H2(title, id=f"section-{n}-title", className="pres-title"), *body,
                  *([html.P(links, className="pres-links")] if links else [])],
    )


def _links(page: PageRequest, ind_id: str | None) -> list:
    comment = dcc.Link(page.t("pres.comment_link"), href=page.href(f"/indicateurs/{ind_id}") + "#commentaires",
                       className="pres-link") if ind_id else None
    decision = dcc.Link(page.t("pres.decision_link"), href=page.href("/decisions"), className="pres-link")
    return [x for x in (comment, " · " if comment else None, decision) if x is not None]


def synthese(engine, as_of, filters, page: PageRequest) -> list:
    from indicators.rollup import rollup

    results = {i.id: r for i in engine.catalogue.indicators
               if (r := _result(engine, i.id, as_of, filters)) is not None}
    cards = []
    for obj in rollup(engine.catalogue, results):
        cards.append(html.Div(className="pres-objective", children=[
            html.P(obj.label_fr if page.lang == "fr" else obj.label_en, className="pres-objective-label"),
            html.P(fmt_progress(obj.progress, page.lang), className="pres-big"),
            status_badge(obj.status, page.lang),
        ]))
    key = [next(iter(obj.weights)) for obj in engine.catalogue.objectives]  # each objective's lead indicator
    return [html.Div(cards, className="pres-objectives"), indicator_rows(engine, key, as_of, filters, page)]


def budget(engine, as_of, filters, page: PageRequest) -> list:
    from dashboard.components.overview_data import budget_totals

    totals = budget_totals(engine, as_of, filters)
    if totals is None:
        return [html.P(page.t("pres.no_data"))]
    figures = [("pres.budget_envelope", totals.envelope_eur), ("pres.budget_committed", totals.committed_eur),
               ("pres.budget_paid", totals.paid_eur)]
    return [html.Div([html.Div([html.P(page.t(k), className="pres-kpi-label"),
                                html.P(fmt_eur(v, page.lang), className="pres-big")], className="pres-kpi")
                      for k, v in figures if v is not None], className="pres-kpis")]


def couloirs(engine, as_of, filters, page: PageRequest) -> list:
    from indicators.query import ViewFilters

    cat = {i.id: i for i in engine.catalogue.indicators}
    ind = cat.get(COULOIR_INDICATOR)
    if ind is None:
        return [html.P(page.t("pres.no_data"))]
    rows = []
    for code, item in page.reference.couloirs.items():
        view_filters = ViewFilters(filters.region, filters.departement, code, filters.dispositif, filters.vague)
        r = _result(engine, COULOIR_INDICATOR, as_of, view_filters)
        point = r.current if r is not None else None
        rows.append(html.Tr([
            html.Th(item.label(page.lang), scope="row"),
            html.Td(fmt_value(point.value if point else None, ind.unit, page.lang), className="num"),
            html.Td(fmt_value(point.target if point else None, ind.unit, page.lang), className="num"),
            html.Td(fmt_progress(point.progress if point else None, page.lang), className="num"),
            html.Td(status_badge(r.status if r is not None else "no_data", page.lang)),
        ]))
    head = html.Thead(html.Tr([html.Th(page.t(k), scope="col") for k in (
        "filter.couloir", "pres.col.value", "pres.col.target", "pres.col.progress", "pres.col.state")]))
    lead = page.t("pres.couloirs_lead", indicator=getattr(ind.label, page.lang))
    return [html.P(lead, className="pres-lead"), html.Table([head, html.Tbody(rows)], className="pres-table")]


def territoires(engine, as_of, filters, page: PageRequest) -> list:
    from dashboard.components.tilemap import tile_map

    cat = {i.id: i for i in engine.catalogue.indicators}
    ind = cat.get(TERRITORY_INDICATOR)
    r = _result(engine, TERRITORY_INDICATOR, as_of, filters) if ind else None
    if ind is None or r is None:
        return [html.P(page.t("pres.no_data"))]
    wide = engine.compute(TERRITORY_INDICATOR, as_of, filters, breakdown="region", with_forecast=False)
    values = {row.key: row.value for row in (wide.breakdown or [])}
    fig = tile_map(values, "region", page.lang, value_format="percent", reference=page.reference, height=700, vmin=0.0)
    lead = page.t("pres.territoires_lead", indicator=getattr(ind.label, page.lang),
                  as_of=fmt_month(as_of, page.lang))
    return [html.P(lead, className="pres-lead"),
            dcc.Graph(figure=fig, config={"displayModeBar": False, "staticPlot": True}, className="pres-map")]


def depuis(page: PageRequest) -> list:
    from dashboard.components.committee_diff import changes_for, previous_snapshot
    from reports.snapshot import list_snapshots

    ctx, snapshot = page.ctx, page.state.snapshot
    try:
        if snapshot:
            if previous_snapshot(ctx, snapshot) is None:
                return [html.P(page.t("pres.no_changes"))]
            _, _, changes = changes_for(ctx, snapshot, "previous", regions=False)
        else:
            metas = list_snapshots(ctx.settings)
            if not metas:
                return [html.P(page.t("pres.no_changes"))]
            _, _, changes = changes_for(ctx, metas[0].id, "live", regions=False)
    except ValueError as e:
        return [html.P(str(e))]
    if not changes:
        return [html.P(page.t("comite.diff_none"))]
    more = len(changes) - CHANGES_SHOWN
    return [changes_table(changes, ctx, page.lang, limit=CHANGES_SHOWN),
            *([html.P(page.t("pres.more_changes", n=more), className="pres-lead")] if more > 0 else [])]


def decisions(page: PageRequest) -> list:
    from appstate.db import session_factory
    from appstate.labels import DECISION_STATUS_LABELS, label
    from appstate.service import list_decisions

    moment = page.snapshot.meta.created_at if page.state.snapshot else None
    with session_factory(page.settings.app_db)() as session:
        found = list_decisions(session, open_only=True, as_of=moment)
    if not found:
        return [html.P(page.t("pres.no_decisions"))]
    head = html.Thead(html.Tr([html.Th(page.t(k), scope="col") for k in (
        "pres.col.decision", "pres.col.owner", "pres.col.due", "pres.col.status")]))
    rows = [html.Tr([html.Td(d.text), html.Td(d.owner), html.Td(fmt_date(d.due_date, page.lang)),
                     html.Td(label(DECISION_STATUS_LABELS, d.status, page.lang))]) for d in found[:10]]
    return [html.Table([head, html.Tbody(rows)], className="pres-table")]


@view()
def layout(page: PageRequest):
    engine = page.engine
    as_of = page.state.as_of_date or engine.latest_month()
    filters = page.filters
    parts = [("synthese", page.t("pres.synthese"), synthese(engine, as_of, filters, page), None)]
    for obj in engine.catalogue.objectives:
        ind_ids = list(obj.weights)
        parts.append((obj.id, getattr(obj.label, page.lang),
                      [indicator_rows(engine, ind_ids, as_of, filters, page)], ind_ids[0] if ind_ids else None))
    parts += [("budget", page.t("pres.budget"), budget(engine, as_of, filters, page), None),
              ("couloirs", page.t("pres.couloirs"), couloirs(engine, as_of, filters, page), COULOIR_INDICATOR),
              ("territoires", page.t("pres.territoires"), territoires(engine, as_of, filters, page),
               TERRITORY_INDICATOR),
              ("depuis", page.t("pres.changes"), depuis(page), None),
              ("decisions", page.t("pres.decisions"), decisions(page), None)]
    sections = [_section(n, key, title, body, _links(page, ind)) for n, (key, title, body, ind) in
                enumerate(parts, start=1)]
    context = (page.t("pres.frozen", label=page.snapshot.meta.label, as_of=fmt_month(as_of, page.lang))
               if page.state.snapshot else page.t("pres.live", as_of=fmt_month(as_of, page.lang)))
    first = page.t("pres.position", n=1, total=len(sections), title=parts[0][1])
    return html.Div(id=ids.PRES_ROOT, className="presentation", **{"data-total": str(len(sections)),
                                                                  "data-position": page.t("pres.position")},
                    children=[
        html.Div(className="pres-bar", children=[
            html.P(context, className="pres-context"),
            html.Button(page.t("pres.prev"), id=ids.PRES_PREV, className="pres-nav pres-prev", type="button"),
            html.P(first, id=ids.PRES_STATUS, className="pres-status", role="status", **{"aria-live": "polite"}),
            html.Button(page.t("pres.next"), id=ids.PRES_NEXT, className="pres-nav pres-next", type="button"),
            dcc.Link(page.t("pres.exit"), href=page.href("/comite"), className="pres-exit"),
        ]),
        html.P(page.t("pres.keys"), className="pres-keys"),
        *sections,
    ])
