"""A participant erases their own contributions from the phone (``erase_mine``, docs/privacy.md),
and a purged session refuses phones — through Flask-SocketIO's test client, real SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.live.helpers import events, open_the_set, snapshot_of
from workshop.extensions import db
from workshop.models import Answer, Participant, Session, Upvote
from workshop.models.enums import SessionStatus
from workshop.services import privacy
from workshop.summary import archive

pytestmark = pytest.mark.usefixtures("push_at_once")


def answer(phone, question, value, client_id, text=None):
    ack = phone.emit(
        "answer",
        {"client_id": client_id, "question_id": question.id, "value": value, "text": text},
        callback=True,
    )
    assert ack["ok"], ack
    return ack["answer"]


@pytest.fixture
def room(sockets, session, qset, questions):
    """Two phones in an open set: the first answers and comments, the second comments and
    is supported by the first; the first's second tab is open."""
    open_the_set(qset)
    mine, theirs = sockets(session.code), sockets(session.code)
    token = snapshot_of(mine)["token"]
    snapshot_of(theirs)
    tab = sockets(session.code, token=token)
    snapshot_of(tab)
    answer(mine, questions["choice"], 1, "mine-choice-1")
    my_comment = answer(mine, questions["open"], None, "mine-open-01", "Mon avis personnel")
    their_comment = answer(theirs, questions["open"], None, "theirs-open-1", "Leur avis")
    ack = mine.emit("upvote", {"answer_id": their_comment["id"], "up": True}, callback=True)
    assert ack["upvotes"] == 1
    ack = mine.emit("profile", {"pseudonym": "Marie", "group": "public"}, callback=True)
    assert ack["ok"], ack
    for client in (mine, theirs, tab):
        client.get_received()
    return {"mine": mine, "theirs": theirs, "tab": tab, "my_comment": my_comment,
            "their_comment": their_comment}  # fmt: skip


def test_a_phone_erases_everything_it_contributed(room, session, console):
    mine, theirs, tab = room["mine"], room["theirs"], room["tab"]
    console.get_received()
    me = db.session.get(Answer, room["my_comment"]["id"]).participant
    assert me.pseudonym == "Marie"
    ack = mine.emit("erase_mine", {}, callback=True)
    assert ack == {
        "ok": True,
        "erased": {
            "answers": 2,
            "comments": 1,
            "upvotes": 1,
            "endorsements": 0,
            "floor": 0,
            "questions": 0,
        },
    }
    db.session.expire_all()
    me = db.session.get(Participant, me.id)
    assert me is not None  # the row stays (the phone may answer again), emptied
    assert (me.pseudonym, me.group_id) == ("", None)
    assert db.session.scalar(select(func.count(Answer.id))) == 1  # only theirs is left
    assert db.session.get(Answer, room["my_comment"]["id"]) is None
    assert db.session.get(Answer, room["their_comment"]["id"]) is not None
    assert db.session.scalar(select(func.count(Upvote.id))) == 0

    # Everyone sees it: the comment leaves the other phone, the supported one loses its support,
    # the console's figures drop; the author's other tab is told to resync.
    batches = [e["args"][0] for e in events(theirs, "comments")]
    removed = [r["id"] for b in batches for r in b["removed"]]
    changed = {c["id"]: c for b in batches for c in b["changed"]}
    assert room["my_comment"]["id"] in removed
    assert changed[room["their_comment"]["id"]]["upvotes"] == 0
    assert [e["args"][0] for e in events(tab, "erased")] == [{}]
    assert [e["args"][0] for e in events(mine, "erased")] == [{}]  # in case its ack was lost
    received = events(console)
    counters = [e["args"][0] for e in received if e["name"] == "counters"]
    assert counters
    assert all(n <= 1 for n in counters[-1]["answers"].values())
    # The tab's resync shows nothing of the participant any more.
    snap = tab.emit("resync", {}, callback=True)["snapshot"]
    assert snap["answers"] == {}
    assert snap["participant"] == {"pseudonym": "", "group": None}
    assert snap["upvotes"] == []
    assert all(not c["mine"] for comments in snap["comments"].values() for c in comments)


def test_nothing_to_erase_is_fine(sockets, session):
    phone = sockets(session.code)
    snapshot_of(phone)
    ack = phone.emit("erase_mine", {}, callback=True)
    assert ack["erased"] == {
        "answers": 0,
        "comments": 0,
        "upvotes": 0,
        "endorsements": 0,
        "floor": 0,
        "questions": 0,
    }


def test_erasing_is_refused_once_the_session_ended(room, session):
    session.status = SessionStatus.ENDED
    session.privacy_contact = "vie.privee@province.namur.be"
    db.session.commit()
    ack = room["mine"].emit("erase_mine", {}, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "session_ended"
    assert "vie.privee@province.namur.be" in ack["error"]["message"]
    assert db.session.get(Answer, room["my_comment"]["id"]) is not None  # nothing erased


@pytest.mark.parametrize("payload", [None, [], {"all": True}])
def test_a_malformed_erase_is_refused(room, payload):
    args = () if payload is None else (payload,)
    ack = room["mine"].emit("erase_mine", *args, callback=True)
    assert ack["error"]["code"] == "bad_payload"
    assert db.session.get(Answer, room["my_comment"]["id"]) is not None


def test_only_phones_erase(console, sockets, session):
    ack = console.emit("erase_mine", {}, callback=True)
    assert ack["error"]["code"] == "forbidden"
    screen = sockets(session.code, "screen")
    assert screen.emit("erase_mine", {}, callback=True)["error"]["code"] == "forbidden"


def test_a_purged_session_refuses_phones(app, sockets, session):
    with app.test_request_context():
        privacy.purge(db.session.get(Session, session.id), archive.archived(session))
    phone = sockets(session.code)
    assert not phone.is_connected()
    screen = sockets(session.code, "screen")
    assert screen.is_connected()  # the projector may still show the (archived) session
