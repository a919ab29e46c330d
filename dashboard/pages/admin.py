"""Administration: people and their rights (roles, régions), for the `admin` role only.

One form acts on one person (login or email): create (a pre-grant by email for OIDC, or a local account
whose one-time password is shown once), grant, revoke, disable, enable. Every change goes through
appstate.users (checked input, journalled before → after) and is signed by the signed-in administrator.
"""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, html, no_update

from appstate import users
from dashboard import ids
from dashboard.access import current_scope
from dashboard.components import data_table, page_header
from dashboard.components.export_menu import grid_export
from dashboard.context import current
from dashboard.format import fmt_datetime
from dashboard.i18n import t
from dashboard.pagekit import PageRequest, view
from indicators.scope import ROLES

dash.register_page(__name__, path="/admin", name="Administration", title="Administration — Ségur numérique")

ACTIONS = ("create", "grant", "revoke", "disable", "enable")


def people_frame(people: list[users.UserView], lang: str, reference) -> pd.DataFrame:
    def regions(u):
        return ", ".join(reference.regions[c].label(lang) if c in reference.regions else c for c in u.regions)

    return pd.DataFrame({
        t("admin.col.login", lang): [u.login for u in people],
        t("admin.col.name", lang): [u.display_name for u in people],
        t("admin.col.email", lang): [u.email or "" for u in people],
        t("admin.col.roles", lang): [", ".join(t(f"access.role.{r}", lang) for r in u.roles) for u in people],
        t("admin.col.scope", lang): [regions(u) or t("access.scope.national", lang) for u in people],
        t("admin.col.sign_in", lang): [", ".join(m for m, on in ((t("admin.local", lang), u.has_password),
                                                                 ("OIDC", u.oidc_sub is not None)) if on) or "—"
                                       for u in people],
        t("admin.col.state", lang): [t("admin.disabled" if u.disabled else "admin.active", lang) for u in people],
        t("admin.col.last_login", lang): [fmt_datetime(u.last_login_at, lang) for u in people],
    })


def people_grid(lang: str):
    context = current()
    with context.sessions()() as session:
        people = users.list_users(session)
    frame = people_frame(people, lang, context.reference)
    return grid_export(data_table(frame, ids.ADMIN_PEOPLE, lang, page_size=50), lang, t("admin.people", lang))


@view(needs_warehouse=False)
def layout(page: PageRequest):
    if not current_scope().can_admin:
        return [page_header(page.t("admin.title")), dmc.Alert(page.t("access.page_denied"), color="red",
                                                              title=page.t("auth.denied.title"))]
    lang = page.lang
    regions = sorted(page.reference.regions.values(), key=lambda r: r.label(lang))
    return [
        page_header(page.t("admin.title"), page.t("admin.lead")),
        html.H2(page.t("admin.form")),
        html.Div(className="admin-form", children=[
            dmc.TextInput(id=ids.ADMIN_LOGIN, label=page.t("admin.login"), description=page.t("admin.login_help"),
                          required=True),
            dmc.TextInput(id=ids.ADMIN_EMAIL, label=page.t("admin.email"), description=page.t("admin.email_help")),
            dmc.TextInput(id=ids.ADMIN_NAME, label=page.t("admin.name")),
            dmc.MultiSelect(id=ids.ADMIN_ROLES, label=page.t("admin.roles"), value=[],
                            data=[{"value": r, "label": page.t(f"access.role.{r}")} for r in ROLES]),
            dmc.MultiSelect(id=ids.ADMIN_REGIONS, label=page.t("admin.regions"), value=[], searchable=True,
                            description=page.t("admin.regions_help"),
                            data=[{"value": r.code, "label": r.label(lang)} for r in regions]),
        ]),
        html.Div(className="admin-actions", children=[
            dmc.Button(page.t(f"admin.action.{a}"), id={"type": ids.ADMIN_ACTION, "action": a},
                       variant="filled" if a in ("create", "grant") else "outline",
                       color="red" if a == "disable" else "bleuFrance")
            for a in ACTIONS]),
        html.Div(id=ids.ADMIN_FEEDBACK, role="status", **{"aria-live": "polite"}),
        html.H2(page.t("admin.people")),
        html.Div(people_grid(lang), id="admin-people-block"),
    ]


def apply(action: str, login: str, email: str | None, name: str | None, roles: list[str], regions: list[str],
          by: str) -> tuple[str, str | None]:
    """Run one administration action; returns the login acted on and a one-time password when one was made."""
    password = None
    with current().sessions().begin() as session:
        if action == "create":
            local = not email
            password = users.new_password() if local else None
            user = users.create_user(session, login or email, by=by, display_name=name, email=email, roles=roles,
                                     regions=regions, password=password, must_change_password=local)
        elif action in ("grant", "revoke"):
            user = getattr(users, action)(session, login or email, by=by, roles=roles, regions=regions)
        else:
            user = users.set_disabled(session, login or email, action == "disable", by=by)
        return user.login, password


@callback(Output(ids.ADMIN_FEEDBACK, "children"), Output("admin-people-block", "children"),
          Input({"type": ids.ADMIN_ACTION, "action": ALL}, "n_clicks"),
          State(ids.ADMIN_LOGIN, "value"), State(ids.ADMIN_EMAIL, "value"), State(ids.ADMIN_NAME, "value"),
          State(ids.ADMIN_ROLES, "value"), State(ids.ADMIN_REGIONS, "value"), State(ids.URL, "search"),
          prevent_initial_call=True)
def run_action(clicks, login, email, name, roles, regions, search):
    from dashboard.state import parse_search

    lang = parse_search(search).get("lang") or "fr"
    scope = current_scope()
    if not scope.can_admin:  # the page hides the form; a forged callback still writes nothing
        return dmc.Alert(t("access.page_denied", lang), color="red"), no_update
    trigger = ctx.triggered_id
    if not trigger or not any(clicks or []):
        return no_update, no_update
    action = trigger["action"]
    try:
        done, password = apply(action, (login or "").strip(), (email or "").strip() or None, name, roles or [],
                               regions or [], scope.login)
    except ValueError as e:
        return dmc.Alert(str(e), color="red", title=t("admin.error", lang)), no_update
    message = t(f"admin.done.{action}", lang, login=done)
    if password:
        message += " " + t("admin.one_time_password", lang, password=password)
    return dmc.Alert(message, color="green", title=t("admin.done", lang), id="admin-done"), people_grid(lang)
