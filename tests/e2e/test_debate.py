"""The debate of the Namur workshop in Chromium on a real server (issue 14), every screen in one
scenario: the console on a laptop, the projector at 1920 × 1080, three phones at 360 × 740.

The floor: two phones ask for the floor and one withdraws, the facilitator adds a person
without a phone, gives the floor; the projector shows the speaker with the running time and the
next ones; turns end; the summary shows the speaking time by stakeholder group.
The room's questions: three phones ask, one under pre-moderation (its author alone sees it until
the facilitator approves it), two are merged (the supports add up), one is put on the projector
and marked answered; the summary lists them all with their status.
axe-core finds no violation on any of the new views.

Screenshots of the projector (with a speaker, with a question) go to docs/screenshots/debate/."""

from __future__ import annotations

import re

import pytest

from .axe import violations
from .helpers import PHONE, WAIT, new_page, open_console, shot, to_first_testimony

pytestmark = pytest.mark.e2e

LAPTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "fr-BE"}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}, "locale": "fr-BE"}

Q_PENDING = "Comment associer les CPAS au contrat ?"
Q_KEPT = "Qui évalue le partenariat à la fin ?"
Q_MERGED = "Une évaluation finale est-elle prévue, et par qui ?"


def _phone(browser, server, errors, name: str, group_index: int):
    """A phone that joined and chose its stakeholder group (the group-th button)."""
    from playwright.sync_api import expect

    ctx = browser.new_context(**PHONE)
    page = new_page(ctx, errors, name)
    page.goto(server.url(f"/j/{server.code}"))
    expect(page.locator("#conn")).to_have_attribute("data-state", "online")
    prompt = page.locator("#group-prompt")
    expect(prompt).to_be_visible()
    prompt.locator("button.group-choice").nth(group_index).click()
    expect(prompt).to_be_hidden()
    return ctx, page


def _clean(page, where: str) -> None:
    found = violations(page)
    assert found == [], f"{where}: {found}"


def _qa_on_phone(page, text: str):
    return page.locator("#qa-list li.qa-item", has_text=text)


def _qa_on_console(page, text: str):
    return page.locator("#qa-mod-list li.qa-mod", has_text=text)


def test_the_debate_on_every_screen(namur_server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    server = namur_server
    errors: list[str] = []
    contexts = []
    try:
        # The console and the projector; the day goes on to the first testimony.
        console_ctx, console = open_console(browser, server, errors, LAPTOP)
        contexts.append(console_ctx)
        screen_ctx = browser.new_context(**PROJECTOR)
        contexts.append(screen_ctx)
        screen = new_page(screen_ctx, errors, "screen")
        screen.goto(server.url(f"/screen/{server.code}"))
        expect(screen.locator("#conn")).to_have_attribute("data-state", "online")
        to_first_testimony(console)

        # Three phones, the first two of one group, the third of another.
        phones = []
        for n, group in ((1, 0), (2, 0), (3, 1)):
            ctx, page = _phone(browser, server, errors, f"phone {n}", group)
            contexts.append(ctx)
            phones.append(page)
        p1, p2, p3 = phones
        # The groups in the session's order (the phones' buttons, the console's list).
        options = console.locator("#floor-add-group option")
        group_1, group_2 = (options.nth(i).inner_text().strip() for i in (1, 2))
        expect(p1.locator("#group option:checked")).to_have_text(group_1)
        expect(p3.locator("#group option:checked")).to_have_text(group_2)

        # --- The floor ------------------------------------------------------------------------
        # Phone 1 asks with a name, phone 2 without: their places in the queue.
        floor1, floor2 = p1.locator("#floor"), p2.locator("#floor")
        p1.locator("#floor-name").fill("Marie")
        p1.locator("#floor-ask").click()
        expect(floor1).to_have_attribute("data-state", "waiting")
        expect(p1.locator("#floor-status")).to_contain_text("1")
        p2.locator("#floor-ask").click()
        expect(floor2).to_have_attribute("data-state", "waiting")
        expect(p2.locator("#floor-status")).to_contain_text("2")
        queue = console.locator("#floor-queue li.floor-req")
        expect(queue).to_have_count(2)
        expect(queue.first).to_contain_text("Marie")

        # Phone 2 withdraws: off the console's queue, the phone back to asking.
        p2.locator("#floor-withdraw").click()
        expect(floor2).to_have_attribute("data-state", "none")
        expect(queue).to_have_count(1)
        expect(p2.locator("#floor-ask")).to_be_visible()

        # The facilitator adds someone from the room without a phone, in the second group.
        console.locator("#floor-add-name").fill("M. Dubois")
        console.locator("#floor-add-group").select_option(label=group_2)
        console.locator("#floor-add-submit").click()
        expect(queue).to_have_count(2)
        expect(queue.nth(1)).to_contain_text("M. Dubois")

        # A limit of two minutes per turn for the session.
        console.locator("#floor-limit").fill("2")
        console.locator("#floor-limit-scope").select_option("session")
        console.locator("#floor-limit-save").click()

        # The floor to the first of the queue: the phone is told, the projector shows her with
        # her running time against the limit, and who comes next.
        console.locator("#floor-give-next").click()
        expect(floor1).to_have_attribute("data-state", "speaking")
        expect(p1.locator("#floor-status")).to_contain_text("Vous avez la parole")
        expect(console.locator("#floor-speaking")).to_contain_text("Marie")
        box = screen.locator("#floor-box")
        expect(box).to_be_visible()
        expect(screen.locator("#floor-speaker")).to_contain_text("Marie")
        expect(screen.locator("#floor-limit-text")).to_contain_text("2:00")
        expect(screen.locator("#floor-next li")).to_have_count(1)
        expect(screen.locator("#floor-next li").first).to_contain_text("M. Dubois")
        # The time runs (from 0:0x to a later second, without the page being told).
        first = screen.locator("#floor-time").inner_text()
        expect(screen.locator("#floor-time")).not_to_have_text(first, timeout=5_000)
        expect(box).not_to_have_attribute("data-overrun", "true")

        # Phone 3 asks in turn: the projector's « next » grows (up to three).
        p3.locator("#floor-ask").click()
        expect(p3.locator("#floor")).to_have_attribute("data-state", "waiting")
        expect(screen.locator("#floor-next li")).to_have_count(2)
        _clean(screen, "projector with a speaker")
        shot(screen, "debate-screen-speaker-1920x1080.png")
        _clean(p1, "phone with the floor")
        _clean(p3, "phone waiting for the floor")
        shot(p1, "phone-floor-speaking-360.png", "#floor")
        shot(p3, "phone-floor-waiting-360.png", "#floor")
        _clean(console, "console with the queue")

        # Marie ends; M. Dubois speaks, then the facilitator ends his turn; phone 3 speaks and
        # says they have finished.
        console.locator("#floor-end").click()
        expect(floor1).to_have_attribute("data-state", "none")
        console.locator("#floor-give-next").click()
        expect(screen.locator("#floor-speaker")).to_contain_text("M. Dubois")
        expect(p3.locator("#floor-status")).to_contain_text("1")
        console.locator("#floor-end").click()
        console.locator("#floor-give-next").click()
        expect(p3.locator("#floor")).to_have_attribute("data-state", "speaking")
        p3.locator("#floor-withdraw").click()
        expect(p3.locator("#floor")).to_have_attribute("data-state", "none")
        expect(queue).to_have_count(0)
        expect(box).to_be_hidden()

        # A reload of the console keeps the story (the totals come from the database).
        console.reload()
        expect(console.locator("#conn")).to_have_attribute("data-state", "online")
        expect(console.locator("#floor-queue li.floor-req")).to_have_count(0)

        # --- The room's questions ---------------------------------------------------------------
        premod = console.locator("#qa-premod")
        premod.check()
        expect(premod).to_be_checked()

        # Under pre-moderation, phone 1's question is its author's alone until approved.
        p1.locator("#qa-text").fill(Q_PENDING)
        p1.locator("#qa-submit").click()
        mine = _qa_on_phone(p1, Q_PENDING)
        expect(mine).to_have_attribute("data-status", "pending")
        expect(mine).to_have_attribute("data-mine", "true")
        pending = _qa_on_console(console, Q_PENDING)
        expect(pending).to_have_attribute("data-status", "pending")
        expect(_qa_on_phone(p2, Q_PENDING)).to_have_count(0)
        pending.locator(".qa-approve").click()
        expect(pending).to_have_attribute("data-status", "visible")
        expect(_qa_on_phone(p2, Q_PENDING)).to_have_count(1)
        expect(mine).to_have_attribute("data-status", "visible")
        premod.uncheck()
        expect(premod).not_to_be_checked()

        # Two more questions, to the testimony's speaker and to the room.
        p2.locator("#qa-speaker").select_option(index=1)
        p2.locator("#qa-text").fill(Q_KEPT)
        p2.locator("#qa-submit").click()
        expect(_qa_on_phone(p2, Q_KEPT)).to_have_attribute("data-status", "visible")
        p3.locator("#qa-text").fill(Q_MERGED)
        p3.locator("#qa-submit").click()
        expect(_qa_on_phone(p3, Q_MERGED)).to_have_attribute("data-status", "visible")

        # Supports, disjoint: phone 3 supports the kept one, phone 1 the one to be merged.
        kept_p3 = _qa_on_phone(p3, Q_KEPT).locator(".qa-support")
        kept_p3.click()
        expect(kept_p3).to_have_attribute("aria-pressed", "true")
        other = _qa_on_phone(p1, Q_MERGED).locator(".qa-support")
        other.click()
        expect(other).to_have_attribute("aria-pressed", "true")
        kept_p1 = _qa_on_phone(p1, Q_KEPT).locator(".qa-support")
        expect(kept_p1).to_have_attribute("aria-pressed", "false")
        expect(kept_p1).to_contain_text("1")

        # The merge: the supports add up (1 + 1), the merged text stays visible under the kept
        # one, and its author's phone says where it went.
        kept_id = _qa_on_console(console, Q_KEPT).get_attribute("data-qa-id")
        merged_id = _qa_on_console(console, Q_MERGED).get_attribute("data-qa-id")
        kept = console.locator(f'#qa-mod-list li.qa-mod[data-qa-id="{kept_id}"]')
        merged = console.locator(f'#qa-mod-list li.qa-mod[data-qa-id="{merged_id}"]')
        merged.locator("select.qa-merge-into").select_option(kept_id)
        merged.locator("button.qa-merge-go").click()
        expect(merged).to_have_attribute("data-status", "merged")
        expect(kept).to_contain_text(Q_MERGED)
        expect(kept_p1).to_contain_text("2")
        own = p3.locator(f'#qa-list li.qa-item[data-qa-id="{merged_id}"]')
        expect(own).to_have_attribute("data-status", "merged")
        expect(own).to_have_attribute("data-mine", "true")

        # On the projector, large; then answered.
        kept.locator(".qa-show").click()
        expect(kept.locator(".qa-show")).to_have_attribute("aria-pressed", "true")
        expect(screen.locator("#qa-box")).to_be_visible()
        expect(screen.locator("#qa-screen-text")).to_have_text(Q_KEPT)
        size = screen.locator("#qa-screen-text").evaluate(
            "n => parseFloat(getComputedStyle(n).fontSize)"
        )
        assert size >= 40, size  # readable from the back of the room
        _clean(screen, "projector with a question")
        shot(screen, "debate-screen-question-1920x1080.png")
        _clean(p2, "phone with the questions")
        shot(p2, "phone-questions-360.png", "#qa")
        shot(p3, "phone-questions-merged-360.png", "#qa-list")
        _clean(console, "console with the questions")
        kept.locator(".qa-answered").click()
        expect(kept).to_have_attribute("data-status", "answered")
        expect(_qa_on_phone(p2, Q_KEPT)).to_have_attribute("data-status", "answered")
        kept.locator(".qa-show").click()
        expect(screen.locator("#qa-box")).to_be_hidden()

        # --- The summary --------------------------------------------------------------------
        summary = new_page(console_ctx, errors, "summary")
        summary.goto(server.url(f"/summary/{server.code}"))
        by_group = summary.locator("table#floor-by-group")
        expect(by_group).to_be_visible()
        row_1 = by_group.locator("tbody tr", has_text=group_1)
        row_2 = by_group.locator("tbody tr", has_text=group_2)
        # Columns: turns, speakers, speaking time, participants (then the shares, in words).
        cells_1, cells_2 = row_1.locator("td"), row_2.locator("td")
        # The first group: Marie's one turn (phone 2 withdrew before its own), two phones.
        expect(cells_1.nth(0)).to_have_text("1")
        expect(cells_1.nth(1)).to_have_text("1")
        expect(cells_1.nth(3)).to_have_text("2")
        # The second: M. Dubois and phone 3, two speakers; one phone (M. Dubois has none).
        expect(cells_2.nth(0)).to_have_text("2")
        expect(cells_2.nth(1)).to_have_text("2")
        expect(cells_2.nth(3)).to_have_text("1")
        speakers = summary.locator("table#floor-by-speaker tbody tr")
        expect(speakers).to_have_count(3)
        expect(summary.locator("table#floor-by-speaker")).to_contain_text("Marie")
        expect(summary.locator("table#floor-by-speaker")).to_contain_text("M. Dubois")
        # Phone 2 withdrew: it did not get the floor, and the summary says so.
        not_reached = summary.locator("table#floor-not-reached-list tbody tr")
        expect(not_reached).to_have_count(1)
        expect(not_reached.first).to_contain_text(group_1)
        report = summary.locator("table#qa-report")
        expect(report.locator("tbody tr")).to_have_count(3)
        expect(report.locator('tr[data-status="answered"]')).to_contain_text(Q_KEPT)
        expect(report.locator('tr[data-status="merged"]')).to_contain_text(Q_MERGED)
        expect(report.locator('tr[data-status="not_reached"]')).to_contain_text(Q_PENDING)
        expect(summary.locator("#debate-questions")).to_contain_text(re.compile(r"1\s"))
        _clean(summary, "summary")
        assert errors == []
    finally:
        for ctx in contexts:
            ctx.close()
