"""The « météo » (the owner's manual status) of an objective or an indicator, shown BESIDE the computed status.

`meteo_block(page, target_type, target_id, status)` reads « Statut calculé : ✖ En retard · Météo : ☁ Appuis
nécessaires — « justification » (auteur, date) » and carries a small form to set it (justification required).
Pattern-matching ids keyed by "objective:OBJ-ALIM" / "indicator:USE-01": one callback serves every block.
"""

from __future__ import annotations

from datetime import datetime

import dash_mantine_components as dmc
from dash import MATCH, Input, Output, State, callback, dcc, html, no_update

from appstate import labels, service
from appstate.models import METEO_LEVELS
from dashboard import ids
from dashboard.access import current_scope, signed_author
from dashboard.components.comments import author_name, denied, feedback, frozen_at, missing_author, when
from dashboard.components.status import status_badge
from dashboard.context import AppContext, current
from dashboard.i18n import t
from dashboard.theme import ERROR, INFO, SUCCESS, WARNING

LEVEL_STYLES = {  # icon, colour, tint — the level's text always goes with them
    "securise": ("☀", SUCCESS, "#DFFEE6"), "atteignable": ("⛅", INFO, "#E8EDFF"),
    "appuis_necessaires": ("☁", WARNING, "#FFF4E0"), "compromis": ("⛈", ERROR, "#FFE9E9"),
}


def level_label(level: str, lang: str) -> str:
    return labels.label(labels.METEO_LEVEL_LABELS, level, lang)


def meteo_badge(level: str, lang: str) -> html.Span:
    icon, colour, tint = LEVEL_STYLES[level]
    return html.Span([html.Span(icon, className="status-icon", **{"aria-hidden": "true"}),
                      html.Span(level_label(level, lang), className="status-text")],
                     className=f"status-badge meteo-badge meteo-{level}",
                     style={"color": colour, "backgroundColor": tint, "borderColor": colour}, **{"data-meteo": level})


def scope_of(target_type: str, target_id: str, lang: str, status: str | None, snapshot=None) -> dict:
    return {"target_type": target_type, "target_id": target_id, "lang": lang, "status": status,
            "snapshot": snapshot.snapshot_id if snapshot else None,
            "as_of": snapshot.created_at.isoformat() if snapshot else None}


def meteo_line(ctx: AppContext, scope: dict) -> html.P:
    """« Statut calculé : … · Météo : … — « justification » (auteur, date) »."""
    lang = scope["lang"]
    as_of = datetime.fromisoformat(scope["as_of"]) if scope.get("as_of") else None
    with ctx.sessions()() as s:
        entry = service.current_meteo(s, scope["target_type"], scope["target_id"], as_of=as_of)
    parts: list = []
    if scope.get("status") is not None:
        parts += [html.Span(t("meteo.computed", lang), className="meteo-term"), " ",
                  status_badge(scope["status"], lang), html.Span(" · ", **{"aria-hidden": "true"})]
    parts += [html.Span(t("meteo.manual", lang), className="meteo-term"), " "]
    if entry is None:
        parts.append(html.Span(t("meteo.none", lang), className="meteo-none"))
    else:
        parts += [meteo_badge(entry.level, lang), " — ",
                  html.Q(entry.justification, className="meteo-justification"), " ",
                  html.Span(t("meteo.by", lang, author=entry.author, date=when(entry.created_at, lang)),
                            className="meteo-by")]
    return html.P(parts, className="meteo-line")


def meteo_block(page, target_type: str, target_id: str, status: str | None = None) -> html.Div:
    """The computed status and the météo side by side, with the form to set the météo (not in a snapshot)."""
    lang = page.lang
    snapshot = frozen_at(page.ctx, page.state.snapshot)
    scope = scope_of(target_type, target_id, lang, status, snapshot)
    key = f"{target_type}:{target_id}"
    children: list = [html.Div(meteo_line(page.ctx, scope), id={"type": ids.METEO_CURRENT, "key": key},
                               **{"aria-live": "polite"})]
    if not snapshot and current_scope().can_comment(None):
        children.append(html.Details([
            html.Summary(t("meteo.set", lang), className="meteo-set"),
            html.Div([
                html.P(t("meteo.note", lang), className="meteo-note"),
                dmc.RadioGroup(dmc.Group([dmc.Radio(label=f"{LEVEL_STYLES[lv][0]} {level_label(lv, lang)}", value=lv)
                                          for lv in METEO_LEVELS], gap="sm"),
                               id={"type": ids.METEO_LEVEL, "key": key}, label=t("meteo.level", lang), value=None,
                               size="sm"),
                dmc.Textarea(id={"type": ids.METEO_JUSTIFICATION, "key": key}, label=t("meteo.justification", lang),
                             placeholder=t("meteo.justification.placeholder", lang), autosize=True, minRows=2,
                             required=True, size="sm"),
                dmc.Button(t("meteo.save", lang), id={"type": ids.METEO_SAVE, "key": key}, size="xs",
                           color="bleuFrance", n_clicks=0),
                html.Div(id={"type": ids.METEO_FEEDBACK, "key": key}),
            ], className="meteo-form"),
        ], className="meteo-edit"))
    children.append(dcc.Store(id={"type": ids.METEO_SCOPE, "key": key}, data=scope))
    return html.Div(children, id={"type": ids.METEO_BLOCK, "key": key}, className="meteo-block")


def save(ctx: AppContext, scope: dict, level: str | None, justification: str | None, author: str | None):
    """Record a météo; (line, feedback, cleared justification). A justification is required."""
    lang = scope["lang"]
    if not author_name(author):
        return no_update, missing_author(lang), no_update
    if not current_scope().can_comment(None):  # a météo is national: national contributors, the secretariat
        return no_update, denied(lang), no_update
    if not level:
        return no_update, feedback(t("meteo.missing_level", lang), ok=False), no_update
    if not (justification or "").strip():
        return no_update, feedback(t("meteo.missing_justification", lang), ok=False), no_update
    try:
        catalogue = ctx.engine().catalogue
        with ctx.sessions().begin() as s:
            service.set_meteo(s, scope["target_type"], scope["target_id"], level, justification, author_name(author),
                              catalogue=catalogue)
    except ValueError as e:
        return no_update, feedback(t("write.error", lang, error=e), ok=False), no_update
    return meteo_line(ctx, scope), feedback(t("write.saved", lang), ok=True), ""


@callback(
    Output({"type": ids.METEO_CURRENT, "key": MATCH}, "children"),
    Output({"type": ids.METEO_FEEDBACK, "key": MATCH}, "children"),
    Output({"type": ids.METEO_JUSTIFICATION, "key": MATCH}, "value"),
    Input({"type": ids.METEO_SAVE, "key": MATCH}, "n_clicks"),
    State({"type": ids.METEO_LEVEL, "key": MATCH}, "value"),
    State({"type": ids.METEO_JUSTIFICATION, "key": MATCH}, "value"),
    State({"type": ids.METEO_SCOPE, "key": MATCH}, "data"),
    prevent_initial_call=True,
)
def on_meteo_save(n_clicks, level, justification, scope):
    if not n_clicks or not scope:
        return no_update, no_update, no_update
    return save(current(), scope, level, justification, signed_author())
