"""Comments and decisions entered on the presentation slides, during the committee meeting.

Every section of the deck shows, under its figures, the newest comments and the open decisions of its
indicators (`slide_notes`); on live data it also holds an entry panel (`entry_panel`) that
dashboard/assets/presentation.js shows and hides (the bar's button, keys C and D, Escape). The panel is the
comment form of components/comments.py, served by its callbacks (pattern-matching ids keyed by the section),
and the decision fields of components/decisions.py, written by `decisions.add` through the one callback below.
Both lists are redrawn by their write, so a new entry is on the slide at once. A snapshot is read-only:
no panel, the lists as they were when it was frozen.
"""

from __future__ import annotations

from datetime import date, datetime

import dash_mantine_components as dmc
from dash import MATCH, Input, Output, State, callback, dcc, html, no_update

from appstate import labels, service
from dashboard import ids
from dashboard.access import signed_author
from dashboard.components import comments, decisions
from dashboard.context import AppContext, current
from dashboard.format import fmt_date
from dashboard.i18n import t

STRIP_DECISIONS = 3  # open decisions listed under a section's figures (the newest)


def section_key(key: str) -> str:
    """The key of a section's pattern-matching ids (comments block, decisions list, entry panel)."""
    return f"pres-{key}"


def decision_scope(lang: str, today: date, region: str | None, snapshot: comments.Frozen | None,
                   indicators: list[str] | None, limit: int = STRIP_DECISIONS, newest_first: bool = True) -> dict:
    """What a slide's decisions list shows: open decisions linked to `indicators` (None: all of them)."""
    return {**decisions.scope_of(lang, today, region, snapshot), "indicators": indicators, "limit": limit,
            "newest_first": newest_first}


def slide_decisions(ctx: AppContext, scope: dict) -> list:
    """The open decisions of a slide: the newest first under a section, by due date on the Décisions slide."""
    lang = scope["lang"]
    as_of = datetime.fromisoformat(scope["as_of"]) if scope.get("as_of") else None
    with ctx.sessions()() as s:
        found = decisions.visible_decisions(ctx, service.list_decisions(s, open_only=True, as_of=as_of))
    wanted = scope.get("indicators")
    if wanted is not None:
        found = [d for d in found if set(d.indicator_ids) & set(wanted)]
    if scope.get("newest_first"):
        found.sort(key=lambda d: (d.created_at, d.id), reverse=True)
    if not found:
        return [html.P(t("live.decisions.none" if wanted is not None else "pres.no_decisions", lang),
                       className="pres-empty")]
    shown = found[:scope["limit"]]
    head = html.Thead(html.Tr([html.Th(t(k, lang), scope="col") for k in (
        "pres.col.decision", "pres.col.owner", "pres.col.due", "pres.col.status")]))
    rows = [html.Tr([html.Td(d.text), html.Td(d.owner), html.Td(fmt_date(d.due_date, lang) if d.due_date else "—"),
                     html.Td(labels.label(labels.DECISION_STATUS_LABELS, d.status, lang))],
                    **{"data-decision": d.id}) for d in shown]
    more = ([html.P(t("live.decisions.more", lang, n=len(found) - len(shown)), className="pres-more")]
            if len(found) > len(shown) else [])
    return [html.Table([head, html.Tbody(rows)], className="pres-table pres-decisions"), *more]


def decision_list(ctx: AppContext, scope: dict, key: str) -> list:
    """A slide's decisions (redrawn by a write from its panel) and the Store of its scope."""
    return [html.Div(slide_decisions(ctx, scope), id={"type": ids.PRES_DEC_LIST, "key": key},
                     className="pres-decision-list", **{"aria-live": "polite"}),
            dcc.Store(id={"type": ids.PRES_DEC_SCOPE, "key": key}, data=scope)]


def slide_notes(ctx: AppContext, key: str, comment_scope: dict, dec_scope: dict | None) -> html.Div:
    """Under a section's figures: its newest comments and (unless `dec_scope` is None) its open decisions."""
    lang = comment_scope["lang"]
    columns = [html.Div([html.H3(t("live.comments", lang)), *comments.comment_list(ctx, comment_scope, key)],
                        className="pres-notes-comments")]
    if dec_scope is not None:
        columns.append(html.Div([html.H3(t("live.decisions", lang)), *decision_list(ctx, dec_scope, key)],
                                className="pres-notes-decisions"))
    return html.Div(columns, className="pres-notes")


def _decision_form(key: str, lang: str, indicators: list[dict], linked: list[str]) -> html.Div:
    fields = decisions.new_decision_fields(lang, lambda name: {"type": name, "key": key}, indicators, linked=linked)
    return html.Div([
        html.H4(t("live.decision.title", lang)),
        html.Div(fields, className="decision-form-fields"),
        dmc.Button(t("decisions.add", lang), id={"type": ids.DEC_ADD, "key": key}, color="bleuFrance", n_clicks=0),
        html.Div(id={"type": ids.PRES_DEC_FEEDBACK, "key": key}),
    ], className="decision-form pres-decision-form", role="form", **{"aria-label": t("live.decision.title", lang)})


def entry_panel(reference, key: str, lang: str, choices: list[dict], indicators: list[dict],
                linked: list[str]) -> html.Div:
    """The « Ajouter un commentaire / une décision » panel of a section (hidden until presentation.js shows it).

    `choices`: the indicators a comment may be on (the section's); `indicators`: every indicator a decision may
    be linked to; `linked`: those linked by default.
    """
    return html.Div(id={"type": ids.PRES_ENTRY, "key": key}, className="pres-entry", role="region",
                    **{"aria-label": t("live.title", lang)}, children=[
        html.Div([html.H3(t("live.title", lang), className="pres-entry-title"),
                  html.P(t("live.keys", lang), className="pres-entry-keys"),
                  html.P(t("live.author", lang), className="pres-entry-author")], className="pres-entry-head"),
        html.Div([comments.comment_form(reference, key, lang, choices, heading="H4"),
                  _decision_form(key, lang, indicators, linked)], className="pres-entry-forms"),
    ])


def entry_toggle(lang: str, read_only: bool) -> list:
    """The bar's button opening the panels; disabled, with the reason beside it, on a frozen snapshot."""
    attrs = ({"aria-describedby": ids.PRES_READONLY} if read_only
             else {"aria-expanded": "false", "aria-keyshortcuts": "c d"})
    button = html.Button(t("live.toggle", lang), id=ids.PRES_ENTRY_TOGGLE, type="button", disabled=read_only,
                         className="pres-nav pres-entry-toggle", **attrs)
    if not read_only:
        return [button]
    return [button, html.P(t("live.readonly", lang), id=ids.PRES_READONLY, className="pres-readonly")]


@callback(
    Output({"type": ids.PRES_DEC_LIST, "key": MATCH}, "children"),
    Output({"type": ids.PRES_DEC_FEEDBACK, "key": MATCH}, "children"),
    Output({"type": ids.DEC_TEXT, "key": MATCH}, "value"),
    Input({"type": ids.DEC_ADD, "key": MATCH}, "n_clicks"),
    State({"type": ids.DEC_TEXT, "key": MATCH}, "value"),
    State({"type": ids.DEC_OWNER, "key": MATCH}, "value"),
    State({"type": ids.DEC_DUE, "key": MATCH}, "value"),
    State({"type": ids.DEC_INDICATORS, "key": MATCH}, "value"),
    State({"type": ids.PRES_DEC_SCOPE, "key": MATCH}, "data"),
    prevent_initial_call=True,
)
def on_live_decision(clicks, text, owner, due, linked, scope):
    author = signed_author()
    """A decision entered on a slide: written as on the Décisions page, then the slide's list redrawn."""
    if not clicks or not scope or scope.get("snapshot"):
        return no_update, no_update, no_update
    values = {"text": text, "owner": owner, "due_date": due, "indicator_ids": linked or [],
              "regions": [scope["region"]] if scope.get("region") else []}
    return decisions.add(current(), scope, values, author, render=slide_decisions)
