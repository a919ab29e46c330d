"""Décisions: the committee's decision log (filters, add form, edit with history).

The région comes from the global filter; `indicateur` in the URL preselects the indicator filter (links from
an indicator's comments). In a snapshot view the log is read as it was when the snapshot was created.
"""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import ALL, Input, Output, State, callback, dcc, html, no_update
from dash import ctx as dash_ctx

from dashboard import ids
from dashboard.access import signed_author
from dashboard.components import page_header
from dashboard.components.comments import frozen_at, when
from dashboard.components.decisions import (
    add,
    decision_log,
    new_decision_fields,
    scope_of,
    status_options,
    update,
)
from dashboard.context import current
from dashboard.pagekit import PageRequest, view

dash.register_page(__name__, path="/decisions", name="Décisions", title="Décisions — Ségur numérique", order=7)


def _indicator_options(page: PageRequest) -> list[dict]:
    try:
        catalogue = page.engine.catalogue
    except Exception:  # noqa: BLE001 - the log stays usable without a catalogue
        return []
    return [{"value": i.id, "label": f"{i.id} — {i.label.en if page.lang == 'en' else i.label.fr}"}
            for i in catalogue.indicators]


def _filters(page: PageRequest, indicators: list[dict], indicator: str | None) -> html.Section:
    region = page.reference.label("regions", page.state.region, page.lang) if page.state.region else None
    return html.Section([
        html.H2(page.t("decisions.filters"), className="visually-hidden", id="decisions-filters-title"),
        dmc.Select(id=ids.DEC_FILTER_STATUS, label=page.t("decisions.filter.status"), data=status_options(page.lang),
                   placeholder=page.t("decisions.filter.status.all"), clearable=True, value=None, className="filter"),
        dmc.Select(id=ids.DEC_FILTER_INDICATOR, label=page.t("decisions.filter.indicator"), data=indicators,
                   placeholder=page.t("decisions.filter.indicator.all"), clearable=True, searchable=True,
                   value=indicator, className="filter"),
        dmc.Checkbox(id=ids.DEC_FILTER_OPEN, label=page.t("decisions.filter.open"), checked=False,
                     className="decisions-open"),
        *([html.P(page.t("decisions.filter.region", region=region), className="decisions-region")] if region else []),
    ], className="decisions-filters", **{"aria-labelledby": "decisions-filters-title"})


def _add_form(page: PageRequest, indicators: list[dict]) -> html.Section:
    regions = [{"value": r.code, "label": r.label(page.lang)}
               for r in sorted(page.reference.regions.values(), key=lambda r: r.label(page.lang))
               if page.scope.allows_region(r.code)]
    fields = new_decision_fields(page.lang, lambda name: name, indicators, regions=regions, region=page.state.region)
    return html.Section([
        html.H2(page.t("decisions.add.title"), id="decisions-add-title"),
        html.Div(fields, className="decision-form-fields"),
        dmc.Button(page.t("decisions.add"), id=ids.DEC_ADD, color="bleuFrance", n_clicks=0),
    ], className="page-section decision-form", **{"aria-labelledby": "decisions-add-title"})


@view(needs_warehouse=False)
def layout(page: PageRequest):
    snapshot = frozen_at(page.ctx, page.state.snapshot)
    scope = scope_of(page.lang, page.ctx.today(), page.state.region, snapshot)
    indicators = _indicator_options(page)
    wanted = (page.extra.get("indicateur") or "").upper()
    indicator = wanted if any(o["value"] == wanted for o in indicators) else None
    parts: list = [page_header(page.t("decisions.title"), page.t("decisions.lead"))]
    if snapshot:
        parts.append(html.P(page.t("decisions.snapshot", label=snapshot.label, date=when(snapshot.created_at, page.lang)),
                            className="snapshot-note"))
    parts += [
        _filters(page, indicators, indicator),
        html.Div(id=ids.DEC_FEEDBACK, **{"aria-live": "polite"}),
        html.Section([html.H2(page.t("decisions.log"), id="decisions-log-title"),
                      html.Div(decision_log(page.ctx, scope, indicator=indicator), id=ids.DEC_LOG)],
                     className="page-section", **{"aria-labelledby": "decisions-log-title"}),
    ]
    if not snapshot and page.scope.can_manage_committee:  # decisions are recorded by the secretariat
        parts.append(_add_form(page, indicators))
    parts.append(dcc.Store(id=ids.DEC_SCOPE, data=scope))
    return parts


def _edit_values(decision_id: int) -> dict:
    """The edit form of one decision, read from the callback's ALL states."""
    values = {}
    for states, field in zip(dash_ctx.states_list[-6:-2], ("status", "owner", "due_date", "text"), strict=True):
        for s in states:
            if s["id"]["decision"] == decision_id:
                values[field] = s.get("value")
    return values


@callback(
    Output(ids.DEC_LOG, "children"), Output(ids.DEC_FEEDBACK, "children"), Output(ids.DEC_TEXT, "value"),
    Input(ids.DEC_FILTER_STATUS, "value"), Input(ids.DEC_FILTER_OPEN, "checked"),
    Input(ids.DEC_FILTER_INDICATOR, "value"), Input(ids.DEC_ADD, "n_clicks"),
    Input({"type": ids.DEC_SAVE, "decision": ALL}, "n_clicks"),
    State(ids.DEC_TEXT, "value"), State(ids.DEC_OWNER, "value"), State(ids.DEC_DUE, "value"),
    State(ids.DEC_STATUS, "value"), State(ids.DEC_INDICATORS, "value"), State(ids.DEC_REGIONS, "value"),
    State(ids.DEC_COMMITTEE, "value"),
    State({"type": ids.DEC_EDIT_STATUS, "decision": ALL}, "value"),
    State({"type": ids.DEC_EDIT_OWNER, "decision": ALL}, "value"),
    State({"type": ids.DEC_EDIT_DUE, "decision": ALL}, "value"),
    State({"type": ids.DEC_EDIT_TEXT, "decision": ALL}, "value"),
    State(ids.DEC_SCOPE, "data"),
    prevent_initial_call=True,
)
def on_decisions(status, open_only, indicator, _add, _saves, text, owner, due, new_status, indicator_ids, regions,
                 committee, _s, _o, _d, _t, scope):
    author = signed_author()
    if not scope:
        return no_update, no_update, no_update
    filters = {"status": status, "open_only": open_only, "indicator": indicator}
    trigger = dash_ctx.triggered_id
    clicked = bool(dash_ctx.triggered and dash_ctx.triggered[0].get("value"))
    ctx = current()
    if trigger == ids.DEC_ADD and clicked:
        values = {"text": text, "owner": owner, "due_date": due, "status": new_status, "indicator_ids": indicator_ids,
                  "regions": regions, "committee_label": committee}
        return add(ctx, scope, values, author, filters)
    if isinstance(trigger, dict) and trigger.get("type") == ids.DEC_SAVE:
        if not clicked:
            return no_update, no_update, no_update  # the button appeared, nobody clicked it
        log, message = update(ctx, scope, trigger["decision"], _edit_values(trigger["decision"]), author, filters)
        return log, message, no_update
    return decision_log(ctx, scope, **filters), None, no_update
