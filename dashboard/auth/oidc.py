"""OIDC sign-in (SEGUR_AUTH=oidc) with Authlib's Flask client: discovery, PKCE (S256), state and nonce,
logout through the provider's end_session_endpoint.

The provider says who the person is (`sub`, email); what they may do comes from the app-state database:
an identity nobody granted rights to is refused with a clear message (and the attempt is journalled).
"""

from __future__ import annotations

from urllib.parse import urlencode

import flask
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth

from appstate import signin
from dashboard.auth import session as auth_session
from dashboard.auth.gate import LOGIN_PATH, request_lang, safe_next
from dashboard.auth.views import bp, message_page
from dashboard.i18n import t

NEXT = "oidc_next"
EXTENSION = "segur_oidc"


def install(server: flask.Flask, access) -> None:
    if not (access.oidc_discovery_url and access.oidc_client_id):
        raise ValueError("SEGUR_AUTH=oidc : définissez SEGUR_OIDC_DISCOVERY_URL et SEGUR_OIDC_CLIENT_ID "
                         "(voir docs/access.md)")
    oauth = OAuth(server)
    oauth.register(
        "provider", client_id=access.oidc_client_id, client_secret=access.oidc_client_secret or None,
        server_metadata_url=access.oidc_discovery_url,
        client_kwargs={"scope": access.oidc_scopes or "openid email profile", "code_challenge_method": "S256",
                       **({} if access.oidc_client_secret else {"token_endpoint_auth_method": "none"})},
    )
    server.extensions[EXTENSION] = oauth


def _client():
    return flask.current_app.extensions[EXTENSION].provider


def _redirect_uri() -> str:
    configured = flask.current_app.extensions["segur-auth"].oidc_redirect_url
    return configured or flask.url_for("auth.oidc_callback", _external=True)


@bp.get("/oidc/start")
def oidc_start():
    if EXTENSION not in flask.current_app.extensions:
        return flask.redirect(LOGIN_PATH)
    flask.session[NEXT] = safe_next(flask.request.args.get("next"))
    try:
        return _client().authorize_redirect(_redirect_uri())  # Authlib adds state, nonce and the PKCE challenge
    except (AuthlibBaseError, OSError) as e:
        return message_page(t("auth.denied.title", request_lang()),
                            t("auth.error.oidc_unreachable", request_lang(), detail=type(e).__name__), 502)


def _claims(token: dict) -> dict:
    claims = dict(token.get("userinfo") or {})
    if not claims.get("email"):
        try:
            claims |= dict(_client().userinfo(token=token))
        except (AuthlibBaseError, OSError):
            pass
    return claims


@bp.get("/oidc/callback")
def oidc_callback():
    lang = request_lang()
    if EXTENSION not in flask.current_app.extensions:
        return flask.redirect(LOGIN_PATH)
    if flask.request.args.get("error"):
        return message_page(t("auth.denied.title", lang), t("auth.error.oidc_refused", lang,
                            detail=flask.request.args.get("error", "")[:80]), 401)
    try:
        token = _client().authorize_access_token()  # checks state, exchanges the code (PKCE), verifies id_token + nonce
    except (AuthlibBaseError, OSError, ValueError) as e:
        return message_page(t("auth.denied.title", lang), t("auth.error.oidc_failed", lang,
                            detail=getattr(e, "error", type(e).__name__)), 401)
    claims = _claims(token)
    name = claims.get("name") or " ".join(p for p in (claims.get("given_name"), claims.get("usual_name")
                                                      or claims.get("family_name")) if p)
    from dashboard.context import current

    with current().sessions().begin() as session:
        result = signin.sign_in_oidc(session, str(claims.get("sub")), claims.get("email"), name,
                                     email_verified=claims.get("email_verified"),
                                     remote_addr=flask.request.remote_addr)
        user_id = result.user.id if result.user is not None else None
    if not result.ok:
        return message_page(t("auth.denied.title", lang), t(f"auth.error.{result.error}", lang), 403)
    nxt = flask.session.pop(NEXT, "/")
    auth_session.start(user_id, "oidc", id_token=token.get("id_token"))
    return flask.redirect(safe_next(nxt))


def end_session_url(id_token: str | None, lang: str) -> str | None:
    """The provider's logout URL (RP-initiated logout), coming back to our login page; None without one."""
    if EXTENSION not in flask.current_app.extensions:
        return None
    try:
        endpoint = _client().load_server_metadata().get("end_session_endpoint")
    except (AuthlibBaseError, OSError, ValueError):
        return None
    if not endpoint:
        return None
    back = flask.url_for("auth.login", _external=True, signed_out="1", **({"lang": lang} if lang != "fr" else {}))
    query = {"post_logout_redirect_uri": back, "client_id": flask.current_app.extensions["segur-auth"].oidc_client_id}
    if id_token:
        query["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"
