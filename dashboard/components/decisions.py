"""The committee's decision log: status with icon + text, overdue flag, links, edit form with history.

Pure builders and write functions (tested without a browser); the Décisions page wires them to callbacks,
and so do the presentation slides (dashboard/components/live_entry.py) with the same fields and `add`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

import dash_mantine_components as dmc
import pandas as pd
from dash import dcc, html, no_update

from appstate import labels, service
from appstate.models import DECISION_STATUSES
from dashboard import ids
from dashboard.access import current_scope
from dashboard.components.comments import author_name, denied, feedback, missing_author, when
from dashboard.context import AppContext
from dashboard.format import fmt_date
from dashboard.i18n import t
from dashboard.theme import ERROR, GREY_TEXT, INFO, SUCCESS, WARNING

STATUS_STYLES = {  # icon, colour, tint: the text label always goes with them
    "a_faire": ("○", INFO, "#E8EDFF"), "en_cours": ("◐", WARNING, "#FFF4E0"), "fait": ("✔", SUCCESS, "#DFFEE6"),
    "abandonne": ("✕", GREY_TEXT, "#EEEEEE"),
}


def status_label(status: str, lang: str) -> str:
    return labels.label(labels.DECISION_STATUS_LABELS, status, lang)


def status_options(lang: str) -> list[dict]:
    return [{"value": s, "label": status_label(s, lang)} for s in DECISION_STATUSES]


def decision_status_badge(status: str, lang: str) -> html.Span:
    icon, colour, tint = STATUS_STYLES.get(status, ("•", GREY_TEXT, "#EEEEEE"))
    return html.Span([html.Span(icon, className="status-icon", **{"aria-hidden": "true"}),
                      html.Span(status_label(status, lang), className="status-text")],
                     className=f"status-badge decision-status decision-{status}",
                     style={"color": colour, "backgroundColor": tint, "borderColor": colour},
                     **{"data-status": status})


def overdue_badge(lang: str) -> html.Span:
    return html.Span([html.Span("⚠ ", **{"aria-hidden": "true"}), t("decisions.overdue", lang)],
                     className="overdue-badge", style={"color": ERROR, "borderColor": ERROR})


def scope_of(lang: str, today: date, region: str | None = None, snapshot=None) -> dict:
    """What the log shows (kept in a Store, read back by the callbacks)."""
    return {"lang": lang, "today": today.isoformat(), "region": region,
            "snapshot": snapshot.snapshot_id if snapshot else None,
            "as_of": snapshot.created_at.isoformat() if snapshot else None}


def _value(field: str, value, ctx: AppContext, lang: str) -> str:
    if value in (None, "", []):
        return t("decisions.none", lang)
    if field == "status":
        return status_label(value, lang)
    if field == "due_date":
        return fmt_date(value, lang)
    if field == "regions":
        return ", ".join(ctx.reference.label("regions", c, lang) for c in value)
    if isinstance(value, list | tuple):
        return ", ".join(value)
    return str(value)


def _history(ctx: AppContext, d, history: list[dict], lang: str) -> list:
    if not history:
        return [html.P(t("decisions.history.none", lang, author=d.created_by, date=when(d.created_at, lang)))]
    return [html.Ul([html.Li(t("decisions.history.item", lang, date=when(h["changed_at"], lang), author=h["author"],
                               field=t(f"decisions.field.{h['field']}", lang),
                               old=_value(h["field"], h["old"], ctx, lang), new=_value(h["field"], h["new"], ctx, lang)))
                     for h in history], className="decision-history")]


def _edit_form(d, lang: str) -> list:
    sub = {"decision": d.id}
    return [
        dmc.Select(id={"type": ids.DEC_EDIT_STATUS, **sub}, label=t("decisions.status", lang), data=status_options(lang),
                   value=d.status, allowDeselect=False, size="xs"),
        dmc.TextInput(id={"type": ids.DEC_EDIT_OWNER, **sub}, label=t("decisions.owner", lang), value=d.owner,
                      size="xs"),
        html.Div([html.Label(t("decisions.due", lang), htmlFor=f"decision-due-{d.id}", className="field-label"),
                  dcc.Input(id={"type": ids.DEC_EDIT_DUE, **sub}, type="date", className="date-input",
                            value=d.due_date.isoformat() if d.due_date else None)], className="field"),
        dmc.Textarea(id={"type": ids.DEC_EDIT_TEXT, **sub}, label=t("decisions.text", lang), value=d.text,
                     autosize=True, minRows=2, size="xs"),
        dmc.Button(t("decisions.save", lang), id={"type": ids.DEC_SAVE, **sub}, size="xs", variant="outline",
                   color="bleuFrance", n_clicks=0),
    ]


def _links(ctx: AppContext, d, lang: str) -> list:
    parts: list = []
    for ind in d.indicator_ids:
        parts += [dcc.Link(ind, href=f"/indicateurs/{ind}" + ("?lang=en" if lang == "en" else "")), " "]
    territories = [ctx.reference.label("regions", r, lang) for r in d.regions] + list(d.departements)
    if territories:
        parts.append(html.Span(", ".join(territories), className="decision-territories"))
    return parts or [t("decisions.none", lang)]


def visible_decisions(ctx: AppContext, decisions: list) -> list:
    """The decisions the request's person may read: a regional person reads the national ones (no territory)
    and those of their régions (or of their départements), never another région's."""
    me = current_scope()
    if not me.restricted:
        return decisions

    def allowed(d) -> bool:
        regions = set(d.regions) | {ctx.reference.departements[c].parent for c in d.departements
                                    if c in ctx.reference.departements}
        if d.departements and not regions:
            return False
        return all(me.allows_region(r) for r in regions) and not (me.public and regions)

    return [d for d in decisions if allowed(d)]


def decision_log(ctx: AppContext, scope: dict, status: str | None = None, open_only: bool = False,
                 indicator: str | None = None) -> list:
    """The decisions of the scope and filters, by due date; overdue ones flagged « en retard »."""
    lang, today = scope["lang"], date.fromisoformat(scope["today"])
    read_only = bool(scope.get("snapshot")) or not current_scope().can_manage_committee
    as_of = datetime.fromisoformat(scope["as_of"]) if scope.get("as_of") else None
    with ctx.sessions()() as s:
        decisions = visible_decisions(ctx, service.list_decisions(
            s, status=status or None, open_only=bool(open_only), indicator_id=indicator or None,
            region=scope.get("region"), as_of=as_of))
        histories = {d.id: [h for h in service.decision_history(s, d.id) if as_of is None or h["changed_at"] <= as_of]
                     for d in decisions}
    if not decisions:
        return [html.P(t("decisions.empty", lang), className="decisions-empty")]
    overdue = [d for d in decisions if d.overdue(today)]
    head = html.Thead(html.Tr([html.Th(t(f"decisions.col.{c}", lang), scope="col")
                               for c in ("id", "text", "owner", "due", "status", "links", "committee")]))
    rows = []
    for d in decisions:
        late = d.overdue(today)
        due = [fmt_date(d.due_date, lang) if d.due_date else t("decisions.no_due", lang)]
        if late:
            due += [" ", overdue_badge(lang)]
        details = [html.Summary(t("decisions.edit", lang) if not read_only else t("decisions.history", lang)),
                   html.H4(t("decisions.history", lang), className="decision-history-title"),
                   *_history(ctx, d, histories[d.id], lang)]
        if not read_only:
            details.append(html.Div(_edit_form(d, lang), className="decision-edit-form"))
        rows.append(html.Tr([
            html.Td(str(d.id)),
            html.Td([html.P(d.text, className="decision-text"), html.Details(details, className="decision-edit")]),
            html.Td(d.owner), html.Td(due, className="decision-due"),
            html.Td(decision_status_badge(d.status, lang)), html.Td(_links(ctx, d, lang)),
            html.Td(d.committee_label or "—"),
        ], className="decision-row" + (" decision-overdue" if late else ""), **{"data-decision": d.id}))
    table = html.Div(html.Table([html.Caption(t("decisions.log", lang), className="visually-hidden"), head,
                                 html.Tbody(rows)], className="decision-table"), className="table-scroll")
    return [html.P(t("decisions.count", lang, n=len(decisions), overdue=len(overdue)), className="decisions-count"),
            _with_export(ctx, decisions, lang, table)]


DECISION_COLUMNS = ("id", "text", "owner", "due", "status", "links", "committee")


def _with_export(ctx: AppContext, decisions, lang: str, table: html.Div) -> html.Div:
    """The log with its "Exporter" menu (XLSX, CSV): one row per decision, due date as a date, status in words,
    linked indicators and territories as text (the edit forms and histories are not exported)."""
    from dashboard.components.export_menu import table_with_export, text_of

    df = pd.DataFrame([{
        "id": d.id, "text": d.text, "owner": d.owner, "due": d.due_date, "status": status_label(d.status, lang),
        "links": text_of(_links(ctx, d, lang)), "committee": d.committee_label or "—",
    } for d in decisions], columns=list(DECISION_COLUMNS))
    headers = {c: t(f"decisions.col.{c}", lang) for c in DECISION_COLUMNS}
    return table_with_export(df, lang, t("decisions.log", lang), headers=headers,
                             formats={"id": "int", "due": "date"}, table=table)


def dom_id(ident: str | dict) -> str:
    """The DOM id Dash gives a component id (pattern-matching dicts: sorted compact JSON), for <label for>."""
    return ident if isinstance(ident, str) else json.dumps(ident, sort_keys=True, separators=(",", ":"))


def new_decision_fields(lang: str, ident: Callable[[str], str | dict], indicators: list[dict], *,
                        linked: list[str] | None = None, regions: list[dict] | None = None,
                        region: str | None = None) -> list:
    """The fields of a new decision: text, owner, due date, (status,) linked indicators (, régions, committee).

    `ident(name)` gives each field's id from its ids.DEC_* name (plain on the Décisions page, pattern-matching
    on a slide). Without `regions` (a slide) the form is the short one: status « à faire », the view's région.
    """
    due = ident(ids.DEC_DUE)
    fields = [
        dmc.Textarea(id=ident(ids.DEC_TEXT), label=t("decisions.text", lang),
                     placeholder=t("decisions.text.placeholder", lang), autosize=True, minRows=2,
                     className="decision-text-input"),
        dmc.TextInput(id=ident(ids.DEC_OWNER), label=t("decisions.owner", lang)),
        html.Div([html.Label(t("decisions.due", lang), htmlFor=dom_id(due), className="field-label"),
                  dcc.Input(id=due, type="date", className="date-input")], className="field"),
    ]
    if regions is not None:
        fields.append(dmc.Select(id=ident(ids.DEC_STATUS), label=t("decisions.status", lang),
                                 data=status_options(lang), value="a_faire", allowDeselect=False))
    fields.append(dmc.MultiSelect(id=ident(ids.DEC_INDICATORS), label=t("decisions.indicators", lang),
                                  data=indicators, value=linked or [], searchable=True, clearable=True))
    if regions is not None:
        fields += [
            dmc.MultiSelect(id=ident(ids.DEC_REGIONS), label=t("decisions.regions", lang), data=regions,
                            searchable=True, clearable=True, value=[region] if region else []),
            dmc.TextInput(id=ident(ids.DEC_COMMITTEE), label=t("decisions.committee", lang),
                          placeholder=t("decisions.committee.placeholder", lang)),
        ]
    return fields


def _catalogue(ctx: AppContext):
    try:
        return ctx.engine().catalogue
    except Exception:  # noqa: BLE001 - without a valid catalogue the links are checked against the reference only
        return None


def add(ctx: AppContext, scope: dict, values: dict, author: str | None, filters: dict | None = None, *,
        render: Callable[[AppContext, dict], list] | None = None):
    """Record a decision; (log, feedback, cleared text). `render(ctx, scope)` draws the list shown after
    the write (default: the log with `filters`)."""
    lang = scope["lang"]
    if not author_name(author):
        return no_update, missing_author(lang), no_update
    if not current_scope().can_manage_committee:  # decisions are the committee secretariat's record
        return no_update, denied(lang), no_update
    try:
        with ctx.sessions().begin() as s:
            service.add_decision(
                s, values.get("text") or "", values.get("owner") or "", author_name(author),
                due_date=values.get("due_date") or None, status=values.get("status") or "a_faire",
                committee_label=(values.get("committee_label") or "").strip() or None,
                indicator_ids=values.get("indicator_ids") or (), regions=values.get("regions") or (),
                catalogue=_catalogue(ctx))
    except ValueError as e:
        return no_update, feedback(t("write.error", lang, error=e), ok=False), no_update
    shown = render(ctx, scope) if render else decision_log(ctx, scope, **(filters or {}))
    return shown, feedback(t("write.saved", lang), ok=True), ""


def update(ctx: AppContext, scope: dict, decision_id: int, values: dict, author: str | None,
           filters: dict | None = None):
    """Change the given fields of a decision (one history line per changed field); (log, feedback)."""
    lang = scope["lang"]
    if not author_name(author):
        return no_update, missing_author(lang)
    if not current_scope().can_manage_committee:
        return no_update, denied(lang)
    try:
        with ctx.sessions().begin() as s:
            current = {d.id: d for d in service.list_decisions(s)}.get(int(decision_id))
            if current is None:
                raise ValueError(f"décision introuvable (n° {decision_id})")
            fields = {"status": values.get("status"), "owner": values.get("owner"), "text": values.get("text"),
                      "due_date": values.get("due_date") or None}
            changed = {k: v for k, v in fields.items()
                       if k in values and v != (current.due_date.isoformat() if k == "due_date" and current.due_date
                                                else getattr(current, k))}
            service.update_decision(s, int(decision_id), author_name(author), **changed)
    except ValueError as e:
        return no_update, feedback(t("write.error", lang, error=e), ok=False)
    return decision_log(ctx, scope, **(filters or {})), feedback(t("write.saved", lang), ok=True)
