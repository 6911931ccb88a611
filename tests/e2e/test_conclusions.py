"""The room endorses a conclusion, end to end in Chromium: the facilitator writes it on the
summary page, puts it to the room from the console, two phones answer (one « à amender » with a
text), the facilitator reveals the result on the projector, and the summary shows the tally and
the amendment."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import PHONE, WAIT, log_in, new_page, open_screen

pytestmark = pytest.mark.e2e

CONCLUSION = "Associer les communes dès la rédaction du contrat."
AMENDMENT = "Et les CPAS aussi, pas seulement les communes."


def test_room_endorses_a_conclusion(live_server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    code = live_server.code

    # The facilitator logs in and writes a conclusion of the first set on the summary page.
    console_ctx = browser.new_context(locale="fr-BE")
    facilitator = new_page(console_ctx, errors, "summary")
    log_in(facilitator, live_server)
    facilitator.goto(live_server.url(f"/summary/{code}"))
    form = facilitator.locator("form.conclusion-form").first
    form.get_by_label("Conclusion", exact=True).fill(CONCLUSION)
    form.get_by_role("button", name="Enregistrer la conclusion").click()
    expect(facilitator.locator("article.conclusion", has_text=CONCLUSION)).to_be_visible()

    # The console lists it, with a link to edit it.
    console = new_page(console_ctx, errors, "console")
    console.goto(live_server.url(f"/host/{code}"))
    expect(console.locator("#conn")).to_have_attribute("data-state", "online")
    card = console.locator(".c-conclusion", has_text=CONCLUSION)
    expect(card).to_be_visible()
    expect(card.get_by_role("link", name="Modifier")).to_have_attribute(
        "href", re.compile(rf"/summary/{code}/conclusions/\d+$")
    )

    screen_ctx, screen = open_screen(browser, live_server, errors)

    contexts, phones = [], []
    for n in range(2):
        ctx = browser.new_context(**PHONE)
        page = new_page(ctx, errors, f"phone{n + 1}")
        page.goto(live_server.url(f"/j/{code}"))
        expect(page.locator("#conn")).to_have_attribute("data-state", "online")
        contexts.append(ctx)
        phones.append(page)
    p1, p2 = phones

    # Put to the room: the phones show it with three buttons, the projector shows its text.
    card.get_by_role("button", name=re.compile("Soumettre à la salle")).click()
    expect(card.locator(".state-badge")).to_contain_text("Vote en cours")
    for page in phones:
        expect(page.locator("#conclusion .conclusion-text")).to_have_text(CONCLUSION)
        expect(page.locator("#conclusion h1")).to_contain_text("Élaboration du partenariat")
    expect(screen.locator("#conclusion .conclusion-text")).to_have_text(CONCLUSION)
    expect(screen.locator("#endorse-bars")).to_have_count(0)

    # Phone 1 asks for an amendment: the textarea appears only after « À amender ».
    amend = p1.get_by_role("button", name="À amender")
    expect(p1.get_by_label("Votre amendement")).to_have_count(0)
    amend.click()
    expect(amend).to_have_attribute("aria-pressed", "true")
    p1.get_by_label("Votre amendement").fill(AMENDMENT)
    expect(p1.locator(".amend-field .counter")).to_contain_text(f"{len(AMENDMENT)} / 1000")
    p1.get_by_role("button", name="Envoyer l'amendement").click()
    expect(p1.locator("#endorse-status")).to_have_attribute("data-state", "saved")

    # Phone 2 first disagrees, then changes its mind: « d'accord ».
    p2.get_by_role("button", name="Pas d'accord").click()
    expect(p2.locator("#endorse-status")).to_have_attribute("data-state", "saved")
    agree = p2.get_by_role("button", name="D'accord", exact=True)
    agree.click()
    expect(agree).to_have_attribute("aria-pressed", "true")
    expect(p2.get_by_role("button", name="Pas d'accord")).to_have_attribute("aria-pressed", "false")
    expect(p2.locator("#endorse-status")).to_have_attribute("data-state", "saved")

    # The console's live tally.
    expect(card.locator('.bar-row[data-key="agree"]')).to_have_attribute("data-count", "1")
    expect(card.locator('.bar-row[data-key="amend"]')).to_have_attribute("data-count", "1")
    expect(card.locator('.bar-row[data-key="disagree"]')).to_have_attribute("data-count", "0")
    expect(card.locator(".amendment-list")).to_contain_text(AMENDMENT)

    # The facilitator closes the vote and shows the result: the projector shows exactly the counts.
    card.get_by_role("button", name=re.compile("Clore le vote")).click()
    expect(p1.locator("#conclusion")).to_have_attribute("data-vote-state", "closed")
    expect(p1.get_by_role("button", name="D'accord", exact=True)).to_be_disabled()
    card.get_by_role("button", name="Afficher le résultat").click()
    bars = screen.locator("#endorse-bars")
    expect(bars).to_be_visible()
    for key, count, percent in (("agree", "1", "50"), ("amend", "1", "50"), ("disagree", "0", "0")):
        row = bars.locator(f'.bar-row[data-key="{key}"]')
        expect(row).to_have_attribute("data-count", count)
        expect(row).to_contain_text(f"{count} ({percent} %)")
    expect(screen.locator("#conclusion .respondents")).to_have_attribute("data-total", "2")
    expect(screen.locator(".amendments-count")).to_have_attribute("data-amendments", "1")
    expect(screen.locator("#conclusion")).not_to_contain_text(AMENDMENT)

    # The summary page shows the tally and the amendment.
    facilitator.reload()
    article = facilitator.locator("article.conclusion", has_text=CONCLUSION)
    expect(article.locator(".tally")).to_contain_text("Avis de la salle (2)")
    expect(article.locator(".tally-agree")).to_have_text("D'accord 1")
    expect(article.locator(".tally-amend")).to_have_text("À amender 1")
    expect(article.locator(".tally-disagree")).to_have_text("Pas d'accord 0")
    expect(article.locator(".amendments")).to_contain_text(AMENDMENT)

    assert errors == [], errors
    for ctx in (*contexts, screen_ctx, console_ctx):
        ctx.close()
