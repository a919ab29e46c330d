"""The request side of the job queue (dashboard/jobs.py): start an extract for the view of a page, and the owner
check every job read goes through (a job id is no key to somebody else's file)."""

from __future__ import annotations

from dashboard.access import current_scope
from dashboard.job_limits import JobRefused
from dashboard.jobs import Job, registry
from reports.extracts import ExtractError

SEPARATORS = {";": ";", ",": ",", "tab": "\t"}


def start_for_view(search: str | None, table: str, fmt: str, sep: str | None = ";",
                   decimal: str | None = "comma") -> Job:
    """Start an extract of `table` for the view of the page URL `search` (filters, as-of: the latest month
    when none is chosen, as the export routes do), owned by the signed-in person. ExtractError (French
    message) for bad input, JobRefused when the limits are reached."""
    from dashboard import rate_limits
    from dashboard.context import current
    from dashboard.state import parse_search, parse_view_state
    from indicators.query import ViewFilters

    try:
        rate_limits.check("export")
    except rate_limits.RateLimited as e:
        raise JobRefused(str(e)) from e
    context = current()
    months = context.months()
    state, messages = parse_view_state(parse_search(search), context.reference, months)
    if state.denied:
        raise ExtractError(messages[-1] if messages else "accès non autorisé à cette région")
    if sep not in SEPARATORS:
        raise ExtractError(f"séparateur inconnu « {sep} » (attendu : ; , ou tab)")
    filters = ViewFilters(state.region, state.departement, state.couloir, state.dispositif, state.vague)
    return registry().start(context.settings.warehouse, table, fmt, filters, state.as_of or context.default_month(),
                            SEPARATORS[sep], decimal != "point", owner=current_scope().login)


def visible_job(job: Job | None) -> Job | None:
    """The job if the request's person started it (a job id is no key to somebody else's file)."""
    return job if job is not None and job.owner == current_scope().login and current_scope().signed_in else None
