"""The facilitator's console in the debate (issue 14), in Chromium on a real server: the phones
are real Socket.IO clients (python-socketio) asking for the floor and asking questions.

The floor: the queue in order, someone without a phone added with a group, moved up and down,
removed, given the floor; the turn's time runs, and past the limit set for the agenda item the
overrun is said in words; the turn ends; totals by group.
The room's questions: pre-moderation on, a question pending then approved; two merged (the
supports add up, the merged text under the kept one); one on the projector (aria-pressed),
marked answered, reopened, hidden.
Every action from the keyboard, the focus kept on the control used (or where it went) after the
push that redraws the list; axe-core finds no violation with both panels filled.

Screenshots go to ``docs/screenshots/debate/console-*.png`` (laptop 1280 × 800, phone
360 × 740)."""

from __future__ import annotations

import queue
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .axe import violations
from .helpers import PHONE, WAIT, open_console, press, shot, tab_to, to_first_testimony
from .test_console import PHONE_MAX_HEIGHT

pytestmark = pytest.mark.e2e

LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "fr-BE"}
EVENT_TIMEOUT = 15.0

Q_KEPT = "Qui évaluera le partenariat à la fin du contrat ?"
Q_DUPLICATE = "Une évaluation finale est-elle prévue, et par qui ?"
Q_PENDING = "Comment associer les CPAS dès la négociation du contrat ?"
Q_OTHER = "Quel budget pour le suivi ?"


class Phone:
    """A phone as a python-socketio client on the websocket transport, joined to the session
    with a stakeholder group; every event it receives is queued by name."""

    def __init__(self, server, group: str | None = None, pseudonym: str = "") -> None:
        import socketio

        self._queues: dict[str, queue.Queue] = {}
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)
        self.client.connect(
            server.base_url,
            auth={"code": server.code, "role": "participant"},
            transports=["websocket"],
            wait_timeout=EVENT_TIMEOUT,
        )
        self.snapshot = self.wait("snapshot")
        if group is not None or pseudonym:
            self.call("profile", {"pseudonym": pseudonym or None, "group": group})

    def _record(self, event: str, data: Any = None) -> None:
        self._queues.setdefault(event, queue.Queue()).put(data)

    def wait(self, event: str, predicate: Callable[[Any], bool] = lambda _: True) -> Any:
        events = self._queues.setdefault(event, queue.Queue())
        deadline = time.monotonic() + EVENT_TIMEOUT
        seen = []
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                data = events.get(timeout=remaining)
            except queue.Empty:
                break
            if predicate(data):
                return data
            seen.append(data)
        pytest.fail(f"the phone got no matching {event!r} (only {seen!r})")

    def call(self, event: str, payload: dict) -> dict:
        ack = self.client.call(event, payload, timeout=EVENT_TIMEOUT)
        assert ack["ok"], ack
        return ack

    def ask(self, text: str, n: int) -> int:
        return self.call("qa_ask", {"client_id": f"console-test-{n:04d}", "text": text})["qa"]["id"]

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


@pytest.fixture
def phones(namur_server) -> Iterator[Callable[..., Phone]]:
    opened: list[Phone] = []

    def open_phone(group: str | None = None, pseudonym: str = "") -> Phone:
        phone = Phone(namur_server, group, pseudonym)
        opened.append(phone)
        return phone

    yield open_phone
    for phone in opened:
        phone.close()


def _console(browser, server, errors, options=LAPTOP, name="console"):
    from playwright.sync_api import expect

    ctx, page = open_console(browser, server, errors, options, name)
    expect(page.locator(".c-set").first).to_be_visible()
    return ctx, page


def _group_keys(console) -> list[str]:
    keys = console.locator("#floor-add-group option").evaluate_all("os => os.map(o => o.value)")
    return [k for k in keys if k]


def _shift_turn(server, seconds: float) -> None:
    """The turn under way started ``seconds`` earlier (in the server's database): a limit set
    now is already overrun, without the test waiting for it."""
    database = server.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        row = db.execute(
            "SELECT id, started_at FROM floor_request WHERE state = 'speaking'"
        ).fetchone()
        started = datetime.fromisoformat(row[1]).replace(tzinfo=UTC) - timedelta(seconds=seconds)
        stored = started.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        db.execute("UPDATE floor_request SET started_at = ? WHERE id = ?", (stored, row[0]))


def _clean(page, where: str) -> None:
    found = violations(page)
    assert found == [], f"{where}: {found}"


def test_the_floor_from_the_console(namur_server, browser, phones):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    server = namur_server
    errors: list[str] = []
    ctx, console = _console(browser, server, errors)
    to_first_testimony(console)
    public, private, associative = _group_keys(console)[:3]

    # Nobody speaks, nobody waits: « Donner la parole au suivant » says so.
    speaking = console.locator("#floor-speaking")
    expect(speaking).to_have_attribute("data-state", "none")
    expect(speaking).to_contain_text("Personne n'a la parole.")
    expect(console.locator("#floor-end")).to_be_hidden()
    expect(console.locator("#floor-give-next")).to_have_attribute("aria-disabled", "true")

    # Two phones ask, one with a name, one without (« n° 2 »): the queue in order.
    marie = phones(public)
    anonymous = phones(private)
    marie.call("floor_request", {"name": "Marie"})
    anonymous.call("floor_request", {})
    queue_items = console.locator("#floor-queue li.floor-req")
    expect(queue_items).to_have_count(2)
    expect(queue_items.nth(0)).to_contain_text("Marie")
    expect(queue_items.nth(0)).to_contain_text("Acteur public")
    expect(queue_items.nth(1)).to_contain_text("n° 2")
    expect(queue_items.nth(1)).to_contain_text("Acteur privé")
    expect(console.locator("#floor-give-next")).not_to_have_attribute("aria-disabled", "true")

    # Someone without a phone, added from the keyboard with a group (Enter in the name field).
    name = console.locator("#floor-add-name")
    tab_to(console, name)
    console.keyboard.type("M. Dubois")
    console.keyboard.press("Tab")
    expect(console.locator("#floor-add-group")).to_be_focused()
    console.locator("#floor-add-group").select_option(associative)
    console.keyboard.press("Shift+Tab")
    console.keyboard.press("Enter")
    expect(queue_items).to_have_count(3)
    dubois = console.locator("#floor-queue li.floor-req", has_text="M. Dubois")
    expect(dubois).to_contain_text("sans téléphone")
    expect(dubois).to_contain_text("Acteur associatif")
    expect(name).to_have_value("")
    dubois_id = dubois.get_attribute("data-request-id")

    # The buttons say whom they act on.
    expect(dubois.locator(".floor-give")).to_have_accessible_name("Donner la parole à M. Dubois")
    expect(dubois.locator(".floor-up")).to_have_accessible_name("Monter M. Dubois")
    expect(dubois.locator(".floor-down")).to_have_accessible_name("Descendre M. Dubois")
    expect(dubois.locator(".floor-remove")).to_have_accessible_name("Retirer M. Dubois de la file")
    expect(dubois.locator(".floor-down")).to_have_attribute("aria-disabled", "true")

    # Up twice from the keyboard: the focus stays on his « Monter », at the top it is disabled.
    up = console.locator(f'li.floor-req[data-request-id="{dubois_id}"] .floor-up')
    press(console, up)
    expect(queue_items.nth(1)).to_contain_text("M. Dubois")
    expect(up).to_be_focused()
    console.keyboard.press("Enter")
    expect(queue_items.nth(0)).to_contain_text("M. Dubois")
    expect(up).to_be_focused()
    expect(up).to_have_attribute("aria-disabled", "true")
    # And down once.
    down = console.locator(f'li.floor-req[data-request-id="{dubois_id}"] .floor-down')
    console.keyboard.press("Tab")
    expect(down).to_be_focused()
    console.keyboard.press("Enter")
    expect(queue_items.nth(1)).to_contain_text("M. Dubois")
    expect(down).to_be_focused()

    # A push that redraws the queue (a third phone asks) keeps the focus where it was.
    late = phones(public)
    late.call("floor_request", {"name": "Chantal"})
    expect(queue_items).to_have_count(4)
    expect(down).to_be_focused()

    # « Retirer » the anonymous request: off the queue (its phone is told); the focus goes to the
    # queue's heading.
    remove = queue_items.filter(has_text="n° 2").locator(".floor-remove")
    press(console, remove)
    expect(queue_items).to_have_count(3)
    expect(console.locator("#floor-queue")).not_to_contain_text("n° 2")
    expect(console.locator("#floor-queue-title")).to_be_focused()
    anonymous.wait("floor", lambda f: [r["number"] for r in f["queue"]] == [1, 3, 4])

    # « Donner la parole » to M. Dubois (second in the queue): he speaks, the focus goes to
    # « Terminer l'intervention »; the time runs against no limit yet.
    give = console.locator(f'li.floor-req[data-request-id="{dubois_id}"] .floor-give')
    press(console, give)
    expect(speaking).to_have_attribute("data-state", "speaking")
    expect(speaking).to_contain_text("M. Dubois")
    expect(speaking).to_contain_text("Acteur associatif")
    expect(console.locator("#floor-end")).to_be_focused()
    expect(queue_items).to_have_count(2)
    clock = console.locator("#floor-clock")
    expect(clock).to_contain_text("écoulées")
    first = clock.get_attribute("data-elapsed")
    expect(clock).not_to_have_attribute("data-elapsed", first)  # it ticks without a push
    expect(console.locator("#floor-count")).to_contain_text("M. Dubois")

    # A limit for this agenda item, 30 s, while his turn has lasted 45 s: the overrun in words.
    _shift_turn(server, 45)
    limit = console.locator("#floor-limit")
    console.locator("#floor-limit-scope").select_option("item")
    tab_to(console, limit)
    console.keyboard.type("0.5")
    console.keyboard.press("Enter")  # submits the limit's form
    expect(console.locator("#floor-limit-now")).to_have_text(
        "Limite : 0,5 min par intervention, pour ce point."
    )
    expect(speaking).to_have_attribute("data-overrun", "true")
    expect(console.locator("#floor-over")).to_contain_text("Dépassement : 0:")
    expect(clock).to_contain_text("sur 0:30")
    over_colour = console.locator("#floor-over").evaluate("n => getComputedStyle(n).color")
    assert over_colour == "rgb(164, 22, 26)", over_colour  # and in colour besides
    expect(limit).to_have_value("0.5")
    # The session's limit is another one: none yet.
    console.locator("#floor-limit-scope").select_option("session")
    expect(limit).to_have_value("")

    # The totals by group count the turn under way.
    totals = console.locator("#floor-totals")
    expect(totals.locator(f'tr[data-group="{associative}"] td').first).to_have_text("1")
    expect(totals.locator(f'tr[data-group="{public}"] td').first).to_have_text("0")
    shot(console, "console-floor-laptop.png", at="#floor-panel")

    # « Terminer l'intervention » from the keyboard: nobody speaks; the focus goes to « Donner
    # la parole au suivant »; then Marie, the first of the queue, gets the floor from it.
    press(console, console.locator("#floor-end"))
    expect(speaking).to_have_attribute("data-state", "none")
    expect(console.locator("#floor-give-next")).to_be_focused()
    expect(console.locator("#floor-next-who")).to_contain_text("Marie")
    console.keyboard.press("Enter")
    expect(speaking).to_contain_text("Marie")
    expect(speaking).to_have_attribute("data-overrun", "false")
    marie.wait("floor", lambda f: f["speaking"] is not None and f["speaking"]["name"] == "Marie")
    expect(queue_items).to_have_count(1)
    expect(totals.locator(f'tr[data-group="{associative}"] td').nth(1)).not_to_have_text("0:00")

    # Marie says she has finished from her phone: the console follows.
    marie.call("floor_withdraw", {})
    expect(speaking).to_have_attribute("data-state", "none")
    expect(totals.locator(f'tr[data-group="{public}"] td').first).to_have_text("1")
    assert errors == []
    ctx.close()


def test_the_room_questions_from_the_console(namur_server, browser, phones):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    server = namur_server
    errors: list[str] = []
    ctx, console = _console(browser, server, errors)
    to_first_testimony(console)
    expect(console.locator("#qa-empty")).to_be_visible()
    a, b, c, d = (phones(g) for g in ("public", "private", "associative", "citizen"))

    # Pre-moderation on, from the keyboard (Space on the checkbox).
    premod = console.locator("#qa-premod")
    press(console, premod, "Space")
    expect(premod).to_be_checked()
    b.wait("qa_settings", lambda s: s["premoderated"] is True)

    # A question, pending: first in the list, its status in words, « Approuver » and « Masquer »
    # only; the other phones do not see it.
    pending_id = a.ask(Q_PENDING, 1)
    pending = console.locator(f'li.qa-mod[data-qa-id="{pending_id}"]')
    expect(pending).to_have_attribute("data-status", "pending")
    expect(pending).to_contain_text("À approuver")
    expect(pending).to_contain_text("Point : Témoignage 1 (à compléter)")
    expect(pending).to_contain_text("À la salle")
    expect(pending.locator("button")).to_have_count(2)
    expect(pending.locator(".qa-approve")).to_have_text("Approuver")
    expect(pending.locator(".qa-hide")).to_be_visible()
    expect(console.locator("#qa-count")).to_contain_text("1 à approuver")

    # Approved from the keyboard: visible to the room; the focus goes to the button that took
    # « Approuver »'s place (« Marquer comme répondue »).
    press(console, pending.locator(".qa-approve"))
    expect(pending).to_have_attribute("data-status", "visible")
    expect(pending.locator(".qa-answered")).to_be_focused()
    b.wait("qa", lambda batch: any(q["id"] == pending_id for q in batch["changed"]))
    press(console, premod, "Space")
    expect(premod).not_to_be_checked()
    b.wait("qa_settings", lambda s: s["premoderated"] is False)

    # Two more questions, one to the testimony's speaker; supports from other phones.
    kept_id = b.call(
        "qa_ask", {"client_id": "console-test-0002", "text": Q_KEPT, "speaker": "intervenant-1"}
    )["qa"]["id"]
    duplicate_id = c.ask(Q_DUPLICATE, 3)
    other_id = d.ask(Q_OTHER, 4)
    a.call("qa_support", {"qa_id": kept_id, "up": True})
    c.call("qa_support", {"qa_id": kept_id, "up": True})
    d.call("qa_support", {"qa_id": duplicate_id, "up": True})
    kept = console.locator(f'li.qa-mod[data-qa-id="{kept_id}"]')
    duplicate = console.locator(f'li.qa-mod[data-qa-id="{duplicate_id}"]')
    expect(kept).to_contain_text("2 soutien(s)")
    expect(kept).to_contain_text("À Intervenant·e 1 (à compléter)")
    expect(duplicate).to_contain_text("1 soutien(s)")
    expect(console.locator("#qa-mod-list li.qa-mod")).to_have_count(4)

    # Merge the duplicate into the kept one, from the keyboard: the merged text shows under the
    # kept one; the focus stays on the merged question (« Défaire la fusion »).
    into = duplicate.locator("select.qa-merge-into")
    expect(into.locator(f'option[value="{kept_id}"]')).to_have_attribute("label", Q_KEPT)
    tab_to(console, into)
    into.select_option(str(kept_id))
    console.keyboard.press("Tab")
    expect(duplicate.locator(".qa-merge-go")).to_be_focused()
    console.keyboard.press("Enter")
    expect(duplicate).to_have_attribute("data-status", "merged")
    expect(duplicate).to_contain_text("Fusionnée dans « Qui évaluera le partenariat")
    expect(kept.locator(".qa-merged")).to_contain_text(Q_DUPLICATE)
    expect(duplicate.locator(".qa-approve")).to_have_text("Défaire la fusion")
    expect(duplicate.locator(".qa-approve")).to_be_focused()
    b.wait(
        "qa",
        lambda batch: any(
            q["id"] == duplicate_id and q["status"] == "merged" for q in batch["changed"]
        ),
    )
    # (The supports adding up: test_the_merged_supports_add_up_on_the_console.)

    # On the projector: aria-pressed, « À l'écran »; the focus stays on the pressed button.
    show = kept.locator(".qa-show")
    expect(show).to_have_attribute("aria-pressed", "false")
    press(console, show)
    expect(show).to_have_attribute("aria-pressed", "true")
    expect(show).to_be_focused()
    expect(kept).to_contain_text("À l'écran")
    # Another one on the projector takes its place there.
    other_show = console.locator(f'li.qa-mod[data-qa-id="{other_id}"] .qa-show')
    other_show.click()
    expect(other_show).to_have_attribute("aria-pressed", "true")
    expect(show).to_have_attribute("aria-pressed", "false")
    show.click()
    expect(show).to_have_attribute("aria-pressed", "true")
    expect(other_show).to_have_attribute("aria-pressed", "false")

    # A push while the keyboard is in the list (a phone supports) keeps the focus.
    tab_to(console, show)
    b.call("qa_support", {"qa_id": other_id, "up": True})
    expect(console.locator(f'li.qa-mod[data-qa-id="{other_id}"]')).to_contain_text("1 soutien(s)")
    expect(show).to_be_focused()

    # The floor filled too: someone speaks, someone waits.
    a.call("floor_request", {"name": "Anne"})
    b.call("floor_request", {})
    expect(console.locator("#floor-queue li.floor-req")).to_have_count(2)
    console.locator("#floor-give-next").click()
    expect(console.locator("#floor-speaking")).to_contain_text("Anne")
    tab_to(console, show)
    _clean(console, "console with both panels filled")
    shot(console, "console-questions-laptop.png", at="#qa-panel")

    # Answered, from the keyboard; then reopened; then hidden (off the projector).
    answered = kept.locator(".qa-answered")
    press(console, answered)
    expect(kept).to_have_attribute("data-status", "answered")
    expect(kept).to_contain_text("Répondue")
    reopen = kept.locator(".qa-reopen")
    expect(reopen).to_be_focused()
    expect(show).to_have_attribute("aria-pressed", "true")  # still on the projector
    a.wait(
        "qa",
        lambda batch: any(
            q["id"] == kept_id and q["status"] == "answered" for q in batch["changed"]
        ),
    )
    console.keyboard.press("Enter")
    expect(kept).to_have_attribute("data-status", "visible")
    press(console, kept.locator(".qa-hide"))
    expect(kept).to_have_attribute("data-status", "hidden")
    expect(kept).to_contain_text("Masquée")
    expect(kept.locator(".qa-show")).to_have_count(0)
    expect(kept.locator(".qa-approve")).to_have_text("Réafficher")
    expect(kept.locator(".qa-approve")).to_be_focused()
    # Hiding the kept one gives the merged one back.
    expect(duplicate).to_have_attribute("data-status", "visible")
    # A phone withdraws its own question: gone from the console.
    d.call("qa_withdraw", {"qa_id": other_id})
    expect(console.locator(f'li.qa-mod[data-qa-id="{other_id}"]')).to_have_count(0)

    # A reload shows the same list (it lives in the database), in the room's order: the
    # visible ones by support, then the hidden one.
    console.reload()
    expect(console.locator("#conn")).to_have_attribute("data-state", "online")
    expect(console.locator("#qa-mod-list li.qa-mod")).to_have_count(3)
    expect(kept).to_have_attribute("data-status", "hidden")
    expect(premod).not_to_be_checked()
    order = console.locator("#qa-mod-list > li.qa-mod").evaluate_all(
        "ls => ls.map(l => Number(l.dataset.qaId))"
    )
    assert order == [duplicate_id, pending_id, kept_id], order
    assert errors == []
    ctx.close()


def test_the_merged_supports_add_up_on_the_console(namur_server, browser, phones):
    """Merged, 2 + 1 disjoint supports make 3 on the kept question: in the merge's ack, and
    as well after the push and in a new snapshot."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    ctx, console = _console(browser, namur_server, errors)
    to_first_testimony(console)
    a, b, c, d = (phones(g) for g in ("public", "private", "associative", "citizen"))
    kept_id = b.ask(Q_KEPT, 21)
    duplicate_id = c.ask(Q_DUPLICATE, 22)
    a.call("qa_support", {"qa_id": kept_id, "up": True})
    c.call("qa_support", {"qa_id": kept_id, "up": True})
    d.call("qa_support", {"qa_id": duplicate_id, "up": True})
    kept = console.locator(f'li.qa-mod[data-qa-id="{kept_id}"]')
    expect(kept).to_contain_text("2 soutien(s)")
    duplicate = console.locator(f'li.qa-mod[data-qa-id="{duplicate_id}"]')
    duplicate.locator("select.qa-merge-into").select_option(str(kept_id))
    duplicate.locator(".qa-merge-go").click()
    expect(duplicate).to_have_attribute("data-status", "merged")
    # The console's reload first (a new snapshot), then the push the phones got.
    console.reload()
    expect(console.locator("#conn")).to_have_attribute("data-state", "online")
    expect(kept).to_contain_text("3 soutien(s)", timeout=5_000)
    pushed = a.wait(
        "qa",
        lambda batch: any(
            q["id"] == duplicate_id and q["status"] == "merged" for q in batch["changed"]
        ),
    )
    assert [q["support"] for q in pushed["changed"] if q["id"] == kept_id] == [3]
    assert errors == []
    ctx.close()


def test_the_debate_on_a_phone_console(namur_server, browser, phones):
    """At 360 px the debate's panels are folded (their summaries say who speaks and what
    waits) and the console keeps its height budget; unfolded, they are usable and clean."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    server = namur_server
    errors: list[str] = []
    ctx, console = _console(browser, server, errors, {**PHONE})
    to_first_testimony(console)
    public, private = _group_keys(console)[:2]
    marie, other = phones(public), phones(private)
    marie.call("floor_request", {"name": "Marie"})
    other.call("floor_request", {"name": "Jean-Pierre Vandenbroucke"})
    qa_one = marie.ask(Q_KEPT, 11)
    other.ask(Q_DUPLICATE, 12)
    other.call("qa_support", {"qa_id": qa_one, "up": True})
    expect(console.locator("#qa-mod-list li.qa-mod")).to_have_count(2)
    expect(console.locator("#floor-queue li.floor-req")).to_have_count(2)
    expect(console.locator("#floor-fold")).not_to_have_attribute("open", "")
    expect(console.locator("#floor-count")).to_contain_text("2 en attente")
    expect(console.locator("#qa-count")).to_contain_text("2 question(s)")

    console.evaluate("window.scrollTo(0, 0)")
    height = console.evaluate("document.documentElement.scrollHeight")
    assert height <= PHONE_MAX_HEIGHT, height

    # Unfolded: the floor, someone speaking, the queue's buttons on one row each.
    console.locator("#floor-fold > summary").click()
    console.locator("#floor-give-next").click()
    expect(console.locator("#floor-speaking")).to_contain_text("Marie")
    console.locator("#qa-fold > summary").click()
    expect(console.locator("#qa-mod-list")).to_be_visible()
    for button in console.locator("#floor-panel button, #qa-panel button").all():
        box = button.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 360, box
        assert box["height"] >= 44, box
        # Its label inside it, whole (on two lines if need be).
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth + 1"), button.inner_text()
    width = console.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width  # nothing wider than the phone
    _clean(console, "phone console with the debate unfolded")
    shot(console, "console-debate-phone.png", at="#floor-panel")
    shot(console, "console-debate-phone-questions.png", at="#qa-panel")
    assert errors == []
    ctx.close()
