"""The Socket.IO handlers, through Flask-SocketIO's test client (real SQLite, no mocks)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import builders
from workshop.extensions import db, socketio
from workshop.models import Answer, Participant, QuestionSet, Upvote
from workshop.models.enums import SetState
from workshop.models.live import LiveConnection
from workshop.services import live


@pytest.fixture(autouse=True)
def _push_at_once(app):
    """Results and counters pushed in the caller (no background thread in these tests)."""
    app.config["RESULTS_PUSH_INTERVAL"] = 0


@pytest.fixture
def session(app):
    return builders.gen_session()


@pytest.fixture
def qset(session):
    return session.question_sets[0]


@pytest.fixture
def questions(qset):
    return {q.kind.value: q for q in qset.questions}


@pytest.fixture
def sockets(app):
    """Open Socket.IO test clients; all disconnected at the end."""
    opened = []

    def open_socket(code, role="participant", token=None, flask_client=None, **extra):
        auth = {"code": code, "role": role, **extra}
        if token is not None:
            auth["token"] = token
        client = socketio.test_client(app, auth=auth, flask_test_client=flask_client)
        opened.append(client)
        return client

    yield open_socket
    for client in opened:
        if client.is_connected():
            client.disconnect()


def events(client, name=None):
    received = client.get_received()
    return [e for e in received if name is None or e["name"] == name]


def snapshot_of(client):
    snaps = [e["args"][0] for e in client.get_received() if e["name"] == "snapshot"]
    assert len(snaps) == 1
    return snaps[0]


def open_the_set(qset):
    qset.state = SetState.OPEN
    db.session.commit()


def test_participant_connects_and_gets_snapshot(sockets, session, qset):
    phone = sockets(session.code)
    assert phone.is_connected()
    snap = snapshot_of(phone)
    assert snap["role"] == "participant"
    assert snap["session"]["code"] == session.code
    assert [g["key"] for g in snap["groups"]] == ["public", "private", "associative", "citizen"]
    assert snap["agenda"]["current"] is None
    assert len(snap["agenda"]["items"]) == 3
    assert snap["open_set"] is None
    assert snap["participant"] == {"pseudonym": "", "group": None}
    assert snap["answers"] == {} and snap["upvotes"] == [] and snap["comments"] == {}
    assert isinstance(snap["token"], str)
    assert db.session.scalar(select(func.count(Participant.id))) == 1


def test_answer_is_stored_and_acked(sockets, session, qset, questions):
    open_the_set(qset)
    phone = sockets(session.code)
    snapshot_of(phone)
    q = questions["choice"]
    ack = phone.emit(
        "answer",
        {"client_id": "abcdefgh1", "question_id": q.id, "value": 1, "text": None},
        callback=True,
    )
    assert ack["ok"] is True
    assert ack["answer"]["value"] == 1 and ack["answer"]["client_id"] == "abcdefgh1"
    assert db.session.scalar(select(Answer.value).where(Answer.question_id == q.id)) == 1
