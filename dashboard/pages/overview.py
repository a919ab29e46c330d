"""Vue d'ensemble: the state of the programme in one screen, for the view in the URL (as-of, filters).

Budget strip, objectives (weighted progress), alerts, then every indicator as a tile grouped by
objective; each tile links to its indicator page with the same filters.
"""

from __future__ import annotations

import dash

from dashboard.components import page_header
from dashboard.components.indicator_common import scope_text
from dashboard.components.overview_alerts import alerts_panel, collect_alerts
from dashboard.components.overview_budget import budget_strip
from dashboard.components.overview_data import build_overview
from dashboard.components.overview_tiles import objectives_section, tiles_section
from dashboard.format import fmt_month
from dashboard.pagekit import PageRequest, view

dash.register_page(__name__, path="/", name="Vue d'ensemble", title="Ségur numérique — pilotage", order=0)


@view()
def layout(page: PageRequest):
    engine = page.engine
    data = build_overview(engine, page.state.as_of_date, page.filters)
    lead = page.t("overview.lead", month=fmt_month(data.as_of, page.lang),
                  scope=scope_text(page.state, page.reference, page.lang))
    return [
        page_header(page.t("overview.title"), lead),
        budget_strip(data, page),
        objectives_section(data, page),
        alerts_panel(collect_alerts(data), data, page),
        tiles_section(data, engine.catalogue, page),
    ]
