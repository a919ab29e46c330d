"""What every page shares: URL → ViewState, messages about ignored parameters, empty state, errors.

A page is one module in dashboard/pages/:

    dash.register_page(__name__, path="/budget", title="Budget — Ségur numérique", order=2)

    @view()
    def layout(page: PageRequest):
        df = page.warehouse.query_df("SELECT … WHERE region_code = ?", [page.state.region])
        return [page_header(page.t("budget.title")), chart_with_table(...)]

`view()` turns that into the `layout(**query)` Dash calls on every URL change: it parses and
validates the query string, shows what was ignored, shows the empty state when no warehouse is
published (unless `needs_warehouse=False`) and turns an exception into a short message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import flask
from dash import html

from dashboard.components.feedback import empty_state, error_alert, messages_alert
from dashboard.context import AppContext, current
from dashboard.i18n import t
from dashboard.reference import Reference
from dashboard.state import ViewState, extra_params, parse_view_state
from dashboard.warehouse import Warehouse
from settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageRequest:
    """What a page's builder receives: the validated view state and the app context."""

    state: ViewState
    ctx: AppContext
    messages: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)  # page-specific query parameters (unvalidated)
    snapshot_error: str | None = None  # why `state.snapshot` cannot be shown (unknown, deleted, unreadable)

    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def warehouse(self) -> Warehouse:
        """The live warehouse, or the snapshot's frozen copy when the view is a committee snapshot."""
        return self.ctx.snapshot(self.state.snapshot).warehouse if self.state.snapshot else self.ctx.warehouse

    @property
    def snapshot(self):
        """The committee snapshot being viewed (`dashboard.context.SnapshotView`), or None for live data."""
        return self.ctx.snapshot(self.state.snapshot) if self.state.snapshot else None

    @property
    def reference(self) -> Reference:
        return self.ctx.reference

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    def t(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    @property
    def scope(self):
        """Who is asking (`indicators.scope.Scope`), resolved once for the request at the edge."""
        from dashboard.access import current_scope

        return current_scope()

    @property
    def engine(self):
        """The indicator engine for this view, cut to the request's scope (`indicators.scoped.ScopedEngine`):
        frozen numbers for a snapshot."""
        from indicators.scoped import scoped

        return scoped(self.ctx.engine(self.state.snapshot), self.scope)

    @property
    def filters(self):
        """The view's filters for the engine (`indicators.query.ViewFilters`), already validated."""
        from indicators.query import ViewFilters

        s = self.state
        return ViewFilters(s.region, s.departement, s.couloir, s.dispositif, s.vague)

    def href(self, path: str, **extra: str) -> str:
        """A link to `path` keeping the current filters."""
        return self.state.href(path, extra)


def page_request(query: dict, ctx: AppContext) -> PageRequest:
    """Parse a page's query parameters against the reference data and the published months.

    With `snapshot=ID`, the months are the snapshot's (up to its as-of month) and the as-of month defaults
    to the snapshot's: every page then shows the figures presented to the committee.
    """
    state, messages = parse_view_state(query, ctx.reference, ctx.months())
    snapshot_error = None
    if state.snapshot:
        from reports.snapshot import SnapshotError

        try:
            frozen = ctx.snapshot(state.snapshot)
        except (SnapshotError, OSError) as e:
            snapshot_error = str(e)
        else:
            state, messages = parse_view_state(query, ctx.reference, frozen.months())
            if state.as_of is None:
                state = state.replace(as_of=frozen.as_of)
    return PageRequest(state=state, ctx=ctx, messages=messages, extra=extra_params(query),
                       snapshot_error=snapshot_error)


Builder = Callable[[PageRequest], object]


def view(*, needs_warehouse: bool = True) -> Callable[[Builder], Callable[..., html.Div]]:
    """Decorator: a builder `(PageRequest) -> children` becomes a Dash page `layout(**query)`."""

    def decorate(build: Builder) -> Callable[..., html.Div]:
        def layout(**query: object) -> html.Div:
            if not flask.has_app_context():  # e.g. a layout check at start-up: nothing to render yet
                return html.Div()
            lang = "en" if query.get("lang") == "en" else "fr"
            try:
                page = page_request(query, current())
                lang = page.lang
                children = [messages_alert(page.messages, lang)]
                if page.snapshot_error:  # never the live numbers under a snapshot's URL
                    from dashboard.components.snapshot_bar import snapshot_unavailable

                    children.append(snapshot_unavailable(page.state, page.snapshot_error))
                elif needs_warehouse and not page.warehouse.available():
                    children.append(empty_state(lang))
                else:
                    body = build(page)
                    children += list(body) if isinstance(body, (list, tuple)) else [body]  # children cannot nest
            except Exception as e:  # noqa: BLE001 - a page is never a traceback
                log.exception("page %s with %r", getattr(build, "__module__", "?"), query)
                children = [error_alert(f"{type(e).__name__}: {e}", lang)]
            return html.Div([c for c in children if c is not None], className="page", lang=lang)

        layout.build = build  # type: ignore[attr-defined]  # the pure builder, for tests
        layout.__doc__ = build.__doc__
        return layout

    return decorate
