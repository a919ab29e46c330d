"""Committee mode in-process: frozen figures under ?snapshot=, banner, unknown id, delete, diff, pack route."""

from __future__ import annotations

import pytest

from dashboard import create_app
from dashboard.components.committee_diff import filter_changes
from dashboard.components.snapshot_bar import LIVE, banner_text, live_href, snapshot_options
from dashboard.components.snapshot_callbacks import freeze, snapshot_shell, url_with_snapshot
from dashboard.routes_committee import PackRequestError, check_request, pack_href
from etl.load import load
from reports.diff import RANKS, sort_key
from reports.snapshot import create_snapshot, delete_snapshot, list_snapshots
from tests.access import EVERYTHING, as_person
from tests.dashboard.factory import build_warehouse, documents_total, write_documents
from tests.dashboard.render import as_json, page_text, render
from tests.dashboard.test_pack_jobs import fetch_pack

MONTHS = ("2025-09", "2025-10")


def _fr(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


@pytest.fixture(scope="module")
def committee(tmp_path_factory):
    """A warehouse frozen as « COSUI n°14 », then a corrected documents file (×2) loaded into the live one."""
    data_dir = tmp_path_factory.mktemp("committee")
    settings = build_warehouse(data_dir, MONTHS)
    app = create_app(settings)
    client = app.server.test_client()
    before = page_text(render(client, "/"))
    meta = create_snapshot(settings, "COSUI n°14", author="c.martin")
    corrected = write_documents(data_dir / "inbox" / "mes_documents_2025_corrige.csv", MONTHS, factor=2)
    assert load([corrected], settings, lenient=True).status.startswith("published")
    return {"settings": settings, "app": app, "meta": meta, "before": before}


@pytest.fixture()
def cclient(committee):
    return committee["app"].server.test_client()


def _numbers(text: str) -> list[str]:
    return [line for line in text.splitlines() if "documents" in line and any(ch.isdigit() for ch in line)]


def test_snapshot_shows_the_frozen_numbers_after_a_corrected_load(committee, cclient):
    meta = committee["meta"]
    live = page_text(render(cclient, "/"))
    frozen = page_text(render(cclient, "/", f"?snapshot={meta.id}"))
    last_month = documents_total(MONTHS)  # documents loaded, as first loaded (12 rolling months)
    assert _numbers(frozen) == _numbers(committee["before"])
    assert _numbers(live) != _numbers(committee["before"])
    assert any(_fr(last_month) in line for line in _numbers(committee["before"]))
    assert any(_fr(2 * last_month) in line for line in _numbers(live))
    assert not any(_fr(2 * last_month) in line for line in _numbers(frozen))


def test_every_page_reads_the_snapshot_engine(committee, cclient):
    ctx = committee["app"].server.extensions["segur"]
    meta = committee["meta"]
    # opened once, then cached (each request sees it through its own scope)
    assert ctx.engine(meta.id).unscoped is ctx.engine(meta.id).unscoped
    assert ctx.engine(meta.id).unscoped is not ctx.engine().unscoped
    assert ctx.months(meta.id) == ["2025-10", "2025-09"] or ctx.months(meta.id)[0] == "2025-10"
    for path in ("/budget", "/indicateurs", "/territoires", "/donnees"):
        text = page_text(render(cclient, path, f"?snapshot={meta.id}"))
        assert "Cette page n'a pas pu être affichée" not in text, path


def test_banner_text_and_way_back(committee):
    meta = committee["meta"]
    text = banner_text(meta, "fr")
    assert text.startswith("Instantané figé « COSUI n°14 » du ")
    assert text.endswith(", données à fin oct. 2025 — lecture seule")
    assert banner_text(meta, "en").startswith("Frozen snapshot “COSUI n°14” of ")
    assert live_href("/budget", f"?snapshot={meta.id}&as_of=2025-09&region=11") == "/budget?region=11"


def test_shell_selector_and_banner_from_the_url(committee):
    ctx = committee["app"].server.extensions["segur"]
    meta = committee["meta"]
    with as_person(committee["app"].server, EVERYTHING):
        out = snapshot_shell("/budget", f"?snapshot={meta.id}", ctx)
        live = snapshot_shell("/budget", "", ctx)
    assert out["hidden"] is False and "Instantané figé « COSUI n°14 »" in as_json(out["banner"])
    assert [o["value"] for o in out["options"]] == [LIVE, meta.id]
    assert live["hidden"] is True and live["banner"] is None
    assert snapshot_options([meta], "fr")[1]["label"].startswith("COSUI n°14 — figé le ")
    assert url_with_snapshot("?region=11&as_of=2025-09", meta.id) == f"?region=11&snapshot={meta.id}"
    assert url_with_snapshot(f"?snapshot={meta.id}&lang=en", LIVE) == "?lang=en"


def test_unknown_snapshot_is_a_message_not_an_error(cclient):
    text = page_text(render(cclient, "/budget", "?snapshot=s-20990101-abcdef"))
    assert "Instantané indisponible" in text
    assert "instantané introuvable « s-20990101-abcdef »" in text
    assert "Cette page n'a pas pu être affichée" not in text
    assert "identifiant invalide" in page_text(render(cclient, "/", "?snapshot=../../etc"))


def test_freeze_requires_label_and_author(committee):
    ctx = committee["app"].server.extensions["segur"]
    message, created = freeze(ctx, "", "2025-10", "  ", "fr")
    assert created is None
    assert "Indiquez un libellé" in as_json(message) and "Indiquez votre nom" in as_json(message)
    message, created = freeze(ctx, "COSUI n°13", "2025-13", "c.martin", "fr")
    assert created is None and "mois invalide" in as_json(message)


def test_freeze_permalink_uses_the_public_address(committee):
    import dataclasses

    ctx = committee["app"].server.extensions["segur"]
    public = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings,
                                                                   public_url="https://segur.example.fr/"))
    message, created = freeze(public, "COSUI lien", "2025-10", "c.martin", "fr")
    assert created
    assert f"https://segur.example.fr/?snapshot={created}" in as_json(message)
    delete_snapshot(ctx.settings, created, author="c.martin", confirm=created)  # the other tests see one snapshot


def test_comite_page_lists_snapshots_with_links(committee, cclient):
    meta = committee["meta"]
    text = page_text(render(cclient, "/comite"))
    assert "Comité de suivi" in text and "COSUI n°14" in text and "c.martin" in text
    assert f"/?snapshot={meta.id}" in text and f"/presentation?snapshot={meta.id}" in text
    assert f'"name": "{meta.id}.pdf"' in as_json(render(cclient, "/comite"))  # its button queues the pack


def test_comite_page_in_english(cclient):
    text = as_json(render(cclient, "/comite", "?lang=en"))
    assert '"label": "Région for the regional fact sheet"' in text
    assert "of the fiche" not in text


def test_diff_against_live_is_sorted_and_filterable(committee):
    ctx = committee["app"].server.extensions["segur"]
    meta = committee["meta"]
    from dashboard.components.committee_diff import changes_for

    current, previous, changes = changes_for(ctx, meta.id, "live")
    assert changes, "the corrected load must show up"
    assert changes == sorted(changes, key=sort_key)
    assert [RANKS.index(c.rank) for c in changes] == sorted(RANKS.index(c.rank) for c in changes)
    assert any(c.kind == "data_revised" or c.rank == "data" for c in changes)
    high = filter_changes(changes, {"high"})
    assert all(c.severity == "high" for c in high)
    from dashboard.pages.comite import diff_view  # pages register themselves: import after the app exists

    text = as_json(diff_view(ctx, meta.id, "live", [], None, "fr"))
    assert "les plus importants d'abord" in text and "Avant → après" in text
    assert "▲" in text or "◆" in text or "•" in text  # severity by icon + text
    no_previous = as_json(diff_view(ctx, meta.id, "previous", [], None, "fr"))
    assert "aucun instantané antérieur" in no_previous


def test_delete_needs_the_right_confirmation(committee):
    settings, ctx = committee["settings"], committee["app"].server.extensions["segur"]
    from dashboard.pages.comite import delete

    doomed = create_snapshot(settings, "Essai à supprimer", author="c.martin")
    message, deleted = delete(ctx, doomed.id, "pas le bon", "c.martin", "fr")
    assert deleted is None and "confirmation incorrecte" in as_json(message)
    message, deleted = delete(ctx, doomed.id, doomed.id, "", "fr")
    assert deleted is None and "Indiquez votre nom" in as_json(message)
    assert doomed.id in {m.id for m in list_snapshots(settings)}
    message, deleted = delete(ctx, doomed.id, "Essai à supprimer", "c.martin", "fr")
    assert deleted is not None and "supprimé" in as_json(message)
    assert doomed.id not in {m.id for m in list_snapshots(settings)}
    from appstate.audit import list_events
    from appstate.db import session_factory

    with session_factory(settings.app_db)() as session:
        events = list_events(session, "snapshot", doomed.id)
    assert "snapshot.delete" in [e.action for e in events]


def test_pack_request_validation(committee):
    ref = committee["app"].server.extensions["segur"].reference
    assert check_request("s-20261128-abc123.pdf", "11", "en", ref) == ("s-20261128-abc123", "pdf", "11", "en")
    for name, region, lang, words in [("s-20261128-abc123.exe", None, None, "format de dossier inconnu"),
                                      ("../x.pdf", None, None, "identifiant d'instantané invalide"),
                                      ("s-20261128-abc123.pdf", "99", None, "région inconnue"),
                                      ("s-20261128-abc123.pdf", None, "de", "langue inconnue"),
                                      ("s-20261128-abc123.xlsx", "11", None, "existe en PDF et en PowerPoint")]:
        with pytest.raises(PackRequestError, match=words):
            check_request(name, region, lang, ref)
    assert pack_href("s-20261128-abc123", "pdf", "11", "en") == "/comite/pack/s-20261128-abc123.pdf?region=11&lang=en"
    assert check_request("s-20261128-abc123.pptx", "11", None, ref) == ("s-20261128-abc123", "pptx", "11", "fr")


def test_the_regional_deck_is_offered_and_sent(committee, cclient):
    """The CLI makes a regional PowerPoint (`reports pack --region`): the page offers it next to the PDF fiche."""
    from pptx import Presentation

    from dashboard.pages.comite import pack_links

    meta = committee["meta"]
    app = committee["app"]
    with app.server.test_request_context("/comite"):
        from dashboard.access import set_scope
        from indicators.scope import Scope

        set_scope(Scope.system())
        links = as_json(pack_links(app.server.extensions["segur"], meta.id, "84", "fr"))
    assert "Présentation PowerPoint régionale — Auvergne-Rhône-Alpes" in links
    assert f'"name": "{meta.id}.pptx", "region": "84"' in links
    response = fetch_pack(cclient, pack_href(meta.id, "pptx", "84"))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    import io

    prs = Presentation(io.BytesIO(response.data))
    assert "Auvergne-Rhône-Alpes" in prs.slides[0].shapes.title.text + " ".join(
        sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)


def test_pack_route_errors_are_french_sentences(cclient):
    response = cclient.get("/comite/pack/s-20990101-abcdef.pdf")
    assert response.status_code == 404
    assert "instantané introuvable" in response.get_data(as_text=True)
    response = cclient.get("/comite/pack/s-20990101-abcdef.doc")
    assert response.status_code == 400 and "format de dossier inconnu" in response.get_data(as_text=True)


@pytest.mark.parametrize(("fmt", "magic"), [("pptx", b"PK\x03\x04"), ("pdf", b"%PDF")])
def test_pack_route_sends_the_file(committee, cclient, fmt, magic):
    pytest.importorskip("reports.pack")
    meta = committee["meta"]
    queued = cclient.get(pack_href(meta.id, fmt))
    assert queued.status_code == 202, queued.get_data(as_text=True)[:500]  # built in the background queue
    assert queued.headers["Location"].startswith("/exports/jobs/")
    assert "Dossier du comité en préparation" in queued.get_data(as_text=True)
    response = fetch_pack(cclient, pack_href(meta.id, fmt), queued)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.data[:4] == magic
    assert "attachment" in response.headers["Content-Disposition"]
    again = cclient.get(pack_href(meta.id, fmt))  # built once: the route now sends it at once
    assert again.status_code == 200 and again.data == response.data
    again.close()


def test_diff_table_and_snapshot_views_export_what_they_show(committee, cclient):
    """The « Depuis le dernier comité » table has a menu; under ?snapshot= the indicators list exports the
    frozen figures it shows, not the live ones."""
    import json

    from tests.dashboard.test_table_exports import screen, store_of, wrappers

    ctx = committee["app"].server.extensions["segur"]
    from dashboard.pages.comite import diff_view

    layout = json.loads(as_json(diff_view(ctx, committee["meta"].id, "live", [], None, "fr")))
    [wrapper] = wrappers(layout)
    data = store_of(wrapper)
    headers, rows = screen(wrapper)
    assert [c["header"] for c in data["columns"]] == headers and "Avant → après" in headers
    assert data["rows"][0][1:] == rows[0][1:] and data["rows"][0][0] in rows[0][0]  # severity: its words
    before_after = [r[headers.index("Avant → après")] for r in rows]
    codes = ("off_track", "on_track", "a_faire", "en_cours", "due_soon", "securise", "appuis_necessaires")
    assert before_after and not any(code in text for text in before_after for code in codes), before_after

    def documents(search: str):
        table = next(w for w in wrappers(render(cclient, "/indicateurs", search))
                     if any(str(r[0]).startswith("USE-01") for r in store_of(w)["rows"]))
        return next(r[1] for r in store_of(table)["rows"] if str(r[0]).startswith("USE-01"))

    frozen, live = documents(f"?snapshot={committee['meta'].id}"), documents("")
    assert frozen != live and live == pytest.approx(2 * frozen, rel=0.01)


def test_a_pack_build_over_the_person_limit_is_a_429_in_french(committee, cclient):
    from dashboard.jobs import registry
    from tests.dashboard.test_job_limits import _hold_pool

    reg = registry(committee["app"].server)
    meta = committee["meta"]
    holds = [_hold_pool(reg) for _ in range(reg._pool._max_workers)]  # the two builds stay queued
    try:
        first, second = (cclient.get(pack_href(meta.id, "xlsx", lang=lang)) for lang in ("fr", "en"))
        assert (first.status_code, second.status_code) == (202, 202)
        response = cclient.get(pack_href(meta.id, "pdf", "11"))
    finally:
        for release in holds:
            release.set()
    assert response.status_code == 429
    assert response.get_data(as_text=True) == ("Dossier du comité indisponible : 2 dossiers du comité déjà en "
                                               "préparation ; réessayez dans quelques minutes.\n")
    for queued in (first, second):  # the two queued packs are then built
        assert fetch_pack(cclient, "", queued).status_code == 200


def test_the_freeze_dialog_offers_published_months_and_defaults_to_one_that_can_be_frozen(tmp_path):
    """A payment planned for Dec 2026 used to be the dialog's default month: « mois 2026-12 hors des données
    publiées » on submit. Only months up to the last published monthly data are offered; the default is that one."""
    from dashboard.components.snapshot_callbacks import freeze_choices
    from dashboard.context import AppContext

    settings = build_warehouse(tmp_path, MONTHS, with_rejects=False)
    planned = tmp_path / "inbox" / "funding_events_2026.csv"
    planned.write_text(
        "event_id;dispositif_code;couloir_code;vague;region_code;departement_code;beneficiary_id;beneficiary_kind;"
        "beneficiary_name;event_type;event_date;amount_eur;funding_window;commitment_ref\n"
        "ASP-2026-000009;SONS-V1-HOP;hopital;1;11;75;750712184;finess;AP-HP;commitment;15/12/2026;100 000,00;;\n",
        encoding="utf-8")
    assert load([planned], settings, lenient=True).status.startswith("published")
    ctx = AppContext.build(settings)
    data, default = freeze_choices(ctx, "fr")
    offered = [d["value"] for d in data]
    assert offered == ["2025-10", "2025-09", "2025-06", "2025-03"] and default == "2025-10"  # not 2026-12
    assert data[0]["label"] == "oct. 2025"
    message, created = freeze(ctx, "COSUI n°15", default, "c.martin", "fr")
    assert created, as_json(message)
