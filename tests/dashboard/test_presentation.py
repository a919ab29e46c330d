"""Mode présentation in-process: sections, position announcement, navigation assets, snapshot figures."""

from __future__ import annotations

import pytest
from dash import no_update

from dashboard.components import comments, live_entry
from dashboard.context import EXTENSION
from reports.snapshot import create_snapshot
from tests.access import NOBODY, READER, SECRETARY, as_person
from tests.dashboard.factory import build_warehouse
from tests.dashboard.render import as_json, page_text, render


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    from dashboard import create_app

    settings = build_warehouse(tmp_path_factory.mktemp("deck"))
    app = create_app(settings)
    meta = create_snapshot(settings, "COSUI n°14", author="c.martin")
    return app.server.test_client(), meta, app


def _sections(node, found):
    if isinstance(node, dict):
        props = node.get("props") or {}
        if "presentation-section" in str(props.get("className", "")):
            found.append(props)
        for v in node.values():
            _sections(v, found)
    elif isinstance(node, list):
        for v in node:
            _sections(v, found)
    return found


@pytest.mark.parametrize("search", ["", "?snapshot={id}"])
def test_deck_has_one_section_per_screen(deck, search):
    client, meta, _ = deck
    rendered = render(client, "/presentation", search.format(id=meta.id))
    text = page_text(rendered)
    assert "Cette page n'a pas pu être affichée" not in text
    sections = _sections(rendered["_pages_content"], [])
    titles = [s["data-title"] for s in sections]
    assert [s["id"] for s in sections] == [f"section-{n}" for n in range(1, len(sections) + 1)]
    assert titles[0] == "Synthèse"
    for title in ("Budget", "Couloirs", "Territoires", "Depuis le dernier comité", "Décisions"):
        assert title in titles
    assert f"Section 1 sur {len(sections)} : Synthèse" in text
    assert "Précédent" in text and "Suivant" in text
    assert "Saisir une décision" in text
    if search:
        assert "« COSUI n°14 » — données à fin oct. 2025" in text


def test_presentation_assets_are_served_locally(deck):
    client, _, _ = deck
    js = client.get("/assets/presentation.js")
    assert js.status_code == 200 and b"ArrowRight" in js.data and b"PageDown" in js.data
    css = client.get("/assets/presentation.css")
    assert css.status_code == 200 and b"page-break-after: always" in css.data


def _nodes(node, keep, found=None) -> list[dict]:
    """The props of every component whose props satisfy `keep`."""
    found = [] if found is None else found
    if isinstance(node, dict):
        props = node.get("props") or {}
        if props and keep(props):
            found.append(props)
        for v in node.values():
            _nodes(v, keep, found)
    elif isinstance(node, list):
        for v in node:
            _nodes(v, keep, found)
    return found


def _typed(rendered, kind: str) -> list[dict]:
    return _nodes(rendered["_pages_content"], lambda p: isinstance(p.get("id"), dict) and p["id"]["type"] == kind)


def _slide(rendered, key: str) -> str:
    [section] = [s for s in _sections(rendered["_pages_content"], []) if s["data-key"] == key]
    return page_text({"_pages_content": {"children": section["children"]}})


def test_live_deck_has_an_entry_panel_on_every_section(deck):
    client, _, _ = deck
    rendered = render(client, "/presentation")
    sections = _sections(rendered["_pages_content"], [])
    panels = _typed(rendered, live_entry.ids.PRES_ENTRY)
    assert [p["id"]["key"] for p in panels] == [f"pres-{s['data-key']}" for s in sections]
    for kind in (live_entry.ids.COMMENTS_BODY, live_entry.ids.COMMENTS_COULOIR, live_entry.ids.DEC_TEXT,
                 live_entry.ids.DEC_OWNER, live_entry.ids.DEC_DUE, live_entry.ids.DEC_INDICATORS):
        assert len(_typed(rendered, kind)) == len(sections), kind
    [toggle] = _nodes(rendered["_pages_content"], lambda p: p.get("id") == live_entry.ids.PRES_ENTRY_TOGGLE)
    assert not toggle["disabled"] and toggle["aria-keyshortcuts"] == "c d"
    text = page_text(rendered)
    for expected in ("Ajouter un commentaire / une décision", "Saisie en séance", "Publier le commentaire",
                     "Couloir concerné (facultatif)", "Enregistrer la décision", "Indicateurs concernés"):
        assert expected in text, expected
    couloirs = [p for p in _typed(rendered, live_entry.ids.DEC_INDICATORS) if p["id"]["key"] == "pres-couloirs"]
    assert couloirs[0]["value"] == ["USE-02"]  # a decision taken on a slide is linked to its indicator


def test_a_snapshot_deck_is_read_only_with_a_message(deck):
    client, meta, _ = deck
    rendered = render(client, "/presentation", f"?snapshot={meta.id}")
    assert _typed(rendered, live_entry.ids.PRES_ENTRY) == []
    assert _typed(rendered, live_entry.ids.COMMENTS_ADD) == [] and _typed(rendered, live_entry.ids.DEC_ADD) == []
    [toggle] = _nodes(rendered["_pages_content"], lambda p: p.get("id") == live_entry.ids.PRES_ENTRY_TOGGLE)
    assert toggle["disabled"] and toggle["aria-describedby"] == live_entry.ids.PRES_READONLY
    assert "la saisie de commentaires et de décisions est désactivée" in page_text(rendered)


def test_entries_made_on_a_slide_show_on_it_and_not_in_the_snapshot(deck):
    client, meta, app = deck
    ctx = app.server.extensions[EXTENSION]
    block = comments.scope_of("USE-02", None, None, None, "fr", indicators=["USE-02"], compact=True)
    listed, _, _ = comments.add(ctx, block, "risque", "La radiologie attend la vague 2", "C. Martin",
                                couloir="radiologie")
    assert "Couloir : Radiologie / imagerie" in as_json(listed)
    scope = live_entry.decision_scope("fr", ctx.today(), None, None, ["USE-02"])
    with as_person(app.server, NOBODY):  # nobody signed in: nothing is written
        assert live_entry.on_live_decision(1, "x", "ANS", None, [], scope)[0] is no_update
    with as_person(app.server, READER):  # a reader may not record a decision
        assert "Enregistrement refusé" in as_json(live_entry.on_live_decision(1, "x", "ANS", None, [], scope)[1])
    with as_person(app.server, SECRETARY):
        shown, message, cleared = live_entry.on_live_decision(1, "Relancer les éditeurs de radiologie", "ANS",
                                                              "2026-01-31", ["USE-02"], scope)
        frozen = {**scope, "snapshot": meta.id}
        assert live_entry.on_live_decision(1, "Refusée", "ANS", None, [], frozen) == (
            no_update, no_update, no_update)
    assert "Relancer les éditeurs de radiologie" in as_json(shown) and "Enregistré." in as_json(message)
    assert cleared == ""
    live = _slide(render(client, "/presentation"), "couloirs")
    assert "La radiologie attend la vague 2" in live and "Relancer les éditeurs de radiologie" in live
    assert "Relancer les éditeurs de radiologie" in _slide(render(client, "/presentation"), "decisions")
    assert "Relancer les éditeurs de radiologie" not in _slide(render(client, "/presentation"), "territoires")
    snapshot = _slide(render(client, "/presentation", f"?snapshot={meta.id}"), "couloirs")
    assert "La radiologie attend la vague 2" not in snapshot and "Relancer les éditeurs" not in snapshot


def test_the_comite_page_links_to_the_live_presentation(deck):
    client, _, _ = deck
    rendered = render(client, "/comite")
    [link] = _nodes(rendered["_pages_content"], lambda p: p.get("className") == "comite-present-live")
    assert link["href"] == "/presentation" and "saisie des commentaires et décisions" in link["children"]
