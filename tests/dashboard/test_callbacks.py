"""The filter ⇄ URL wiring and the translated shell, as pure functions."""

from pathlib import Path

from dashboard.callbacks import controls_from_url, shell_texts, url_from_controls
from dashboard.reference import load_reference
from dashboard.shell import NAV, filter_options, nav_links
from dashboard.state import ViewState
from tests.dashboard.render import as_json

REF = load_reference(Path(__file__).resolve().parents[2] / "data" / "reference")
EMPTY = dict.fromkeys(("as_of", "region", "departement", "couloir", "dispositif", "vague"))
MONTHS = ["2025-10", "2025-09"]


def test_controls_from_url():
    lang, values = controls_from_url("?region=76&departement=31&couloir=nope&lang=en", REF, MONTHS)
    assert lang == "en"
    assert values == {**EMPTY, "region": "76", "departement": "31"}  # invalid couloir → empty control


def test_control_change_writes_the_url_and_keeps_page_parameters():
    search, values = url_from_controls("?indicateur=docs&snapshot=cosui-13", "en", {**EMPTY, "couloir": "biologie"},
                                       "couloir", REF)
    assert search == "?couloir=biologie&snapshot=cosui-13&lang=en&indicateur=docs"
    assert values["couloir"] == "biologie"


def test_choosing_a_departement_selects_its_region():
    search, values = url_from_controls("", "fr", {**EMPTY, "departement": "31"}, "departement", REF)
    assert values["region"] == "76"
    assert search == "?region=76&departement=31"


def test_changing_region_drops_a_departement_outside_it():
    search, values = url_from_controls("?region=76&departement=31", "fr", {**EMPTY, "region": "84", "departement": "31"},
                                       "region", REF)
    assert values["departement"] is None
    assert search == "?region=84"
    search, _ = url_from_controls("?region=76&departement=31", "fr", {**EMPTY, "departement": "31"}, "region", REF)
    assert search == ""  # région cleared → its département too


def test_language_toggle():
    search, _ = url_from_controls("?region=84", "en", {**EMPTY, "region": "84"}, None, REF)
    assert search == "?region=84&lang=en"
    search, _ = url_from_controls("?region=84&lang=en", "fr", {**EMPTY, "region": "84"}, None, REF)
    assert search == "?region=84"


def test_filter_options():
    fr, en = ViewState(), ViewState(lang="en", region="94")
    assert filter_options("as_of", fr, REF, MONTHS) == [{"value": "2025-10", "label": "oct. 2025"},
                                                         {"value": "2025-09", "label": "sept. 2025"}]
    assert filter_options("departement", en, REF, []) == [{"value": "2A", "label": "2A Corse-du-Sud"},
                                                           {"value": "2B", "label": "2B Haute-Corse"}]
    assert len(filter_options("departement", fr, REF, [])) == 101
    assert {"value": "53", "label": "Brittany"} in filter_options("region", en, REF, [])
    assert filter_options("vague", fr, REF, [])[0] == {"value": "1", "label": "Vague 1"}


def test_nav_links_keep_filters_and_mark_the_current_page():
    state = ViewState(region="84", lang="en")
    links = as_json(nav_links("/donnees", state, {"/", "/donnees"}))
    assert '"href": "/donnees?region=84&lang=en"' in links
    assert '"aria-current": "page"' in links
    assert "Budget" in links and "coming soon" in links  # no page yet: not a dead link
    assert links.count('"aria-current"') == 1
    assert [path for path, _ in NAV] == ["/", "/indicateurs", "/budget", "/territoires", "/deploiement",
                                        "/donnees", "/decisions", "/comite"]


def test_shell_texts_in_english():
    out = shell_texts("/", "?lang=en&region=94", REF, MONTHS, {"/"})
    assert out["skip"] == "Skip to content"
    assert out["region_label"] == "Region" and out["departement_placeholder"] == "All départements"
    assert [o["value"] for o in out["departement_data"]] == ["2A", "2B"]
    assert out["as_of_data"][0]["label"] == "Oct 2025"
