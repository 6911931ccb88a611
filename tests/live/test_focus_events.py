"""``set_focus``: the console shows one question of a set on the projector (docs/protocol.md)."""

from __future__ import annotations

import pytest

from tests import builders
from tests.live.helpers import events, open_the_set, snapshot_of
from workshop.extensions import db
from workshop.models import Question, QuestionSet
from workshop.services.live import control

pytestmark = pytest.mark.usefixtures("push_at_once")


@pytest.fixture
def room(sockets, session, qset, console):
    """An open set, a console, a screen and a phone (snapshots consumed)."""
    open_the_set(qset)
    screen = sockets(session.code, "screen")
    phone = sockets(session.code)
    for sock in (screen, phone, console):
        sock.get_received()
    return {"console": console, "screen": screen, "a": phone}


def focus(sock, set_id, question_id):
    return sock.emit("set_focus", {"set_id": set_id, "question_id": question_id}, callback=True)


def pushed_sets(sock):
    return [e["args"][0] for e in events(sock, "question_set")]


def test_focus_is_stored_acked_and_broadcast(room, qset, questions):
    q = questions["choice"]
    ack = focus(room["console"], qset.id, q.id)
    assert ack["ok"] is True
    assert ack["set"]["id"] == qset.id
    assert ack["set"]["focus_question_id"] == q.id
    db.session.refresh(qset)
    assert qset.focus_question_id == q.id
    for role in ("screen", "a", "console"):
        sets = pushed_sets(room[role])
        assert [(s["id"], s["focus_question_id"]) for s in sets] == [(qset.id, q.id)]
    # Back to the whole set.
    ack = focus(room["console"], qset.id, None)
    assert ack["set"]["focus_question_id"] is None
    assert [s["focus_question_id"] for s in pushed_sets(room["screen"])] == [None]
    db.session.refresh(qset)
    assert qset.focus_question_id is None


def test_unchanged_focus_is_acked_not_broadcast(room, qset, questions):
    q = questions["yesno"]
    focus(room["console"], qset.id, q.id)
    room["screen"].get_received()
    ack = focus(room["console"], qset.id, q.id)
    assert ack["ok"] is True
    assert ack["set"]["focus_question_id"] == q.id
    assert pushed_sets(room["screen"]) == []


def test_every_set_view_carries_the_focus(room, qset):
    ack = room["console"].emit("set_close", {"set_id": qset.id}, callback=True)
    assert ack["set"]["focus_question_id"] is None


def test_question_of_another_set_is_unknown(room, session, qset, questions):
    other_set = builders.gen_question_set(session, kinds=("scale",))
    foreign = other_set.questions[0]
    ack = focus(room["console"], qset.id, foreign.id)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "unknown_question"
    # The question exists in the other set: focusing it there is fine.
    assert focus(room["console"], other_set.id, foreign.id)["ok"] is True
    room["screen"].get_received()
    assert focus(room["console"], qset.id, 999_999)["error"]["code"] == "unknown_question"
    assert pushed_sets(room["screen"]) == []
    db.session.refresh(qset)
    assert qset.focus_question_id is None


def test_set_or_question_of_another_session_is_unknown(room, qset):
    other = builders.gen_session(title="Autre")
    other_set = other.question_sets[0]
    other_q = other_set.questions[0]
    assert focus(room["console"], other_set.id, other_q.id)["error"]["code"] == "unknown_set"
    assert focus(room["console"], qset.id, other_q.id)["error"]["code"] == "unknown_question"
    db.session.refresh(other_set)
    assert other_set.focus_question_id is None


@pytest.mark.parametrize("role", ["participant", "screen"])
def test_focus_is_forbidden_to_phones_and_screen(sockets, session, qset, questions, role):
    sock = sockets(session.code, role)
    sock.get_received()
    ack = focus(sock, qset.id, questions["choice"].id)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "forbidden"
    db.session.refresh(qset)
    assert qset.focus_question_id is None


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        {},
        {"set_id": 1},  # question_id is required (null for the whole set)
        {"question_id": None},
        {"set_id": "1", "question_id": None},
        {"set_id": 1, "question_id": "2"},
        {"set_id": 1, "question_id": True},
        {"set_id": 1, "question_id": 1.0},
        {"set_id": 1, "question_id": None, "extra": 1},
    ],
)
def test_bad_payloads(room, payload):
    ack = room["console"].emit("set_focus", payload, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "bad_payload"
    assert events(room["screen"]) == []


def test_opening_a_set_resets_its_focus(room, session, qset, questions):
    second = builders.gen_question_set(session, kinds=("scale", "words"))
    focus(room["console"], qset.id, questions["choice"].id)
    focus(room["console"], second.id, second.questions[1].id)
    room["screen"].get_received()
    ack = room["console"].emit("set_open", {"set_id": second.id}, callback=True)
    assert ack["set"]["state"] == "open"
    assert ack["set"]["focus_question_id"] is None
    pushed = {s["id"]: s for s in pushed_sets(room["screen"])}
    assert pushed[second.id]["focus_question_id"] is None
    # The set it closed keeps its focus (it is reset when that set opens again).
    assert pushed[qset.id]["state"] == "closed"
    assert pushed[qset.id]["focus_question_id"] == questions["choice"].id
    ack = room["console"].emit("set_open", {"set_id": qset.id}, callback=True)
    assert ack["set"]["focus_question_id"] is None
    db.session.refresh(qset)
    assert qset.focus_question_id is None


def test_opening_the_open_focused_set_resets_the_focus(room, qset, questions):
    focus(room["console"], qset.id, questions["open"].id)
    room["screen"].get_received()
    ack = room["console"].emit("set_open", {"set_id": qset.id}, callback=True)
    assert ack["set"]["focus_question_id"] is None
    assert [s["focus_question_id"] for s in pushed_sets(room["screen"])] == [None]


def test_snapshots_carry_the_focus(room, sockets, session, qset, questions):
    q = questions["choice"]
    focus(room["console"], qset.id, q.id)
    room["console"].emit("set_reveal", {"set_id": qset.id, "revealed": True}, callback=True)
    screen = sockets(session.code, "screen")
    snap = snapshot_of(screen)
    assert snap["shown_set"]["focus_question_id"] == q.id
    assert snap["open_set"]["focus_question_id"] == q.id
    assert snap["results"]["set_id"] == qset.id
    assert snap["counters"]["answers"][str(q.id)] == 0
    phone = sockets(session.code)
    assert snapshot_of(phone)["open_set"]["focus_question_id"] == q.id
    room["console"].disconnect()
    room["console"].connect(auth={"code": session.code, "role": "console"})
    snap = snapshot_of(room["console"])
    (listed,) = [s for s in snap["sets"] if s["id"] == qset.id]
    assert listed["focus_question_id"] == q.id


def test_screen_snapshot_counts_answers(room, sockets, session, questions):
    q = questions["choice"]
    ack = room["a"].emit(
        "answer",
        {"client_id": "client-0001", "question_id": q.id, "value": 0, "text": None},
        callback=True,
    )
    assert ack["ok"]
    snap = snapshot_of(sockets(session.code, "screen"))
    assert snap["counters"]["answers"][str(q.id)] == 1


def test_focus_broadcast_happens_after_the_commit(app, room, qset, questions, monkeypatch):
    """What the ``question_set`` broadcast says is already committed."""
    seen = []
    original = control.emit

    def spy(event, data, to, skip_sid=None):
        if event == "question_set":
            with app.app_context():
                # A fresh database session sees only committed rows.
                fresh = db.session.get(QuestionSet, data["id"])
                seen.append((fresh.focus_question_id, data["focus_question_id"]))
                db.session.remove()
        original(event, data, to, skip_sid=skip_sid)

    monkeypatch.setattr(control, "emit", spy)
    q = questions["yesno"]
    focus(room["console"], qset.id, q.id)
    focus(room["console"], qset.id, None)
    assert seen == [(q.id, q.id), (None, None)]


def test_failed_write_broadcasts_nothing(room, qset, questions, monkeypatch):
    def boom():
        raise RuntimeError("disk full")

    monkeypatch.setattr(db.session, "commit", boom)
    ack = focus(room["console"], qset.id, questions["choice"].id)
    monkeypatch.undo()
    assert ack["error"]["code"] == "internal"
    assert events(room["screen"]) == []
    db.session.refresh(qset)
    assert qset.focus_question_id is None


def test_deleting_the_focused_question_clears_the_focus(room, qset, questions):
    q = questions["open"]
    focus(room["console"], qset.id, q.id)
    db.session.delete(db.session.get(Question, q.id))
    db.session.commit()
    db.session.refresh(qset)
    assert qset.focus_question_id is None
