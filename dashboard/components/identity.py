"""The header's identity box: who is signed in, with which roles and scope, "Mon compte" and sign-out.

Sign-out is a real form POST to /auth/logout (a link could be triggered by another site); it works without
any callback. The box is filled from `current_scope()` by a callback on the URL (the language follows it).
"""

from __future__ import annotations

from dash import Dash, Input, Output, html

from dashboard import ids
from dashboard.access import current_scope
from dashboard.context import current
from dashboard.i18n import t
from dashboard.state import parse_search
from indicators.scope import ROLES, Scope


def role_labels(scope: Scope, lang: str) -> list[str]:
    return [t(f"access.role.{r}", lang) for r in ROLES if scope.has(r)]


def scope_label(scope: Scope, lang: str, reference) -> str:
    """« National », or the régions' names (Bretagne, Normandie)."""
    if scope.national:
        return t("access.scope.national", lang)
    names = sorted(reference.regions[c].label(lang) if c in reference.regions else c for c in scope.regions)
    return ", ".join(names)


def identity_box(scope: Scope, lang: str, reference) -> list:
    if scope.public:
        return [html.Span(t("access.public_reader", lang), className="identity-name"),
                html.A(t("auth.login.submit", lang), href="/auth/login", className="identity-link")]
    if not scope.signed_in:
        return []
    suffix = "?lang=en" if lang == "en" else ""
    return [
        html.Div([
            html.Span(scope.display_name, className="identity-name", id="identity-name"),
            html.Span(f"{' · '.join(role_labels(scope, lang))} — {scope_label(scope, lang, reference)}",
                      className="identity-scope", id="identity-scope"),
        ], className="identity-who"),
        html.A(t("access.my_account", lang), href=f"/mon-compte{suffix}", className="identity-link"),
        html.Form(html.Button(t("auth.logout.submit", lang), type="submit", className="identity-signout",
                              id="sign-out-button"),
                  action="/auth/logout", method="POST", className="identity-form"),
    ]


HIDDEN = {"display": "none"}


def register(app: Dash) -> None:
    @app.callback(Output(ids.IDENTITY, "children"), Output(ids.FREEZE_OPEN, "style"), Input(ids.URL, "search"))
    def show_identity(search):
        """Who is signed in; the shell's freeze button only for the secretariat (the freeze is checked again)."""
        lang = parse_search(search).get("lang") or "fr"
        scope = current_scope()
        return identity_box(scope, lang, current().reference), None if scope.can_manage_committee else HIDDEN
