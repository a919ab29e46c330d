"""The app-state service: plain functions taking a Session, each checking its input (French ValueError).

Functions flush but never commit: the caller owns the transaction, e.g.

    sessions = appstate.db.session_factory(settings.app_db)
    with sessions.begin() as session:
        add_comment(session, "USE-01", "risque", "Grève des laboratoires en novembre", author="c.martin")

Reads return frozen views (`CommentView`, `MeteoView`, `DecisionView`) that stay valid after the session
closes; `as_of` (a timezone-aware datetime) gives the state as it was at that moment.
"""

from __future__ import annotations

from appstate.audit import AuditView, list_events, record_event
from appstate.comments import (
    CommentView,
    RevisionView,
    add_comment,
    comment_history,
    delete_comment,
    edit_comment,
    get_comment,
    list_comments,
)
from appstate.decisions import (
    OPEN_STATUSES,
    DecisionView,
    add_decision,
    decision_history,
    due_decisions,
    list_decisions,
    overdue_decisions,
    update_decision,
)
from appstate.export import export_state
from appstate.meteo import LEVEL_RANK, MeteoView, current_meteo, current_meteos, meteo_history, set_meteo
from appstate.models import COMMENT_KINDS, DECISION_STATUSES, METEO_LEVELS, METEO_TARGETS

__all__ = [
    "COMMENT_KINDS", "DECISION_STATUSES", "LEVEL_RANK", "METEO_LEVELS", "METEO_TARGETS", "OPEN_STATUSES",
    "AuditView", "CommentView", "DecisionView", "MeteoView", "RevisionView",
    "add_comment", "add_decision", "comment_history", "current_meteo", "current_meteos", "decision_history",
    "delete_comment", "due_decisions", "edit_comment", "export_state", "get_comment", "list_comments", "list_decisions",
    "list_events", "meteo_history", "overdue_decisions", "record_event", "set_meteo", "update_decision",
]
