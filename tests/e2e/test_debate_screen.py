"""The projector in the debate (issue 14), in Chromium on a real server, at 1920 × 1080 and
1280 × 720: who has the floor (name or « n° 2 », stakeholder group), the running time against
the limit and the overrun said in words, the next three of the queue; a room question put on
the projector, large, with its support, whom it is put to and the text merged into it; both
beside the agenda, the join box and the testimony's slide, readable from the back of the room
(the sizes of test_projector.py) in every theme, kept by a reload, and clean for axe-core.

The facilitator is a console socket in a logged-in page (as in test_projector.py); the phones
are python-socketio clients. Screenshots go to docs/screenshots/debate/screen-*.png."""

from __future__ import annotations

import re
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from .axe import violations
from .helpers import DEBATE_SHOTS, WAIT, shot
from .test_projector import SIZES, _check_readable, _console, _emit, _screen, _settle

pytestmark = pytest.mark.e2e

MORE_SHOTS = Path(tempfile.gettempdir()) / "shots-debate-screen"  # to look at, not shipped
EVENT_TIMEOUT = 15.0
SPEAKER = ("Claire Dubois", "Directrice générale", "Ville de Namur")
SLIDE = "Dix ans de contrats de ville.\n\nCe qui a marché, ce qui a coincé."
Q_KEPT = "Comment associer les CPAS dès la négociation du contrat de ville ?"
Q_MERGED = "Quelle place pour les CPAS dans la négociation ?"
LONG_NAME = "Jean-Baptiste Vandermeulen-de la Roche"  # 38 characters of the 40 allowed
Q_LONG = (
    "Dans un contrat de ville qui engage la Région, la commune, le CPAS et les associations "
    "pendant six ans, qui arbitre quand les priorités des partenaires divergent, "
    "comment les habitant·es sont-ils associés à l'évaluation intermédiaire, et que se "
    "passe-t-il si un partenaire se retire en route ?"
)
assert len(Q_LONG) <= 300


class Phone:
    """A phone as a python-socketio client (websocket), with a pseudonym and a group."""

    def __init__(self, server, group: str | None, pseudonym: str | None) -> None:
        import socketio

        self.client = socketio.Client(reconnection=False)
        self.client.connect(
            server.base_url,
            auth={"code": server.code, "role": "participant"},
            transports=["websocket"],
            wait_timeout=EVENT_TIMEOUT,
        )
        if group is not None or pseudonym:
            self.call("profile", {"pseudonym": pseudonym, "group": group})

    def call(self, event: str, payload: dict) -> dict[str, Any]:
        ack = self.client.call(event, payload, timeout=EVENT_TIMEOUT)
        assert ack["ok"], (event, ack)
        return ack

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


def _seed(server) -> None:
    """The testimony has its speaker (name, role, organisation) and a slide; the question set
    stays as built (not shown)."""
    database = server.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        query = "SELECT id FROM session WHERE code = ?"
        (session_id,) = db.execute(query, (server.code,)).fetchone()
        db.execute(
            "UPDATE speaker SET name = ?, role = ?, organisation = ? WHERE session_id = ?",
            (*SPEAKER, session_id),
        )
        db.execute(
            "UPDATE agenda_item SET title = ?, text = ? WHERE session_id = ? AND position = 1",
            ("Témoignage : dix ans de contrats de ville", SLIDE, session_id),
        )
        db.execute(
            "UPDATE agenda_item SET title = ? WHERE session_id = ? AND position = 2",
            ("Débat avec les participants", session_id),
        )
        db.execute(
            "INSERT INTO agenda_item_speaker (agenda_item_id, speaker_id)"
            " SELECT agenda_item.id, speaker.id FROM agenda_item JOIN speaker"
            " ON speaker.session_id = agenda_item.session_id"
            " WHERE agenda_item.session_id = ? AND agenda_item.position = 1",
            (session_id,),
        )


def _shift_turn(server, seconds: float) -> None:
    """The turn under way started ``seconds`` earlier (in the server's database): a limit of
    30 s is overrun without the test waiting for it."""
    database = server.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        row = db.execute(
            "SELECT id, started_at FROM floor_request WHERE state = 'speaking'"
        ).fetchone()
        started = datetime.fromisoformat(row[1]).replace(tzinfo=UTC) - timedelta(seconds=seconds)
        stored = started.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        db.execute("UPDATE floor_request SET started_at = ? WHERE id = ?", (stored, row[0]))


@pytest.fixture
def live_server_env() -> dict[str, str]:
    """A public address, as in a room: the join box shows it and no local-address banner."""
    return {"WORKSHOP_PUBLIC_URL": "http://atelier.example.be"}


def _shot(page, name: str, folder: Path = DEBATE_SHOTS) -> None:
    _settle(page)
    shot(page, name, folder=folder)


def _clean(page, where: str) -> None:
    found = violations(page)
    assert found == [], f"{where}: {found}"


def _reload(page) -> None:
    from playwright.sync_api import expect

    page.reload()
    expect(page.locator("#conn")).to_have_attribute("data-state", "online")


def _seconds(text: str) -> int:
    """« 1:35 » → 95."""
    m, s = re.match(r"\s*(\d+):(\d\d)", text).groups()
    return int(m) * 60 + int(s)


def test_the_floor_and_a_question_on_the_projector(live_server, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    server = live_server
    errors: list[str] = []
    _seed(server)
    console_ctx, ctl = _console(browser, server, errors)
    screens = {size: _screen(browser, server, errors, size) for size in SIZES}
    big, small = screens["1920x1080"][1], screens["1280x720"][1]
    phones: list[Phone] = []
    try:
        # The testimony: its slide on the projector, nobody asking for the floor yet.
        _emit(ctl, "agenda_goto", {"position": 1})
        for _, page in screens.values():
            expect(page.locator("#screen")).to_have_attribute("data-state", "slide")
            expect(page.locator("#floor-box")).to_be_hidden()

        # Phones ask for the floor: one with a name, one without (« n° 2 »); the facilitator
        # adds someone without a phone; two more phones ask.
        marie = Phone(server, "public", "Marie Lambert")
        anonymous = Phone(server, "associative", None)
        sophie = Phone(server, "private", "Sophie Martin")
        late = Phone(server, None, "Paul")
        phones += [marie, anonymous, sophie, late]
        marie.call("floor_request", {})
        anonymous.call("floor_request", {})
        _emit(ctl, "floor_add", {"name": LONG_NAME, "group": "citizen"})
        sophie.call("floor_request", {})
        late.call("floor_request", {})

        # Nobody speaks yet: the band lists the first three requests, « + 2 en attente ».
        for _, page in screens.values():
            box = page.locator("#floor-box")
            expect(box).to_be_visible()
            expect(box).to_have_attribute("data-state", "queue")
            expect(page.locator("#floor-next li")).to_have_count(3)
            expect(page.locator("#floor-next-label")).to_have_text("Demandes de parole :")
            expect(page.locator("#floor-more")).to_have_text("+ 2 en attente")
            expect(page.locator("#floor-time")).to_be_hidden()
        _shot(big, "queue-1920x1080.png", MORE_SHOTS)

        # The floor to the first: her name and group, the time running, the next three.
        _emit(ctl, "floor_give", {})
        for _, page in screens.values():
            box = page.locator("#floor-box")
            expect(box).to_have_attribute("data-state", "speaking")
            expect(page.locator("#floor-speaker")).to_have_text(
                re.compile(r"Marie Lambert\s*Acteur public")
            )
            nexts = page.locator("#floor-next li")
            expect(nexts).to_have_count(3)
            expect(nexts.nth(0)).to_have_text(re.compile(r"n° 2\s*Acteur associatif"))
            expect(nexts.nth(1)).to_have_text(re.compile(rf"{LONG_NAME}\s*Citoyen·ne"))
            expect(nexts.nth(2)).to_have_text(re.compile(r"Sophie Martin\s*Acteur privé"))
            expect(page.locator("#floor-next-label")).to_have_text("Ensuite :")
            expect(page.locator("#floor-more")).to_have_text("+ 1 en attente")
            expect(page.locator("#floor-limit-text")).to_have_text("")
            # The slide, the agenda and the join box are still there.
            expect(page.locator("#slide")).to_be_visible()
        # The time runs on the page's own clock (no push in between).
        first = big.locator("#floor-time").inner_text()
        expect(big.locator("#floor-time")).not_to_have_text(first, timeout=5_000)
        assert _seconds(big.locator("#floor-time").inner_text()) < 30

        # A limit of two minutes: « 0:03 / 2:00 », not overrun.
        _emit(ctl, "floor_settings", {"limit_s": 120})
        for size, (_, page) in screens.items():
            expect(page.locator("#floor-limit-text")).to_have_text("/ 2:00")
            expect(page.locator("#floor-box")).not_to_have_attribute("data-overrun", "true")
            expect(page.locator("#floor-over")).to_have_text("")
            _check_readable(page, size, "speaker")
            _shot(page, f"screen-speaker-{size}.png")
        _clean(big, "speaker")

        # A limit of 30 s for this agenda item, and the turn 47 s older: the overrun in words
        # (« temps dépassé +0:20 »), kept by a reload.
        _emit(ctl, "floor_settings", {"limit_s": 30, "position": 1})
        _shift_turn(server, 47)
        for size, (_, page) in screens.items():
            _reload(page)
            box = page.locator("#floor-box")
            expect(box).to_have_attribute("data-overrun", "true")
            expect(page.locator("#floor-limit-text")).to_have_text("/ 0:30")
            over = page.locator("#floor-over")
            expect(over).to_have_text(re.compile(r"^temps dépassé\s*\+\d+:\d\d$"))
            elapsed = _seconds(page.locator("#floor-time").inner_text())
            by = _seconds(over.inner_text().split("+")[1])
            assert elapsed >= 47, elapsed
            assert abs(elapsed - 30 - by) <= 1, (elapsed, by)
            expect(page.locator("#floor-speaker")).to_contain_text("Marie Lambert")
            expect(page.locator("#floor-next li")).to_have_count(3)
            _check_readable(page, size, "overrun")
        _shot(big, "screen-overrun-1920x1080.png")
        _clean(big, "overrun")

        # A question to the testimony's speaker, supported by two other phones, and another
        # merged into it (the arithmetic of merged supports is the services' tests' business).
        kept = marie.call("qa_ask", {"client_id": "screen-q1", "text": Q_KEPT, "speaker": "s1"})
        kept_id = kept["qa"]["id"]
        merged_id = anonymous.call("qa_ask", {"client_id": "screen-q2", "text": Q_MERGED})["qa"][
            "id"
        ]
        sophie.call("qa_support", {"qa_id": kept_id, "up": True})
        late.call("qa_support", {"qa_id": kept_id, "up": True})
        _emit(ctl, "qa_merge", {"qa_id": merged_id, "into": kept_id})

        # On the projector: the main view, large, with the floor's band still under it.
        _emit(ctl, "qa_show", {"qa_id": kept_id})
        for size, (_, page) in screens.items():
            expect(page.locator("#screen")).to_have_attribute("data-state", "question")
            expect(page.locator("#qa-box")).to_be_visible()
            expect(page.locator("#qa-screen-text")).to_have_text(Q_KEPT)
            expect(page.locator("#qa-screen-support")).to_have_text("Soutiens : 2")
            expect(page.locator("#qa-screen-speaker")).to_have_text(f"À {SPEAKER[0]}")
            expect(page.locator("#qa-screen-merged li")).to_have_text([Q_MERGED])
            expect(page.locator("#floor-box")).to_be_visible()
            _check_readable(page, size, "question")
        # One more support: the count moves on the projector.
        anonymous.call("qa_support", {"qa_id": kept_id, "up": True})
        for _, page in screens.values():
            expect(page.locator("#qa-screen-support")).to_have_text("Soutiens : 3")
        font = big.locator("#qa-screen-text").evaluate(
            "n => parseFloat(getComputedStyle(n).fontSize)"
        )
        assert font >= 48, font  # the largest type on the page
        _emit(ctl, "floor_settings", {"limit_s": 120, "position": 1})
        expect(big.locator("#floor-box")).not_to_have_attribute("data-overrun", "true")
        for size, (_, page) in screens.items():
            _shot(page, f"screen-question-{size}.png")
        _clean(big, "question")

        # Every theme of the projector: readable, clean for axe, the band and the question in it.
        for theme in ("light", "contrast", "dark"):
            _emit(ctl, "screen_settings", {"theme": theme})
            for size, (_, page) in screens.items():
                expect(page.locator("body")).to_have_attribute("data-theme", theme)
                _check_readable(page, size, f"question, theme {theme}")
                _shot(page, f"question-{theme}-{size}.png", MORE_SHOTS)
            _clean(big, f"question, theme {theme}")
            _clean(small, f"question, theme {theme}")

        # A reload keeps the question and the floor.
        _reload(big)
        expect(big.locator("#qa-screen-text")).to_have_text(Q_KEPT)
        expect(big.locator("#qa-screen-merged li")).to_have_count(1)
        expect(big.locator("#floor-speaker")).to_contain_text("Marie Lambert")

        # Answered: said on the projector; then taken off, the slide comes back.
        _emit(ctl, "qa_moderate", {"qa_id": kept_id, "action": "answered"})
        for _, page in screens.values():
            expect(page.locator("#qa-box")).to_have_attribute("data-status", "answered")
            expect(page.locator("#qa-box")).to_contain_text("Répondue")
        _emit(ctl, "qa_show", {"qa_id": None})
        for size, (_, page) in screens.items():
            expect(page.locator("#qa-box")).to_be_hidden()
            expect(page.locator("#screen")).to_have_attribute("data-state", "slide")
            _check_readable(page, size, "question taken off")

        # The worst case: the longest question with five long ones merged into it, beside the
        # band with a long name, still fits both sizes at a readable size (fewer merged texts).
        long_id = sophie.call("qa_ask", {"client_id": "screen-q3", "text": Q_LONG})["qa"]["id"]
        for n, phone in enumerate((sophie, sophie, late, late, late)):
            text = f"{n + 1}. {Q_LONG}"[:300]
            qa_id = phone.call("qa_ask", {"client_id": f"screen-l{n}", "text": text})["qa"]["id"]
            _emit(ctl, "qa_merge", {"qa_id": qa_id, "into": long_id})
        _emit(ctl, "qa_show", {"qa_id": long_id})
        for size, (_, page) in screens.items():
            expect(page.locator("#qa-screen-text")).to_have_text(Q_LONG)
            expect(page.locator("#qa-screen-merged")).to_have_attribute("data-merged", "5")
            _check_readable(page, size, "long question")
            _shot(page, f"long-question-{size}.png", MORE_SHOTS)
        _emit(ctl, "qa_show", {"qa_id": None})
        for _, page in screens.values():
            expect(page.locator("#qa-box")).to_be_hidden()

        # The turn ends: the band lists the queue; the queue emptied, the band goes and the
        # slide takes its room back.
        _emit(ctl, "floor_end", {})
        for _, page in screens.values():
            expect(page.locator("#floor-box")).to_have_attribute("data-state", "queue")
            expect(page.locator("#floor-next li").first).to_contain_text("n° 2")
            expect(page.locator("#floor-more")).to_have_text("+ 1 en attente")
        _shot(small, "queue-1280x720.png", MORE_SHOTS)
        floor = _emit(ctl, "resync", {})["snapshot"]["floor"]
        for request in floor["queue"]:
            _emit(ctl, "floor_remove", {"request_id": request["id"]})
        for size, (_, page) in screens.items():
            expect(page.locator("#floor-box")).to_be_hidden()
            _check_readable(page, size, "floor empty")
        _reload(small)
        expect(small.locator("#floor-box")).to_be_hidden()
        expect(small.locator("#screen")).to_have_attribute("data-state", "slide")

        assert errors == [], errors
    finally:
        for phone in phones:
            phone.close()
        for ctx, _ in screens.values():
            ctx.close()
        console_ctx.close()
