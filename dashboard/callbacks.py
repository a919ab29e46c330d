"""The one place where filters, the URL and the shell meet. Pages never handle the global filters.

- `sync_url`: one circular callback between the URL query string and the filter controls. A change
  of a control writes the URL (history entry, no reload); a URL change (first load, back/forward,
  pasted link) sets the controls. Dash's page router re-renders the page from the same URL.
- `translate_shell`: labels, menu and filter options in the URL's language.
- the <html lang> attribute follows the language (screen readers pick the right voice).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dash import Dash, Input, Output, ctx, no_update

from dashboard import ids
from dashboard.components import snapshot_callbacks
from dashboard.context import current
from dashboard.i18n import DEFAULT_LANG, LANGS, t
from dashboard.reference import Reference
from dashboard.routes_exports import view_export_link_props  # --- exports ---
from dashboard.shell import FILTER_ORDER, filter_options, nav_links, registered_paths
from dashboard.state import URL_KEYS, ViewState, parse_search, parse_view_state

CONTROL_KEYS = {v: k for k, v in ids.FILTERS.items()}


def snapshot_of(search: str | None) -> str | None:
    """The snapshot id of a URL (comité): the filters then offer that snapshot's months."""
    return parse_search(search).get("snapshot")


def controls_from_url(search: str | None, reference: Reference, months: Sequence[str]
                      ) -> tuple[str, dict[str, str | None]]:
    """(language, filter values) that the controls should show for a URL (invalid values → empty)."""
    state, _ = parse_view_state(parse_search(search), reference, months)
    return state.lang, {k: getattr(state, k) for k in FILTER_ORDER}


def url_from_controls(search: str | None, lang: str | None, values: Mapping[str, str | None], changed: str | None,
                      reference: Reference) -> tuple[str, dict[str, str | None]]:
    """The new query string after a control changed, and the control values corrected for consistency.

    Choosing a département selects its région; changing the région drops a département outside it;
    clearing the région clears the département. Page-specific parameters and the snapshot are kept.
    """
    values = dict(values)
    region, dep = values.get("region"), values.get("departement")
    if changed == "departement" and dep in reference.departements:
        region = reference.departements[dep].parent
    elif changed == "region" and dep in reference.departements and reference.departements[dep].parent != region:
        dep = None
    values.update(region=region, departement=dep)
    current_params = parse_search(search)
    state = ViewState(**{k: values.get(k) or None for k in FILTER_ORDER},
                      lang=lang if lang in LANGS else DEFAULT_LANG, snapshot=current_params.get("snapshot"))
    extra = {k: v for k, v in current_params.items() if k not in URL_KEYS}
    return state.to_search(extra), values


def shell_texts(pathname: str | None, search: str | None, reference: Reference, months: Sequence[str],
                available_paths: set[str]) -> dict:
    """Every translated piece of the shell for a URL (pure: used by the callback and by tests)."""
    state, _ = parse_view_state(parse_search(search), reference, months)
    lang = state.lang
    out: dict = {
        "skip": t("shell.skip", lang), "title": t("app.programme", lang), "subtitle": t("app.subtitle", lang),
        "lang_label": t("shell.lang_label", lang), "footer": t("shell.footer", lang),
        "nav": nav_links(pathname, state, available_paths), "nav_label": t("shell.nav_label", lang),
        "filters_label": t("shell.filters_label", lang),
    }
    for key in FILTER_ORDER:
        out[f"{key}_label"] = t(f"filter.{key}", lang)
        out[f"{key}_placeholder"] = t(f"filter.{key}.all", lang)
        out[f"{key}_nothing"] = t("filter.nothing_found", lang)
        out[f"{key}_data"] = filter_options(key, state, reference, months)
    return out


def register(app: Dash) -> None:
    filter_ids = [ids.FILTERS[k] for k in FILTER_ORDER]

    @app.callback(
        Output(ids.URL, "search"), Output(ids.LANG, "value"), *[Output(i, "value") for i in filter_ids],
        Output(ids.SNAPSHOT_SELECT, "value"),  # comité: the snapshot selector is the last control
        Input(ids.URL, "search"), Input(ids.LANG, "value"), *[Input(i, "value") for i in filter_ids],
        Input(ids.SNAPSHOT_SELECT, "value"),
    )
    def sync_url(search, lang, *values):
        values, snapshot = values[:-1], values[-1]
        context = current()
        trigger = ctx.triggered_id
        if trigger == ids.SNAPSHOT_SELECT:  # comité: another snapshot (or live data); its own as-of month
            new_search = snapshot_callbacks.url_with_snapshot(search, snapshot)
            return (new_search if new_search != (search or "") else no_update, no_update,
                    *[no_update] * len(FILTER_ORDER), no_update)
        if trigger in CONTROL_KEYS or trigger == ids.LANG:
            new_search, corrected = url_from_controls(
                search, lang, dict(zip(FILTER_ORDER, values, strict=True)), CONTROL_KEYS.get(trigger),
                context.reference)
            url_out = new_search if new_search != (search or "") else no_update
            return url_out, no_update, *[corrected[k] for k in FILTER_ORDER], no_update
        url_lang, url_values = controls_from_url(search, context.reference, context.months(snapshot_of(search)))
        return no_update, url_lang, *[url_values[k] for k in FILTER_ORDER], snapshot_callbacks.selector_value(search)

    outputs = {
        "skip": Output(ids.SKIP_LINK, "children"), "title": Output(ids.HEADER_TITLE, "children"),
        "subtitle": Output(ids.HEADER_SUBTITLE, "children"), "lang_label": Output(ids.LANG_LABEL, "children"),
        "footer": Output(ids.FOOTER, "children"), "nav": Output(ids.NAV, "children"),
        "nav_label": Output(ids.NAV, "aria-label"), "filters_label": Output(ids.FILTER_BAR, "aria-label"),
    }
    for key in FILTER_ORDER:
        fid = ids.FILTERS[key]
        outputs.update({f"{key}_label": Output(fid, "label"), f"{key}_placeholder": Output(fid, "placeholder"),
                        f"{key}_nothing": Output(fid, "nothingFoundMessage"), f"{key}_data": Output(fid, "data")})

    @app.callback(output=outputs, inputs=[Input(ids.URL, "pathname"), Input(ids.URL, "search")])
    def translate_shell(pathname, search):
        context = current()
        return shell_texts(pathname, search, context.reference, context.months(snapshot_of(search)),
                           registered_paths())

    snapshot_callbacks.register(app)  # comité: snapshot selector options, banner, freeze modal

    app.clientside_callback(
        """
        function (search) {
            const lang = new URLSearchParams(search || "").get("lang") === "en" ? "en" : "fr";
            document.documentElement.lang = lang;
            return lang;
        }
        """,
        Output(ids.HTML_LANG_SINK, "data"),
        Input(ids.URL, "search"),
    )

    # --- exports --- "Exporter la vue (Excel)" follows the URL: validated filters, as-of and language
    # (no snapshot: the workbook route serves live data only).
    @app.callback(Output(ids.EXPORT_VIEW_LINK, "href"), Output(ids.EXPORT_VIEW_LINK, "children"),
                  Output(ids.EXPORT_VIEW_LINK, "title"), Input(ids.URL, "search"))
    def export_view_link(search):
        context = current()
        return view_export_link_props(search, context.reference, context.months())
