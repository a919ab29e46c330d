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
    page.locator("#freeze-author").fill("c.martin")
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
