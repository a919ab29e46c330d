"""Comments on an indicator (list, add form, edit with history) and the author identity every write needs.

`comments_section(page, indicator_id)` is a pure builder that any page can embed; its callbacks use
pattern-matching ids keyed by the indicator, so they are registered once (on import) and serve every page.
In a snapshot view the comments are read as they were when the snapshot was created, without forms.
Shared with meteo.py and decisions.py: `author_name`, `feedback`, `frozen_at`, `when`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import dash_mantine_components as dmc
from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, dcc, html, no_update
from dash import ctx as dash_ctx

from appstate import labels, service
from appstate.models import COMMENT_KINDS, Snapshot
from dashboard import ids
from dashboard.context import AppContext, current
from dashboard.format import fmt_datetime
from dashboard.i18n import t
from dashboard.state import parse_search

PARIS = ZoneInfo("Europe/Paris")
KIND_ICONS = {"analyse": "◆", "risque": "⚠", "action": "➜", "decision": "⚖", "information": "ℹ"}


# --- shared by every write form (comments, météo, decisions) ---

def author_name(data: object) -> str | None:
    """The name kept in the browser's author store (None when blank)."""
    name = data.strip() if isinstance(data, str) else ""
    return name or None


def when(moment: datetime | None, lang: str) -> str:
    """A stored UTC moment, shown in French time."""
    if moment is None:
        return ""
    return fmt_datetime(moment.astimezone(PARIS) if moment.tzinfo else moment, lang)


def feedback(message: str, ok: bool) -> html.P:
    """The result of a write, announced to screen readers (icon + text, never colour alone)."""
    return html.P([html.Span("✔ " if ok else "✖ ", **{"aria-hidden": "true"}), message],
                  className="write-feedback " + ("write-ok" if ok else "write-error"),
                  role="status" if ok else "alert")


def missing_author(lang: str) -> html.P:
    return feedback(t("author.missing", lang), ok=False)


@dataclass(frozen=True)
class Frozen:
    snapshot_id: str
    label: str
    created_at: datetime


def frozen_at(ctx: AppContext, snapshot_id: str | None) -> Frozen | None:
    """The snapshot being viewed (its creation is the moment the app state is read at), or None."""
    if not snapshot_id:
        return None
    with ctx.sessions()() as s:
        row = s.get(Snapshot, snapshot_id)
        if row is None or row.deleted_at is not None:
            return None
        return Frozen(row.id, row.label, row.created_at)


def kind_badge(kind: str, lang: str) -> html.Span:
    return html.Span([html.Span(KIND_ICONS.get(kind, "•"), className="kind-icon", **{"aria-hidden": "true"}),
                      labels.label(labels.COMMENT_KIND_LABELS, kind, lang)],
                     className=f"kind-badge kind-{kind}", **{"data-kind": kind})


def kind_options(lang: str) -> list[dict]:
    return [{"value": k, "label": labels.label(labels.COMMENT_KIND_LABELS, k, lang)} for k in COMMENT_KINDS]


# --- builders ---

def scope_of(indicator_id: str, region: str | None, departement: str | None, snapshot: Frozen | None,
             lang: str) -> dict:
    """What a comments block shows (kept in a Store next to it, read back by the callbacks)."""
    return {"indicator_id": indicator_id, "region": region, "departement": departement, "lang": lang,
            "snapshot": snapshot.snapshot_id if snapshot else None,
            "as_of": snapshot.created_at.isoformat() if snapshot else None}


def _territory(ctx: AppContext, comment, lang: str) -> str | None:
    if comment.departement_code:
        return f"{comment.departement_code} {ctx.reference.label('departements', comment.departement_code, lang)}"
    if comment.region_code:
        return ctx.reference.label("regions", comment.region_code, lang)
    return None


def _history(revisions, lang: str) -> list:
    items = []
    for r in revisions:
        changes = []
        if r.old_kind != r.new_kind:
            changes.append(html.Li(t("comments.revision.kind", lang,
                                     old=labels.label(labels.COMMENT_KIND_LABELS, r.old_kind, lang),
                                     new=labels.label(labels.COMMENT_KIND_LABELS, r.new_kind, lang))))
        if r.old_body != r.new_body:
            changes.append(html.Li(t("comments.revision.body", lang, old=r.old_body, new=r.new_body)))
        items.append(html.Li([t("comments.revision", lang, date=when(r.changed_at, lang), author=r.author),
                              html.Ul(changes)]))
    return items


def _edit_form(comment, key: str, lang: str) -> html.Details:
    sub = {"key": key, "comment": comment.id}
    return html.Details([
        html.Summary(t("comments.edit", lang), className="comment-edit-summary"),
        html.Div([
            dmc.Select(id={"type": ids.COMMENT_EDIT_KIND, **sub}, label=t("comments.kind", lang),
                       data=kind_options(lang), value=comment.kind, allowDeselect=False, size="sm"),
            dmc.Textarea(id={"type": ids.COMMENT_EDIT_BODY, **sub}, label=t("comments.body", lang),
                         value=comment.body, autosize=True, minRows=2, size="sm"),
            dmc.Button(t("comments.save", lang), id={"type": ids.COMMENT_SAVE, **sub}, size="xs",
                       variant="outline", color="bleuFrance", n_clicks=0),
        ], className="comment-edit-form"),
    ], className="comment-edit")


def comment_items(ctx: AppContext, scope: dict) -> list:
    """The comments of a scope, newest first (as of the snapshot in a snapshot view)."""
    lang, read_only = scope["lang"], bool(scope.get("snapshot"))
    as_of = datetime.fromisoformat(scope["as_of"]) if scope.get("as_of") else None
    with ctx.sessions()() as s:
        comments = service.list_comments(s, scope["indicator_id"], region=scope.get("region"),
                                         departement=scope.get("departement"), as_of=as_of)
        histories = {c.id: [r for r in service.comment_history(s, c.id) if as_of is None or r.changed_at <= as_of]
                     for c in comments if c.edited}
    if not comments:
        return [html.P(t("comments.empty", lang), className="comments-empty")]
    items = []
    for c in comments:
        head = [kind_badge(c.kind, lang),
                html.Span(t("comments.meta", lang, author=c.author, date=when(c.created_at, lang)),
                          className="comment-meta")]
        territory = _territory(ctx, c, lang)
        if territory:
            head.append(html.Span(t("comments.territory", lang, territory=territory), className="comment-territory"))
        body = [html.Div(head, className="comment-head"), html.P(c.body, className="comment-body")]
        if c.edited:
            body.append(html.Details([
                html.Summary(t("comments.edited", lang, date=when(c.updated_at, lang)), className="comment-edited"),
                html.Ul(_history(histories.get(c.id, []), lang), className="comment-history"),
            ]))
        if not read_only:
            body.append(_edit_form(c, scope["indicator_id"], lang))
        items.append(html.Li(html.Article(body, className=f"comment comment-{c.kind}"), **{"data-comment": c.id}))
    return [html.P(t("comments.count", lang, n=len(comments)), className="comments-count"),
            html.Ul(items, className="comment-list")]


def comments_section(page, indicator_id: str) -> html.Section:
    """The comments block of an indicator for the page's territory (and snapshot, read-only)."""
    lang, state = page.lang, page.state
    snapshot = frozen_at(page.ctx, state.snapshot)
    scope = scope_of(indicator_id, state.region, state.departement, snapshot, lang)
    key = indicator_id
    territory = (f"{state.departement} {page.reference.label('departements', state.departement, lang)}"
                 if state.departement else page.reference.label("regions", state.region, lang))
    heading_id = f"comments-title-{key}"
    children: list = [
        html.H2(t("comments.title", lang), id=heading_id),
        html.P(t("comments.lead", lang, scope=t("comments.scope", lang, territory=territory) if territory else ""),
               className="section-lead"),
        dmc.Anchor(t("decisions.see", lang), href=state.href("/decisions", {"indicateur": indicator_id}),
                   className="comments-decisions-link"),
    ]
    if snapshot:
        children.append(html.P(t("comments.snapshot", lang, label=snapshot.label,
                                 date=when(snapshot.created_at, lang)), className="snapshot-note"))
    children.append(html.Div(comment_items(page.ctx, scope), id={"type": ids.COMMENTS_LIST, "key": key},
                             **{"aria-live": "polite"}))
    if not snapshot:
        children.append(html.Div([  # a div, not a <form>: Enter must not reload the page
            html.H3(t("comments.add.title", lang)),
            html.Div([
                dmc.Select(id={"type": ids.COMMENTS_KIND, "key": key}, label=t("comments.kind", lang),
                           data=kind_options(lang), value="analyse", allowDeselect=False, className="comment-kind"),
                dmc.Textarea(id={"type": ids.COMMENTS_BODY, "key": key}, label=t("comments.body", lang),
                             placeholder=t("comments.body.placeholder", lang), autosize=True, minRows=3,
                             className="comment-body-input"),
            ], className="comment-form-fields"),
            dmc.Button(t("comments.add", lang), id={"type": ids.COMMENTS_ADD, "key": key}, color="bleuFrance",
                       n_clicks=0),
            html.Div(id={"type": ids.COMMENTS_FEEDBACK, "key": key}),
        ], className="comment-form", role="form", **{"aria-label": t("comments.add.title", lang)}))
    children.append(dcc.Store(id={"type": ids.COMMENTS_SCOPE, "key": key}, data=scope))
    return html.Section(children, id={"type": ids.COMMENTS_SECTION, "key": key}, className="page-section comments",
                        **{"aria-labelledby": heading_id})


# --- writes (pure: tested without a browser) ---

def add(ctx: AppContext, scope: dict, kind: str | None, body: str | None, author: str | None):
    """Write a comment; (list, feedback, new body value)."""
    lang = scope["lang"]
    if not author_name(author):
        return no_update, missing_author(lang), no_update
    try:
        with ctx.sessions().begin() as s:
            service.add_comment(s, scope["indicator_id"], kind or "", body or "", author_name(author),
                                region=scope.get("region"), departement=scope.get("departement"),
                                catalogue=ctx.engine().catalogue)
    except ValueError as e:
        return no_update, feedback(t("write.error", lang, error=e), ok=False), no_update
    return comment_items(ctx, scope), feedback(t("write.saved", lang), ok=True), ""


def edit(ctx: AppContext, scope: dict, comment_id: int, kind: str | None, body: str | None, author: str | None):
    """Change a comment (a revision keeps the old and new values); (list, feedback)."""
    lang = scope["lang"]
    if not author_name(author):
        return no_update, missing_author(lang)
    try:
        with ctx.sessions().begin() as s:
            service.edit_comment(s, int(comment_id), author_name(author), body=body, kind=kind)
    except ValueError as e:
        return no_update, feedback(t("write.error", lang, error=e), ok=False)
    return comment_items(ctx, scope), feedback(t("write.saved", lang), ok=True)


# --- callbacks (registered once, on import; pattern-matching ids serve every page) ---

@callback(
    Output({"type": ids.COMMENTS_LIST, "key": MATCH}, "children"),
    Output({"type": ids.COMMENTS_FEEDBACK, "key": MATCH}, "children"),
    Output({"type": ids.COMMENTS_BODY, "key": MATCH}, "value"),
    Input({"type": ids.COMMENTS_ADD, "key": MATCH}, "n_clicks"),
    Input({"type": ids.COMMENT_SAVE, "key": MATCH, "comment": ALL}, "n_clicks"),
    State({"type": ids.COMMENTS_KIND, "key": MATCH}, "value"),
    State({"type": ids.COMMENTS_BODY, "key": MATCH}, "value"),
    State({"type": ids.COMMENT_EDIT_KIND, "key": MATCH, "comment": ALL}, "value"),
    State({"type": ids.COMMENT_EDIT_BODY, "key": MATCH, "comment": ALL}, "value"),
    State({"type": ids.COMMENTS_SCOPE, "key": MATCH}, "data"),
    State(ids.AUTHOR_STORE, "data"),
    prevent_initial_call=True,
)
def on_comment_write(_add, _saves, kind, body, edit_kinds, edit_bodies, scope, author):
    trigger = dash_ctx.triggered_id
    if not dash_ctx.triggered or not dash_ctx.triggered[0].get("value") or not scope:
        return no_update, no_update, no_update  # a button appearing, not a click
    if trigger["type"] == ids.COMMENTS_ADD:
        return add(current(), scope, kind, body, author)
    edit_ids = [s["id"]["comment"] for s in dash_ctx.states_list[2]]
    i = edit_ids.index(trigger["comment"])
    items, message = edit(current(), scope, trigger["comment"], edit_kinds[i], edit_bodies[i], author)
    return items, message, no_update


# The author field: the store (localStorage) fills the field on load; typing in the field updates the store.
clientside_callback(
    """
    function (value, stored) {
        const trigger = (dash_clientside.callback_context.triggered_id || "");
        if (trigger === "AUTHOR_INPUT") {
            const name = (value || "").trim();
            return [dash_clientside.no_update, name || null];
        }
        return [stored || "", dash_clientside.no_update];
    }
    """.replace("AUTHOR_INPUT", ids.AUTHOR_INPUT),
    Output(ids.AUTHOR_INPUT, "value"), Output(ids.AUTHOR_STORE, "data"),
    Input(ids.AUTHOR_INPUT, "value"), Input(ids.AUTHOR_STORE, "data"),
)


@callback(Output(ids.AUTHOR_INPUT, "label"), Output(ids.AUTHOR_INPUT, "placeholder"),
          Output(ids.AUTHOR_INPUT, "description"), Input(ids.URL, "search"))
def translate_author(search):
    lang = "en" if parse_search(search).get("lang") == "en" else "fr"
    return t("author.label", lang), t("author.placeholder", lang), t("author.hint", lang)
