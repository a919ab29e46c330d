"""Comité: the snapshots (view, present, delete), « Depuis le dernier comité » and the packs to download."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from dashboard import ids
from dashboard.access import current_scope, signed_author
from dashboard.components.committee_diff import AGAINST, changes_for, changes_with_export, filter_changes, side_name
from dashboard.components.feedback import page_header
from dashboard.components.pack_queue import pack_button, pack_job_update, pack_queue_parts
from dashboard.components.snapshot_bar import fmt_day
from dashboard.context import AppContext, current
from dashboard.format import fmt_bytes, fmt_month
from dashboard.i18n import t
from dashboard.pagekit import PageRequest, view
from dashboard.routes_committee import REGIONAL_FORMATS
from dashboard.state import ViewState, parse_search

dash.register_page(__name__, path="/comite", name="Comité", title="Comité — Ségur numérique", order=7)

SEVERITIES = ("high", "medium", "low")


def _metas(context: AppContext):
    from reports.snapshot import list_snapshots

    return list_snapshots(context.settings)


def _lang(search: str | None) -> str:
    return "en" if parse_search(search).get("lang") == "en" else "fr"


def snapshots_table(metas, state: ViewState) -> html.Div:
    """Every snapshot with its permalink and its presentation link."""
    lang = state.lang
    if not metas:
        return html.P(t("comite.none", lang), className="comite-empty")
    live = state.replace(snapshot=None, as_of=None)
    head = html.Thead(html.Tr([html.Th(t(f"comite.col.{k}", lang), scope="col")
                               for k in ("label", "created", "as_of", "author", "size", "links")]))
    rows = []
    for m in metas:
        frozen = live.replace(snapshot=m.id)
        rows.append(html.Tr([
            html.Th([html.Span(m.label), html.Br(), html.Code(m.id, className="snapshot-id")], scope="row"),
            html.Td(fmt_day(m.created_at, lang)), html.Td(fmt_month(m.as_of, lang)), html.Td(m.created_by),
            html.Td(fmt_bytes(m.size_bytes, lang)),
            html.Td([dcc.Link(t("comite.view", lang), href=frozen.href("/")), " · ",
                     dcc.Link(t("comite.present", lang), href=frozen.href("/presentation"))]),
        ]))
    return html.Table([head, html.Tbody(rows)], className="committee-table snapshots-table")


def snapshot_choices(metas, lang: str) -> list[dict]:
    return [{"value": m.id, "label": f"{m.label} — {fmt_day(m.created_at, lang)} ({m.id})"} for m in metas]


def delete(context: AppContext, snapshot_id: str | None, confirm: str | None, author: str | None, lang: str):
    """Delete through reports.snapshot.delete_snapshot (which checks the confirmation and logs the audit event).

    Returns (message, deleted SnapshotMeta or None)."""
    from reports.snapshot import delete_snapshot

    if not current_scope().can_manage_committee:  # deleting a snapshot is the secretariat's, and journaled
        return dmc.Alert(t("access.write_denied", lang), color="errorDsfr", variant="light",
                         className="delete-refused"), None
    if not snapshot_id:
        return dmc.Alert(t("comite.delete_choose", lang), color="warningDsfr", variant="light"), None
    if not (author or "").strip():
        return dmc.Alert(t("snap.need_author", lang), color="errorDsfr", variant="light"), None
    try:
        meta = delete_snapshot(context.settings, snapshot_id, author=author.strip(), confirm=confirm or "")
    except ValueError as e:  # SnapshotError and the author check: French sentences
        return dmc.Alert(t("comite.delete_failed", lang, error=str(e)), color="errorDsfr", variant="light",
                         className="delete-refused"), None
    context.forget_snapshot(meta.id)
    return dmc.Alert(t("comite.delete_done", lang, label=meta.label, id=meta.id), color="successDsfr",
                     variant="light", className="delete-done"), meta


def diff_view(context: AppContext, snapshot_id: str | None, against: str | None, severities, text: str | None,
              lang: str) -> list:
    """The « Depuis le dernier comité » block: a one-sentence summary and the filtered, ordered table."""
    if not snapshot_id:
        return [html.P(t("comite.none", lang))]
    try:
        current_side, previous_side, changes = changes_for(context, snapshot_id,
                                                           against if against in AGAINST else "previous")
    except ValueError as e:  # SnapshotError: no previous snapshot, unknown id…
        return [dmc.Alert(t("comite.diff_error", lang, error=str(e)), color="warningDsfr", variant="light",
                          className="diff-error")]
    shown = filter_changes(changes, set(severities or ()) or None, text)
    summary = t("comite.diff_summary", lang, n=len(shown), total=len(changes),
                before=side_name(previous_side, lang), after=side_name(current_side, lang))
    body = changes_with_export(shown, context, lang) if shown else html.P(t("comite.diff_none", lang))
    return [html.P(summary, className="diff-summary", role="status"), body]


def pack_links(context: AppContext, snapshot_id: str | None, region: str | None, lang: str) -> list:
    """One button per pack the person may ask for: each queues its build (dashboard/components/pack_queue.py)."""
    if not snapshot_id:
        return [html.P(t("comite.pack_choose", lang))]
    scope = current_scope()
    links = [html.Li(pack_button(t(f"comite.pack_{fmt}", lang), snapshot_id, fmt, None, f"pack-{fmt}"))
             for fmt in ("pdf", "pptx", "xlsx")] if not scope.restricted else []  # national packs: every région
    if region and scope.allows_region(region):
        label = context.reference.label("regions", region, lang)
        links += [html.Li(pack_button(f"{t(f'comite.pack_region_{fmt}', lang)} — {label}", snapshot_id, fmt, region,
                                      f"pack-region pack-region-{fmt}"))
                  for fmt in REGIONAL_FORMATS]
    return [html.P(t("comite.pack_help", lang), className="pack-help"), html.Ul(links, className="pack-links")]


@view(needs_warehouse=False)
def layout(page: PageRequest):
    lang, state = page.lang, page.state
    metas = _metas(page.ctx)
    choices = snapshot_choices(metas, lang)
    chosen = state.snapshot if state.snapshot in {m.id for m in metas} else (metas[0].id if metas else None)
    has_previous = chosen is not None and any(m.created_at < next(x for x in metas if x.id == chosen).created_at
                                              for m in metas)
    regions = sorted((r for r in page.reference.regions.values() if page.scope.allows_region(r.code)),
                     key=lambda r: r.label(lang))
    return [
        page_header(page.t("comite.title"), page.t("comite.lead")),
        html.Section(className="comite-section", **{"aria-labelledby": "comite-snapshots-title"}, children=[
            html.H2(page.t("comite.snapshots"), id="comite-snapshots-title"),
            html.Div(snapshots_table(metas, state), id=ids.COMITE_SNAPSHOTS),
            html.P(dcc.Link(page.t("live.present_live"), className="comite-present-live",
                            href=state.replace(snapshot=None, as_of=None).href("/presentation"))),
        ]),
        html.Section(className="comite-section", **{"aria-labelledby": "comite-diff-title"}, children=[
            html.H2(page.t("comite.diff_title"), id="comite-diff-title"),
            dmc.Group(align="flex-end", className="comite-controls", children=[
                dmc.Select(id=ids.COMITE_DIFF_SNAPSHOT, label=page.t("comite.diff_snapshot"), data=choices,
                           value=chosen, allowDeselect=False, w=380, comboboxProps={"withinPortal": True}),
                html.Div([
                    html.Span(page.t("comite.diff_against"), id="comite-against-label", className="control-label"),
                    dmc.SegmentedControl(id=ids.COMITE_DIFF_AGAINST, value="previous" if has_previous else "live",
                                         data=[{"value": a, "label": page.t(f"comite.against_{a}")} for a in AGAINST],
                                         **{"aria-labelledby": "comite-against-label"}),
                ]),
                dmc.MultiSelect(id=ids.COMITE_DIFF_SEVERITY, label=page.t("comite.diff_severity"), value=[],
                                data=[{"value": s, "label": page.t(f"severity.{s}")} for s in SEVERITIES], w=260,
                                clearable=True, comboboxProps={"withinPortal": True}),
                dmc.TextInput(id=ids.COMITE_DIFF_SEARCH, label=page.t("comite.diff_search"), debounce=300, w=280),
            ]),
            dcc.Loading(html.Div(id=ids.COMITE_DIFF, className="comite-diff", **{"aria-live": "polite"})),
        ]),
        html.Section(className="comite-section", **{"aria-labelledby": "comite-packs-title"}, children=[
            html.H2(page.t("comite.packs"), id="comite-packs-title"),
            dmc.Select(id=ids.COMITE_PACK_REGION, label=page.t("comite.pack_region"), clearable=True, searchable=True,
                       data=[{"value": r.code, "label": r.label(lang)} for r in regions], value=None, w=320,
                       comboboxProps={"withinPortal": True}),
            html.Div(pack_links(page.ctx, chosen, None, lang), id=ids.COMITE_PACKS),
            *pack_queue_parts(),
        ]),
        *([delete_section(page, choices)] if page.scope.can_manage_committee else []),  # the secretariat's
    ]


def delete_section(page: PageRequest, choices: list[dict]) -> html.Section:
    """Deleting a snapshot (its files are erased; the audit journal keeps who did it and when)."""
    return (
        html.Section(className="comite-section", **{"aria-labelledby": "comite-delete-title"}, children=[
            html.H2(page.t("comite.delete_title"), id="comite-delete-title"),
            html.P(page.t("comite.delete_help")),
            dmc.Group(align="flex-end", children=[
                dmc.Select(id=ids.COMITE_DELETE_SELECT, label=page.t("comite.delete_snapshot"), data=choices,
                           value=None, w=380, comboboxProps={"withinPortal": True}),
                dmc.TextInput(id=ids.COMITE_DELETE_CONFIRM, label=page.t("comite.delete_confirm"), w=260),
                dmc.Button(page.t("comite.delete_button"), id=ids.COMITE_DELETE_BUTTON, color="errorDsfr"),
            ]),
            html.Div(id=ids.COMITE_DELETE_RESULT, role="status", **{"aria-live": "polite"}),
        ])
    )


@callback(
    Output(ids.COMITE_DIFF, "children"),
    Input(ids.COMITE_DIFF_SNAPSHOT, "value"), Input(ids.COMITE_DIFF_AGAINST, "value"),
    Input(ids.COMITE_DIFF_SEVERITY, "value"), Input(ids.COMITE_DIFF_SEARCH, "value"),
    State(ids.URL, "search"),
)
def update_diff(snapshot_id, against, severities, text, search):
    return diff_view(current(), snapshot_id, against, severities, text, _lang(search))


@callback(
    Output(ids.COMITE_PACKS, "children"),
    Input(ids.COMITE_DIFF_SNAPSHOT, "value"), Input(ids.COMITE_PACK_REGION, "value"), State(ids.URL, "search"),
    prevent_initial_call=True,
)
def update_packs(snapshot_id, region, search):
    return pack_links(current(), snapshot_id, region, _lang(search))


@callback(
    Output(ids.COMITE_PACK_JOB, "data"), Output(ids.COMITE_PACK_POLL, "disabled"),
    Output(ids.COMITE_PACK_PROGRESS, "children"),
    Input({"type": ids.COMITE_PACK_START, "name": ALL, "region": ALL}, "n_clicks"),
    Input(ids.COMITE_PACK_POLL, "n_intervals"), Input(ids.COMITE_PACK_JOB, "modified_timestamp"),
    State(ids.COMITE_PACK_JOB, "data"), State(ids.URL, "search"),
)
def pack_job(_clicks, _ticks, _stamp, job_id, search):
    return pack_job_update(job_id, search)


@callback(
    Output(ids.COMITE_DELETE_RESULT, "children"), Output(ids.COMITE_SNAPSHOTS, "children"),
    Output(ids.COMITE_DELETE_SELECT, "data"), Output(ids.COMITE_DIFF_SNAPSHOT, "data"),
    Output(ids.SNAPSHOT_OPTIONS_SINK, "data", allow_duplicate=True),
    Input(ids.COMITE_DELETE_BUTTON, "n_clicks"),
    State(ids.COMITE_DELETE_SELECT, "value"), State(ids.COMITE_DELETE_CONFIRM, "value"),
    State(ids.URL, "search"), State(ids.SNAPSHOT_OPTIONS_SINK, "data"),
    prevent_initial_call=True,
)
def delete_clicked(_n, snapshot_id, confirm, search, bump):
    context, lang = current(), _lang(search)
    message, deleted = delete(context, snapshot_id, confirm, signed_author(), lang)
    if deleted is None:
        return message, no_update, no_update, no_update, no_update
    from dashboard.state import parse_view_state

    state, _ = parse_view_state(parse_search(search), context.reference)
    metas = _metas(context)
    choices = snapshot_choices(metas, lang)
    return message, snapshots_table(metas, state), choices, choices, (bump or 0) + 1
