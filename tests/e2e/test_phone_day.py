"""The phone on the day of the workshop (issue 13, item 4), in Chromium at 360 × 740: the
stakeholder group asked once at join, and a reload with no network that still shows the
session, its queued answer and « hors ligne » (the service worker, static/js/sw.js), then
saves the answer when the network returns."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.axe import violations
from tests.e2e.helpers import PHONE, WAIT, new_page, seeding

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("WORKSHOP_SHOTS", "/tmp/shots-phone"))  # noqa: S108 (looked at by hand)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _joined(page, url: str) -> None:
    """Open the phone page and wait for its first snapshot."""
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.locator("#conn")).to_have_attribute("data-state", "online")
    expect(page.locator("html")).to_have_attribute("data-rev", re.compile(r"^\d+$"))


def test_group_is_asked_once_at_join(live_server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    url = live_server.url(f"/j/{live_server.code}")
    contexts = []
    try:
        ctx = browser.new_context(**PHONE)
        contexts.append(ctx)
        phone = new_page(ctx, errors, "phone 1")
        _joined(phone, url)

        # The prompt, above the rest, its heading focused; one big button per group.
        prompt = phone.locator("#group-prompt")
        expect(prompt).to_be_visible()
        expect(phone.locator("#group-prompt-title")).to_be_focused()
        expect(phone.locator("#group-prompt-title")).to_have_text("Vous êtes…")
        choices = prompt.locator("button.group-choice")
        labels = choices.all_inner_texts()
        assert len(labels) >= 2
        options = phone.locator("#group option").all_text_contents()[1:]
        assert labels == options  # the snapshot's groups, labels as given
        for button in [
            *choices.all(),
            prompt.get_by_role("button", name="Je préfère ne pas le dire"),
        ]:
            box = button.bounding_box()
            assert box["height"] >= 44
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= 360
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        assert violations(phone) == []
        _shot(phone, "group-prompt")

        # One tap: stored on the server, shown in « Votre profil », the prompt gone.
        first = choices.first
        key = first.get_attribute("data-group")
        label = labels[0]
        first.click()
        expect(prompt).to_be_hidden()
        expect(phone.locator("#group")).to_have_value(key)
        expect(phone.locator("#profile summary")).to_contain_text(label)
        expect(phone.locator("#announce")).to_contain_text(label)
        # Focus back on the page's content, not lost on the body.
        assert phone.evaluate("document.activeElement.closest('#main') !== null")

        # A second tab of the same phone gets the group from the server's snapshot.
        other = new_page(ctx, errors, "phone 1, second tab")
        _joined(other, url)
        expect(other.locator("#group")).to_have_value(key)
        expect(other.locator("#group-prompt")).to_be_hidden()
        other.close()

        # Reloaded: not asked again.
        _joined(phone, url)
        expect(phone.locator("#group")).to_have_value(key)
        expect(prompt).to_be_hidden()

        # Another phone prefers not to say: nothing sent, not asked again either.
        ctx2 = browser.new_context(**PHONE)
        contexts.append(ctx2)
        phone2 = new_page(ctx2, errors, "phone 2")
        _joined(phone2, url)
        prompt2 = phone2.locator("#group-prompt")
        expect(prompt2).to_be_visible()
        prompt2.get_by_role("button", name="Je préfère ne pas le dire").click()
        expect(prompt2).to_be_hidden()
        assert phone2.evaluate("document.activeElement.closest('#main') !== null")
        expect(phone2.locator("#group")).to_have_value("")
        _joined(phone2, url)
        expect(prompt2).to_be_hidden()
        expect(phone2.locator("#group")).to_have_value("")
        # … and it can still choose one later, in « Votre profil ».
        phone2.locator("#profile summary").click()
        phone2.locator("#group").select_option(index=2)
        phone2.get_by_role("button", name="Enregistrer le profil").click()
        expect(phone2.locator("#profile-status")).to_have_text("Profil enregistré ✓")
        expect(phone2.locator("#profile summary")).to_contain_text(labels[1])
    finally:
        for c in contexts:
            c.close()
    assert errors == []


def test_phone_reloaded_offline_shows_its_queued_answer(live_server, browser, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    with seeding(live_server.database_url, live_server.code, tmp_path / "seed") as session:
        title = session.title
    url = live_server.url(f"/j/{live_server.code}")
    ctx = browser.new_context(**PHONE)
    try:
        phone = new_page(ctx, errors, "phone")
        _joined(phone, url)
        expect(phone.locator("fieldset.q")).to_have_count(3)
        # The group prompt sits above the open set and does not keep it from being answered.
        expect(phone.locator("#group-prompt")).to_be_visible()
        # The worker is active and has kept the page and its files.
        phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
        expect(phone.locator("html")).to_have_attribute("data-offline-ready", "true")

        ctx.set_offline(True)
        expect(phone.locator("#conn")).to_have_attribute("data-state", "offline")
        yesno = phone.locator("fieldset.q").nth(1)
        yesno.get_by_label("Oui").check()
        expect(yesno.locator(".q-status")).to_have_attribute("data-state", "queued")

        # The worker's own requests fail too: what follows comes from its cache.
        (worker,) = ctx.service_workers
        assert (
            worker.evaluate("fetch(location.origin + '/join').then(() => 'up', () => 'down')")
            == "down"
        )

        # Reloaded with no network: the kept page, its queued answer, « hors ligne ».
        response = phone.reload()
        assert response is not None
        assert response.from_service_worker
        expect(phone).to_have_title(re.compile(re.escape(title)))
        expect(phone.locator("#conn")).to_have_attribute("data-state", "offline")
        expect(phone.locator("#conn")).to_contain_text("Hors ligne")
        yesno = phone.locator("fieldset.q").nth(1)
        expect(phone.locator("fieldset.q")).to_have_count(3)
        expect(yesno.get_by_label("Oui")).to_be_checked()
        expect(yesno.locator(".q-status")).to_have_attribute("data-state", "queued")
        expect(phone.locator("#restored-note")).to_be_visible()
        assert violations(phone) == []
        phone.evaluate("window.scrollTo(0, 0)")
        _shot(phone, "offline-reload")

        # The network returns: the page reconnects and the answer is saved.
        ctx.set_offline(False)
        expect(phone.locator("#conn")).to_have_attribute("data-state", "online")
        yesno = phone.locator("fieldset.q").nth(1)
        expect(yesno.locator(".q-status")).to_have_attribute("data-state", "saved")
        expect(yesno.get_by_label("Oui")).to_be_checked()
        expect(phone.locator("#restored-note")).to_have_count(0)
        assert (
            phone.evaluate(f"localStorage.getItem('workshop.{live_server.code}.pending')") == "{}"
        )

        # Reloaded online: the stored answer, from the server.
        _joined(phone, url)
        expect(phone.locator("fieldset.q").nth(1).get_by_label("Oui")).to_be_checked()
    finally:
        ctx.close()
    assert errors == []
