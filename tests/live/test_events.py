"""The Socket.IO handlers, through Flask-SocketIO's test client (real SQLite, no mocks)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import builders
from tests.live.helpers import events, open_the_set, snapshot_of
from workshop.extensions import db, socketio
from workshop.models import Answer, Participant, QuestionSet, Upvote
from workshop.models.enums import SetState
from workshop.models.live import LiveConnection
from workshop.services import live
from workshop.services.live import publish

pytestmark = pytest.mark.usefixtures("push_at_once")


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
    assert snap["answers"] == {}
    assert snap["upvotes"] == []
    assert snap["comments"] == {}
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
    assert ack["answer"]["value"] == 1
    assert ack["answer"]["client_id"] == "abcdefgh1"
    assert db.session.scalar(select(Answer.value).where(Answer.question_id == q.id)) == 1


# --- helpers for the rest -----------------------------------------------------------------------


def answer_payload(question, value, client_id="client-0001", text=None):
    return {"client_id": client_id, "question_id": question.id, "value": value, "text": text}


def connect_error(app, auth, flask_client=None):
    """The ``data`` of the ``connect_error`` a refused connection gets."""
    from socketio import packet

    client = socketio.test_client(app, auth=auth, flask_test_client=flask_client)
    assert not client.is_connected()
    captured = []
    original = socketio.server._send_packet

    def spy(eio_sid, pkt):
        if pkt.packet_type == packet.CONNECT_ERROR:
            captured.append(pkt.data)
        original(eio_sid, pkt)

    socketio.server._send_packet = spy
    try:
        client.connect(auth=auth)
    finally:
        socketio.server._send_packet = original
    assert not client.is_connected()
    return captured[-1]["data"]


@pytest.fixture
def room(sockets, session, qset, console):
    """An open set, a console, a screen and two phones (snapshots consumed)."""
    open_the_set(qset)
    screen = sockets(session.code, "screen")
    phone_a = sockets(session.code)
    phone_b = sockets(session.code)
    for sock in (screen, phone_a, phone_b, console):
        sock.get_received()
    return {"console": console, "screen": screen, "a": phone_a, "b": phone_b}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


# --- connecting ---------------------------------------------------------------------------------


def test_unknown_session_is_refused(app, session):
    data = connect_error(app, {"code": "ZZZZZZ", "role": "participant"})
    assert data["code"] == "unknown_session"
    assert data["message"]
    assert count(Participant) == 0
    assert count(LiveConnection) == 0


@pytest.mark.parametrize(
    "auth",
    [
        None,
        {"role": "participant"},
        {"code": "X", "role": "admin"},
        {"code": "X", "role": "participant", "extra": 1},
        {"code": 12, "role": "participant"},
    ],
)
def test_malformed_auth_is_refused(app, session, auth):
    if isinstance(auth, dict) and auth.get("code") == "X":
        auth["code"] = session.code
    assert connect_error(app, auth)["code"] == "bad_payload"


def test_console_without_login_is_refused(app, session, client):
    data = connect_error(app, {"code": session.code, "role": "console"}, flask_client=client)
    assert data["code"] == "forbidden"
    assert count(LiveConnection) == 0


def test_console_snapshot(console, sockets, session, qset):
    sock = sockets(session.code, "console", flask_client=console.flask_test_client)
    snap = snapshot_of(sock)
    assert snap["role"] == "console"
    assert [s["id"] for s in snap["sets"]] == [qset.id]
    assert snap["results"][str(qset.id)]["respondents"] == 0
    assert snap["counters"]["phones"] == 0
    assert set(snap["counters"]["answers"]) == {str(q.id) for q in qset.questions}


def test_code_is_read_case_insensitively(sockets, session):
    phone = sockets(session.code.lower())
    assert phone.is_connected()


def test_screen_snapshot_shows_revealed_results(sockets, session, qset, questions):
    open_the_set(qset)
    phone = sockets(session.code)
    phone.emit("answer", answer_payload(questions["yesno"], "yes"), callback=True)
    qset.revealed = True
    db.session.commit()
    snap = snapshot_of(sockets(session.code, "screen"))
    assert snap["shown_set"]["id"] == qset.id
    yesno = next(q for q in snap["results"]["questions"] if q["kind"] == "yesno")
    assert yesno["options"][0] == {"key": "yes", "label": "Oui", "count": 1, "percent": 100.0}


def test_two_tabs_are_one_participant(sockets, session, qset, questions, console):
    open_the_set(qset)
    tab1 = sockets(session.code)
    token = snapshot_of(tab1)["token"]
    tab2 = sockets(session.code, token=token)
    assert snapshot_of(tab2)["token"] == token
    assert count(Participant) == 1
    assert live.presence.phone_count(session.id) == 1
    ack = tab1.emit("answer", answer_payload(questions["choice"], 2), callback=True)
    assert ack["ok"]
    assert events(tab1, "answer_saved") == []
    saved = events(tab2, "answer_saved")
    assert [e["args"][0] for e in saved] == [ack["answer"]]


def test_cookie_token_is_used_when_auth_has_none(app, sockets, session, client):
    from workshop.services.live.tokens import COOKIE_NAME, sign

    client.set_cookie(COOKIE_NAME, sign("page-minted-token"))
    phone = sockets(session.code, flask_client=client)
    snapshot_of(phone)
    assert db.session.scalar(select(Participant.token)) == "page-minted-token"


def test_snapshot_on_reconnect_has_own_answers_and_upvotes(sockets, session, qset, questions):
    open_the_set(qset)
    author = sockets(session.code)
    snapshot_of(author)
    ack = author.emit(
        "answer", answer_payload(questions["open"], None, text="Plus de confiance"), callback=True
    )
    comment_id = db.session.scalar(
        select(Answer.id).where(Answer.question_id == questions["open"].id)
    )
    phone = sockets(session.code)
    token = snapshot_of(phone)["token"]
    phone.emit("answer", answer_payload(questions["choice"], 0, "client-xyz1"), callback=True)
    assert phone.emit("upvote", {"answer_id": comment_id, "up": True}, callback=True)["ok"]
    phone.disconnect()
    again = sockets(session.code, token=token)
    snap = snapshot_of(again)
    assert snap["answers"] == {
        str(questions["choice"].id): {
            "id": snap["answers"][str(questions["choice"].id)]["id"],
            "client_id": "client-xyz1",
            "value": 0,
            "text": None,
            "updated_at": snap["answers"][str(questions["choice"].id)]["updated_at"],
        }
    }
    assert snap["upvotes"] == [comment_id]
    [comment] = snap["comments"][str(questions["open"].id)]
    assert comment["text"] == "Plus de confiance"
    assert comment["upvotes"] == 1
    assert comment["mine"] is False
    assert ack["ok"]


def test_presence_counts_phones_and_pushes_counters(sockets, session, console):
    screen = sockets(session.code, "screen")
    screen.get_received()
    phone = sockets(session.code)
    for receiver in (console, screen):  # the projector shows the number of answers too
        assert events(receiver, "counters")[-1]["args"][0]["phones"] == 1
    assert events(phone, "counters") == []
    phone.disconnect()
    for receiver in (console, screen):
        assert events(receiver, "counters")[-1]["args"][0]["phones"] == 0
    assert count(LiveConnection) == 2  # the console and the screen


# --- answers ------------------------------------------------------------------------------------


def test_answer_broadcasts_results_to_console_not_to_unrevealed_screen(room, questions, qset):
    ack = room["a"].emit("answer", answer_payload(questions["choice"], 0), callback=True)
    assert ack["ok"]
    results = events(room["console"], "results")
    assert results[-1]["args"][0]["set_id"] == qset.id
    assert results[-1]["args"][0]["respondents"] == 1
    screen = events(room["screen"])
    assert [e["name"] for e in screen] == ["counters"]  # the count before the reveal
    assert screen[-1]["args"][0]["answers"][str(questions["choice"].id)] == 1
    assert events(room["b"]) == []


def test_idempotent_resend(room, questions):
    payload = answer_payload(questions["choice"], 1)
    first = room["a"].emit("answer", payload, callback=True)
    room["console"].get_received()
    again = room["a"].emit("answer", {**payload, "value": 2}, callback=True)
    assert again == first
    assert db.session.scalar(select(Answer.value)) == 1
    assert events(room["console"]) == []
    assert count(Answer) == 1


def test_new_answer_replaces_the_old_one(room, questions):
    room["a"].emit("answer", answer_payload(questions["choice"], 1, "client-0001"), callback=True)
    ack = room["a"].emit(
        "answer", answer_payload(questions["choice"], 2, "client-0002"), callback=True
    )
    assert ack["ok"]
    assert ack["answer"]["value"] == 2
    assert count(Answer) == 1
    assert db.session.scalar(select(Answer.client_id)) == "client-0002"


def test_closed_set_refuses_answers(room, questions, qset):
    qset.state = SetState.CLOSED
    db.session.commit()
    ack = room["a"].emit("answer", answer_payload(questions["choice"], 1), callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "set_not_open"
    assert count(Answer) == 0


def test_resend_after_close_returns_the_stored_answer(room, questions, qset):
    payload = answer_payload(questions["choice"], 1)
    first = room["a"].emit("answer", payload, callback=True)
    qset.state = SetState.CLOSED
    db.session.commit()
    assert room["a"].emit("answer", payload, callback=True) == first


BAD_ANSWERS = [
    # (question kind, payload changes, expected code)
    ("choice", {"value": 3}, "bad_value"),
    ("choice", {"value": "1"}, "bad_value"),
    ("choice", {"value": True}, "bad_value"),
    ("choice", {"value": 1, "text": "un avis"}, "comment_not_allowed"),
    ("yesno", {"value": "maybe"}, "bad_value"),
    ("open", {"value": None, "text": None}, "text_required"),
    ("open", {"value": None, "text": "   "}, "text_required"),
    ("open", {"value": 1, "text": "avis"}, "bad_value"),
    ("open", {"value": None, "text": "x" * 1001}, "text_too_long"),
    ("open", {"value": None, "text": "<b>gras</b>"}, "html_not_allowed"),
    ("open", {"value": None, "text": "voir <!-- -->"}, "html_not_allowed"),
    ("choice", {"question_id": 999_999}, "unknown_question"),
    ("choice", {"question_id": "1"}, "bad_payload"),
    ("choice", {"client_id": "short"}, "bad_payload"),
    ("choice", {"client_id": "no spaces here"}, "bad_payload"),
    ("choice", {"extra": 1}, "bad_payload"),
    ("choice", {"text": 5}, "bad_payload"),
]


@pytest.mark.parametrize(("kind", "changes", "code"), BAD_ANSWERS)
def test_bad_answers_are_refused(room, questions, kind, changes, code):
    payload = {**answer_payload(questions[kind], 0), **changes}
    ack = room["a"].emit("answer", payload, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == code
    assert ack["error"]["message"]
    assert count(Answer) == 0
    for other in ("console", "screen", "b"):
        assert events(room[other]) == []
    assert events(room["a"]) == []


@pytest.mark.parametrize("payload", [None, [], "answer", 3])
def test_non_object_payload_is_refused(room, payload):
    ack = room["a"].emit("answer", payload, callback=True)
    assert ack["error"]["code"] == "bad_payload"


def test_question_of_another_session_is_unknown(room):
    other = builders.gen_session(title="Autre")
    other_q = other.question_sets[0].questions[0]
    other.question_sets[0].state = SetState.OPEN
    db.session.commit()
    ack = room["a"].emit("answer", answer_payload(other_q, 0), callback=True)
    assert ack["error"]["code"] == "unknown_question"
    assert count(Answer) == 0


# --- comments, upvotes, moderation --------------------------------------------------------------


def _comment(room, questions, text="Plus de confiance"):
    ack = room["a"].emit(
        "answer", answer_payload(questions["open"], None, text=text), callback=True
    )
    assert ack["ok"]
    for sock in room.values():
        sock.get_received()
    return db.session.scalar(select(Answer.id).where(Answer.text.is_not(None)))


def changed(client):
    """The comments of every ``comments`` event received, in order."""
    return [c for e in events(client, "comments") for c in e["args"][0]["changed"]]


def removed(client):
    return [c for e in events(client, "comments") for c in e["args"][0]["removed"]]


def test_comment_is_broadcast(room, questions):
    room["a"].emit(
        "answer", answer_payload(questions["open"], None, text="Confiance"), callback=True
    )
    [phone_event] = events(room["b"], "comments")
    [comment] = phone_event["args"][0]["changed"]
    assert phone_event["args"][0]["removed"] == []
    assert comment["text"] == "Confiance"
    assert "hidden" not in comment
    assert "mine" not in comment
    [console_event] = events(room["console"], "comments")
    assert console_event["args"][0]["changed"][0]["hidden"] is False
    assert changed(room["screen"])[0]["text"] == "Confiance"
    assert not events(room["b"], "comment")


def test_answer_without_text_sends_no_comments(room, questions):
    ack = room["a"].emit("answer", answer_payload(questions["yesno"], "yes"), callback=True)
    assert ack["ok"]
    assert events(room["b"], "comments") == []
    assert events(room["console"], "comments") == []


def test_text_removed_by_its_author(room, qset):
    question = builders.gen_question(qset, "choice", allow_comment=True)
    db.session.commit()
    payload = answer_payload(question, 0, "client-0001", "Mon avis")
    assert room["a"].emit("answer", payload, callback=True)["ok"]
    [comment] = changed(room["b"])
    payload = answer_payload(question, 1, "client-0002", None)
    assert room["a"].emit("answer", payload, callback=True)["ok"]
    gone = {"id": comment["id"], "question_id": question.id}
    [event] = events(room["b"], "comments")
    assert event["args"][0] == {"changed": [], "removed": [gone]}
    assert removed(room["screen"])[-1] == gone
    assert removed(room["console"])[-1] == gone
    # Changing only the value sends nothing about comments.
    payload = answer_payload(question, 0, "client-0003", None)
    assert room["a"].emit("answer", payload, callback=True)["ok"]
    assert events(room["b"], "comments") == []


def test_upvote_toggle(room, questions):
    comment_id = _comment(room, questions)
    ack = room["b"].emit("upvote", {"answer_id": comment_id, "up": True}, callback=True)
    assert ack == {"ok": True, "answer_id": comment_id, "up": True, "upvotes": 1}
    assert changed(room["a"])[-1]["upvotes"] == 1
    again = room["b"].emit("upvote", {"answer_id": comment_id, "up": True}, callback=True)
    assert again["upvotes"] == 1
    assert count(Upvote) == 1
    assert events(room["a"]) == []
    down = room["b"].emit("upvote", {"answer_id": comment_id, "up": False}, callback=True)
    assert down["upvotes"] == 0
    assert count(Upvote) == 0


def test_own_comment_cannot_be_upvoted(room, questions):
    comment_id = _comment(room, questions)
    ack = room["a"].emit("upvote", {"answer_id": comment_id, "up": True}, callback=True)
    assert ack["error"]["code"] == "own_comment"
    assert count(Upvote) == 0
    assert events(room["b"]) == []
    assert events(room["console"]) == []


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"answer_id": 999_999, "up": True}, "unknown_answer"),
        ({"answer_id": "1", "up": True}, "bad_payload"),
        ({"answer_id": 1, "up": 1}, "bad_payload"),
        ({"answer_id": 1}, "bad_payload"),
    ],
)
def test_bad_upvotes(room, questions, payload, code):
    _comment(room, questions)
    assert room["b"].emit("upvote", payload, callback=True)["error"]["code"] == code
    assert count(Upvote) == 0


def test_edited_comment_loses_its_upvotes(room, questions):
    comment_id = _comment(room, questions)
    room["b"].emit("upvote", {"answer_id": comment_id, "up": True}, callback=True)
    room["a"].emit(
        "answer",
        answer_payload(questions["open"], None, "client-0002", "Autre avis"),
        callback=True,
    )
    assert count(Upvote) == 0


def test_moderation_hides_and_highlights(room, questions):
    comment_id = _comment(room, questions)
    ack = room["console"].emit(
        "comment_moderate", {"answer_id": comment_id, "hidden": True}, callback=True
    )
    assert ack["ok"]
    assert ack["comment"]["hidden"] is True
    [phone_event] = events(room["b"], "comments")
    assert phone_event["args"][0] == {
        "changed": [],
        "removed": [{"id": comment_id, "question_id": questions["open"].id}],
    }
    assert removed(room["screen"]) == [{"id": comment_id, "question_id": questions["open"].id}]
    # The console keeps hidden comments, with "hidden".
    [console_comment] = changed(room["console"])
    assert console_comment["hidden"] is True
    assert removed(room["console"]) == []
    assert (
        room["b"].emit("upvote", {"answer_id": comment_id, "up": True}, callback=True)["error"][
            "code"
        ]
        == "unknown_answer"
    )
    ack = room["console"].emit(
        "comment_moderate",
        {"answer_id": comment_id, "hidden": False, "highlighted": True},
        callback=True,
    )
    assert ack["comment"]["highlighted"] is True
    assert changed(room["b"])[-1]["highlighted"] is True


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"answer_id": 999_999, "hidden": True}, "unknown_answer"),
        ({"answer_id": 1}, "bad_payload"),
        ({"answer_id": 1, "hidden": "yes"}, "bad_payload"),
    ],
)
def test_bad_moderation(room, payload, code):
    assert room["console"].emit("comment_moderate", payload, callback=True)["error"]["code"] == code


# --- profile ------------------------------------------------------------------------------------


def test_profile(room):
    ack = room["a"].emit("profile", {"pseudonym": " Marie ", "group": "public"}, callback=True)
    assert ack == {"ok": True, "participant": {"pseudonym": "Marie", "group": "public"}}


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"pseudonym": "x" * 41, "group": None}, "text_too_long"),
        ({"pseudonym": "<script>", "group": None}, "html_not_allowed"),
        ({"pseudonym": "Marie", "group": "martians"}, "unknown_group"),
        ({"pseudonym": "Marie"}, "bad_payload"),
        ({"pseudonym": 3, "group": None}, "bad_payload"),
    ],
)
def test_bad_profiles(room, payload, code):
    assert room["a"].emit("profile", payload, callback=True)["error"]["code"] == code
    assert db.session.scalar(select(func.count()).where(Participant.pseudonym != "")) == 0


def test_group_of_another_session_is_unknown(room):
    from workshop.models import StakeholderGroup

    other = builders.gen_session(title="Autre", with_sets=False)
    other.stakeholder_groups.append(StakeholderGroup(key="elus", label="Élus", position=9))
    db.session.commit()
    ack = room["a"].emit("profile", {"pseudonym": None, "group": "elus"}, callback=True)
    assert ack["error"]["code"] == "unknown_group"


# --- console ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("set_open", {"set_id": 1}),
        ("set_close", {"set_id": 1}),
        ("set_reveal", {"set_id": 1, "revealed": True}),
        ("agenda_next", {}),
        ("agenda_goto", {"position": 0}),
        ("comment_moderate", {"answer_id": 1, "hidden": True}),
    ],
)
@pytest.mark.parametrize("role", ["participant", "screen"])
def test_console_events_are_forbidden_to_others(sockets, session, qset, event, payload, role):
    sock = sockets(session.code, role)
    sock.get_received()
    ack = sock.emit(event, payload, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "forbidden"
    db.session.refresh(qset)
    assert qset.state is SetState.READY
    assert session.current_position is None


def test_participant_events_are_forbidden_to_the_console(console, questions):
    ack = console.emit("answer", answer_payload(questions["choice"], 0), callback=True)
    assert ack["error"]["code"] == "forbidden"


def test_set_open_close_reveal(sockets, session, qset, console):
    phone = sockets(session.code)
    phone.get_received()
    second = builders.gen_question_set(session, kinds=("scale",))
    ack = console.emit("set_open", {"set_id": qset.id}, callback=True)
    assert ack["ok"]
    assert ack["set"]["state"] == "open"
    assert events(phone, "question_set")[-1]["args"][0]["id"] == qset.id
    ack = console.emit("set_open", {"set_id": second.id}, callback=True)
    assert ack["set"]["state"] == "open"
    pushed = [e["args"][0] for e in events(phone, "question_set")]
    assert {(s["id"], s["state"]) for s in pushed} == {(qset.id, "closed"), (second.id, "open")}
    assert db.session.scalar(select(func.count()).where(QuestionSet.state == SetState.OPEN)) == 1
    ack = console.emit("set_reveal", {"set_id": second.id, "revealed": True}, callback=True)
    assert ack["set"]["revealed"] is True
    ack = console.emit("set_close", {"set_id": second.id}, callback=True)
    assert ack["set"]["state"] == "closed"
    assert events(phone, "question_set")[-1]["args"][0]["state"] == "closed"


def test_reveal_pushes_results_to_the_screen(sockets, session, qset, console):
    screen = sockets(session.code, "screen")
    screen.get_received()
    console.emit("set_reveal", {"set_id": qset.id, "revealed": True}, callback=True)
    assert events(screen, "results")[-1]["args"][0]["set_id"] == qset.id


@pytest.mark.parametrize(
    ("event", "payload", "code"),
    [
        ("set_open", {"set_id": 999_999}, "unknown_set"),
        ("set_open", {"set_id": "1"}, "bad_payload"),
        ("set_open", {"set_id": 1, "force": True}, "bad_payload"),
        ("set_reveal", {"set_id": 1}, "bad_payload"),
        ("agenda_goto", {"position": 99}, "unknown_item"),
        ("agenda_goto", {"position": 1.5}, "bad_payload"),
        ("agenda_next", {"go": 1}, "bad_payload"),
    ],
)
def test_bad_console_events(sockets, session, console, event, payload, code):
    phone = sockets(session.code)
    phone.get_received()
    assert console.emit(event, payload, callback=True)["error"]["code"] == code
    assert events(phone) == []


def test_set_of_another_session_is_unknown(console):
    other = builders.gen_session(title="Autre")
    ack = console.emit("set_open", {"set_id": other.question_sets[0].id}, callback=True)
    assert ack["error"]["code"] == "unknown_set"
    assert other.question_sets[0].state is SetState.READY


def test_agenda(sockets, session, console):
    phone = sockets(session.code)
    phone.get_received()
    ack = console.emit("agenda_next", {}, callback=True)
    assert ack["agenda"]["current"] == 0
    assert ack["agenda"]["started_at"]
    assert events(phone, "agenda")[-1]["args"][0] == ack["agenda"]
    ack = console.emit("agenda_goto", {"position": 2}, callback=True)
    items = ack["agenda"]["items"]
    assert ack["agenda"]["current"] == 2
    assert items[0]["ended_at"]
    assert items[2]["started_at"]
    assert items[2]["ended_at"] is None
    ack = console.emit("agenda_next", {}, callback=True)
    assert ack["agenda"]["current"] is None
    db.session.refresh(session)
    assert session.status.value == "ended"


def test_rate_limit(room, questions):
    acks = [
        room["a"].emit("profile", {"pseudonym": f"p{i}", "group": None}, callback=True)
        for i in range(25)
    ]
    codes = [a["ok"] or a["error"]["code"] for a in acks]
    assert "rate_limited" in codes
    assert codes[:20] == [True] * 20


# --- coalescing ---------------------------------------------------------------------------------


def test_results_are_coalesced(app, room, questions, qset):
    # Long enough that both answers fall in one window on a slow machine (0.05 s did not).
    app.config["RESULTS_PUSH_INTERVAL"] = 1.0
    try:
        for i, kind in enumerate(("choice", "yesno")):
            value = 0 if kind == "choice" else "no"
            payload = answer_payload(questions[kind], value, f"client-{i:04d}")
            assert room["b"].emit("answer", payload, callback=True)["ok"]
        live.state().results.join(timeout=5)
    finally:
        app.config["RESULTS_PUSH_INTERVAL"] = 0
    received = room["console"].get_received()
    results = [e["args"][0] for e in received if e["name"] == "results"]
    assert len(results) == 1
    assert results[0]["set_id"] == qset.id
    assert results[0]["respondents"] == 1
    assert len([e for e in received if e["name"] == "counters"]) == 1


# --- batched comments ---------------------------------------------------------------------------


def _batched(app, interval=0.05):
    """Comments pushed by the background pusher every ``interval`` seconds."""
    app.config["COMMENTS_PUSH_INTERVAL"] = interval


def _wait_comments():
    live.state().comments.join(timeout=5)


def test_comments_within_one_interval_are_one_event(app, room, questions, qset):
    question = builders.gen_question(qset, "choice", allow_comment=True)
    db.session.commit()
    _batched(app, 0.3)
    try:
        for i, sock in enumerate((room["a"], room["b"])):
            payload = answer_payload(question, 0, f"client-{i:04d}", f"Avis {i}")
            assert sock.emit("answer", payload, callback=True)["ok"]
        _wait_comments()
    finally:
        app.config["COMMENTS_PUSH_INTERVAL"] = 0
    for name in ("a", "b", "screen", "console"):
        [event] = events(room[name], "comments")
        texts = sorted(c["text"] for c in event["args"][0]["changed"])
        assert texts == ["Avis 0", "Avis 1"], name


def test_batch_sends_the_state_at_push_time(app, room, questions, qset):
    """A comment added then hidden within one interval: phones hear it removed, never its text;
    the console gets it once, hidden."""
    _batched(app, 0.3)
    try:
        payload = answer_payload(questions["open"], None, "client-0001", "Hors sujet")
        assert room["a"].emit("answer", payload, callback=True)["ok"]
        comment_id = db.session.scalar(select(Answer.id).where(Answer.text.is_not(None)))
        ack = room["console"].emit(
            "comment_moderate", {"answer_id": comment_id, "hidden": True}, callback=True
        )
        assert ack["comment"]["hidden"] is True  # the ack is immediate
        _wait_comments()
    finally:
        app.config["COMMENTS_PUSH_INTERVAL"] = 0
    gone = {"id": comment_id, "question_id": questions["open"].id}
    for name in ("a", "b", "screen"):
        [event] = events(room[name], "comments")
        assert event["args"][0] == {"changed": [], "removed": [gone]}, name
    [event] = events(room["console"], "comments")
    [comment] = event["args"][0]["changed"]
    assert comment["hidden"] is True
    assert comment["text"] == "Hors sujet"
    assert event["args"][0]["removed"] == []


def test_answer_ack_and_answer_saved_are_not_batched(app, sockets, session, room, questions):
    tab1 = sockets(session.code)
    [snap] = events(tab1, "snapshot")
    tab2 = sockets(session.code, token=snap["args"][0]["token"])
    tab2.get_received()
    _batched(app, 0.3)
    try:
        payload = answer_payload(questions["open"], None, "client-0001", "Vite")
        assert tab1.emit("answer", payload, callback=True)["ok"]
        # Before the push: the author's other tab already has its answer, the room not yet.
        [saved] = events(tab2, "answer_saved")
        assert saved["args"][0]["text"] == "Vite"
        assert events(room["b"], "comments") == []
        _wait_comments()
    finally:
        app.config["COMMENTS_PUSH_INTERVAL"] = 0
    assert changed(room["b"])[0]["text"] == "Vite"


def test_batch_is_bounded(app, room, qset, monkeypatch):
    """Over COMMENTS_BATCH_MAX changed comments: the top ones (highlighted, then upvoted) first,
    the rest in the next push."""
    monkeypatch.setattr(live.publish, "COMMENTS_BATCH_MAX", 2)
    question = builders.gen_question(qset, "choice", allow_comment=True)
    db.session.commit()
    ids = []
    for i in range(5):
        answer = Answer(
            participant_id=_participant(qset.session, i),
            question_id=question.id,
            client_id=f"client-b{i:03d}",
            value=0,
            text=f"Avis {i}",
            highlighted=i == 3,
        )
        db.session.add(answer)
        db.session.flush()
        ids.append(answer.id)
    db.session.add(Upvote(participant_id=_participant(qset.session, 99), answer_id=ids[4]))
    db.session.commit()
    dirty = {answer_id: question.id for answer_id in ids}
    later = publish.push_comments(qset.session.id, dirty)
    [event] = events(room["b"], "comments")
    sent = [c["id"] for c in event["args"][0]["changed"]]
    assert sent == [ids[3], ids[4]]  # highlighted, then the most upvoted
    assert later == {ids[0]: question.id, ids[1]: question.id, ids[2]: question.id}
    # The background pusher sends the rest in later pushes, COMMENTS_BATCH_MAX at a time.
    _batched(app, 0.02)
    try:
        for answer_id in ids[:3]:
            live.state().comments.mark(qset.session.id, answer_id, question.id)
        _wait_comments()
    finally:
        app.config["COMMENTS_PUSH_INTERVAL"] = 0
    batches = [[c["id"] for c in e["args"][0]["changed"]] for e in events(room["b"], "comments")]
    assert batches == [[ids[0], ids[1]], [ids[2]]]


def _participant(session, i):
    participant = Participant(session_id=session.id, token=f"bench-token-{i}", pseudonym=f"p{i}")
    db.session.add(participant)
    db.session.flush()
    return participant.id
