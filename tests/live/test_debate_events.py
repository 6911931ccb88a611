"""The debate over Socket.IO (docs/protocol.md, « The debate »): the floor and the room's
questions through Flask-SocketIO's test client — acks, pushes to each role, rights, refusals,
snapshots after a reload and after a restart of the app."""

from __future__ import annotations

import pytest

from tests.live.helpers import events, snapshot_of
from workshop import create_app
from workshop.extensions import db
from workshop.models import FloorRequest, RoomQuestion
from workshop.services import debate

pytestmark = pytest.mark.usefixtures("push_at_once")


def _ack(sock, event, payload=None):
    return sock.emit(event, payload if payload is not None else {}, callback=True)


def _last(sock, name):
    found = events(sock, name)
    assert found, f"no {name!r} received"
    return found[-1]["args"][0]


@pytest.fixture
def running(session, console):
    """The session with its second item (a testimony with the session's speaker) under way."""
    session.agenda[1].speakers = list(session.speakers)
    db.session.commit()
    assert _ack(console, "agenda_goto", {"position": 1})["ok"]
    console.get_received()
    return session


def test_the_floor_from_two_phones_to_the_console_and_the_screen(running, console, sockets):
    screen = sockets(running.code, "screen")
    assert snapshot_of(screen)["floor"] == {
        "limit_s": None,
        "default_limit_s": None,
        "item_limit_s": None,
        "speaking": None,
        "queue": [],
        "totals": [
            {"group": g, "turns": 0, "seconds": 0}
            for g in ("public", "private", "associative", "citizen")
        ],
    }
    anne, bruno = sockets(running.code), sockets(running.code)
    first_snapshot = snapshot_of(anne)
    assert first_snapshot["floor_mine"] is None
    bruno.get_received()
    ack = _ack(anne, "floor_request", {"name": "Anne"})
    assert ack["ok"]
    assert ack["place"] == 1
    assert ack["request"]["name"] == "Anne"
    ack = _ack(bruno, "floor_request")
    assert ack["place"] == 2
    assert ack["request"]["name"] == ""
    queue = _last(screen, "floor")["queue"]
    assert [r["number"] for r in queue] == [1, 2]
    assert [r["number"] for r in _last(anne, "floor")["queue"]] == [1, 2]
    assert _ack(bruno, "floor_withdraw")["request"]["state"] == "withdrawn"
    added = _ack(console, "floor_add", {"name": "Échevin Martin", "group": "public"})
    assert added["request"]["from_room"] is True
    assert [r["name"] for r in added["floor"]["queue"]] == ["Anne", "Échevin Martin"]
    given = _ack(console, "floor_give")
    assert given["floor"]["speaking"]["name"] == "Anne"
    assert _last(screen, "floor")["speaking"]["name"] == "Anne"
    # Anne's phone, reloaded, knows it has the floor.
    reloaded = snapshot_of(sockets(running.code, token=first_snapshot["token"]))
    assert reloaded["floor"]["speaking"]["name"] == "Anne"
    assert reloaded["floor_mine"] == given["floor"]["speaking"]["id"]
    assert _ack(console, "floor_end")["floor"]["speaking"] is None


def test_a_participant_speaks_for_itself_only(running, console, sockets):
    phone = sockets(running.code)
    snapshot_of(phone)
    request = _ack(phone, "floor_request")["request"]
    for event, payload in (
        ("floor_give", {"request_id": request["id"]}),
        ("floor_remove", {"request_id": request["id"]}),
        ("floor_move", {"request_id": request["id"], "direction": "up"}),
        ("floor_add", {"name": "X"}),
        ("floor_settings", {"limit_s": 60}),
        ("qa_moderate", {"qa_id": 1, "action": "hide"}),
        ("qa_merge", {"qa_id": 1, "into": 2}),
        ("qa_show", {"qa_id": None}),
        ("qa_settings", {"premoderated": True}),
    ):
        ack = _ack(phone, event, payload)
        assert ack["error"]["code"] == "forbidden", event
    screen = sockets(running.code, "screen")
    for event in ("floor_request", "floor_withdraw"):
        assert _ack(screen, event)["error"]["code"] == "forbidden"
    assert _ack(console, "floor_request")["error"]["code"] == "forbidden"
    assert db.session.query(FloorRequest).count() == 1


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("floor_request", {"name": 3}),
        ("floor_request", {"name": "A", "extra": 1}),
        ("floor_request", []),
        ("qa_ask", {"client_id": "short", "text": "Q ?"}),
        ("qa_ask", {"client_id": "client-0001", "text": None}),
        ("qa_support", {"qa_id": "1", "up": True}),
        ("qa_withdraw", {}),
    ],
)
def test_malformed_payloads_are_refused(running, sockets, event, payload):
    phone = sockets(running.code)
    ack = _ack(phone, event, payload)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "bad_payload"
    assert db.session.query(FloorRequest).count() == 0
    assert db.session.query(RoomQuestion).count() == 0


def test_console_payload_checks(running, console):
    for event, payload, code in (
        ("floor_move", {"request_id": 1, "direction": "left"}, "bad_payload"),
        ("floor_give", {"request_id": 999}, "unknown_request"),
        ("floor_give", {}, "queue_empty"),
        ("floor_settings", {"limit_s": 5}, "bad_payload"),
        ("qa_moderate", {"qa_id": 999, "action": "hide"}, "unknown_qa"),
        ("qa_moderate", {"qa_id": 1, "action": "delete"}, "bad_payload"),
        ("qa_show", {"qa_id": 999}, "unknown_qa"),
    ):
        ack = _ack(console, event, payload)
        assert ack["error"]["code"] == code, (event, ack)
    ack = _ack(console, "floor_settings", {"limit_s": 120})
    assert ack["floor"]["limit_s"] == 120


def test_questions_with_premoderation_merge_and_the_projector(running, console, sockets):
    screen = sockets(running.code, "screen")
    snapshot_of(screen)
    assert _ack(console, "qa_settings", {"premoderated": True}) == {
        "ok": True,
        "premoderated": True,
    }
    assert _last(screen, "qa_settings") == {"premoderated": True}
    phones = [sockets(running.code) for _ in range(3)]
    tokens = [snapshot_of(phone)["token"] for phone in phones]
    first = _ack(
        phones[0], "qa_ask", {"client_id": "ask-0000001", "text": "Quel budget ?", "speaker": "s1"}
    )
    assert first["qa"]["status"] == "pending"
    # Only the console (and the author) see a pending question.
    assert _last(console, "qa")["changed"][0]["id"] == first["qa"]["id"]
    pushed = _last(phones[1], "qa")
    assert pushed == {"changed": [], "removed": [first["qa"]["id"]]}
    assert _last(phones[0], "qa")["changed"][0]["status"] == "pending"  # its author's
    approved = _ack(console, "qa_moderate", {"qa_id": first["qa"]["id"], "action": "approve"})
    assert approved["qa"]["status"] == "visible"
    assert _last(phones[1], "qa")["changed"][0]["text"] == "Quel budget ?"
    _ack(console, "qa_settings", {"premoderated": False})
    second = _ack(phones[1], "qa_ask", {"client_id": "ask-0000002", "text": "Combien ça coûte ?"})[
        "qa"
    ]
    third = _ack(phones[2], "qa_ask", {"client_id": "ask-0000003", "text": "Qui décide ?"})["qa"]
    assert second["status"] == "visible"
    assert _ack(phones[2], "qa_support", {"qa_id": second["id"], "up": True})["support"] == 1
    assert (
        _ack(phones[1], "qa_support", {"qa_id": second["id"], "up": True})["error"]["code"]
        == "own_question"
    )
    _ack(phones[1], "qa_support", {"qa_id": first["qa"]["id"], "up": True})
    merged = _ack(console, "qa_merge", {"qa_id": second["id"], "into": first["qa"]["id"]})["qa"]
    assert merged["support"] == 2  # phone 1 and phone 2, once each
    assert merged["merged"] == [{"id": second["id"], "text": "Combien ça coûte ?"}]
    shown = _ack(console, "qa_show", {"qa_id": first["qa"]["id"]})["qa"]
    assert shown["on_screen"] is True
    on_screen = [q for q in _last(screen, "qa")["changed"] if q["on_screen"]]
    assert [q["id"] for q in on_screen] == [first["qa"]["id"]]
    _ack(console, "qa_moderate", {"qa_id": first["qa"]["id"], "action": "answered"})
    # A reloaded phone sees the list, its own questions and supports.
    snap = snapshot_of(sockets(running.code, token=tokens[2]))
    assert {q["id"]: q["status"] for q in snap["qa"]["questions"]} == {
        first["qa"]["id"]: "answered",
        second["id"]: "merged",
        third["id"]: "visible",
    }
    assert snap["qa_mine"]["asked"] == [third["id"]]
    assert snap["qa_mine"]["supported"] == [second["id"]]
    # A phone withdraws its own question only.
    assert _ack(phones[0], "qa_withdraw", {"qa_id": third["id"]})["error"]["code"] == "forbidden"
    assert _ack(phones[2], "qa_withdraw", {"qa_id": third["id"]}) == {
        "ok": True,
        "qa_id": third["id"],
    }
    assert third["id"] in _last(screen, "qa")["removed"]


def test_erase_mine_takes_the_floor_and_the_questions(running, console, sockets):
    phone = sockets(running.code)
    snapshot_of(phone)
    _ack(phone, "floor_request")
    _ack(phone, "qa_ask", {"client_id": "ask-erase-01", "text": "Ma question"})
    ack = _ack(phone, "erase_mine")
    assert ack["erased"]["floor"] == 1
    assert ack["erased"]["questions"] == 1
    assert db.session.query(FloorRequest).count() == 0
    assert db.session.query(RoomQuestion).count() == 0
    assert _last(console, "floor")["queue"] == []


def test_the_queue_and_the_questions_survive_a_restart(running, console, sockets, tmp_path, app):
    phone = sockets(running.code)
    snapshot_of(phone)
    _ack(phone, "floor_request", {"name": "Anne"})
    _ack(console, "floor_add", {"name": "Marc", "group": "citizen"})
    _ack(console, "floor_give")
    _ack(phone, "qa_ask", {"client_id": "ask-restart1", "text": "Et demain ?"})
    code = running.code
    # Another app on the same database: what a server restarted would be.
    other = create_app({**app.config, "TESTING": True})
    with other.app_context():
        session_id = db.session.execute(
            db.text("SELECT id FROM session WHERE code = :c"), {"c": code}
        ).scalar()
        part = debate.snapshot_part("screen", session_id)
    assert part["floor"]["speaking"]["name"] == "Anne"
    assert [r["name"] for r in part["floor"]["queue"]] == ["Marc"]
    assert [q["text"] for q in part["qa"]["questions"]] == ["Et demain ?"]
