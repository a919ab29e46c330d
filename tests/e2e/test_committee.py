"""Committee mode in a real browser: freeze through the modal, view the snapshot, present with the keyboard."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser_tools import wait_for_page

pytestmark = pytest.mark.browser


def test_freeze_view_and_present(page, live_server, artifacts):
    page.goto(live_server + "/comite")
    wait_for_page(page, "Comité de suivi")
    page.get_by_role("button", name="Figer pour le comité").click()
    page.locator("#freeze-label").fill("COSUI e2e")
    assert page.locator("#freeze-author").input_value() == live_server.login  # signed by the identity
    page.get_by_role("button", name="Figer", exact=True).click()
    done = page.locator(".freeze-done")
    done.wait_for(timeout=60_000)
    assert "Instantané « COSUI e2e » créé" in done.inner_text()
    href = page.locator("a.freeze-permalink").get_attribute("href")
    snapshot_id = re.search(r"snapshot=(s-\d{8}-[0-9a-f]{6})", href).group(1)
    page.screenshot(path=str(artifacts / "committee-freeze.png"))

    page.goto(live_server + href)
    banner = page.locator("#snapshot-banner")
    banner.get_by_text("Instantané figé « COSUI e2e »").wait_for()
    assert "lecture seule" in banner.inner_text()
    assert f"snapshot={snapshot_id}" in page.url
    wait_for_page(page, "COSUI e2e")
    page.screenshot(path=str(artifacts / "committee-snapshot-view.png"), full_page=True)

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server}/presentation?snapshot={snapshot_id}")
    page.locator("#section-1.is-current").wait_for(timeout=30_000)
    wait_for_page(page, "Section 1 sur")
    page.screenshot(path=str(artifacts / "presentation-1.png"))
    assert page.locator("#presentation-entry-toggle").is_disabled()  # a snapshot is read-only
    assert "saisie de commentaires et de décisions est désactivée" in page.locator("#presentation-readonly").inner_text()
    page.keyboard.press("c")
    assert page.locator(".pres-entry").count() == 0 and page.locator("#section-1.is-current").count() == 1
    page.keyboard.press("ArrowRight")
    page.locator("#section-2.is-current").wait_for()
    assert page.url.endswith("#section-2")
    assert page.locator("#section-1").is_hidden()
    assert "Section 2 sur" in page.locator("#presentation-status").inner_text()
    page.keyboard.press("PageDown")
    page.locator("#section-3.is-current").wait_for()
    page.keyboard.press("ArrowLeft")
    page.locator("#section-2.is-current").wait_for()
    page.get_by_role("button", name="Suivant").click()
    page.locator("#section-3.is-current").wait_for()
    total = int(page.locator("#presentation").get_attribute("data-total"))
    page.keyboard.press("End")
    page.locator(f"#section-{total}.is-current").wait_for()
    page.screenshot(path=str(artifacts / f"presentation-{total}.png"))
    for n in range(2, total):
        page.goto(f"{live_server}/presentation?snapshot={snapshot_id}#section-{n}")
        page.locator(f"#section-{n}.is-current").wait_for()
        page.screenshot(path=str(artifacts / f"presentation-{n}.png"))


def _comments_in_db(data_dir, body: str) -> list:
    from appstate import service
    from appstate.db import forget, session_factory
    from settings import load_settings

    url = load_settings({"SEGUR_DATA_DIR": str(data_dir)}).app_db
    try:
        with session_factory(url)() as session:
            return [c for c in service.list_comments(session) if c.body == body]
    finally:
        forget(url)


def test_comment_entered_live_on_a_slide(page, live_server, live_data_dir, artifacts):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server}/presentation")
    page.locator("#section-1.is-current").wait_for(timeout=30_000)
    wait_for_page(page, "Section 1 sur")
    page.keyboard.press("ArrowRight")
    page.locator("#section-2.is-current").wait_for()
    slide = page.locator("#section-2")

    page.keyboard.press("c")  # opens the entry panel on the comment field
    panel = slide.locator(".pres-entry")
    panel.wait_for()
    assert page.locator("#presentation-entry-toggle").get_attribute("aria-expanded") == "true"
    body = panel.locator(".comment-body-input textarea")
    page.wait_for_function("() => document.activeElement && document.activeElement.tagName === 'TEXTAREA'")
    text = "Deux éditeurs livrent en retard : relance prévue"
    body.type("Deux éditeurs livrent")
    for key in ("ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "PageDown", "PageUp", "Home"):
        page.keyboard.press(key)  # moves the caret, never the deck
    page.keyboard.press("End")
    body.type(" en retard : relance prévue")
    assert body.input_value() == text
    assert page.locator("#section-2").get_attribute("class").endswith("is-current")
    assert page.url.endswith("#section-2")

    chosen = panel.get_by_label("Indicateur", exact=True).input_value()
    panel.get_by_label("Type de commentaire").click()
    page.get_by_role("option", name="Risque").click()
    panel.get_by_role("button", name="Publier le commentaire").click()
    item = slide.locator(".pres-notes .comment").filter(has_text=text)
    item.wait_for()
    assert live_server.login in item.inner_text() and "Risque" in item.inner_text()
    assert body.input_value() == ""
    page.screenshot(path=str(artifacts / "presentation-live-entry.png"))

    page.keyboard.press("Escape")
    panel.wait_for(state="hidden")
    page.keyboard.press("ArrowRight")  # the deck moves again once the panel is closed
    page.locator("#section-3.is-current").wait_for()
    [stored] = _comments_in_db(live_data_dir, text)
    assert (stored.author, stored.kind, stored.region_code) == (live_server.login, "risque", None)
    assert chosen.startswith(f"{stored.indicator_id} — ")  # the section's lead indicator, preselected


def test_a_pack_is_prepared_in_the_background_then_downloaded(page, live_server, tmp_path):
    """The Comité page's pack button queues the build, shows its progress, then the download link."""
    from openpyxl import load_workbook

    from reports.snapshot import create_snapshot
    from tests.dashboard.factory import settings_for

    meta = create_snapshot(settings_for(live_server.data_dir), "COSUI dossiers e2e", "2025-10", author="e2e")
    page.goto(f"{live_server}/comite?snapshot={meta.id}")
    wait_for_page(page, "Dossiers du comité")
    page.get_by_role("button", name="Classeur Excel (national)").click()
    link = page.locator("a.pack-download")
    link.wait_for(timeout=90_000)
    assert "Dossier prêt" in page.locator("#comite-pack-progress").inner_text()
    assert link.get_attribute("href").startswith("/exports/jobs/")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert "Synthèse" in load_workbook(path).sheetnames
