"""The committee-snapshot pieces of the shell: selector, read-only banner, "Figer pour le comité" modal.

Pure builders; dashboard/components/snapshot_callbacks.py wires them. The URL is the source of truth:
`?snapshot=ID` is the permalink of a frozen view.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import dash_mantine_components as dmc
from babel.dates import format_date
from dash import dcc, html

from dashboard import ids
from dashboard.format import fmt_date, fmt_month
from dashboard.i18n import t
from dashboard.state import ViewState, parse_search

PARIS = ZoneInfo("Europe/Paris")
LIVE = "live"  # the selector's value for the live data (never a snapshot id: those are s-YYYYMMDD-xxxxxx)


def local_day(moment: datetime | date) -> date:
    """The day of a moment in Paris (snapshots are stamped in UTC)."""
    if isinstance(moment, datetime):
        return (moment.astimezone(PARIS) if moment.tzinfo else moment).date()
    return moment


def fmt_day(moment: datetime | date, lang: str) -> str:
    """`28/11/2026` in French (as committee minutes write it), `28 Nov 2026` in English."""
    day = local_day(moment)
    return format_date(day, "dd/MM/y", locale="fr_FR") if lang == "fr" else fmt_date(day, lang)


def snapshot_options(metas, lang: str) -> list[dict]:
    """The selector's options: live data first, then the snapshots, newest first."""
    return [{"value": LIVE, "label": t("snap.live", lang)}] + [
        {"value": m.id, "label": t("snap.option", lang, label=m.label, date=fmt_day(m.created_at, lang),
                                   as_of=fmt_month(m.as_of, lang))} for m in metas]


def live_href(pathname: str | None, search: str | None) -> str:
    """The same page on live data: the snapshot (and its as-of month) dropped, other parameters kept."""
    params = {k: v for k, v in parse_search(search).items() if k not in ("snapshot", "as_of")}
    from urllib.parse import urlencode

    return (pathname or "/") + ("?" + urlencode(params) if params else "")


def banner_text(meta, lang: str) -> str:
    return t("snap.banner", lang, label=meta.label, date=fmt_day(meta.created_at, lang),
             as_of=fmt_month(meta.as_of, lang))


def snapshot_banner(meta, pathname: str | None, search: str | None, lang: str) -> list:
    """The read-only banner shown on every page of a snapshot (icon + text, never colour alone)."""
    return [html.Div(className="snapshot-banner-inner", children=[
        html.Span("⚠", className="snapshot-banner-icon", **{"aria-hidden": "true"}),
        html.Strong(banner_text(meta, lang), className="snapshot-banner-text"),
        dcc.Link(t("snap.banner_back", lang), href=live_href(pathname, search), className="snapshot-banner-back"),
    ])]


def snapshot_unavailable(state: ViewState, error: str) -> dmc.Alert:
    """Instead of a page whose snapshot cannot be opened: why, and the way back (never a 500)."""
    lang = state.lang
    live = state.replace(snapshot=None, as_of=None)
    return dmc.Alert(
        [html.P(t("snap.unavailable", lang, id=state.snapshot, error=error)),
         html.P([t("snap.unavailable_help", lang), " ",
                 dcc.Link(t("snap.banner_back", lang), href=live.href("/")), " · ",
                 dcc.Link(t("nav.comite", lang), href=live.href("/comite"))])],
        title=t("snap.unavailable_title", lang), color="errorDsfr", variant="light", className="snapshot-unavailable",
    )


def freeze_modal() -> dmc.Modal:
    """The "Figer pour le comité" form (texts translated by the callbacks when it opens)."""
    return dmc.Modal(id=ids.FREEZE_MODAL, title=t("snap.freeze_title"), opened=False, size="lg", withinPortal=False,
                     classNames={"inner": "freeze-modal-inner"},
                     closeButtonProps={"aria-label": t("snap.freeze_close")}, children=[
        html.P(t("snap.freeze_intro"), className="freeze-intro"),
        dmc.TextInput(id=ids.FREEZE_LABEL, label=t("snap.freeze_label"), placeholder=t("snap.freeze_label_placeholder"),
                      required=True),
        dmc.Select(id=ids.FREEZE_AS_OF, label=t("snap.freeze_as_of"), data=[], value=None, allowDeselect=False,
                   comboboxProps={"withinPortal": True}),
        dmc.TextInput(id=ids.FREEZE_AUTHOR, label=t("snap.freeze_author"), readOnly=True),  # the signed-in identity
        html.Div(id=ids.FREEZE_RESULT, role="status", **{"aria-live": "polite"}),
        dmc.Group(justify="flex-end", mt="md", children=[
            dmc.Button(t("snap.freeze_cancel"), id=ids.FREEZE_CANCEL, variant="default"),
            dmc.Button(t("snap.freeze_submit"), id=ids.FREEZE_SUBMIT, color="bleuFrance"),
        ]),
    ])


def shell_row() -> list:
    """The snapshot selector and the freeze button (under the menu), then the banner slot."""
    return [
        # A region landmark named by the selector's label (translated with it); the modal renders inside it, so
        # its Mantine <header> is the dialog's, not a second banner of the page.
        html.Section(className="snapshot-bar", **{"aria-labelledby": f"{ids.SNAPSHOT_SELECT}-label"}, children=[
            dmc.Select(id=ids.SNAPSHOT_SELECT, label=t("snap.select_label"), data=snapshot_options([], "fr"),
                       value=LIVE, allowDeselect=False, searchable=False, className="snapshot-select",
                       comboboxProps={"withinPortal": True}, w=420),
            dmc.Button(t("snap.freeze_button"), id=ids.FREEZE_OPEN, variant="outline", color="bleuFrance",
                       className="freeze-open"),
            dcc.Link(t("nav.comite"), href="/comite", className="comite-link"),
            dcc.Store(id=ids.SNAPSHOT_OPTIONS_SINK, data=0),
            freeze_modal(),
        ]),
        html.Div(id=ids.SNAPSHOT_BANNER, className="snapshot-banner", role="status", hidden=True),
    ]
