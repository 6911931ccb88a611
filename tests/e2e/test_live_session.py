"""One live session end to end, in Chromium: a facilitator's console, the projector and three
phones (360 × 740) on a real server process."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.e2e.helpers import PHONE, WAIT, log_in, new_page, open_screen

pytestmark = pytest.mark.e2e

PHONE_BUDGET = 60 * 1024


def _question(page, index: int):
    return page.locator("fieldset.q").nth(index)


def test_live_session(live_server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    code = live_server.code

    # The facilitator logs in through the form and opens the console.
    console_ctx = browser.new_context(locale="fr-BE")
    console = new_page(console_ctx, errors, "console")
    log_in(console, live_server)
    console.goto(live_server.url(f"/host/{code}"))
    expect(console.locator("#conn")).to_have_attribute("data-state", "online")

    # The projector shows the way in: the phones take the URL from its QR area.
    screen_ctx, screen = open_screen(browser, live_server, errors)
    join_box = screen.locator("#join-box")
    join_url = join_box.get_attribute("data-join-url")
    assert join_url == live_server.url(f"/j/{code}")
    assert screen.locator("#join-box svg.qr").get_attribute("data-qr-data") == join_url
    expect(screen.locator("#join-url")).to_have_text(join_url)
    expect(screen.locator("#join-code")).to_have_text(code)

    contexts, phones = [], []
    finished = []
    for n in range(3):
        ctx = browser.new_context(**PHONE)
        page = new_page(ctx, errors, f"phone{n + 1}")
        if n == 0:
            page.on("requestfinished", lambda req: finished.append(req))
        page.goto(join_url)
        expect(page.locator("#conn")).to_have_attribute("data-state", "online")
        expect(page.locator("#state-waiting")).to_be_visible()
        contexts.append(ctx)
        phones.append(page)
    p1, p2, p3 = phones

    # What Chromium actually transferred for the phone page (compressed bodies).
    transferred = {
        req.url: req.sizes()["responseBodySize"]
        for req in finished
        if not urlsplit(req.url).path.startswith("/socket.io/")  # the live link, not the page
    }
    # Static files are versioned by content (``?v=``), cached for a year once loaded.
    assert any(url.split("?")[0].endswith("socket.io.min.js") for url in transferred)
    assert sum(transferred.values()) <= PHONE_BUDGET, transferred

    expect(console.locator("#phones-count")).to_have_attribute("data-phones", "3")

    # The facilitator starts the agenda: the projector's timer runs against the planned time.
    console.get_by_role("button", name="Point suivant").click()
    expect(screen.locator("#timer")).to_contain_text("sur 15:00")

    # ... and opens the first set.
    console.locator(".c-set").first.locator('button[data-action="open"]').click()
    for page in phones:
        expect(page.locator("fieldset.q")).to_have_count(3)
    qids = [_question(p1, i).get_attribute("data-question-id") for i in range(3)]

    def answer(page, choice: str, yesno: str, text: str | None = None) -> None:
        _question(page, 0).get_by_label(choice).check()
        _question(page, 1).get_by_label(yesno).check()
        if text:
            open_q = _question(page, 2)
            open_q.get_by_label("Votre réponse").fill(text)
            open_q.get_by_role("button", name="Envoyer", exact=True).click()

    def saved(page, count: int) -> None:
        for i in range(count):
            expect(_question(page, i).locator(".q-status")).to_have_attribute("data-state", "saved")

    answer(p1, "avancement", "Oui", "Plus de concertation avec les communes")
    answer(p2, "avancement", "Non", "Des moyens humains")
    saved(p1, 3)
    saved(p2, 3)
    expect(_question(p1, 0).locator('input[value="0"]')).to_be_checked()

    # Phone 2 upvotes phone 1's comment; phone 1 cannot upvote its own.
    theirs = p2.locator(".comment", has_text="Plus de concertation")
    theirs.get_by_role("button", name=re.compile("Soutenir")).click()
    expect(theirs.get_by_role("button", name=re.compile("Soutenir"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(theirs).to_contain_text("1 soutien")
    mine = p1.locator(".comment", has_text="Plus de concertation")
    expect(mine).to_contain_text("Votre commentaire")
    expect(mine.get_by_role("button")).to_have_count(0)

    # Phone 3 loses the network, answers, comes back: its answers arrive.
    contexts[2].set_offline(True)
    expect(p3.locator("#conn")).to_have_attribute("data-state", "offline")
    answer(p3, "résultats", "Je ne sais pas")
    for i in range(2):
        expect(_question(p3, i).locator(".q-status")).to_have_attribute("data-state", "queued")
    pending_key = f"workshop.{code}.pending"
    pending = p3.evaluate(f"Object.keys(JSON.parse(localStorage.getItem('{pending_key}')))")
    assert sorted(pending) == sorted(qids[:2])
    contexts[2].set_offline(False)
    expect(p3.locator("#conn")).to_have_attribute("data-state", "online")
    saved(p3, 2)
    assert p3.evaluate(f"localStorage.getItem('{pending_key}')") == "{}"

    # The console counts the answers live.
    counts = {qids[0]: "3", qids[1]: "3", qids[2]: "2"}
    for qid, n in counts.items():
        expect(
            console.locator(f'.c-questions li[data-question-id="{qid}"] .answers-count')
        ).to_have_attribute("data-count", n)

    # The facilitator reveals: the projector shows exactly the counts given.
    console.locator(".c-set").first.locator('button[data-action="reveal"]').click()
    results = screen.locator("#results")
    expect(results).to_be_visible()

    def bar(qid: str, attr: str, value: str):
        return results.locator(f'.result[data-question-id="{qid}"] .bar-row[{attr}="{value}"]')

    for label, n in (("avancement", "2"), ("réalisations", "0"), ("résultats", "1")):
        expect(bar(qids[0], "data-label", label)).to_have_attribute("data-count", n)
    expect(bar(qids[0], "data-label", "avancement")).to_contain_text("2 (66,7 %)")
    for key in ("yes", "no", "dontknow"):
        expect(bar(qids[1], "data-key", key)).to_have_attribute("data-count", "1")
    choice_result = results.locator(f'.result[data-question-id="{qids[0]}"]')
    expect(choice_result.locator(".respondents")).to_have_attribute("data-respondents", "3")
    # Two questions a page: the open question is on page 2, turned from the console.
    expect(results.locator(".result")).to_have_count(2)
    console.locator(".c-set").first.locator('button[data-action="page-next"]').click()
    expect(screen.locator("#set-view")).to_have_attribute("data-page", "1")
    open_result = results.locator(f'.result[data-question-id="{qids[2]}"]')
    expect(open_result.locator(".respondents")).to_have_attribute("data-respondents", "2")
    expect(
        open_result.locator(".result-comment", has_text="Plus de concertation")
    ).to_have_attribute("data-upvotes", "1")
    expect(open_result.locator(".result-comment", has_text="Des moyens humains")).to_be_visible()
    # The QR code stays visible, smaller, while a set is shown.
    expect(screen.locator("#screen")).to_have_attribute("data-state", "results")
    expect(screen.locator("#join-box svg.qr")).to_be_visible()

    # The facilitator projects the choice question alone: the projector shows only it, with
    # exactly its counts, within the screen (nobody can scroll a projector).
    project = console.locator(
        f'.c-questions li[data-question-id="{qids[0]}"] button[data-action="focus"]'
    )
    project.click()
    expect(project).to_have_attribute("aria-pressed", "true")
    expect(screen.locator("#set-view")).to_have_attribute("data-focus-question-id", qids[0])
    expect(results.locator(".result")).to_have_count(1)
    for label, n in (("avancement", "2"), ("réalisations", "0"), ("résultats", "1")):
        expect(bar(qids[0], "data-label", label)).to_have_attribute("data-count", n)
    expect(choice_result.locator(".respondents")).to_have_attribute("data-respondents", "3")
    assert screen.evaluate(
        "document.getElementById('results').getBoundingClientRect().bottom <= window.innerHeight"
    )
    # Back to the whole set, at the page it was on: page 2, its third question.
    console.get_by_role("button", name="Tout le questionnaire").first.click()
    expect(screen.locator("#screen")).to_have_attribute("data-focus", "set")
    expect(screen.locator("#set-view")).to_have_attribute("data-page", "1")
    expect(results.locator(".result")).to_have_count(1)

    assert errors == [], errors
    for ctx in (*contexts, screen_ctx, console_ctx):
        ctx.close()
