"""Journal d'audit: who did what, when, before → after; sign-ins and failed sign-ins included.

For administrators and the committee secretariat. Filtered by category and person from the URL
(`?categorie=auth&qui=c.martin`), the grid filters and sorts further, and exports (XLSX, CSV) as shown.
"""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
import pandas as pd
from dash import html

from appstate import service
from dashboard.access import current_scope
from dashboard.components import data_table, page_header
from dashboard.components.export_menu import grid_export
from dashboard.format import fmt_datetime
from dashboard.ids import AUDIT_GRID
from dashboard.pagekit import PageRequest, view

dash.register_page(__name__, path="/journal", name="Journal", title="Journal d'audit — Ségur numérique")

CATEGORIES = ("auth", "user", "snapshot", "comment", "decision", "meteo")
SHOWN = 5000


def _value(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "∅"
    return "∅" if value in (None, "") else str(value)


def change_text(detail: dict) -> str:
    """`roles : lecteur → contributeur, lecteur ; regions : 53 → ∅`, or `key=value` pairs."""
    before, after = detail.get("before"), detail.get("after")
    if isinstance(after, dict):
        before = before if isinstance(before, dict) else {}
        keys = [k for k in after if before.get(k) != after.get(k)] if before else list(after)
        parts = [f"{k} : {_value(before.get(k)) if before else '∅'} → {_value(after.get(k))}" for k in keys]
        rest = [f"{k}={_value(v)}" for k, v in detail.items() if k not in ("before", "after")]
        return " ; ".join(parts + rest)
    return " ; ".join(f"{k}={_value(v)}" for k, v in detail.items())


def journal_frame(events, page: PageRequest) -> pd.DataFrame:
    from dashboard.i18n.fr import MESSAGES

    lang = page.lang
    return pd.DataFrame({
        page.t("audit.col.when"): [fmt_datetime(e.created_at, lang) for e in events],
        page.t("audit.col.who"): [e.author for e in events],
        page.t("audit.col.action"): [page.t(f"audit.action.{e.action}") if f"audit.action.{e.action}" in MESSAGES
                                     else e.action for e in events],
        page.t("audit.col.object"): [f"{e.object_type} {e.object_id}" for e in events],
        page.t("audit.col.change"): [change_text(e.detail) for e in events],
        page.t("audit.col.address"): [e.remote_addr or "" for e in events],
    })


def _filters(page: PageRequest, category: str | None) -> html.Ul:
    items = [(None, page.t("audit.all"))] + [(c, page.t(f"audit.category.{c}")) for c in CATEGORIES]
    links = []
    for code, label in items:
        extra = {"categorie": code} if code else {}
        current = {"aria-current": "true"} if code == category else {}
        links.append(html.Li(html.A(label, href=page.href("/journal", **extra), **current)))
    return html.Ul(links, className="audit-filters", **{"aria-label": page.t("audit.filter_label")})


@view(needs_warehouse=False)
def layout(page: PageRequest):
    if not current_scope().can_read_audit:
        return [page_header(page.t("audit.title")), dmc.Alert(page.t("access.page_denied"), color="red",
                                                              title=page.t("auth.denied.title"))]
    category = page.extra.get("categorie") if page.extra.get("categorie") in CATEGORIES else None
    who = (page.extra.get("qui") or "").strip().lower() or None
    with page.ctx.sessions()() as session:
        events = service.list_events(session, action_prefix=f"{category}." if category else None, author=who,
                                     newest_first=True, limit=SHOWN)
    frame = journal_frame(events, page)
    title = page.t("audit.title")
    body = (grid_export(data_table(frame, AUDIT_GRID, page.lang, page_size=50, wrap=[page.t("audit.col.change")]),
                        page.lang, title)
            if events else html.P(page.t("audit.empty"), id="audit-empty"))
    return [page_header(title, page.t("audit.lead", n=len(events), max=SHOWN)), _filters(page, category), body]
