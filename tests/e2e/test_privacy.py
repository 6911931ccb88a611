"""The participants' data (docs/privacy.md), in Chromium: the notice on the join page and the
phone (« Vos données »: what is kept, who is responsible, how long), and a participant erasing
their own contributions from the phone (``erase_mine``) while two phones, the console and the
projector are open: the room no longer sees them, the phone shows nothing of them, after a
reload too, and so does the participant's other tab.

Screenshots of the phone (360 × 740) and the join page go to ``PRIVACY_SHOTS``
(/tmp/privacy-shots)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from tests.e2e.helpers import PHONE, WAIT, log_in, new_page, open_screen, seeding

pytestmark = pytest.mark.e2e

PRIVACY_SHOTS = Path(tempfile.gettempdir()) / "privacy-shots"  # to look at, not compared
CONTROLLER = "Province de Namur — Service Gouvernance"
CONTACT = "vie.privee@province.example"
MINE = "Plus de concertation avec les communes"
THEIRS = "Des moyens humains"


def _seed(live_server, instance: Path, *, ended: bool = False) -> None:
    """Name the session's controller and contact; its first set stays ready (the console opens
    it), or the session is ended (``ended``)."""
    from workshop.models.enums import SessionStatus, SetState

    with seeding(live_server.database_url, live_server.code, instance) as session:
        session.organiser = CONTROLLER
        session.privacy_contact = CONTACT
        session.question_sets[0].state = SetState.READY
        if ended:
            session.status = SessionStatus.ENDED


def _phone(ctx, live_server, errors: list[str], name: str):
    from playwright.sync_api import expect

    page = new_page(ctx, errors, name)
    page.goto(live_server.url(f"/j/{live_server.code}"))
    expect(page.locator("#conn")).to_have_attribute("data-state", "online")
    return page


def _question(page, index: int):
    return page.locator("fieldset.q").nth(index)


def _shot(page, name: str, **kw) -> None:
    PRIVACY_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(PRIVACY_SHOTS / name), **kw)


def test_a_participant_erases_their_contributions(live_server, browser, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    contexts = []
    _seed(live_server, tmp_path / "seed")
    try:
        console_ctx = browser.new_context(locale="fr-BE")
        contexts.append(console_ctx)
        console = new_page(console_ctx, errors, "console")
        log_in(console, live_server)
        console.goto(live_server.url(f"/host/{live_server.code}"))
        expect(console.locator("#conn")).to_have_attribute("data-state", "online")
        screen_ctx, screen = open_screen(browser, live_server, errors)
        contexts.append(screen_ctx)

        ctx1, ctx2 = browser.new_context(**PHONE), browser.new_context(**PHONE)
        contexts += [ctx1, ctx2]
        p1 = _phone(ctx1, live_server, errors, "phone1")
        p2 = _phone(ctx2, live_server, errors, "phone2")

        console.locator(".c-set").first.locator('button[data-action="open"]').click()
        for page in (p1, p2):
            expect(page.locator("fieldset.q")).to_have_count(3)
        qids = [_question(p1, i).get_attribute("data-question-id") for i in range(3)]

        # Phone 1 gives a pseudonym, answers the three questions and writes a comment; phone 2
        # writes one too, which phone 1 supports.
        p1.locator("#profile summary").click()
        p1.get_by_label("Pseudonyme").fill("Marie")
        p1.get_by_role("button", name="Enregistrer le profil").click()
        expect(p1.locator("#profile-status")).to_have_text("Profil enregistré ✓")
        _question(p1, 0).get_by_label("avancement").check()
        _question(p1, 1).get_by_label("Oui").check()
        for page, text in ((p1, MINE), (p2, THEIRS)):
            _question(page, 2).get_by_label("Votre réponse").fill(text)
            _question(page, 2).get_by_role("button", name="Envoyer", exact=True).click()
        for i in range(3):
            expect(_question(p1, i).locator(".q-status")).to_have_attribute("data-state", "saved")
        expect(_question(p2, 2).locator(".q-status")).to_have_attribute("data-state", "saved")
        theirs_on_p1 = p1.locator(".comment", has_text=THEIRS)
        theirs_on_p1.get_by_role("button", name=re.compile("Soutenir")).click()
        theirs_on_p2 = p2.locator(".comment", has_text=THEIRS)
        expect(theirs_on_p2).to_contain_text("1 soutien")
        mine_on_p2 = p2.locator(".comment", has_text=MINE)
        expect(mine_on_p2).to_contain_text("Marie")
        answers = console.locator(f'.c-questions li[data-question-id="{qids[2]}"] .answers-count')
        expect(answers).to_have_attribute("data-count", "2")

        # The participant's other tab (same browser: same token).
        p1b = _phone(ctx1, live_server, errors, "phone1, second tab")
        expect(_question(p1b, 0).locator('input[value="0"]')).to_be_checked()

        # The notice: a hint at the top opens it; it names the controller, the contact and the
        # purge day (the session's date, 3 December 2008, plus 365 days).
        hint = p1.locator(".privacy-hint")
        expect(hint).to_contain_text("Ni compte, ni nom, ni e-mail.")
        hint.get_by_role("link", name="Vos données").click()
        notice = p1.locator("#privacy")
        expect(notice).to_have_attribute("open", "")
        expect(p1.locator("#privacy summary")).to_be_focused()
        expect(notice.locator("#privacy-controller")).to_contain_text(
            f"Responsable du traitement : {CONTROLLER}."
        )
        expect(notice.get_by_role("link", name=CONTACT)).to_have_attribute(
            "href", f"mailto:{CONTACT}"
        )
        expect(notice).to_contain_text("gardées jusqu'au 3 décembre 2009, 365 jours après")
        expect(notice).to_contain_text("pendant 1 heure au plus")
        notice.locator("h2").first.scroll_into_view_if_needed()
        _shot(p1, "phone-notice.png")
        _shot(p1, "phone-notice-full.png", full_page=True)

        # Erasing, from the keyboard: the button asks first; « Annuler » goes back.
        start = notice.get_by_role("button", name="Effacer mes contributions")
        confirm = notice.locator("#erase-confirm")
        yes = notice.get_by_role("button", name="Oui, tout effacer")
        start.focus()
        p1.keyboard.press("Enter")
        expect(confirm).to_be_visible()
        expect(start).to_have_attribute("aria-expanded", "true")
        notice.get_by_role("button", name="Annuler").click()
        expect(confirm).to_be_hidden()
        expect(start).to_be_focused()
        p1.keyboard.press("Enter")
        expect(confirm).to_contain_text("C'est définitif.")
        confirm.scroll_into_view_if_needed()
        _shot(p1, "phone-confirm.png")
        p1.keyboard.press("Tab")
        expect(yes).to_be_focused()
        p1.keyboard.press("Enter")
        status = notice.locator("#erase-status")
        expect(status).to_have_text(
            "Vos réponses et commentaires ont été effacés : 3 réponse(s) dont 1 commentaire(s), "
            "1 soutien(s), 0 avis."
        )
        expect(status).to_have_attribute("aria-live", "polite")
        expect(confirm).to_be_hidden()
        expect(start).to_be_focused()
        status.scroll_into_view_if_needed()
        _shot(p1, "phone-erased.png")

        # The room no longer sees them: phone 2, the console's count.
        expect(mine_on_p2).to_have_count(0)
        expect(theirs_on_p2).not_to_contain_text("1 soutien")
        expect(answers).to_have_attribute("data-count", "1")

        # Phone 1 (both tabs) shows nothing of them: answers, comment, support, pseudonym.
        def shows_nothing(page) -> None:
            expect(page.locator("fieldset.q")).to_have_count(3)
            expect(page.locator("fieldset.q input:checked")).to_have_count(0)
            expect(_question(page, 2).get_by_label("Votre réponse")).to_have_value("")
            expect(page.locator(".comment", has_text=MINE)).to_have_count(0)
            theirs = page.locator(".comment", has_text=THEIRS)
            expect(theirs.get_by_role("button", name=re.compile("Soutenir"))).to_have_attribute(
                "aria-pressed", "false"
            )
            expect(page.locator("#pseudonym")).to_have_value("")
            pending = page.evaluate(f"localStorage.getItem('workshop.{live_server.code}.pending')")
            assert pending in (None, "{}"), pending

        shows_nothing(p1)
        shows_nothing(p1b)
        p1.reload()
        expect(p1.locator("#conn")).to_have_attribute("data-state", "online")
        shows_nothing(p1)
        expect(answers).to_have_attribute("data-count", "1")

        assert errors == [], errors
    finally:
        for ctx in contexts:
            ctx.close()


def test_the_notice_on_the_join_page_and_once_the_session_is_ended(live_server, browser, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    _seed(live_server, tmp_path / "seed", ended=True)
    ctx = browser.new_context(**PHONE)
    try:
        page = new_page(ctx, errors, "phone")
        page.goto(live_server.url("/join"))
        notice = page.locator("#privacy")
        expect(notice.get_by_role("heading", name="Vos données")).to_be_visible()
        expect(notice).to_contain_text("Ni compte, ni nom, ni e-mail")
        expect(notice).to_contain_text(
            "La page de l'atelier indique qui est responsable de vos données, combien de temps "
            "elles sont gardées et comment les effacer."
        )
        _shot(page, "join.png", full_page=True)

        # Ended: no more erasing from the phone; the notice says whom to write to.
        page.goto(live_server.url(f"/j/{live_server.code}"))
        expect(page.locator("#conn")).to_have_attribute("data-state", "online")
        page.locator("#privacy summary").click()
        notice = page.locator("#privacy")
        expect(notice).to_contain_text(
            f"L'atelier est terminé : pour faire effacer vos contributions, écrivez à {CONTACT}."
        )
        expect(notice.get_by_role("button", name="Effacer mes contributions")).to_have_count(0)
        _shot(page, "phone-ended.png", full_page=True)
        assert errors == [], errors
    finally:
        ctx.close()
