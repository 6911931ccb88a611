"""Hostile input on the sockets: numbers outside the database's range and control characters get
a clear refusal or a clean text, nothing half-stored, and nobody else disturbed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.live.helpers import open_the_set, snapshot_of
from workshop.extensions import db
from workshop.models import Answer, Participant
from workshop.services import conclusions

pytestmark = pytest.mark.usefixtures("push_at_once")

HUGE = 2**63  # beyond every database's integers (SQLite overflowed on it: 'internal')


@pytest.fixture
def phone(sockets, session, qset):
    open_the_set(qset)
    sock = sockets(session.code)
    snapshot_of(sock)
    return sock


def ack(sock, event, payload):
    return sock.emit(event, payload, callback=True)


@pytest.mark.parametrize(
    ("event", "payload", "field"),
    [
        ("answer", {"client_id": "abcdefgh01", "question_id": HUGE, "value": 0}, "question_id"),
        (
            "answer",
            {"client_id": "abcdefgh01", "question_id": -HUGE - 1, "value": 0},
            "question_id",
        ),
        ("upvote", {"answer_id": HUGE, "up": True}, "answer_id"),
        (
            "endorse",
            {
                "client_id": "abcdefgh01",
                "conclusion_id": HUGE,
                "choice": "agree",
                "amendment": None,
            },
            "conclusion_id",
        ),
    ],
)
def test_phone_events_refuse_numbers_out_of_range(phone, event, payload, field):
    result = ack(phone, event, payload)
    assert result["ok"] is False
    assert result["error"]["code"] == "bad_payload"
    assert result["error"]["details"] == {"field": field}


@pytest.mark.parametrize(
    ("event", "payload", "field"),
    [
        ("agenda_goto", {"position": HUGE}, "position"),
        ("set_open", {"set_id": HUGE}, "set_id"),
        ("set_close", {"set_id": HUGE}, "set_id"),
        ("set_reveal", {"set_id": HUGE, "revealed": True}, "set_id"),
        ("set_focus", {"set_id": 1, "question_id": HUGE}, "question_id"),
        ("comment_moderate", {"answer_id": HUGE, "hidden": True}, "answer_id"),
        ("conclusion_put", {"conclusion_id": HUGE}, "conclusion_id"),
        ("conclusion_close", {"conclusion_id": HUGE}, "conclusion_id"),
        ("conclusion_reveal", {"conclusion_id": HUGE, "revealed": True}, "conclusion_id"),
    ],
)
def test_console_events_refuse_numbers_out_of_range(console, event, payload, field):
    result = ack(console, event, payload)
    assert result["error"]["code"] == "bad_payload"
    assert result["error"]["details"] == {"field": field}


def test_an_answer_out_of_range_does_not_disturb_the_others(sockets, session, qset, questions):
    open_the_set(qset)
    first, second = sockets(session.code), sockets(session.code)
    bad = {"client_id": "abcdefgh01", "question_id": HUGE, "value": 0}
    good = {"client_id": "abcdefgh02", "question_id": questions["choice"].id, "value": 1}
    assert ack(first, "answer", bad)["error"]["code"] == "bad_payload"
    assert ack(second, "answer", good)["ok"]
    assert db.session.scalar(select(func.count(Answer.id))) == 1


def test_a_scale_value_out_of_range_is_a_bad_value(phone, session, qset):
    from tests import builders

    scale = builders.gen_question(qset, "scale")
    payload = {"client_id": "abcdefgh03", "question_id": scale.id, "value": HUGE}
    assert ack(phone, "answer", payload)["error"]["code"] == "bad_value"
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_control_characters_are_removed_from_texts(phone, questions):
    payload = {
        "client_id": "abcdefgh04",
        "question_id": questions["open"].id,
        "value": None,
        "text": "Des\u0000 règles\r\nclaires\u0007\tpour tous",
    }
    stored = ack(phone, "answer", payload)["answer"]
    assert stored["text"] == "Des règles\nclaires\tpour tous"
    assert db.session.scalar(select(Answer.text)) == "Des règles\nclaires\tpour tous"


def test_a_text_of_control_characters_only_is_empty(phone, questions):
    payload = {
        "client_id": "abcdefgh05",
        "question_id": questions["open"].id,
        "value": None,
        "text": "\u0000\u0001 \u0002",
    }
    assert ack(phone, "answer", payload)["error"]["code"] == "text_required"


def test_a_pseudonym_is_one_line_without_control_characters(phone):
    result = ack(phone, "profile", {"pseudonym": "Anne\u0000\nde\tNamur", "group": None})
    assert result["participant"]["pseudonym"] == "Anne de Namur"
    assert db.session.scalar(select(Participant.pseudonym)) == "Anne de Namur"


def test_words_lose_their_control_characters(phone, qset):
    from tests import builders

    words = builders.gen_question(qset, "words")
    payload = {"client_id": "abcdefgh06", "question_id": words.id, "value": ["con\u0000fiance"]}
    assert ack(phone, "answer", payload)["answer"]["value"] == ["confiance"]


def test_an_amendment_loses_its_control_characters(phone, session, app):
    conclusion = conclusions.save_conclusion(session, text="Un partenariat exige des règles.")
    conclusions.put_to_room(session.id, conclusion.id)
    payload = {
        "client_id": "abcdefgh07",
        "conclusion_id": conclusion.id,
        "choice": "amend",
        "amendment": "Ajouter\u0000 un délai",
    }
    assert ack(phone, "endorse", payload)["endorsement"]["amendment"] == "Ajouter un délai"
