"""End to end (a start; issue 12): an organiser prepares a workshop in the forms with Debian's
Chromium at a phone's width and from the keyboard, and the file it downloads validates.

Still to come (see the issue): the whole Namur workshop, the invitation, a rehearsal, the
reset and axe-core."""

from __future__ import annotations

import re

import pytest
import yaml

from .helpers import WAIT, log_in, new_page

pytestmark = pytest.mark.e2e

NARROW = {"viewport": {"width": 360, "height": 740}, "locale": "fr-BE"}


def _save(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_an_organiser_prepares_a_workshop_in_the_forms(browser, live_server, tmp_path):
    errors: list[str] = []
    ctx = browser.new_context(**NARROW)
    page = new_page(ctx, errors, "organiser")
    log_in(page, live_server)

    page.goto(live_server.url("/admin/"))
    page.get_by_role("link", name="Nouvel atelier").click()
    page.get_by_label("Titre", exact=True).fill("Participation citoyenne")
    page.get_by_label("Date").fill("2009-02-11")
    page.get_by_label("Heure de début").fill("09:30")
    page.get_by_label("Lieu").fill("Liège")
    _save(page, "Enregistrer l'atelier")
    page.wait_for_url(re.compile(r".*/admin/sessions/participation-citoyenne/edit"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name="Ajouter un intervenant").click()
    page.get_by_label("Nom", exact=True).fill("Marie Dupont")
    page.get_by_label("Organisation").fill("Ville de Liège")
    _save(page, "Enregistrer l'intervenant")

    page.get_by_role("link", name="Nouvelle série de questions").click()
    page.get_by_label("Titre").fill("Élaboration")
    _save(page, "Créer la série")
    page.get_by_role("link", name="Ajouter une question").click()
    page.get_by_label("Question", exact=True).fill("Quel moyen ?")
    page.get_by_label("Type").select_option("choice")
    page.get_by_label("Options (une par ligne)").fill("un seul")
    _save(page, "Enregistrer la question")
    options = page.locator("#options")
    assert options.get_attribute("aria-invalid") == "true"
    assert "demande au moins 2 options" in page.locator("#options-error").inner_text()
    options.fill("contrat\nconvention\npartenariat")
    _save(page, "Enregistrer la question")
    page.get_by_role("link", name="Aperçu : téléphone").click()
    assert page.get_by_text("convention").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    for title in ("Accueil", "Témoignage"):
        page.goto(live_server.url("/admin/sessions/participation-citoyenne/edit"))
        page.get_by_role("link", name="Ajouter un élément").click()
        page.get_by_label("Titre").fill(title)
        if title == "Témoignage":
            page.get_by_label("Type").select_option("testimony")
            page.get_by_label("Marie Dupont (Ville de Liège)").check()
            page.get_by_label("Série de questions posée à la salle").select_option(
                label="Élaboration"
            )
        _save(page, "Enregistrer l'élément")

    # « Descendre » from the keyboard: focus the button, press Enter.
    down = page.get_by_role("button", name="Descendre : Accueil")
    down.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    agenda = page.locator("#agenda ol > li .item-main a").all_inner_texts()
    assert agenda == ["Témoignage", "Accueil"]

    response = page.request.get(
        live_server.url("/admin/sessions/participation-citoyenne.yaml"), timeout=WAIT
    )
    data = yaml.safe_load(response.text())
    assert data["start_time"] == "09:30"
    assert [item["title"] for item in data["agenda"]] == ["Témoignage", "Accueil"]
    assert data["agenda"][0]["speakers"] == ["marie-dupont"]
    assert data["agenda"][0]["question_set"] == "elaboration"
    path = tmp_path / "participation-citoyenne.yaml"
    path.write_text(response.text(), encoding="utf-8")

    from workshop.sessions_files import validate_paths

    assert validate_paths([path]) == []
    assert errors == []
    ctx.close()
