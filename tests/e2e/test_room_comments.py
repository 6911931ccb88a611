"""A big room's comments on a phone (360 × 740), in Chromium: every comment reaches every phone,
but a phone draws the first page (the most supported first) and the participant's own, and
more on demand; a list in use keeps its order."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.e2e.helpers import PHONE, WAIT, log_in, new_page, seeding

pytestmark = pytest.mark.e2e

ROOM_COMMENTS = 25  # more than a page (20)
MODERATED = 55  # more than a page of the console's moderation list (50)
#: Seconds after a tap when the list may be sorted again (static/js/phone.js: RESORT_MS, CALM_MS).
RESORT_WAIT = 5.5


def _seed_comments(database_url: str, code: str, instance: Path, count: int = ROOM_COMMENTS) -> int:
    """Open the session's first set and give its open question ``count`` comments from as many
    participants, as they would be in a room that answered; return the question id."""
    import secrets

    from workshop.extensions import db
    from workshop.models import Answer, Participant
    from workshop.models.enums import QuestionKind

    with seeding(database_url, code, instance) as session:
        question = next(
            q for q in session.question_sets[0].questions if q.kind is QuestionKind.OPEN
        )
        for n in range(1, count + 1):
            person = Participant(
                session_id=session.id, token=secrets.token_hex(8), pseudonym=f"Agent {n}"
            )
            db.session.add(person)
            db.session.flush()
            db.session.add(
                Answer(
                    participant_id=person.id,
                    question_id=question.id,
                    client_id=f"seed-{n}",
                    text=f"Commentaire de la salle numéro {n}",
                )
            )
        question_id = question.id
    return question_id


def _join(browser, live_server, errors: list[str], name: str):
    """A phone (360 × 740) that joined the session and is online: its context and page."""
    from playwright.sync_api import expect

    ctx = browser.new_context(**PHONE)
    page = new_page(ctx, errors, name)
    page.goto(live_server.url(f"/j/{live_server.code}"))
    expect(page.locator("#conn")).to_have_attribute("data-state", "online")
    return ctx, page


def _support_third_once_calm(page, used: float) -> None:
    """From ``page``, support the comment « numéro 3 » once ``RESORT_WAIT`` seconds have passed
    since a list was last used (``used``, ``time.monotonic()``): the change that sorts it again."""
    from playwright.sync_api import expect

    theirs = page.locator(".room-comments .comment", has_text="numéro 3")
    expect(theirs).to_be_visible()
    page.wait_for_timeout(max(0, int((used + RESORT_WAIT - time.monotonic()) * 1000)))
    theirs.get_by_role("button", name=re.compile("Soutenir")).click()
    expect(theirs).to_contain_text("1 soutien")


def test_a_phone_draws_a_page_of_comments_then_more(live_server, browser, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    qid = _seed_comments(live_server.database_url, live_server.code, tmp_path / "seed")

    ctx, phone = _join(browser, live_server, errors, "phone")
    room = phone.locator(f"#comments-{qid}")
    more = room.get_by_role("button", name="Afficher plus de commentaires")

    # The first page: 20 comments, oldest first at equal support, and how many there are.
    expect(room.locator(".comment")).to_have_count(20)
    expect(room.locator(".comment").first).to_contain_text("numéro 1")
    expect(room.locator(".comment").last).to_contain_text("numéro 20")
    expect(room.locator(".comments-count")).to_have_text(
        "20 commentaires sur 25, les plus soutenus d'abord."
    )
    expect(more).to_be_visible()

    # The participant's own comment is drawn too, beyond the first page.
    fieldset = phone.locator(f'fieldset.q[data-question-id="{qid}"]')
    fieldset.get_by_label("Votre réponse").fill("Mon avis sur le partenariat")
    fieldset.get_by_role("button", name="Envoyer", exact=True).click()
    expect(fieldset.locator(".q-status")).to_have_attribute("data-state", "saved")
    mine = room.locator(".comment", has_text="Mon avis sur le partenariat")
    expect(mine).to_contain_text("Votre commentaire")
    expect(room.locator(".comment")).to_have_count(21)
    expect(room.locator(".comments-count")).to_have_text(
        "21 commentaires sur 26, les plus soutenus d'abord."
    )

    # Supporting a comment does not move it from under the finger: while the list is used it
    # keeps its order (the server's batch with the new count included); once left alone, the
    # next change sorts it again.
    comments = room.locator(".comment")
    comments.nth(19).get_by_role("button", name=re.compile("Soutenir")).click()
    tapped = time.monotonic()
    expect(comments.nth(19)).to_contain_text("numéro 20")
    expect(comments.nth(19)).to_contain_text("1 soutien")
    phone.wait_for_timeout(1500)  # the comments batch (every 0.5 s) has come and gone
    expect(comments.nth(19)).to_contain_text("numéro 20")
    expect(comments.first).to_contain_text("numéro 1")

    other_ctx, other = _join(browser, live_server, errors, "phone2")
    _support_third_once_calm(other, tapped)
    expect(comments.nth(0)).to_contain_text("numéro 3")
    expect(comments.nth(1)).to_contain_text("numéro 20")
    expect(comments.nth(2)).to_contain_text("numéro 1")

    # More, from the keyboard: the rest of the room's comments; nothing left to show.
    more.focus()
    phone.keyboard.press("Enter")
    expect(room.locator(".comment")).to_have_count(ROOM_COMMENTS + 1)
    expect(more).to_have_count(0)
    expect(room.locator(".comments-count")).to_have_count(0)
    expect(room.locator(".comment-text", has_text=re.compile(r"numéro 25$"))).to_be_visible()

    assert errors == [], errors
    ctx.close()
    other_ctx.close()


def test_the_console_moderation_list_keeps_its_order_while_used(live_server, browser, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    _seed_comments(live_server.database_url, live_server.code, tmp_path / "seed", MODERATED)

    console_ctx = browser.new_context(locale="fr-BE")
    console = new_page(console_ctx, errors, "console")
    log_in(console, live_server)
    console.goto(live_server.url(f"/host/{live_server.code}"))
    expect(console.locator("#conn")).to_have_attribute("data-state", "online")
    moderation = console.locator(".c-comments")
    items = moderation.locator(".c-comment")
    # A page of 50 (the console is redrawn with every push), then the rest on demand.
    expect(items).to_have_count(50)
    expect(moderation.locator(".comments-count")).to_have_text(
        f"50 commentaires sur {MODERATED}, les plus soutenus d'abord."
    )
    moderation.get_by_role("button", name="Afficher plus de commentaires").click()
    expect(items).to_have_count(MODERATED)
    expect(moderation.locator(".comments-more")).to_have_count(0)
    expect(items.first).to_contain_text("numéro 1")

    # The facilitator highlights the 20th comment and hides the 21st: both stay where they
    # were clicked (a highlighted comment sorts first), through the pushes that follow.
    items.nth(19).get_by_role("button", name="Mettre en avant").click()
    expect(items.nth(19)).to_have_class(re.compile(r"\bhighlighted\b"))
    expect(items.nth(19)).to_contain_text("numéro 20")
    items.nth(20).get_by_role("button", name="Masquer").click()
    used = time.monotonic()
    expect(items.nth(20)).to_have_class(re.compile(r"\bhidden-comment\b"))
    expect(items.nth(20)).to_contain_text("numéro 21")
    console.wait_for_timeout(1500)  # pushes every 0.5 s redraw the console
    expect(items.nth(19)).to_contain_text("numéro 20")
    expect(items.first).to_contain_text("numéro 1")

    # Left alone, the list is sorted again with the next change: the highlighted comment first.
    phone_ctx, phone = _join(browser, live_server, errors, "phone")
    # The phone's arrival is a push that may sort the list already (it is calm by then), and
    # the console sorts at most every 5 s: count the wait from the arrival too.
    _support_third_once_calm(phone, max(used, time.monotonic()))
    expect(items.nth(0)).to_contain_text("numéro 20")
    expect(items.nth(1)).to_contain_text("numéro 3")

    assert errors == [], errors
    console_ctx.close()
    phone_ctx.close()
