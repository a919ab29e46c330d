"""Mode présentation: the committee deck on screen, one section per screen, large type, keyboard-driven.

Works on live data or `?snapshot=ID` (then every figure is the frozen one). Navigation is done by
dashboard/assets/presentation.js (arrows, Page Up/Down as clickers send, Space; `#section-N` in the URL
hash; an aria-live region announces the section); printing gives one section per page (presentation.css).
Each section shows the newest comments and open decisions of its indicators; on live data, comments and
decisions are entered on the slide itself (dashboard/components/live_entry.py; keys C and D).
"""

from __future__ import annotations

from typing import NamedTuple

import dash
from dash import dcc, html

from appstate.changes import capped
from dashboard import ids
from dashboard.components import live_entry
from dashboard.components.comments import Frozen, frozen_at, scope_of
from dashboard.components.committee_diff import changes_table
from dashboard.components.indicator_format import fmt_progress, fmt_value
from dashboard.components.status import status_badge
from dashboard.format import fmt_eur, fmt_month
from dashboard.pagekit import PageRequest, view

dash.register_page(__name__, path="/presentation", name="Présentation", title="Présentation — Ségur numérique",
                   order=9)

CHANGES_SHOWN = 8
DECISIONS_SHOWN = 10
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


class Part(NamedTuple):  # not a dataclass: Dash loads page modules outside sys.modules
    """One section of the deck: its figures and the indicators its comments and decisions are about."""

    key: str
    title: str
    body: list
    indicators: list[str]
    general: bool = False  # synthèse, changes, decisions: every open decision listed, none linked by default


def _options(engine, ind_ids: list[str], lang: str) -> list[dict]:
    labels = {i.id: getattr(i.label, lang) for i in engine.catalogue.indicators}
    return [{"value": i, "label": f"{i} — {labels[i]}"} for i in ind_ids if i in labels]


def _notes(page: PageRequest, part: Part, frozen: Frozen | None) -> html.Div:
    """The section's newest comments and open decisions (the Décisions section lists its decisions above)."""
    state, key = page.state, live_entry.section_key(part.key)
    comments = scope_of(part.indicators[0], state.region, state.departement, frozen, page.lang,
                        indicators=part.indicators, compact=True)
    decisions = (None if part.key == "decisions" else live_entry.decision_scope(
        page.lang, page.ctx.today(), state.region, frozen, None if part.general else part.indicators))
    return live_entry.slide_notes(page.ctx, key, comments, decisions)


def _section(n: int, part: Part, page: PageRequest, frozen: Frozen | None, all_ids: list[str]) -> html.Section:
    links = _links(page, None if part.general else part.indicators[0])
    children = [html.H2(part.title, id=f"section-{n}-title", className="pres-title"), *part.body,
                _notes(page, part, frozen), html.P(links, className="pres-links")]
    if not page.state.snapshot:  # a frozen snapshot is read-only: no entry panel
        engine = page.engine
        children.append(live_entry.entry_panel(
            page.reference, live_entry.section_key(part.key), page.lang,
            _options(engine, part.indicators, page.lang), _options(engine, all_ids, page.lang),
            [] if part.general else part.indicators[:1]))
    return html.Section(
        id=f"section-{n}", className="presentation-section", tabIndex="-1",
        **{"aria-labelledby": f"section-{n}-title", "data-title": part.title, "data-key": part.key},
        children=children,
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
    more = capped(changes, CHANGES_SHOWN)[1]
    return [changes_table(changes, ctx, page.lang, limit=CHANGES_SHOWN),
            *([html.P(page.t("pres.more_changes", n=more), className="pres-lead")] if more > 0 else [])]


def decisions(page: PageRequest, frozen: Frozen | None) -> list:
    """Every open decision, earliest due first (redrawn when one is entered on a slide)."""
    scope = live_entry.decision_scope(page.lang, page.ctx.today(), page.state.region, frozen, None,
                                      limit=DECISIONS_SHOWN, newest_first=False)
    return live_entry.decision_list(page.ctx, scope, live_entry.section_key("decisions"))


@view()
def layout(page: PageRequest):
    engine = page.engine
    as_of = page.state.as_of_date or engine.latest_month()
    filters = page.filters
    frozen = frozen_at(page.ctx, page.state.snapshot)
    all_ids = [i.id for i in engine.catalogue.indicators]
    leads = [next(iter(obj.weights)) for obj in engine.catalogue.objectives]
    parts = [Part("synthese", page.t("pres.synthese"), synthese(engine, as_of, filters, page), leads, True)]
    for obj in engine.catalogue.objectives:
        ind_ids = list(obj.weights)
        parts.append(Part(obj.id, getattr(obj.label, page.lang), [indicator_rows(engine, ind_ids, as_of, filters, page)],
                          ind_ids))
    budget_ids = [i.id for i in engine.catalogue.indicators if "budget" in i.tags]
    parts += [Part("budget", page.t("pres.budget"), budget(engine, as_of, filters, page), budget_ids or all_ids),
              Part("couloirs", page.t("pres.couloirs"), couloirs(engine, as_of, filters, page), [COULOIR_INDICATOR]),
              Part("territoires", page.t("pres.territoires"), territoires(engine, as_of, filters, page),
                   [TERRITORY_INDICATOR]),
              Part("depuis", page.t("pres.changes"), depuis(page), all_ids, True),
              Part("decisions", page.t("pres.decisions"), decisions(page, frozen), all_ids, True)]
    sections = [_section(n, part, page, frozen, all_ids) for n, part in enumerate(parts, start=1)]
    context = (page.t("pres.frozen", label=page.snapshot.meta.label, as_of=fmt_month(as_of, page.lang))
               if page.state.snapshot else page.t("pres.live", as_of=fmt_month(as_of, page.lang)))
    first = page.t("pres.position", n=1, total=len(sections), title=parts[0].title)
    return html.Div(id=ids.PRES_ROOT, className="presentation", **{"data-total": str(len(sections)),
                                                                  "data-position": page.t("pres.position")},
                    children=[
        html.Div(className="pres-bar", children=[
            html.P(context, className="pres-context"),
            html.Button(page.t("pres.prev"), id=ids.PRES_PREV, className="pres-nav pres-prev", type="button"),
            html.P(first, id=ids.PRES_STATUS, className="pres-status", role="status", **{"aria-live": "polite"}),
            html.Button(page.t("pres.next"), id=ids.PRES_NEXT, className="pres-nav pres-next", type="button"),
            *live_entry.entry_toggle(page.lang, read_only=bool(page.state.snapshot)),
            dcc.Link(page.t("pres.exit"), href=page.href("/comite"), className="pres-exit"),
        ]),
        html.P(page.t("pres.keys"), className="pres-keys"),
        *sections,
    ])
