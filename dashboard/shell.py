"""The frame around every page: skip link, header, navigation, global filter bar, language toggle, footer.

Built once in French; the callbacks in dashboard/callbacks.py translate it and fill the filters from
the URL. The builders of the parts that change (nav links, filter options) are pure functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import dash
import dash_mantine_components as dmc
from dash import dcc, html

from dashboard import ids
from dashboard.components import snapshot_bar
from dashboard.format import fmt_month
from dashboard.i18n import t
from dashboard.reference import Reference
from dashboard.routes_exports import view_export_link  # --- exports ---
from dashboard.state import ViewState
from dashboard.theme import MANTINE_THEME

# (path, message key) of every page, in menu order. A path with no registered page yet is shown as
# "à venir" instead of a dead link; it becomes a link as soon as its page module exists.
NAV: tuple[tuple[str, str], ...] = (
    ("/", "nav.overview"),
    ("/indicateurs", "nav.indicators"),
    ("/budget", "nav.budget"),
    ("/territoires", "nav.territories"),
    ("/deploiement", "nav.deployment"),
    ("/donnees", "nav.data"),
    ("/decisions", "nav.decisions"),
    ("/comite", "nav.comite"),
)
FILTER_ORDER = ("as_of", "region", "departement", "couloir", "dispositif", "vague")
SEARCHABLE = {"region", "departement", "dispositif"}


def registered_paths() -> set[str]:
    return {page["path"] for page in dash.page_registry.values()}


def access_nav(scope) -> tuple[tuple[str, str], ...]:
    """The menu entries a person's roles open: people and rights (admin), the audit journal."""
    out = []
    if scope.can_admin:
        out.append(("/admin", "nav.admin"))
    if scope.can_read_audit:
        out.append(("/journal", "nav.audit"))
    return tuple(out)


def nav_links(pathname: str | None, state: ViewState, available: Iterable[str]) -> list:
    """The menu: links keep the current filters; the current page is marked for assistive technology."""
    from dashboard.access import current_scope

    available = set(available)
    items = []
    for path, key in NAV + access_nav(current_scope()):
        label = t(key, state.lang)
        if path not in available:
            items.append(html.Li(html.Span([label, html.Small(f" ({t('shell.coming_soon', state.lang)})")],
                                           className="nav-link nav-disabled", **{"aria-disabled": "true"})))
            continue
        current = (pathname or "/").rstrip("/") or "/"
        # a sub-page (an indicator, a fiche territoriale) marks its section of the menu
        active = current == (path.rstrip("/") or "/") or (path != "/" and current.startswith(path + "/"))
        items.append(html.Li(dmc.Anchor(
            label, href=state.href(path), className="nav-link" + (" nav-active" if active else ""),
            underline="never", **({"aria-current": "page"} if active else {}),
        )))
    return [html.Ul(items, className="nav-list")]


def filter_options(key: str, state: ViewState, reference: Reference, months: Sequence[str]) -> list[dict]:
    """Options of one filter select in the state's language (départements limited to the chosen région).

    Territories are those of the request's scope: a regional person is never offered another région."""
    from dashboard.access import current_scope

    lang = state.lang
    scope = current_scope()
    if key == "as_of":
        return [{"value": m, "label": fmt_month(m, lang)} for m in months]
    if key == "region":
        items = sorted((i for i in reference.regions.values() if scope.allows_region(i.code)),
                       key=lambda i: i.label(lang))
        return [{"value": i.code, "label": i.label(lang)} for i in items]
    if key == "departement":
        return [{"value": d.code, "label": f"{d.code} {d.label(lang)}"} for d in reference.departements_of(state.region)
                if scope.allows_region(d.parent)]
    table = {"couloir": reference.couloirs, "dispositif": reference.dispositifs, "vague": reference.vagues}[key]
    return [{"value": i.code, "label": i.label(lang)} for i in table.values()]


def _filter(key: str) -> dmc.Select:
    return dmc.Select(
        id=ids.FILTERS[key], label=t(f"filter.{key}"), placeholder=t(f"filter.{key}.all"), data=[], value=None,
        clearable=True, searchable=key in SEARCHABLE, nothingFoundMessage=t("filter.nothing_found"),
        allowDeselect=True, className=f"filter filter-{key}", comboboxProps={"withinPortal": True},
        maxDropdownHeight=320,
    )


def layout() -> dmc.MantineProvider:
    """The app layout: the shell with Dash's page container inside <main>."""
    return dmc.MantineProvider(
        theme=MANTINE_THEME,
        children=[
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            dcc.Store(id=ids.HTML_LANG_SINK),
            html.A(t("shell.skip"), href=f"#{ids.CONTENT}", id=ids.SKIP_LINK, className="skip-link"),
            html.Header(id=ids.HEADER, className="app-header", children=[
                html.Div(className="brand", children=[
                    html.Div("Ségur", className="brand-mark", **{"aria-hidden": "true"}),
                    html.Div([
                        html.P(t("app.programme"), id=ids.HEADER_TITLE, className="brand-title"),
                        html.P(t("app.subtitle"), id=ids.HEADER_SUBTITLE, className="brand-subtitle"),
                    ]),
                ]),
                # Who is signed in (and signs comments, météo, decisions): dashboard/components/identity.py
                html.Div(id=ids.IDENTITY, className="identity", **{"aria-live": "polite"}),
                html.Div(className="lang-switch", children=[
                    html.Span(t("shell.lang_label"), id=ids.LANG_LABEL, className="lang-label"),
                    dmc.SegmentedControl(
                        id=ids.LANG, value="fr", size="sm", color="bleuFrance",
                        data=[{"value": "fr", "label": "FR"}, {"value": "en", "label": "EN"}],
                        **{"aria-labelledby": ids.LANG_LABEL},
                    ),
                ]),
            ]),
            html.Nav(id=ids.NAV, className="app-nav", children=nav_links(None, ViewState(), registered_paths()),
                     **{"aria-label": t("shell.nav_label")}),
            # Comité: snapshot selector + "Figer pour le comité" + read-only banner (components/snapshot_bar.py).
            *snapshot_bar.shell_row(),
            html.Section(id=ids.FILTER_BAR, className="filter-bar",
                         # --- exports --- the view's workbook sits with the filters it applies (href: callbacks.py)
                         children=[*(_filter(k) for k in FILTER_ORDER), view_export_link()],
                         **{"aria-label": t("shell.filters_label"), "role": "search"}),
            html.Main(id=ids.CONTENT, tabIndex="-1", className="app-main", children=dash.page_container),
            html.Footer(id=ids.FOOTER, className="app-footer", children=t("shell.footer")),
        ],
    )
