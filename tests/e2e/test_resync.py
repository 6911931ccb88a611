"""Pages that missed a push catch up by themselves (docs/protocol.md, « Revisions »), in
Chromium: two phones, the projector and the console are open when the session's set is opened
by another process whose push never reaches them (here: an app of the test's own on the same
database, as when the message queue is down). At the server's next ``beat`` every page sees it
is behind, asks for a fresh snapshot and shows the open set — no reload, and an answer sent
afterwards is stored as usual."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import PHONE, WAIT, log_in, new_page, open_screen, seeding

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_server_env() -> dict[str, str]:
    """A beat every half second (the default is every 10 s)."""
    return {"WORKSHOP_PRESENCE_HEARTBEAT_INTERVAL": "0.5"}


def test_pages_catch_up_on_a_push_they_never_got(live_server, browser, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    contexts = []
    try:
        console_ctx = browser.new_context(locale="fr-BE")
        contexts.append(console_ctx)
        console = new_page(console_ctx, errors, "console")
        log_in(console, live_server)
        console.goto(live_server.url(f"/host/{live_server.code}"))
        screen_ctx, screen = open_screen(browser, live_server, errors)
        contexts.append(screen_ctx)
        phones = []
        for index in range(2):
            ctx = browser.new_context(**PHONE)
            contexts.append(ctx)
            phone = new_page(ctx, errors, f"phone {index + 1}")
            phone.goto(live_server.url(f"/j/{live_server.code}"))
            expect(phone.locator("#conn")).to_have_attribute("data-state", "online")
            expect(phone.locator("fieldset.q")).to_have_count(0)
            phones.append(phone)
        pages = [console, screen, *phones]
        for page in pages:
            expect(page.locator("html")).to_have_attribute("data-rev", re.compile(r"^\d+$"))
        before = phones[0].locator("html").get_attribute("data-rev")
        for page in pages:
            expect(page.locator("html")).to_have_attribute("data-rev", before)

        # Another process opens the set; its push is lost.
        with seeding(live_server.database_url, live_server.code, tmp_path / "seed") as session:
            title = session.question_sets[0].title

        for phone in phones:
            expect(phone.locator("fieldset.q")).to_have_count(3)
        expect(console.locator(".c-set").first).to_contain_text("Ouvert")
        expect(screen.locator("main")).to_contain_text(title)
        for page in pages:
            expect(page.locator("html")).not_to_have_attribute("data-rev", before)
            expect(page.locator("#conn")).to_have_attribute("data-state", "online")

        # The phone that caught up answers as usual.
        first = phones[0].locator("fieldset.q").nth(1)
        first.get_by_label("Oui").check()
        expect(first.locator(".q-status")).to_have_attribute("data-state", "saved")
    finally:
        for ctx in contexts:
            ctx.close()
    assert errors == []
