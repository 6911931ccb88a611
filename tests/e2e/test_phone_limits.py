"""The server's limits on a phone (360 × 740), in Chromium: a server started with
``WORKSHOP_MAX_COMMENT_LENGTH=50`` (and smaller pseudonyms and words) gives a phone whose fields
refuse what the server would."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.helpers import PHONE, WAIT, new_page, seeding

pytestmark = pytest.mark.e2e

MAX_COMMENT, MAX_PSEUDONYM, MAX_WORD = 50, 8, 6


@pytest.fixture
def live_server_env() -> dict[str, str]:
    """The limits of this module's server (see tests/e2e/conftest.py)."""
    return {
        "WORKSHOP_MAX_COMMENT_LENGTH": str(MAX_COMMENT),
        "WORKSHOP_MAX_PSEUDONYM_LENGTH": str(MAX_PSEUDONYM),
        "WORKSHOP_MAX_WORD_LENGTH": str(MAX_WORD),
    }


def _open_first_set_with_words(database_url: str, code: str, instance: Path) -> tuple[int, int]:
    """Open the session's first set after giving it a « words » question; return the ids of its
    open question and of the words question."""
    from tests import builders
    from workshop.models.enums import QuestionKind

    with seeding(database_url, code, instance) as session:
        qset = session.question_sets[0]
        words = builders.gen_question(qset, "words", max_words=2)
        open_id = next(q.id for q in qset.questions if q.kind is QuestionKind.OPEN)
        words_id = words.id
    return open_id, words_id


def test_phone_fields_hold_the_server_limits(live_server, browser, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    errors: list[str] = []
    open_id, words_id = _open_first_set_with_words(
        live_server.database_url, live_server.code, tmp_path / "seed"
    )

    ctx = browser.new_context(**PHONE)
    try:
        phone = new_page(ctx, errors, "phone")
        phone.goto(live_server.url(f"/j/{live_server.code}"))
        expect(phone.locator("#conn")).to_have_attribute("data-state", "online")

        # The open answer: the 51st character typed is refused, the counter says so.
        answer = phone.locator(f'fieldset.q[data-question-id="{open_id}"]')
        area = answer.get_by_label("Votre réponse")
        expect(area).to_have_attribute("maxlength", str(MAX_COMMENT))
        area.press_sequentially("x" * (MAX_COMMENT + 1))
        expect(area).to_have_value("x" * MAX_COMMENT)
        expect(answer.locator(".counter")).to_have_text(f"{MAX_COMMENT} / {MAX_COMMENT} caractères")
        answer.get_by_role("button", name="Envoyer", exact=True).click()
        expect(answer.locator(".q-status")).to_have_attribute("data-state", "saved")

        # Words: as long as the server takes, and the hint says how long.
        words = phone.locator(f'fieldset.q[data-question-id="{words_id}"]')
        expect(words.locator(".hint")).to_have_text(
            f"Jusqu'à 2 mots ({MAX_WORD} caractères chacun)."
        )
        word = words.get_by_label("Mot 1")
        expect(word).to_have_attribute("maxlength", str(MAX_WORD))
        word.press_sequentially("abcdefgh")
        expect(word).to_have_value("abcdef")

        # The pseudonym, in the profile form the page was rendered with.
        phone.locator("#profile summary").click()
        pseudonym = phone.get_by_label("Pseudonyme")
        expect(pseudonym).to_have_attribute("maxlength", str(MAX_PSEUDONYM))
        pseudonym.press_sequentially("Animatrice")
        expect(pseudonym).to_have_value("Animatri")
    finally:
        ctx.close()
    assert not errors, errors
