"""Callbacks of the snapshot selector, banner and "Figer pour le comité" modal (see snapshot_bar.py).

The selector's value and the URL are synchronised by `dashboard.callbacks.sync_url` (one circular
callback); here: the options and banner from the URL, and the freeze form.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash_mantine_components as dmc
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.access import current_scope, signed_author
from dashboard.components.snapshot_bar import LIVE, snapshot_banner, snapshot_options
from dashboard.context import AppContext, current
from dashboard.format import fmt_month
from dashboard.i18n import t
from dashboard.state import parse_search


def _lang(search: str | None) -> str:
    return "en" if parse_search(search).get("lang") == "en" else "fr"


def url_with_snapshot(search: str | None, snapshot: str | None) -> str:
    """The query string showing `snapshot` (None or LIVE: live data); the as-of month is reset to its default."""
    params = {k: v for k, v in parse_search(search).items() if k not in ("snapshot", "as_of")}
    if snapshot and snapshot != LIVE:
        params["snapshot"] = snapshot
    return "?" + urlencode(params) if params else ""


def selector_value(search: str | None) -> str:
    return parse_search(search).get("snapshot") or LIVE


def snapshot_shell(pathname: str | None, search: str | None, context: AppContext) -> dict:
    """Selector options and label, banner and freeze button text for a URL (pure but for the reads)."""
    from reports.snapshot import SnapshotError, list_snapshots

    lang = _lang(search)
    metas = list_snapshots(context.settings)
    options = snapshot_options(metas, lang)
    wanted = parse_search(search).get("snapshot")
    banner, hidden = None, True
    if wanted:
        try:
            frozen = context.snapshot(wanted)
        except (SnapshotError, OSError):
            frozen = None  # the page itself says why
        if frozen is not None:
            banner, hidden = snapshot_banner(frozen.meta, pathname, search, lang), False
            if wanted not in {m.id for m in metas}:  # e.g. deleted since: still say what is shown
                options.append({"value": wanted, "label": frozen.meta.label})
    return {"options": options, "label": t("snap.select_label", lang), "banner": banner, "hidden": hidden,
            "button": t("snap.freeze_button", lang)}


def freeze(context: AppContext, label: str | None, as_of: str | None, author: str | None, lang: str,
           base_url: str | None = None) -> tuple[object, str | None]:
    """Create the snapshot, signed by `author` (the signed-in identity); (message for the modal, new id or None).

    Only the committee secretariat freezes: anybody else gets a refusal and nothing is written. The permalink
    shown starts with `base_url` (default: the settings' public address, never the request's Host header)."""
    from reports.snapshot import create_snapshot

    if not current_scope().can_manage_committee:
        return dmc.Alert(t("access.write_denied", lang), color="errorDsfr", variant="light"), None
    label, author = (label or "").strip(), (author or "").strip()
    problems = ([t("snap.need_label", lang)] if not label else []) + ([t("snap.need_author", lang)] if not author else [])
    if problems:
        return dmc.Alert(html.Ul([html.Li(p) for p in problems]), color="errorDsfr", variant="light"), None
    try:
        meta = create_snapshot(context.settings, label, as_of or None, author=author)
    except (ValueError, OSError) as e:  # SnapshotError and appstate's validation errors are French ValueErrors
        return dmc.Alert(t("snap.freeze_failed", lang, error=str(e)), color="errorDsfr", variant="light"), None
    href = "/?" + urlencode({"snapshot": meta.id, **({"lang": "en"} if lang == "en" else {})})
    base_url = context.settings.dashboard_url if base_url is None else base_url
    return dmc.Alert([t("snap.freeze_done", lang, label=meta.label, id=meta.id), " ",
                      dcc.Link(base_url.rstrip("/") + href, href=href, className="freeze-permalink")],
                     color="successDsfr", variant="light", className="freeze-done"), meta.id


def freeze_choices(context: AppContext, lang: str) -> tuple[list[dict], str | None]:
    """The months the freeze dialog offers (published monthly data only) and its default: the last of them."""
    months = context.months()
    default = context.default_month()
    return [{"value": m, "label": fmt_month(m, lang)} for m in months], default if default in months else None


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.SNAPSHOT_SELECT, "data"), Output(ids.SNAPSHOT_SELECT, "label"),
        Output(ids.SNAPSHOT_BANNER, "children"), Output(ids.SNAPSHOT_BANNER, "hidden"),
        Output(ids.FREEZE_OPEN, "children"), Output(ids.FREEZE_OPEN, "style"),
        Input(ids.URL, "pathname"), Input(ids.URL, "search"), Input(ids.SNAPSHOT_OPTIONS_SINK, "data"),
    )
    def refresh(pathname, search, _bump):
        out = snapshot_shell(pathname, search, current())
        shown = {} if current_scope().can_manage_committee else {"display": "none"}  # the secretariat freezes
        return out["options"], out["label"], out["banner"], out["hidden"], out["button"], shown

    @app.callback(
        Output(ids.FREEZE_MODAL, "opened"), Output(ids.FREEZE_MODAL, "title"),
        Output(ids.FREEZE_MODAL, "closeButtonProps"),
        Output(ids.FREEZE_LABEL, "label"), Output(ids.FREEZE_LABEL, "placeholder"),
        Output(ids.FREEZE_AS_OF, "label"), Output(ids.FREEZE_AS_OF, "data"), Output(ids.FREEZE_AS_OF, "value"),
        Output(ids.FREEZE_AUTHOR, "label"), Output(ids.FREEZE_AUTHOR, "value"),
        Output(ids.FREEZE_SUBMIT, "children"), Output(ids.FREEZE_CANCEL, "children"),
        Output(ids.FREEZE_RESULT, "children"),
        Input(ids.FREEZE_OPEN, "n_clicks"), Input(ids.FREEZE_CANCEL, "n_clicks"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def open_close(_open, _cancel, search):
        if ctx.triggered_id != ids.FREEZE_OPEN:
            return (False, *[no_update] * 12)
        lang = _lang(search)
        data, default = freeze_choices(current(), lang)
        return (True, t("snap.freeze_title", lang), {"aria-label": t("snap.freeze_close", lang)},
                t("snap.freeze_label", lang),
                t("snap.freeze_label_placeholder", lang), t("snap.freeze_as_of", lang), data,
                default, t("snap.freeze_author", lang),
                signed_author() or "", t("snap.freeze_submit", lang),
                t("snap.freeze_cancel", lang), None)

    @app.callback(
        Output(ids.FREEZE_RESULT, "children", allow_duplicate=True),
        Output(ids.SNAPSHOT_OPTIONS_SINK, "data"),
        Input(ids.FREEZE_SUBMIT, "n_clicks"),
        State(ids.FREEZE_LABEL, "value"), State(ids.FREEZE_AS_OF, "value"),
        State(ids.URL, "search"), State(ids.SNAPSHOT_OPTIONS_SINK, "data"),
        prevent_initial_call=True,
    )
    def submit(_n, label, as_of, search, bump):
        message, created = freeze(current(), label, as_of, signed_author(), _lang(search))
        return message, (bump or 0) + 1 if created else no_update
