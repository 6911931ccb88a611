"""The live session's services, called directly (real SQLite)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import builders
from workshop.extensions import db
from workshop.models import Answer, Participant, QuestionSet, Upvote
from workshop.models.enums import SessionStatus, SetState
from workshop.models.live import LiveConnection
from workshop.services import live
from workshop.services.errors import ServiceError
from workshop.services.live import presence, room, tokens

pytestmark = pytest.mark.usefixtures("live_request")


def join(session, sid="sid-1", signed=None):
    return live.connect(session.code, "participant", sid=sid, signed_tokens=(signed,))


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def record(session, joined, question, value=None, text=None, client_id="client-0001"):
    return live.submit_answer(
        session.id,
        joined.participant_id,
        client_id=client_id,
        question_id=question.id,
        value=value,
        text=text,
    )


def refused(code, fn, *args, **kwargs):
    with pytest.raises(ServiceError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code
    return info.value


# --- participants -------------------------------------------------------------------------------


def test_connect_creates_then_finds_the_participant(session):
    first = join(session)
    again = join(session, "sid-2", first.token)
    assert again.participant_id == first.participant_id
    assert count(Participant) == 1
    assert presence.phone_count(session.id) == 1
    live.disconnect("sid-1")
    assert presence.phone_count(session.id) == 1
    live.disconnect("sid-2")
    assert presence.phone_count(session.id) == 0


def test_token_of_another_session_gives_a_new_participant(session):
    other = builders.gen_session(title="Autre")
    theirs = join(other, "sid-o")
    mine = join(session, "sid-m", theirs.token)
    assert mine.participant_id != theirs.participant_id
    assert tokens.unsign(mine.token) != tokens.unsign(theirs.token)


def test_tampered_token_gives_a_new_participant(session):
    joined = join(session, signed="forged.token")
    assert tokens.unsign(joined.token)


def test_connect_refusals(session):
    refused("unknown_session", live.connect, "NOPE99", "participant", sid="s")
    refused("forbidden", live.connect, session.code, "console", sid="s")
    refused("bad_payload", live.connect, session.code, "admin", sid="s")
    assert count(LiveConnection) == 0


def test_clear_server(session):
    join(session)
    assert presence.clear_server(live.state().server_id) == 1
    assert presence.phone_count(session.id) == 0


def test_profile(session):
    joined = join(session)
    assert live.set_profile(session.id, joined.participant_id, " Ana ", "private") == {
        "pseudonym": "Ana",
        "group": "private",
    }
    assert live.set_profile(session.id, joined.participant_id, None, None) == {
        "pseudonym": "",
        "group": None,
    }
    refused("text_too_long", live.set_profile, session.id, joined.participant_id, "x" * 41, None)


# --- answers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        ("choice", 2, 2),
        ("yesno", "dontknow", "dontknow"),
    ],
)
def test_valid_values(session, q, kind, value, stored):
    joined = join(session)
    assert record(session, joined, q[kind], value)["value"] == stored


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        ("multi", [], "bad_value"),
        ("multi", [0, 0], "bad_value"),
        ("multi", [0, 5], "bad_value"),
        ("scale", 0, "bad_value"),
        ("scale", 6, "bad_value"),
        ("scale", 2.5, "bad_value"),
        ("rank", [0, 1], "bad_value"),
        ("rank", [0, 1, 1], "bad_value"),
        ("words", [], "bad_value"),
        ("words", ["a", "b", "c", "d"], "bad_value"),
        ("words", ["x" * 41], "bad_value"),
        ("words", ["  "], "bad_value"),
        ("words", ["<em>"], "html_not_allowed"),
    ],
)
def test_bad_values(session, qset, kind, value, code):
    question = builders.gen_question(qset, kind, max_choices=2 if kind == "multi" else None)
    joined = join(session)
    refused(code, record, session, joined, question, value)
    assert count(Answer) == 0


@pytest.mark.parametrize(
    ("kind", "value"),
    [("multi", [2, 0]), ("scale", 5), ("rank", [2, 0, 1]), ("words", [" Confiance", "temps"])],
)
def test_more_valid_values(session, qset, kind, value):
    question = builders.gen_question(qset, kind)
    joined = join(session)
    stored = record(session, joined, question, value)["value"]
    assert stored == ([w.strip() for w in value] if kind == "words" else value)


def test_comment_on_allowed_question(session, qset):
    question = builders.gen_question(qset, "choice", allow_comment=True)
    joined = join(session)
    assert record(session, joined, question, 1, "  Mon avis ")["text"] == "Mon avis"
    refused(
        "text_too_long", record, session, joined, question, 1, "x" * 1001, client_id="client-0002"
    )


def test_replace_drops_upvotes_and_highlight_when_text_changes(session, q):
    author, voter = join(session, "a"), join(session, "b")
    record(session, author, q["open"], text="Avis")
    answer_id = db.session.scalar(select(Answer.id))
    live.submit_upvote(session.id, voter.participant_id, answer_id, True)
    live.moderate_comment(session.id, answer_id, highlighted=True)
    record(session, author, q["open"], text="Avis", client_id="client-0002")
    assert count(Upvote) == 1  # same text: upvotes kept
    record(session, author, q["open"], text="Autre avis", client_id="client-0003")
    assert count(Upvote) == 0
    assert db.session.get(Answer, answer_id).highlighted is False
    assert count(Answer) == 1


def test_upvote_rules(session, q):
    author, voter = join(session, "a"), join(session, "b")
    record(session, author, q["open"], text="Avis")
    record(session, author, q["choice"], 0, client_id="client-0002")
    comment_id = db.session.scalar(select(Answer.id).where(Answer.text.is_not(None)))
    choice_id = db.session.scalar(select(Answer.id).where(Answer.text.is_(None)))
    refused("own_comment", live.submit_upvote, session.id, author.participant_id, comment_id, True)
    refused("unknown_answer", live.submit_upvote, session.id, voter.participant_id, choice_id, True)
    other = builders.gen_session(title="Autre")
    refused("unknown_answer", live.submit_upvote, other.id, voter.participant_id, comment_id, True)
    assert live.submit_upvote(session.id, voter.participant_id, comment_id, False)["upvotes"] == 0
    assert live.submit_upvote(session.id, voter.participant_id, comment_id, True)["upvotes"] == 1


def test_moderation_needs_a_change(session):
    refused("bad_payload", live.moderate_comment, session.id, 1)


# --- agenda and sets ----------------------------------------------------------------------------


def test_agenda_transitions(session):
    agenda = live.agenda_goto(session.id, 1)
    assert agenda["current"] == 1
    assert session.status is SessionStatus.LIVE
    again = live.agenda_goto(session.id, 1)  # unchanged (its timer is as of now: not compared)
    assert again["current"] == 1
    assert again["started_at"] == agenda["started_at"]
    assert [i["started_at"] for i in again["items"]] == [i["started_at"] for i in agenda["items"]]
    agenda = live.agenda_next(session.id)
    assert agenda["current"] == 2
    assert agenda["items"][1]["ended_at"] is not None
    agenda = live.agenda_next(session.id)
    assert agenda["current"] is None
    assert agenda["items"][2]["ended_at"] is not None
    assert session.status is SessionStatus.ENDED
    refused("unknown_item", live.agenda_goto, session.id, 7)


def test_at_most_one_open_set(session, qset):
    second = builders.gen_question_set(session, kinds=("yesno",))
    live.open_set(session.id, second.id)
    states = dict(db.session.execute(select(QuestionSet.id, QuestionSet.state)).all())
    assert states == {qset.id: SetState.CLOSED, second.id: SetState.OPEN}
    assert live.close_set(session.id, second.id)["state"] == "closed"
    assert live.close_set(session.id, second.id)["state"] == "closed"
    assert live.open_set(session.id, qset.id)["state"] == "open"
    refused("unknown_set", live.open_set, session.id, 999_999)


def test_closed_set_refuses_new_answers_but_not_resends(session, q, qset):
    joined = join(session)
    first = record(session, joined, q["choice"], 1)
    live.close_set(session.id, qset.id)
    assert record(session, joined, q["choice"], 1) == first
    refused("set_not_open", record, session, joined, q["choice"], 2, client_id="client-0002")
    assert db.session.scalar(select(Answer.value)) == 1


# --- snapshots ----------------------------------------------------------------------------------


def test_snapshots_by_role(session, qset, q):
    joined = join(session)
    record(session, joined, q["open"], text="Avis")
    snap = live.snapshot("participant", session.id, participant_id=joined.participant_id)
    [comment] = snap["comments"][str(q["open"].id)]
    assert comment["mine"] is True
    assert snap["open_set"]["id"] == qset.id
    live.close_set(session.id, qset.id)
    screen = live.snapshot("screen", session.id)
    assert screen["shown_set"]["state"] == "closed"
    assert screen["results"] is None
    live.reveal_set(session.id, qset.id, True)
    screen = live.snapshot("screen", session.id)
    assert screen["results"]["respondents"] == 1
    live.moderate_comment(session.id, comment["id"], hidden=True)
    console = live.snapshot("console", session.id)
    assert console["comments"][str(q["open"].id)][0]["hidden"] is True
    assert console["counters"]["answers"][str(q["open"].id)] == 1
    assert room.current_set(session).id == qset.id
