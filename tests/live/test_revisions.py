"""Revisions (docs/protocol.md, « Revisions »): every snapshot says which revision of the room it
shows, a transaction that changed and pushed the room ends with ``rev {base, rev}``, each
process's heartbeat sends its sockets the database's revision (``beat``), and a client behind it
asks for the state again (``resync``). Real SQLite, Flask-SocketIO's test client."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import builders
from tests.live.helpers import events, snapshot_of
from workshop.extensions import db
from workshop.models import Session
from workshop.services import live
from workshop.services.broadcast import emit, session_room
from workshop.services.live import beats
from workshop.services.unit import after_commit, transaction

pytestmark = pytest.mark.usefixtures("push_at_once")


def revision_of(session) -> int:
    db.session.expire_all()
    return db.session.scalar(select(Session.live_revision).where(Session.id == session.id))


def names(received):
    return [e["name"] for e in received]


def test_every_snapshot_carries_the_revision(sockets, session, console):
    expected = revision_of(session)
    phone = sockets(session.code)
    screen = sockets(session.code, "screen")
    assert snapshot_of(phone)["rev"] == expected
    assert snapshot_of(screen)["rev"] == expected
    ack = console.emit("resync", {}, callback=True)
    assert ack["ok"]
    assert ack["snapshot"]["rev"] == expected


def test_a_pushed_change_ends_with_its_revision(sockets, session, qset, console):
    phone = sockets(session.code)
    screen = sockets(session.code, "screen")
    base = snapshot_of(phone)["rev"]
    snapshot_of(screen)

    ack = console.emit("set_open", {"set_id": qset.id}, callback=True)
    assert ack["ok"]

    after = revision_of(session)
    assert after > base
    for client in (phone, screen, console):
        received = events(client)
        assert "question_set" in names(received)
        revs = [e["args"][0] for e in received if e["name"] == "rev"]
        assert revs == [{"base": base, "rev": after}]
        # The push comes before the revision that says it was sent.
        assert names(received).index("question_set") < names(received).index("rev")


def test_an_unchanged_state_sends_no_revision(sockets, session, qset, console):
    console.emit("set_open", {"set_id": qset.id}, callback=True)
    phone = sockets(session.code)
    snapshot_of(phone)
    console.get_received()
    ack = console.emit("set_open", {"set_id": qset.id}, callback=True)  # open already
    assert ack["ok"]
    assert events(phone, "rev") == []
    assert events(console, "rev") == []


def test_a_refused_change_sends_no_revision(sockets, session, console):
    phone = sockets(session.code)
    snapshot_of(phone)
    ack = console.emit("agenda_goto", {"position": 99}, callback=True)
    assert ack["error"]["code"] == "unknown_item"
    assert events(phone, "rev") == []


def test_a_rolled_back_transaction_announces_nothing(sockets, session):
    phone = sockets(session.code)
    before = snapshot_of(phone)["rev"]

    def change_then_fail():
        with transaction():
            db.session.get(Session, session.id).title = "Jamais écrit"
            db.session.flush()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert events(phone) == []
    assert revision_of(session) == before
    # Nothing of the rolled-back change is announced by the next unit either.
    with transaction():
        pass
    assert events(phone) == []


def test_a_change_without_a_push_reaches_the_clients_by_the_beat(sockets, session, console):
    """A session changed with no push (a session file loaded again while it runs, an edit in
    the admin pages): no ``rev`` event, but the next beat is ahead of every client, and their
    resync shows the change."""
    phone = sockets(session.code)
    screen = sockets(session.code, "screen")
    before = snapshot_of(phone)["rev"]
    snapshot_of(screen)
    with transaction():
        db.session.get(Session, session.id).title = "Contractualisation et partenariat (bis)"
    assert events(phone, "rev") == []

    sent = beats.tick()
    assert sent == {session.id: revision_of(session)}
    assert sent[session.id] > before
    for client in (phone, screen, console):
        [beat] = [e["args"][0] for e in events(client) if e["name"] == "beat"]
        assert beat == {"rev": sent[session.id]}
        ack = client.emit("resync", {}, callback=True)
        assert ack["ok"]
        assert ack["snapshot"]["rev"] == sent[session.id]
        assert ack["snapshot"]["session"]["title"] == "Contractualisation et partenariat (bis)"


def test_a_beat_goes_only_to_the_sessions_of_this_process(sockets, session, app):
    other = builders.gen_session(title="Autre atelier")
    phone = sockets(session.code)
    snapshot_of(phone)
    sent = beats.tick()
    assert set(sent) == {session.id}
    assert other.id not in sent
    [beat] = [e["args"][0] for e in events(phone) if e["name"] == "beat"]
    assert beat["rev"] == revision_of(session)


def test_a_phone_resync_keeps_its_answers_and_gets_no_new_token(sockets, session, qset, console):
    console.emit("set_open", {"set_id": qset.id}, callback=True)
    phone = sockets(session.code)
    snapshot_of(phone)
    question = qset.questions[0]
    ack = phone.emit(
        "answer",
        {"client_id": "resync-0001", "question_id": question.id, "value": 1},
        callback=True,
    )
    assert ack["ok"], ack
    ack = phone.emit("resync", {}, callback=True)
    assert ack["ok"]
    snap = ack["snapshot"]
    assert snap["role"] == "participant"
    assert snap["token"] is None
    assert snap["answers"][str(question.id)]["client_id"] == "resync-0001"
    assert snap["open_set"]["id"] == qset.id


@pytest.mark.parametrize("payload", [None, [], "x", {"since": 3}])
def test_a_malformed_resync_is_refused(sockets, session, payload):
    phone = sockets(session.code)
    snapshot_of(phone)
    args = () if payload is None else (payload,)
    ack = phone.emit("resync", *args, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "bad_payload"


def test_several_flushes_announce_one_revision_from_the_first_base(sockets, session):
    phone = sockets(session.code)
    base = snapshot_of(phone)["rev"]
    with transaction():
        row = db.session.get(Session, session.id)
        row.title = "Un"
        db.session.flush()
        row.place = "Deux"
        db.session.flush()
        after_commit(emit, "agenda", {}, session_room(session.id))
    [rev] = [e["args"][0] for e in events(phone) if e["name"] == "rev"]
    assert rev == {"base": base, "rev": base + 2}
    assert live.snapshot("participant", session.id, participant_id=None)["rev"] == base + 2
