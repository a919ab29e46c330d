"""Messages to the reader: empty state, ignored URL parameters, page errors, page heading."""

from __future__ import annotations

import dash_mantine_components as dmc
from dash import dcc, html

from dashboard.i18n import t


def page_header(title: str, lead: str | None = None) -> html.Header:
    """The page's single H1 and an optional one-line lead."""
    return html.Header([html.H1(title, className="page-title"),
                        *([html.P(lead, className="page-lead")] if lead else [])], className="page-header")


def empty_state(lang: str | None = "fr") -> dmc.Alert:
    """Shown instead of a page when no warehouse has been published."""
    return dmc.Alert(
        dcc.Markdown(t("empty.no_warehouse", lang), className="alert-text"),
        title=t("empty.title", lang), color="bleuFrance", variant="light", className="empty-state",
    )


def messages_alert(messages: list[str], lang: str | None = "fr") -> dmc.Alert | None:
    """The URL parameters that were ignored, and why (None when there is nothing to say)."""
    if not messages:
        return None
    return dmc.Alert(
        html.Ul([html.Li(m) for m in messages], className="alert-list"),
        title=t("state.title", lang), color="warningDsfr", variant="light", className="state-messages",
    )


def error_alert(error: str, lang: str | None = "fr") -> dmc.Alert:
    """A page that failed to build: a sentence, never a traceback."""
    return dmc.Alert(t("error.page", lang, error=error), title=t("error.title", lang), color="errorDsfr",
                     variant="light", className="page-error")
