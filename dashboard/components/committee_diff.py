"""« Depuis le dernier comité » for the dashboard: reports.diff over the app's cached engines, as a table.

`reports.diff.diff_snapshot` reopens both snapshots on every call (~0.3 s each); here each side is the
engine the app already holds (snapshot files never change), and the comparison itself is the same
`committee_diff`, so the page, the presentation and the pack read the same list in the same order.
"""

from __future__ import annotations

import dash_mantine_components as dmc
import pandas as pd
from dash import html

from appstate.changes import capped
from dashboard.context import AppContext
from dashboard.format import fmt_month
from dashboard.i18n import t
from reports.change_text import values_text

SEVERITY_ICONS = {"high": "▲", "medium": "◆", "low": "•"}
SEVERITY_COLORS = {"high": "errorDsfr", "medium": "warningDsfr", "low": "infoDsfr"}
AGAINST = ("previous", "live")


def previous_snapshot(context: AppContext, snapshot_id: str):
    """The snapshot created just before `snapshot_id` (SnapshotMeta), or None."""
    from reports.snapshot import list_snapshots

    base = context.snapshot(snapshot_id).meta
    older = [m for m in list_snapshots(context.settings) if m.created_at < base.created_at and m.id != base.id]
    return older[0] if older else None


def sides(context: AppContext, snapshot_id: str, against: str):
    """(current, previous) sides of reports.diff for a snapshot compared with the previous one or live data.

    Raises SnapshotError (French) when there is nothing to compare with."""
    from reports.diff import Side
    from reports.snapshot import SnapshotError

    frozen = context.snapshot(snapshot_id)
    here = Side(frozen.engine, frozen.meta.as_of, frozen.meta)
    if against == "live":
        live = context.engine()
        return Side(live, live.latest_month(), None), here
    before = previous_snapshot(context, snapshot_id)
    if before is None:
        raise SnapshotError(f"aucun instantané antérieur à « {frozen.meta.label} » : comparez avec les données "
                            "actuelles")
    older = context.snapshot(before.id)
    return here, Side(older.engine, older.meta.as_of, older.meta)


def changes_for(context: AppContext, snapshot_id: str, against: str = "previous", *, regions: bool = True):
    """(current side, previous side, changes most important first)."""
    from appstate.db import session_factory
    from reports.diff import committee_diff

    current, previous = sides(context, snapshot_id, against)
    with session_factory(context.settings.app_db)() as session:
        return current, previous, committee_diff(current, previous, session, regions=regions)


def side_name(side, lang: str) -> str:
    month = fmt_month(side.as_of, lang)
    name = side.meta.label if side.meta is not None else t("comite.live_side", lang)
    return f"{name} ({month})"


def severity_badge(severity: str, lang: str) -> dmc.Badge:
    """Severity by icon + text (never colour alone)."""
    return dmc.Badge(f"{SEVERITY_ICONS.get(severity, '•')} {t(f'severity.{severity}', lang)}",
                     color=SEVERITY_COLORS.get(severity, "gray"), variant="light", className=f"severity-{severity}")


def filter_changes(changes, severities=None, text: str | None = None):
    """The changes of the chosen severities whose sentence, indicator or territory contains `text`."""
    needle = (text or "").strip().lower()
    out = []
    for c in changes:
        if severities and c.severity not in severities:
            continue
        haystack = " ".join([c.sentence_fr, c.sentence_en, c.indicator_id or "", c.territory or ""]).lower()
        if needle and needle not in haystack:
            continue
        out.append(c)
    return out


def territory_name(code: str | None, context: AppContext, lang: str) -> str:
    if code is None:
        return t("comite.national", lang)
    for table in ("regions", "departements"):
        if code in getattr(context.reference, table):
            return context.reference.label(table, code, lang)
    return code


def changes_table(changes, context: AppContext, lang: str, limit: int | None = None) -> html.Table:
    """The changes as an accessible table (caption, header cells, scope)."""
    shown, _ = capped(changes, limit)  # never drops a high-severity change
    head = html.Thead(html.Tr([html.Th(t(k, lang), scope="col") for k in (
        "comite.col.severity", "comite.col.sentence", "comite.col.indicator", "comite.col.territory",
        "comite.col.before_after")]))
    rows = [html.Tr([
        html.Td(severity_badge(c.severity, lang)),
        html.Td(c.sentence_fr if lang == "fr" else c.sentence_en, className="change-sentence"),
        html.Td(c.indicator_id or "—"),
        html.Td(territory_name(c.territory, context, lang)),
        html.Td(values_text(c, lang), className="change-values"),
    ], className=f"change-row change-{c.severity}") for c in shown]
    return html.Table([head, html.Tbody(rows)], className="committee-table changes-table")


CHANGE_COLUMNS = ("severity", "sentence", "indicator", "territory", "before_after")


def changes_with_export(changes, context: AppContext, lang: str) -> html.Div:
    """The changes table with its "Exporter" menu (XLSX, CSV): the rows as on screen, severity in words."""
    from dashboard.components.export_menu import table_with_export

    df = pd.DataFrame([{
        "severity": t(f"severity.{c.severity}", lang), "sentence": c.sentence_fr if lang == "fr" else c.sentence_en,
        "indicator": c.indicator_id or "—", "territory": territory_name(c.territory, context, lang),
        "before_after": values_text(c, lang),
    } for c in changes], columns=list(CHANGE_COLUMNS))
    headers = {k: t(f"comite.col.{k}", lang) for k in CHANGE_COLUMNS}
    return table_with_export(df, lang, t("comite.diff_title", lang), headers=headers,
                             table=changes_table(changes, context, lang))
