"""The sign-in pages (/auth/…): login form or OIDC button, sign-out, password change. Plain Flask + Jinja:
they work without JavaScript and load nothing but their own stylesheet."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import flask

from appstate import signin, users
from appstate.access_models import User
from dashboard.auth import session as auth_session
from dashboard.auth.gate import LOGIN_PATH, request_lang, safe_next
from dashboard.i18n import t

bp = flask.Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates", static_folder="static")
CONFIG = "segur-auth"  # server.extensions key: the AccessSettings (dashboard.access looks for it)


def _access():
    return flask.current_app.extensions[CONFIG]


def _sessions():
    from dashboard.context import current

    return current().sessions()


def _render(template: str, status: int = 200, **values) -> flask.Response:
    lang = request_lang()
    if flask.request.args.get("lang"):
        flask.session[auth_session.LANG] = lang  # the choice follows the person through the sign-in pages

    def lang_href(code: str) -> str:
        args = {k: v for k, v in flask.request.args.items() if k != "lang"} | {"lang": code}
        return f"{flask.request.path}?{urlencode(args)}"

    page = flask.render_template(template, lang=lang, t=t, lang_href=lang_href, **values)
    return flask.Response(page, status=status)


def message_page(title: str, message: str, status: int) -> flask.Response:
    return _render("auth_message.html", status, title=title, message=message)


def _login_page(status: int = 200, error: str | None = None, login: str = "") -> flask.Response:
    lang, access = request_lang(), _access()
    args = flask.request.args
    notice = None
    if args.get("expired"):
        notice = t("auth.notice.expired", lang)
    elif args.get("signed_out"):
        notice = t("auth.notice.signed_out", lang)
    elif args.get("changed"):
        notice = t("auth.notice.password_changed", lang)
    nxt = safe_next(flask.request.values.get("next"))
    return _render("login.html", status, title=t("auth.login.title", lang), mode=access.auth, error=error,
                   notice=notice, login=login, next=nxt, provider=access.oidc_provider_name or "OpenID Connect",
                   oidc_href=flask.url_for("auth.oidc_start", next=nxt))


@bp.get("/login")
def login():
    return _login_page()


@bp.post("/login")
def login_submit():
    access, lang = _access(), request_lang()
    if access.auth != "local":
        return _login_page(400, t("auth.error.local_disabled", lang))
    login_value = (flask.request.form.get("login") or "").strip()
    password = flask.request.form.get("password") or ""
    policy = signin.Throttle(access.login_max_failures, timedelta(minutes=access.login_lock_minutes),
                             timedelta(minutes=access.login_lock_minutes))
    with _sessions().begin() as session:
        result = signin.sign_in_local(session, login_value, password, remote_addr=flask.request.remote_addr,
                                      policy=policy)
        user_id = result.user.id if result.user is not None else None
        must_change = bool(result.user and result.user.must_change_password)
    if not result.ok:
        minutes = max(1, (result.retry_after_s + 59) // 60)
        status = 429 if result.error == "locked" else 401 if result.error == "bad_credentials" else 403
        resp = _login_page(status, t(f"auth.error.{result.error}", lang, minutes=minutes), login_value)
        if result.error == "locked":
            resp.headers["Retry-After"] = str(result.retry_after_s)
        return resp
    auth_session.start(user_id, "local", must_change_password=must_change)
    if must_change:
        return flask.redirect(flask.url_for("auth.password"))
    return flask.redirect(safe_next(flask.request.form.get("next")))


def _signed_in_user(session) -> User | None:
    info = auth_session.read(_access().session_hours * 3600)
    return session.get(User, info.user_id) if info.user_id is not None else None


@bp.route("/password", methods=["GET", "POST"])
def password():
    lang = request_lang()
    values = {"title": t("auth.password.title", lang), "min_len": users.MIN_PASSWORD}
    if flask.request.method == "GET":
        with _sessions()() as session:
            if _signed_in_user(session) is None:
                return flask.redirect(LOGIN_PATH)
        return _render("password.html", **values)
    form = flask.request.form
    with _sessions().begin() as session:
        user = _signed_in_user(session)
        if user is None or user.disabled:
            return flask.redirect(LOGIN_PATH)
        if not users.verify_password(user, form.get("current") or ""):
            return _render("password.html", 400, error=t("auth.error.bad_current_password", lang), **values)
        if (form.get("new") or "") != (form.get("confirm") or ""):
            return _render("password.html", 400, error=t("auth.error.password_mismatch", lang), **values)
        if (form.get("new") or "") == (form.get("current") or ""):
            return _render("password.html", 400, error=t("auth.error.password_same", lang), **values)
        try:
            users.set_password(session, user, form.get("new") or "", by=user.login)
        except ValueError:
            return _render("password.html", 400, error=t("auth.error.password_short", lang, n=users.MIN_PASSWORD),
                           **values)
        user_id, method = user.id, auth_session.read(_access().session_hours * 3600).method
    auth_session.start(user_id, method or "local")
    return flask.redirect("/")


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """POST signs out (the header's button); GET only shows the button (a link cannot sign anyone out)."""
    lang = request_lang()
    if flask.request.method == "GET":
        return _render("auth_message.html", title=t("auth.logout.title", lang), message=t("auth.logout.confirm", lang),
                       logout_form=True)
    info = auth_session.read(_access().session_hours * 3600)
    if info.user_id is not None:
        with _sessions().begin() as session:
            user = session.get(User, info.user_id)
            signin.record_sign_out(session, info.user_id, user.login if user else "?", flask.request.remote_addr)
    id_token = auth_session.end()
    if info.method == "oidc":
        from dashboard.auth import oidc

        target = oidc.end_session_url(id_token, lang)
        if target:
            return flask.redirect(target)
    query = {"signed_out": "1"} | ({"lang": lang} if lang != "fr" else {})
    return flask.redirect(f"{LOGIN_PATH}?{urlencode(query)}")
