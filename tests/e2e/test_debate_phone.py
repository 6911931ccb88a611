"""The debate on a participant's phone (issue 14), in Chromium on a real server: in Dutch and
from the keyboard, the place in the queue and « vous avez la parole » in a status region, a
reload that keeps the request, the facilitator ending a turn or taking a request off the list;
the questions' form only during an agenda item, markup refused with the text kept, one's own
pre-moderated question and its status, a withdrawal confirmed, and « Effacer mes
contributions » taking the requests and the questions away. axe-core on the phone in Dutch.

The console (in French, on a laptop) drives the day; the whole room's scenario with several
phones and the projector is tests/e2e/test_debate.py."""

from __future__ import annotations

import pytest

from .axe import violations
from .helpers import PHONE, WAIT, is_focused, new_page, open_console, shot, to_first_testimony

pytestmark = pytest.mark.e2e


LAPTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "fr-BE"}
DUTCH_PHONE = {**PHONE, "locale": "nl-BE"}


def test_the_phone_in_the_debate_in_dutch_and_from_the_keyboard(namur_server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    server = namur_server
    errors: list[str] = []
    contexts = []
    try:
        console_ctx, console = open_console(browser, server, errors, LAPTOP)
        contexts.append(console_ctx)

        ctx = browser.new_context(**DUTCH_PHONE)
        contexts.append(ctx)
        phone = new_page(ctx, errors, "phone")
        phone.goto(server.url(f"/j/{server.code}"))
        expect(phone.locator("#conn")).to_have_attribute("data-state", "online")
        phone.locator("#group-skip").click()

        floor = phone.locator("#floor")
        status = phone.locator("#floor-status")
        ask = phone.locator("#floor-ask")
        withdraw = phone.locator("#floor-withdraw")
        expect(ask).to_have_text("Het woord vragen")
        expect(status).to_have_attribute("role", "status")
        expect(status).to_have_attribute("aria-live", "polite")
        # No agenda item under way yet: no question form, and the phone says when it comes.
        expect(phone.locator("#qa-form")).to_be_hidden()
        expect(phone.locator("#qa-closed")).to_have_text(
            "U kunt een vraag stellen tijdens een agendapunt."
        )

        # --- The floor, from the keyboard --------------------------------------------------
        phone.locator("#floor-name").focus()
        phone.keyboard.type("Jan")
        phone.keyboard.press("Tab")
        assert is_focused(phone.locator("#floor-ask"))
        phone.keyboard.press("Enter")
        expect(floor).to_have_attribute("data-state", "waiting")
        expect(status).to_have_text("Uw plaats in de wachtrij: 1 van 1.")
        expect(withdraw).to_have_text("Mijn verzoek intrekken")
        expect(ask).to_be_hidden()
        assert is_focused(phone.locator("#floor-withdraw"))  # the next thing one may do
        shot(phone, "phone-nl-floor-waiting-360.png", "#floor")
        queue = console.locator("#floor-queue li.floor-req")
        expect(queue).to_have_count(1)
        expect(queue.first).to_contain_text("Jan")

        # A reload keeps the request (it lives in the database, the phone's token finds it).
        phone.reload()
        expect(phone.locator("#conn")).to_have_attribute("data-state", "online")
        expect(floor).to_have_attribute("data-state", "waiting")
        expect(status).to_have_text("Uw plaats in de wachtrij: 1 van 1.")

        # The floor is given: said in the status region, the running time beside it.
        console.locator("#floor-give-next").click()
        expect(floor).to_have_attribute("data-state", "speaking")
        expect(status).to_have_text("U hebt het woord.")
        expect(phone.locator("#floor-clock")).to_contain_text("Spreektijd")
        expect(withdraw).to_have_text("Ik ben klaar")
        withdraw.focus()
        phone.keyboard.press("Enter")
        expect(floor).to_have_attribute("data-state", "none")
        expect(status).to_have_text("Uw spreekbeurt is voorbij. Dank u!")
        expect(phone.locator("#floor-clock")).to_be_hidden()
        assert is_focused(phone.locator("#floor-ask"))
        expect(console.locator("#floor-speaking")).to_have_attribute("data-state", "none")

        # Asked again, then taken off the list by the facilitator: the phone is told.
        ask.click()
        expect(floor).to_have_attribute("data-state", "waiting")
        expect(queue).to_have_count(1)
        queue.first.locator(".floor-remove").click()
        expect(queue).to_have_count(0)
        expect(floor).to_have_attribute("data-state", "none")
        expect(status).to_have_text("De moderator heeft uw verzoek uit de wachtrij gehaald.")
        expect(ask).to_be_visible()

        # --- The questions ---------------------------------------------------------------------
        # The day goes on to the first testimony: the form opens, with its speakers.
        to_first_testimony(console)
        form = phone.locator("#qa-form")
        expect(form).to_be_visible()
        expect(phone.locator("#qa-closed")).to_be_hidden()
        speaker = phone.locator("#qa-speaker")
        expect(speaker.locator("option").first).to_have_text("Aan de zaal")
        assert speaker.locator("option").count() >= 2  # the room, and the testimony's speaker

        # Markup is refused, said, and the text stays for the participant to mend.
        text = phone.locator("#qa-text")
        qa_status = phone.locator("#qa-status")
        text.fill("<b>Wie betaalt?</b>")
        phone.locator("#qa-submit").click()
        expect(qa_status).to_have_attribute("data-state", "error")
        expect(text).to_have_value("<b>Wie betaalt?</b>")
        expect(phone.locator("#qa-list li")).to_have_count(0)

        # Under pre-moderation, one's own question is marked and waits for the facilitator.
        premod = console.locator("#qa-premod")
        premod.check()
        expect(phone.locator("#qa-premod-note")).to_be_visible()
        text.fill("Wie betaalt de evaluatie?")
        expect(phone.locator("#qa-count")).to_have_text("25 / 300 tekens")
        phone.locator("#qa-submit").click()
        expect(qa_status).to_contain_text("Vraag verzonden")
        expect(text).to_have_value("")
        mine = phone.locator("#qa-list li.qa-item[data-mine='true']")
        expect(mine).to_have_attribute("data-status", "pending")
        expect(mine).to_contain_text("Uw vraag")
        expect(mine).to_contain_text("wacht op moderatie")
        expect(mine.locator(".qa-support")).to_have_count(0)  # not one's own
        # The facilitator hides it: its author still sees it, and why.
        on_console = console.locator("#qa-mod-list li.qa-mod", has_text="Wie betaalt")
        on_console.locator(".qa-hide").click()
        expect(on_console).to_have_attribute("data-status", "hidden")
        expect(mine).to_have_attribute("data-status", "hidden")
        expect(mine).to_contain_text("verborgen door de moderator")
        assert violations(phone) == []
        shot(phone, "phone-nl-questions-360.png", "#qa")

        # Withdrawn, with a confirmation first (the keyboard lands on « yes »).
        mine.locator(".qa-withdraw").click()
        assert is_focused(phone.locator(".qa-withdraw-yes"))
        phone.keyboard.press("Enter")
        expect(phone.locator("#qa-list li")).to_have_count(0)
        expect(qa_status).to_have_text("Uw vraag is ingetrokken.")
        expect(on_console).to_have_count(0)

        # « Effacer mes contributions » takes the request and the question away too.
        premod.uncheck()
        text.fill("Wanneer komt het verslag?")
        phone.locator("#qa-submit").click()
        expect(mine).to_have_attribute("data-status", "visible")
        ask.click()
        expect(floor).to_have_attribute("data-state", "waiting")
        expect(queue).to_have_count(1)
        phone.locator("#privacy summary").click()
        phone.locator("#erase-start").click()
        phone.locator("#erase-yes").click()
        # Every request of the phone's goes (the turn it had, the one taken off, the waiting one).
        expect(phone.locator("#erase-status")).to_contain_text(
            "Ook gewist: 3 spreekverzoek(en), 1 vraag/vragen."
        )
        expect(floor).to_have_attribute("data-state", "none")
        expect(phone.locator("#qa-list li")).to_have_count(0)
        expect(queue).to_have_count(0)
        expect(console.locator("#qa-mod-list li.qa-mod")).to_have_count(0)
        assert violations(phone) == []
        assert errors == []
    finally:
        for c in contexts:
            c.close()
