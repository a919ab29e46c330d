"""Committee writes in Chromium, signed by the signed-in person: comment on an indicator, set its météo, log a
decision.

Offline (no request leaves 127.0.0.1) and without console errors (checked by the `page` fixture).
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import pytest

from tests.e2e.browser_tools import wait_for_page

pytestmark = pytest.mark.browser


def test_a_comment_is_signed_by_the_signed_in_person(page, live_server, artifacts):
    page.goto(live_server + "/indicateurs/USE-01")
    wait_for_page(page, "Ajouter un commentaire")
    body = page.get_by_placeholder("Ce que le comité doit savoir…")
    body.fill("Retard de raccordement de deux laboratoires")
    assert page.get_by_label("Votre nom").count() == 0  # no name to type: the identity signs
    page.get_by_role("button", name="Publier le commentaire").click()
    item = page.locator(".comment-list .comment").filter(has_text="Retard de raccordement de deux laboratoires")
    item.wait_for()
    assert live_server.login in item.inner_text() and "Analyse" in item.inner_text()
    assert body.input_value() == ""

    page.locator(".meteo-set").first.click()
    page.get_by_label("☁ Appuis nécessaires").check()
    page.get_by_role("button", name="Enregistrer la météo").click()
    page.get_by_text("La justification est obligatoire").wait_for()
    page.get_by_label("Justification (obligatoire)").fill("Deux éditeurs livrent en retard")
    page.get_by_role("button", name="Enregistrer la météo").click()
    page.locator(".meteo-line").filter(has_text="Deux éditeurs livrent en retard").wait_for()
    page.locator("#comments-title-USE-01").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "comments-indicateur.png"), full_page=True)


def test_add_a_decision_and_see_it_in_the_log(page, live_server, artifacts):
    page.goto(live_server + "/decisions")
    wait_for_page(page, "Ajouter une décision")
    page.get_by_label("Décision", exact=True).fill("Relancer les éditeurs de biologie")
    page.get_by_label("Responsable", exact=True).fill("ANS")
    page.get_by_label("Échéance", exact=True).fill("2025-11-30")
    page.get_by_label("Comité (libellé)").fill("COSUI de novembre 2025")
    page.get_by_role("button", name="Enregistrer la décision").click()
    row = page.locator(".decision-row").filter(has_text="Relancer les éditeurs de biologie")
    row.wait_for()
    text = row.inner_text()
    assert "ANS" in text and "À faire" in text and "en retard" in text and "COSUI de novembre 2025" in text

    row.locator("summary").click()
    row.get_by_role("button", name="Enregistrer les changements").wait_for()
    page.screenshot(path=str(artifacts / "decisions.png"), full_page=True)
