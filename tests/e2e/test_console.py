"""The facilitator's console on the day of the workshop (issue 13), in Chromium on a real server:
driven from the keyboard with the focus kept on the control used (or its replacement) after
every action; the timer paused and extended, as the other consoles receive it; « Point suivant »
on the last item asks, then ends the workshop and never starts it over; on a phone (360 × 740)
the Namur workshop's console fits in about two screen heights with the current item sticky;
axe-core finds no WCAG 2.1 AA violation at laptop and phone widths.

Screenshots go to ``/tmp/shots-console/`` (laptop 1280 × 800, phone 360 × 740)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .axe import violations
from .helpers import PHONE, WAIT, open_console, open_screen, press, tab_to

pytestmark = pytest.mark.e2e

LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "fr-BE"}
SHOTS = Path("/tmp/shots-console")  # noqa: S108  (where the brief asks for them)
PHONE_MAX_HEIGHT = 1500  # px: about two screens of 740 px


def _console(browser, server, errors, options=LAPTOP, name="console"):
    from playwright.sync_api import expect

    ctx, page = open_console(browser, server, errors, options, name)
    expect(page.locator(".c-set").first).to_be_visible()
    return ctx, page


def _active(page) -> dict:
    return page.evaluate(
        "() => { const a = document.activeElement; return {tag: a.tagName,"
        " key: a.getAttribute('data-focus-key'), action: a.getAttribute('data-action'),"
        " text: a.textContent.trim()}; }"
    )


def test_the_console_keeps_the_focus_on_the_control_used(live_server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    ctx, console = _console(browser, live_server, errors)
    other_ctx, other = _console(browser, live_server, errors, name="console2")
    card = console.locator(".c-set").first
    set_id = card.get_attribute("data-set-id")

    # « Ouvrir » of a set, from the keyboard: the focus goes to its replacement « Fermer ».
    press(console, card.locator('button[data-action="open"]'))
    expect(card.locator('button[data-action="close"]')).to_be_focused()
    assert _active(console)["key"] == f"set-toggle-{set_id}"
    console.keyboard.press("Enter")  # and « Fermer » gives « Ouvrir » back, focused
    expect(card.locator('button[data-action="open"]')).to_be_focused()
    console.keyboard.press("Enter")
    expect(card.locator('button[data-action="close"]')).to_be_focused()

    # « Afficher les résultats » → « Masquer les résultats », focused.
    press(console, card.locator('button[data-action="reveal"]'))
    expect(card.locator('button[data-action="unreveal"]')).to_be_focused()

    # « Projeter » a question: the pressed button keeps the focus.
    project = card.locator('button[data-action="focus"]').first
    press(console, project)
    expect(project).to_have_attribute("aria-pressed", "true")
    expect(project).to_be_focused()
    console.keyboard.press("Enter")  # back to the whole set
    expect(card.locator('button[data-action="focus-all"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(project).to_be_focused()

    # Pages of the whole set (3 questions: 2 pages).
    pages = card.locator(".page-of")
    expect(pages).to_have_text("Page 1 / 2")
    page_next = card.locator('button[data-action="page-next"]')
    press(console, page_next)
    expect(pages).to_have_text("Page 2 / 2")
    expect(page_next).to_be_focused()
    expect(page_next).to_have_attribute("aria-disabled", "true")

    # « Point suivant »: the agenda starts; the focus stays on the button.
    next_button = console.locator("#agenda-next")
    press(console, next_button)
    expect(console.locator("#now-title")).to_have_text("Welcome")
    expect(next_button).to_be_focused()
    console.keyboard.press("Enter")
    expect(console.locator("#now-title")).to_have_text("Testimony")
    expect(next_button).to_be_focused()
    # The testimony's set is the open one: the current block offers to close it.
    item_toggle = console.locator('#item-set-actions [data-focus-key="item-set-toggle"]')
    expect(item_toggle).to_have_text("Fermer ses questions")
    press(console, item_toggle)  # closed from the current item, then opened again
    expect(item_toggle).to_have_text("Ouvrir ses questions")
    expect(item_toggle).to_be_focused()
    expect(card.locator('button[data-action="open"]')).to_be_visible()
    console.keyboard.press("Enter")
    expect(item_toggle).to_have_text("Fermer ses questions")
    expect(item_toggle).to_be_focused()

    # The timer: « Mettre en pause » becomes « Relancer », focused; +5 min, focused.
    toggle = console.locator("#timer-toggle")
    press(console, toggle)
    expect(toggle).to_have_text("Relancer")
    expect(toggle).to_be_focused()
    expect(console.locator("#timer-state")).to_contain_text("En pause")
    press(console, console.locator("#timer-plus5"))
    expect(console.locator("#timer")).to_contain_text("sur 20:00")
    expect(console.locator("#timer-plus5")).to_be_focused()
    # What the server broadcast: the other console got the paused, extended timer.
    expect(other.locator("#timer")).to_contain_text("sur 20:00")
    expect(other.locator("#timer-state")).to_contain_text("En pause")
    expect(other.locator("#timer-state")).to_contain_text("+5 min")
    paused_at = console.locator("#timer").get_attribute("data-elapsed")
    console.wait_for_timeout(1500)  # a paused timer does not move
    assert console.locator("#timer").get_attribute("data-elapsed") == paused_at
    press(console, console.locator("#timer-reset"))
    expect(console.locator("#timer")).to_contain_text("0:00 sur 15:00")
    expect(console.locator("#timer-reset")).to_be_focused()
    press(console, toggle)
    expect(toggle).to_have_text("Mettre en pause")
    expect(toggle).to_be_focused()
    expect(other.locator("#timer-toggle")).to_have_text("Mettre en pause")

    # The projector's theme: the pressed theme keeps the focus.
    light = console.locator('button[data-theme="light"]')
    press(console, light)
    expect(light).to_have_attribute("aria-pressed", "true")
    expect(light).to_be_focused()
    expect(other.locator('button[data-theme="light"]')).to_have_attribute("aria-pressed", "true")
    autopage = console.locator("#autopage")
    tab_to(console, autopage)
    autopage.select_option("10")  # automatic pages, every 10 s
    expect(autopage).to_be_focused()
    expect(other.locator("#autopage")).to_have_value("10")

    # « Aller à ce point »: the item, now current, takes the focus.
    goto = console.locator('.c-item[data-position="2"] button[data-action="goto"]')
    press(console, goto)
    expect(console.locator('.c-item[data-position="2"]')).to_be_focused()
    expect(console.locator("#now-title")).to_have_text("Debate")

    assert errors == []
    ctx.close()
    other_ctx.close()


def test_the_last_item_asks_then_ends_the_workshop_never_wraps(live_server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    ctx, console = _console(browser, live_server, errors)
    screen_ctx, screen = open_screen(browser, live_server, errors)
    console.locator('.c-item[data-position="2"] button[data-action="goto"]').click()
    expect(console.locator("#now-title")).to_have_text("Debate")
    expect(console.locator("#next-line")).to_have_text("C'est le dernier point.")

    next_button = console.locator("#agenda-next")
    confirm = console.get_by_role("group", name="Terminer l'atelier ?")
    press(console, next_button)
    expect(confirm).to_be_visible()
    expect(confirm).to_be_focused()
    console.keyboard.press("Escape")  # « Annuler » by the keyboard: nothing changes
    expect(confirm).to_be_hidden()
    expect(next_button).to_be_focused()
    expect(console.locator("#now-title")).to_have_text("Debate")

    console.keyboard.press("Enter")
    confirm.get_by_role("button", name="Annuler").click()
    expect(confirm).to_be_hidden()
    expect(console.locator("#now-title")).to_have_text("Debate")

    next_button.click()
    confirm.get_by_role("button", name="Terminer").click()
    expect(console.locator("#now-title")).to_have_text("L'atelier est terminé.")
    expect(console.locator("#now-box")).to_be_focused()
    expect(next_button).to_be_hidden()
    expect(console.locator("#timer-actions")).to_be_hidden()
    expect(console.locator(".c-item.current")).to_have_count(0)

    # A reload shows the same: the server ended the session; nothing started over.
    console.reload()
    expect(console.locator("#conn")).to_have_attribute("data-state", "online")
    expect(console.locator("#now-title")).to_have_text("L'atelier est terminé.")
    expect(next_button).to_be_hidden()
    expect(console.locator(".c-item.current")).to_have_count(0)
    assert errors == []
    ctx.close()
    screen_ctx.close()


def test_the_console_on_a_phone_and_a_laptop(namur_server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    phone_options = {**PHONE}
    ctx, console = _console(browser, namur_server, errors, phone_options)
    expect(console.locator(".c-set")).to_have_count(3)
    expect(console.locator(".c-item")).to_have_count(8)

    # The day goes on to the first testimony; its set opened from the current item.
    next_button = console.locator("#agenda-next")
    for _ in range(4):
        title = console.locator("#now-title").inner_text()
        next_button.click()
        expect(console.locator("#now-title")).not_to_have_text(title)
    expect(console.locator("#now-kind")).to_have_text("Témoignage")
    item_set = console.locator("#item-set-actions button").first
    expect(item_set).to_have_text("Ouvrir ses questions")
    item_set.click()
    expect(item_set).to_have_text("Fermer ses questions")
    expect(console.locator(".c-set.state-open")).to_have_count(1)

    # The default view: about two screen heights; the sets folded.
    console.evaluate("window.scrollTo(0, 0)")
    console.screenshot(path=str(SHOTS / "console-phone-360.png"), full_page=True)
    height = console.evaluate("document.documentElement.scrollHeight")
    assert height <= PHONE_MAX_HEIGHT, height
    assert console.locator(".set-fold[open]").count() == 0

    # Scrolled to the bottom, the current item and its controls are still in view.
    console.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    box = console.locator("#console-current").bounding_box()
    assert box is not None
    assert -1 <= box["y"] <= 1, box
    expect(console.locator("#timer-toggle")).to_be_in_viewport()
    expect(next_button).to_be_in_viewport()
    console.screenshot(path=str(SHOTS / "console-phone-360-scrolled.png"))

    # A set unfolds with its summary (aria-expanded by <details>).
    card = console.locator(".c-set.state-open")
    card.locator(".set-fold > summary").click()
    expect(card.locator(".c-questions")).to_be_visible()
    assert errors == []
    ctx.close()

    # The laptop: two columns, everything unfolded.
    ctx, console = _console(browser, namur_server, errors)
    expect(console.locator(".c-set.state-open .c-questions")).to_be_visible()
    console.screenshot(path=str(SHOTS / "console-laptop-1280.png"))
    console.screenshot(path=str(SHOTS / "console-laptop-1280-full.png"), full_page=True)
    sets = console.locator(".console-sets").bounding_box()
    agenda = console.locator(".console-agenda").bounding_box()
    assert sets is not None
    assert agenda is not None
    assert agenda["x"] > sets["x"] + sets["width"] - 1  # side by side
    assert errors == []
    ctx.close()


@pytest.mark.parametrize("width", ["laptop", "phone"])
def test_axe_finds_no_violation_on_the_console(live_server, browser, width):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    ctx, console = _console(browser, live_server, errors, LAPTOP if width == "laptop" else PHONE)
    card = console.locator(".c-set").first
    card.locator('button[data-action="open"]').click()
    expect(card.locator('button[data-action="close"]')).to_be_visible()
    card.locator('button[data-action="reveal"]').click()
    expect(card.locator('button[data-action="unreveal"]')).to_be_visible()
    next_button = console.locator("#agenda-next")
    next_button.click()
    expect(console.locator("#now-title")).to_have_text("Welcome")
    next_button.click()
    expect(console.locator("#now-title")).to_have_text("Testimony")
    fold = card.locator(".set-fold")
    if fold.get_attribute("open") is None:
        fold.locator("summary").click()
    expect(card.locator(".console-results")).to_be_visible()
    console.locator("#projector-fold").evaluate("d => { d.open = true; }")
    console.locator("#agenda-fold").evaluate("d => { d.open = true; }")
    assert violations(console) == []
    console.locator("#timer-toggle").click()
    expect(console.locator("#timer-toggle")).to_have_text("Relancer")
    assert violations(console) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(SHOTS / f"console-axe-{width}.png"), full_page=True)
    assert errors == []
    ctx.close()
