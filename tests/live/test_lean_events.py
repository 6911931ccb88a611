"""The phones' frequent events run without a Flask request context (live/events.py, « lean »):
they still speak the socket's language, and snapshots still follow every change."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from tests.live.helpers import snapshot_of
from workshop.extensions import db, socketio
from workshop.models import Question, QuestionSet
from workshop.models.enums import SetState

pytestmark = pytest.mark.usefixtures("push_at_once")


def phone(app, session, language):
    auth = {"code": session.code, "role": "participant"}
    client = socketio.test_client(app, auth=auth, headers={"Accept-Language": language})
    assert client.is_connected()
    client.get_received()
    return client


def test_refusals_speak_the_sockets_language(app, session, qset):
    qset.state = SetState.OPEN
    db.session.commit()
    dutch, french = phone(app, session, "nl"), phone(app, session, "fr")
    unknown = {"client_id": "client-0001", "question_id": 99999, "value": 0}
    # Through the group-commit writer, whose thread has no request either.
    assert dutch.emit("answer", unknown, callback=True)["error"] == {
        "code": "unknown_question",
        "message": "Deze vraag bestaat niet.",
    }
    assert french.emit("answer", unknown, callback=True)["error"]["message"] == (
        "Cette question n'existe pas."
    )
    # A lean event answered by its own service.
    ack = dutch.emit("profile", {"pseudonym": "Jan", "group": "nope"}, callback=True)
    assert ack["error"]["code"] == "unknown_group"
    assert ack["error"]["message"] == "Deze groep bestaat niet in deze workshop."


def test_snapshots_follow_changes_made_by_another_process(app, sockets, session, qset):
    """The room's view is cached per revision: a change committed through another connection
    (another server process) is in the next snapshot, here and for a phone that reconnects."""
    first = sockets(session.code)
    assert snapshot_of(first)["open_set"] is None
    with OrmSession(db.engine) as elsewhere:
        other_set = elsewhere.get(QuestionSet, qset.id)
        other_set.state = SetState.OPEN
        question = elsewhere.scalars(
            select(Question).where(Question.question_set_id == qset.id).order_by(Question.id)
        ).first()
        question.prompt = "Reformulée ailleurs ?"
        elsewhere.commit()
    second = sockets(session.code)
    shown = snapshot_of(second)["open_set"]
    assert shown["state"] == "open"
    assert shown["questions"][0]["prompt"] == "Reformulée ailleurs ?"
    token = snapshot_of(sockets(session.code))["token"]
    again = sockets(session.code, token=token)
    assert snapshot_of(again)["open_set"]["state"] == "open"
