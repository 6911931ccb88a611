"""Conclusions: writing with links, and the room's endorsement rules."""

from __future__ import annotations

import pytest

from tests import builders
from tests.summary.helpers import gen_answer, gen_participant
from workshop.models import Endorsement
from workshop.models.enums import EndorsementChoice, VoteState
from workshop.services import conclusions as svc
from workshop.services.errors import ServiceError


@pytest.fixture
def qset(session):
    """The session's first set, as built (the folder's ``qset`` opens it)."""
    return session.question_sets[0]


@pytest.fixture
def conclusion(session, qset):
    return svc.save_conclusion(
        session, text="Un partenariat exige des règles claires.", question_set_id=qset.id
    )


def _code(excinfo) -> str:
    return excinfo.value.code


# --- writing ---------------------------------------------------------------------------------


def test_save_links_questions_and_comments(session, qset):
    question = qset.questions[0]
    author = gen_participant(session, "public")
    comment = gen_answer(author, question, 0, "Les rôles doivent être clairs.")
    conclusion = svc.save_conclusion(
        session,
        text="  Clarifier les rôles.  ",
        question_set_id=qset.id,
        question_ids=[question.id],
        answer_ids=[comment.id],
    )
    assert conclusion.text == "Clarifier les rôles."
    assert {(link.question_id, link.answer_id) for link in conclusion.links} == {
        (question.id, None),
        (None, comment.id),
    }
    updated = svc.save_conclusion(
        session, text="Autre texte", question_set_id=qset.id, conclusion_id=conclusion.id
    )
    assert updated.id == conclusion.id
    assert updated.links == []


def test_session_conclusion_may_cite_any_set(session, qset):
    other = builders.gen_question_set(session, title="Suivi", kinds=("scale",))
    conclusion = svc.save_conclusion(
        session, text="Synthèse", question_ids=[qset.questions[0].id, other.questions[0].id]
    )
    assert conclusion.question_set_id is None
    assert len(conclusion.links) == 2


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "text_required"),
        ("   ", "text_required"),
        ("<b>gras</b>", "html_not_allowed"),
        pytest.param("x" * 5001, "text_too_long", id="too-long"),
    ],
)
def test_save_refuses_bad_text(session, qset, text, code):
    with pytest.raises(ServiceError) as excinfo:
        svc.save_conclusion(session, text=text, question_set_id=qset.id)
    assert _code(excinfo) == code


def test_save_refuses_foreign_ids(session, qset):
    other_session = builders.gen_session(title="Autre")
    foreign_q = other_session.question_sets[0].questions[0]
    other_set = builders.gen_question_set(session, title="Autre set", kinds=("choice",))
    with pytest.raises(ServiceError) as excinfo:
        svc.save_conclusion(session, text="x", question_set_id=other_session.question_sets[0].id)
    assert _code(excinfo) == "unknown_set"
    with pytest.raises(ServiceError) as excinfo:
        svc.save_conclusion(session, text="x", question_set_id=qset.id, question_ids=[foreign_q.id])
    assert _code(excinfo) == "unknown_question"
    # A set's conclusion rests on its own questions only.
    with pytest.raises(ServiceError) as excinfo:
        svc.save_conclusion(
            session, text="x", question_set_id=qset.id, question_ids=[other_set.questions[0].id]
        )
    assert _code(excinfo) == "unknown_question"


def test_save_refuses_answers_without_text(session, qset):
    answer = gen_answer(gen_participant(session), qset.questions[0], 1, None)
    with pytest.raises(ServiceError) as excinfo:
        svc.save_conclusion(session, text="x", question_set_id=qset.id, answer_ids=[answer.id])
    assert _code(excinfo) == "unknown_answer"


def test_delete(session, conclusion):
    svc.delete_conclusion(session, conclusion.id)
    with pytest.raises(ServiceError) as excinfo:
        svc.delete_conclusion(session, conclusion.id)
    assert _code(excinfo) == "unknown_conclusion"


# --- endorsement -----------------------------------------------------------------------------


def test_vote_lifecycle_and_tally(session, conclusion):
    assert conclusion.vote_state is VoteState.NONE
    phones = [gen_participant(session) for _ in range(4)]
    with pytest.raises(ServiceError) as excinfo:
        builders.endorse(phones[0], conclusion.id, "agree", None, "client-0001")
    assert _code(excinfo) == "vote_not_open"

    builders.put_to_room(conclusion)
    assert conclusion.vote_state is VoteState.OPEN
    builders.endorse(phones[0], conclusion.id, "agree", None, "client-0001")
    builders.endorse(phones[1], conclusion.id, "agree", "", "client-0002")
    builders.endorse(phones[2], conclusion.id, "amend", "Préciser le calendrier.", "client-0003")
    builders.endorse(phones[3], conclusion.id, "disagree", None, "client-0004")
    builders.close_vote(conclusion)
    assert conclusion.vote_state is VoteState.CLOSED
    with pytest.raises(ServiceError) as excinfo:
        builders.endorse(phones[0], conclusion.id, "disagree", None, "client-0005")
    assert _code(excinfo) == "vote_not_open"

    result = svc.tally(conclusion)
    assert result["counts"] == {"agree": 2, "amend": 1, "disagree": 1}
    assert result["total"] == 4
    assert result["amendments"] == ["Préciser le calendrier."]
    assert result["revealed"] is False
    builders.reveal(conclusion)
    assert svc.tally(conclusion)["revealed"] is True


def test_put_to_room_closes_the_other_open_vote(session, qset, conclusion):
    second = svc.save_conclusion(session, text="Pour toute la séance")
    builders.put_to_room(conclusion)
    builders.put_to_room(second)
    assert conclusion.vote_state is VoteState.CLOSED
    assert second.vote_state is VoteState.OPEN


def test_endorse_is_idempotent_and_one_per_participant(session, conclusion):
    builders.put_to_room(conclusion)
    phone = gen_participant(session)
    first = builders.endorse(phone, conclusion.id, "agree", None, "client-aaaa")
    again = builders.endorse(phone, conclusion.id, "disagree", None, "client-aaaa")
    assert again.id == first.id
    assert again.choice is EndorsementChoice.AGREE  # the resend changes nothing
    changed = builders.endorse(phone, conclusion.id, "amend", "Ajouter un délai.", "client-bbbb")
    assert changed.id == first.id
    assert changed.choice is EndorsementChoice.AMEND
    assert Endorsement.query.count() == 1
    assert svc.endorsement_payload(changed)["amendment"] == "Ajouter un délai."
    # A resend of an old client id after the vote closed returns the stored row, no error.
    builders.close_vote(conclusion)
    assert builders.endorse(phone, conclusion.id, "agree", None, "client-bbbb").id == first.id


@pytest.mark.parametrize(
    ("choice", "amendment", "client_id", "code"),
    [
        ("amend", None, "client-0001", "text_required"),
        ("amend", "   ", "client-0001", "text_required"),
        pytest.param("amend", "x" * 1001, "client-0001", "text_too_long", id="too-long"),
        ("amend", "voir <script>alert(1)</script>", "client-0001", "html_not_allowed"),
        ("agree", "un texte", "client-0001", "comment_not_allowed"),
        ("maybe", None, "client-0001", "bad_value"),
        ("agree", None, "short", "bad_payload"),
        ("agree", None, "bad id with spaces", "bad_payload"),
        ("amend", 42, "client-0001", "bad_payload"),
    ],
)
def test_endorse_refuses(session, conclusion, choice, amendment, client_id, code):
    builders.put_to_room(conclusion)
    phone = gen_participant(session)
    with pytest.raises(ServiceError) as excinfo:
        builders.endorse(phone, conclusion.id, choice, amendment, client_id)
    assert _code(excinfo) == code
    assert Endorsement.query.count() == 0


def test_amendment_at_the_limit_is_accepted(session, conclusion):
    builders.put_to_room(conclusion)
    stored = builders.endorse(
        gen_participant(session), conclusion.id, "amend", "é" * 1000, "c-123456"
    )
    assert len(stored.amendment) == 1000


def test_endorse_unknown_conclusion_of_another_session(session, conclusion):
    other = builders.gen_session(title="Autre")
    stranger = gen_participant(other)
    builders.put_to_room(conclusion)
    for conclusion_id, code in (
        (conclusion.id, "unknown_conclusion"),
        (99999, "unknown_conclusion"),
        ("1", "bad_payload"),
    ):
        with pytest.raises(ServiceError) as excinfo:
            builders.endorse(stranger, conclusion_id, "agree", None, "client-0001")
        assert _code(excinfo) == code
