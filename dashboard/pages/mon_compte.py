"""Mon compte: who I am here, my roles and my scope (what I may see and do), my last sign-ins."""

from __future__ import annotations

import dash
from dash import html

from appstate import service, users
from appstate.access_models import User
from dashboard.access import current_scope
from dashboard.components import page_header
from dashboard.components.api_tokens import tokens_section
from dashboard.components.identity import role_labels, scope_label
from dashboard.format import fmt_datetime
from dashboard.pagekit import PageRequest, view

dash.register_page(__name__, path="/mon-compte", name="Mon compte", title="Mon compte — Ségur numérique")


def _row(term: str, value, ident: str) -> list:
    return [html.Dt(term), html.Dd(value, id=ident)]


@view(needs_warehouse=False)
def layout(page: PageRequest):
    scope = current_scope()
    if not scope.signed_in:
        return [page_header(page.t("account.title")), html.P(page.t("access.public_reader"))]
    with page.ctx.sessions()() as session:
        user = session.get(User, scope.user_id)
        person = users.view(user) if user is not None else None
        sign_ins = service.list_events(session, action="auth.sign_in", author=scope.login, newest_first=True, limit=5)
    rights = [html.Li(page.t(f"access.role_help.{r}")) for r in ("lecteur", "contributeur", "secretariat",
                                                                 "admin_donnees", "admin") if scope.has(r)]
    items = [
        *_row(page.t("account.name"), scope.display_name, "account-name"),
        *_row(page.t("account.login"), scope.login, "account-login"),
        *_row(page.t("account.email"), (person and person.email) or "—", "account-email"),
        *_row(page.t("account.roles"), ", ".join(role_labels(scope, page.lang)), "account-roles"),
        *_row(page.t("account.scope"), scope_label(scope, page.lang, page.reference), "account-scope"),
        *_row(page.t("account.last_sign_ins"),
              ", ".join(fmt_datetime(e.created_at, page.lang) for e in sign_ins) or "—", "account-sign-ins"),
    ]
    out = [page_header(page.t("account.title"), page.t("account.lead")), html.Dl(items, className="account-list"),
           html.H2(page.t("account.rights")), html.Ul(rights)]
    if person is not None and person.has_password:
        out.append(html.P(html.A(page.t("account.change_password"), href="/auth/password")))
    out.append(tokens_section(page.lang))
    return out
