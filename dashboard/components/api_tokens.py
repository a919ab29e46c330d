"""« Mon compte » → personal API tokens: create (shown once), list, revoke. Writes are the signed-in
person's own (appstate/api_tokens.py checks the owner); nothing here trusts an id sent by the page alone."""

from __future__ import annotations

import dash_mantine_components as dmc
from dash import ALL, Input, Output, State, callback, html, no_update
from dash import ctx as dash_ctx

from appstate import api_tokens
from dashboard import ids
from dashboard.access import current_scope
from dashboard.components.comments import feedback, when
from dashboard.context import current
from dashboard.i18n import t
from dashboard.state import parse_search

TOKENS_LIST = "account-tokens-list"
TOKEN_NAME = "account-token-name"
TOKEN_CREATE = "account-token-create"
TOKEN_FEEDBACK = "account-token-feedback"
TOKEN_REVOKE = "account-token-revoke"


def tokens_table(lang: str) -> list:
    scope = current_scope()
    with current().sessions()() as s:
        tokens = api_tokens.list_tokens(s, scope.user_id) if scope.user_id is not None else []
    if not tokens:
        return [html.P(t("account.tokens.none", lang))]
    cols = ("name", "prefix", "created", "expires", "used", "state")
    head = html.Thead(html.Tr([html.Th(t(f"account.tokens.col.{c}", lang), scope="col") for c in cols]
                              + [html.Th("", scope="col")]))
    rows = [html.Tr([html.Td(k.name), html.Td(html.Code(f"{api_tokens.PREFIX}{k.prefix}_…")),
                     html.Td(when(k.created_at, lang)), html.Td(when(k.expires_at, lang) or "—"),
                     html.Td(when(k.last_used_at, lang) or "—"),
                     html.Td(t("account.tokens.active" if k.active else "account.tokens.inactive", lang)),
                     html.Td(dmc.Button(t("account.tokens.revoke", lang), id={"type": TOKEN_REVOKE, "token": k.id},
                                        size="xs", variant="outline", color="errorDsfr", n_clicks=0)
                             if k.active else "")])
            for k in tokens]
    return [html.Table([head, html.Tbody(rows)], className="table")]


def tokens_section(lang: str) -> html.Section:
    return html.Section([
        html.H2(t("account.tokens.title", lang), id="account-tokens-title"),
        html.P(t("account.tokens.lead", lang)),
        html.Div(tokens_table(lang), id=TOKENS_LIST),
        dmc.Group([dmc.TextInput(id=TOKEN_NAME, label=t("account.tokens.name", lang), w=360),
                   dmc.Button(t("account.tokens.create", lang), id=TOKEN_CREATE, color="bleuFrance", n_clicks=0)],
                  align="flex-end"),
        html.Div(id=TOKEN_FEEDBACK, **{"aria-live": "polite"}),
    ], className="page-section", **{"aria-labelledby": "account-tokens-title"})


@callback(
    Output(TOKENS_LIST, "children"), Output(TOKEN_FEEDBACK, "children"), Output(TOKEN_NAME, "value"),
    Input(TOKEN_CREATE, "n_clicks"), Input({"type": TOKEN_REVOKE, "token": ALL}, "n_clicks"),
    State(TOKEN_NAME, "value"), State(ids.URL, "search"),
    prevent_initial_call=True,
)
def on_tokens(_create, _revokes, name, search):
    lang = "en" if parse_search(search).get("lang") == "en" else "fr"
    if not dash_ctx.triggered or not dash_ctx.triggered[0].get("value"):
        return no_update, no_update, no_update
    scope, trigger = current_scope(), dash_ctx.triggered_id
    try:
        with current().sessions().begin() as s:
            if trigger == TOKEN_CREATE:
                token, _ = api_tokens.create_token(s, scope, name or "")
                message = feedback(t("account.tokens.created", lang, token=token), ok=True)
            else:
                api_tokens.revoke_token(s, scope, int(trigger["token"]))
                message = feedback(t("account.tokens.revoked", lang), ok=True)
    except ValueError as e:
        return no_update, feedback(str(e), ok=False), no_update
    return tokens_table(lang), message, ""
