"""Comments on an indicator (list, add form, edit with history) and the author identity every write needs.

`comments_section(page, indicator_id)` is a pure builder that any page can embed; its callbacks use
pattern-matching ids keyed by the block, so they are registered once (on import) and serve every page.
The pieces (`comment_list`, `comment_form`) also make the compact blocks of the presentation slides, where a
block covers several indicators (`scope_of(…, indicators=…)`) and its form lets the user pick one.
A comment may be about a couloir (optional select in the form, badge on the comment, filter on the list).
In a snapshot view the comments are read as they were when the snapshot was created, without forms.
Shared with meteo.py and decisions.py: `author_name`, `feedback`, `frozen_at`, `when`.

Writes are signed by the signed-in identity (`dashboard.access.signed_author`), never by a name typed in the
page; who may read and write which territory is asked of the request scope (`dashboard.access`): a forged
block scope naming another région reads and writes nothing.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import dash_mantine_components as dmc
from dash import ALL, MATCH, Input, Output, State, callback, dcc, html, no_update
from dash import ctx as dash_ctx

from appstate import labels, service
from appstate.models import COMMENT_KINDS, Snapshot
from dashboard import ids
from dashboard.access import check_territory, current_scope, may_comment, signed_author
from dashboard.context import AppContext, current
from dashboard.format import fmt_datetime
from dashboard.i18n import t

PARIS = ZoneInfo("Europe/Paris")
KIND_ICONS = {"analyse": "◆", "risque": "⚠", "action": "➜", "decision": "⚖", "information": "ℹ"}
COMPACT_LIMIT = 3  # comments listed on a presentation slide (the newest)


# --- shared by every write form (comments, météo, decisions) ---

def author_name(data: object) -> str | None:
    """A write's author as given (None when blank): callbacks pass `signed_author()`, the signed-in login."""
    name = data.strip() if isinstance(data, str) else ""
    return name or None


def denied(lang: str) -> html.P:
    """The answer to a write (or read) outside the person's rights: nothing is written."""
    return feedback(t("access.write_denied", lang), ok=False)


def readable(ctx: AppContext, scope: dict) -> bool:
    """Whether the request's person may read the comments of a block's territory."""
    try:
        check_territory(scope.get("region"), scope.get("departement"), ctx.reference)
    except PermissionError:
        return False
    return True


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


def couloir_options(reference, lang: str) -> list[dict]:
    return [{"value": c.code, "label": c.label(lang)} for c in reference.couloirs.values()]


def couloir_select(reference, ident: dict, lang: str, label_key: str, placeholder_key: str) -> dmc.Select:
    """An optional couloir (the form's « Couloir concerné », the list's filter)."""
    return dmc.Select(id=ident, label=t(label_key, lang), placeholder=t(placeholder_key, lang),
                      data=couloir_options(reference, lang), value=None, clearable=True, className="comment-couloir")


# --- builders ---

def scope_of(indicator_id: str, region: str | None, departement: str | None, snapshot: Frozen | None,
             lang: str, *, indicators: list[str] | None = None, compact: bool = False) -> dict:
    """What a comments block shows (kept in a Store next to it, read back by the callbacks).

    `indicators`: every indicator the block lists (default: `indicator_id` only, the one a new comment is
    on unless the form offers a choice); `compact`: the newest few, without edit forms (presentation).
    """
    return {"indicator_id": indicator_id, "indicators": list(indicators or [indicator_id]), "region": region,
            "departement": departement, "lang": lang, "compact": compact, "couloir": None,
            "snapshot": snapshot.snapshot_id if snapshot else None,
            "as_of": snapshot.created_at.isoformat() if snapshot else None}


def _scope_indicators(scope: dict) -> list[str]:
    return scope.get("indicators") or [scope["indicator_id"]]


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


def _head(ctx: AppContext, c, lang: str, with_indicator: bool) -> html.Div:
    head = [kind_badge(c.kind, lang),
            html.Span(t("comments.meta", lang, author=c.author, date=when(c.created_at, lang)),
                      className="comment-meta")]
    if with_indicator:
        head.insert(1, html.Span(c.indicator_id, className="comment-indicator"))
    territory = _territory(ctx, c, lang)
    if territory:
        head.append(html.Span(t("comments.territory", lang, territory=territory), className="comment-territory"))
    if c.couloir_code:
        head.append(html.Span(t("comments.couloir.badge", lang,
                                couloir=ctx.reference.label("couloirs", c.couloir_code, lang)),
                              className="comment-territory comment-couloir", **{"data-couloir": c.couloir_code}))
    return html.Div(head, className="comment-head")


def comment_items(ctx: AppContext, scope: dict, session=None) -> list:
    """The comments of a scope, newest first (as of the snapshot in a snapshot view), of its couloir if any.

    `session`: the write's own (add, edit), so the list is built before the write commits."""
    lang, read_only, compact = scope["lang"], bool(scope.get("snapshot")), bool(scope.get("compact"))
    if not readable(ctx, scope):
        return [html.P(t("access.region_denied", lang, label=scope.get("region") or scope.get("departement") or "—"),
                       role="alert", className="comments-empty")]
    as_of = datetime.fromisoformat(scope["as_of"]) if scope.get("as_of") else None
    indicators = _scope_indicators(scope)
    with nullcontext(session) if session is not None else ctx.sessions()() as s:
        comments = service.list_comments(s, indicator_ids=indicators, region=scope.get("region"),
                                         departement=scope.get("departement"), as_of=as_of,
                                         couloir=scope.get("couloir"))
        histories = {c.id: [r for r in service.comment_history(s, c.id) if as_of is None or r.changed_at <= as_of]
                     for c in comments if c.edited}
    if not comments:
        return [html.P(t("comments.empty.couloir" if scope.get("couloir") else "comments.empty", lang),
                       className="comments-empty")]
    shown = comments[:COMPACT_LIMIT] if compact else comments
    items = []
    for c in shown:
        body = [_head(ctx, c, lang, len(indicators) > 1), html.P(c.body, className="comment-body")]
        if c.edited:
            body.append(html.Details([
                html.Summary(t("comments.edited", lang, date=when(c.updated_at, lang)), className="comment-edited"),
                html.Ul(_history(histories.get(c.id, []), lang), className="comment-history"),
            ]))
        if not read_only and not compact and may_edit(c.author):
            body.append(_edit_form(c, scope["indicator_id"], lang))
        items.append(html.Li(html.Article(body, className=f"comment comment-{c.kind}"), **{"data-comment": c.id}))
    more = [html.P(t("comments.more", lang, n=len(comments) - len(shown)), className="comments-count")
            ] if len(comments) > len(shown) else []
    return [html.P(t("comments.count", lang, n=len(comments)), className="comments-count"),
            html.Ul(items, className="comment-list"), *more]


def may_edit(author: str) -> bool:
    """A contributor edits their own comments; the committee secretariat edits any (history kept)."""
    me = current_scope()
    return me.can_edit_any_comment or (me.signed_in and not me.public and author == me.login
                                       and (me.has("contributeur") or me.has("secretariat")))


def comment_list(ctx: AppContext, scope: dict, key: str) -> list:
    """The list of a comments block (refreshed by the callbacks) and the Store of its scope."""
    return [html.Div(comment_items(ctx, scope), id={"type": ids.COMMENTS_LIST, "key": key},
                     className="comments-list", **{"aria-live": "polite"}),
            dcc.Store(id={"type": ids.COMMENTS_SCOPE, "key": key}, data=scope)]


def _indicator_choice(key: str, choices: list[dict] | None, lang: str) -> list:
    """The indicator select of a form covering several indicators (its State is matched with ALL: optional)."""
    if not choices:
        return []
    return [dmc.Select(id={"type": ids.COMMENTS_INDICATOR, "key": key, "field": "indicator"},
                       label=t("comments.indicator", lang), data=choices, value=choices[0]["value"],
                       allowDeselect=False, searchable=True, className="comment-indicator-select")]


def comment_form(reference, key: str, lang: str, indicator_choices: list[dict] | None = None,
                 heading: str = "H3") -> html.Div:
    """The « Ajouter un commentaire » form: (indicator,) kind, optional couloir, text, button, feedback."""
    return html.Div([  # a div, not a <form>: Enter must not reload the page
        getattr(html, heading)(t("comments.add.title", lang)),
        html.Div([
            html.Div([
                *_indicator_choice(key, indicator_choices, lang),
                dmc.Select(id={"type": ids.COMMENTS_KIND, "key": key}, label=t("comments.kind", lang),
                           data=kind_options(lang), value="analyse", allowDeselect=False, className="comment-kind"),
                couloir_select(reference, {"type": ids.COMMENTS_COULOIR, "key": key}, lang, "comments.couloir",
                               "comments.couloir.none"),
            ], className="comment-form-selects"),
            dmc.Textarea(id={"type": ids.COMMENTS_BODY, "key": key}, label=t("comments.body", lang),
                         placeholder=t("comments.body.placeholder", lang), autosize=True, minRows=3,
                         className="comment-body-input"),
        ], className="comment-form-fields"),
        dmc.Button(t("comments.add", lang), id={"type": ids.COMMENTS_ADD, "key": key}, color="bleuFrance",
                   n_clicks=0),
        html.Div(id={"type": ids.COMMENTS_FEEDBACK, "key": key}),
    ], className="comment-form", role="form", **{"aria-label": t("comments.add.title", lang)})


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
    children.append(html.Div(couloir_select(page.reference, {"type": ids.COMMENTS_COULOIR_FILTER, "key": key}, lang,
                                            "comments.filter.couloir", "comments.filter.couloir.all"),
                             className="comments-filter"))
    children += comment_list(page.ctx, scope, key)
    if not snapshot and may_comment(state.region, state.departement, page.reference):
        children.append(comment_form(page.reference, key, lang))
    return html.Section(children, id={"type": ids.COMMENTS_SECTION, "key": key}, className="page-section comments",
                        **{"aria-labelledby": heading_id})


# --- writes (pure: tested without a browser) ---

def _target(scope: dict, indicator: str | None) -> str:
    """The indicator a new comment is on: the one chosen in the form if the block covers it."""
    return indicator if indicator in _scope_indicators(scope) else scope["indicator_id"]


def add(ctx: AppContext, scope: dict, kind: str | None, body: str | None, author: str | None, *,
        couloir: str | None = None, indicator: str | None = None):
    """Write a comment (optionally about a couloir, on the chosen indicator); (list, feedback, new body value)."""
    lang = scope["lang"]
    if not author_name(author):
        return no_update, missing_author(lang), no_update
    if not readable(ctx, scope) or not may_comment(scope.get("region"), scope.get("departement"), ctx.reference):
        return no_update, denied(lang), no_update
    try:  # the answer is built inside the transaction: if it fails, nothing is saved
        with ctx.sessions().begin() as s:
            service.add_comment(s, _target(scope, indicator), kind or "", body or "", author_name(author),
                                region=scope.get("region"), departement=scope.get("departement"),
                                couloir=couloir or None, catalogue=ctx.engine().catalogue)
            s.flush()
            items = comment_items(ctx, scope, s)
    except ValueError as e:
        return no_update, feedback(t("write.error", lang, error=e), ok=False), no_update
    return items, feedback(t("write.saved", lang), ok=True), ""


def edit(ctx: AppContext, scope: dict, comment_id: int, kind: str | None, body: str | None, author: str | None):
    """Change a comment (a revision keeps the old and new values); (list, feedback)."""
    lang = scope["lang"]
    if not author_name(author):
        return no_update, missing_author(lang)
    try:
        with ctx.sessions().begin() as s:
            original = service.get_comment(s, int(comment_id))
            if original is None or not may_edit(original.author) or not readable(ctx, {
                    "region": original.region_code, "departement": original.departement_code}):
                return no_update, denied(lang)
            service.edit_comment(s, int(comment_id), author_name(author), body=body, kind=kind)
            s.flush()
            items = comment_items(ctx, scope, s)
    except ValueError as e:
        return no_update, feedback(t("write.error", lang, error=e), ok=False)
    return items, feedback(t("write.saved", lang), ok=True)


# --- callbacks (registered once, on import; pattern-matching ids serve every page) ---

@callback(
    Output({"type": ids.COMMENTS_LIST, "key": MATCH}, "children"),
    Output({"type": ids.COMMENTS_FEEDBACK, "key": MATCH}, "children"),
    Output({"type": ids.COMMENTS_BODY, "key": MATCH}, "value"),
    Output({"type": ids.COMMENTS_COULOIR, "key": MATCH}, "value"),
    Input({"type": ids.COMMENTS_ADD, "key": MATCH}, "n_clicks"),
    Input({"type": ids.COMMENT_SAVE, "key": MATCH, "comment": ALL}, "n_clicks"),
    State({"type": ids.COMMENTS_KIND, "key": MATCH}, "value"),
    State({"type": ids.COMMENTS_BODY, "key": MATCH}, "value"),
    State({"type": ids.COMMENTS_COULOIR, "key": MATCH}, "value"),
    State({"type": ids.COMMENTS_INDICATOR, "key": MATCH, "field": ALL}, "value"),
    State({"type": ids.COMMENT_EDIT_KIND, "key": MATCH, "comment": ALL}, "value"),
    State({"type": ids.COMMENT_EDIT_BODY, "key": MATCH, "comment": ALL}, "value"),
    State({"type": ids.COMMENTS_SCOPE, "key": MATCH}, "data"),
    prevent_initial_call=True,
)
def on_comment_write(_add, _saves, kind, body, couloir, indicator, edit_kinds, edit_bodies, scope):
    author = signed_author()
    trigger = dash_ctx.triggered_id
    if not dash_ctx.triggered or not dash_ctx.triggered[0].get("value") or not scope:
        return no_update, no_update, no_update, no_update  # a button appearing, not a click
    if trigger["type"] == ids.COMMENTS_ADD:
        items, message, cleared = add(current(), scope, kind, body, author, couloir=couloir,
                                      indicator=(indicator or [None])[0])
        return items, message, cleared, None if cleared == "" else no_update  # saved: the couloir is reset too
    edit_ids = [s["id"]["comment"] for s in dash_ctx.states_list[4]]
    i = edit_ids.index(trigger["comment"])
    items, message = edit(current(), scope, trigger["comment"], edit_kinds[i], edit_bodies[i], author)
    return items, message, no_update, no_update


@callback(
    Output({"type": ids.COMMENTS_LIST, "key": MATCH}, "children", allow_duplicate=True),
    Output({"type": ids.COMMENTS_SCOPE, "key": MATCH}, "data"),
    Input({"type": ids.COMMENTS_COULOIR_FILTER, "key": MATCH}, "value"),
    State({"type": ids.COMMENTS_SCOPE, "key": MATCH}, "data"),
    prevent_initial_call=True,
)
def on_couloir_filter(couloir, scope):
    """The list of one couloir's comments (or all); the scope keeps the filter for the next write."""
    if not scope:
        return no_update, no_update
    scope = {**scope, "couloir": couloir or None}
    return comment_items(current(), scope), scope
