"""The room endorses conclusions: ``conclusion_put``, ``conclusion_close``,
``conclusion_reveal``, ``endorse`` and the ``conclusion`` broadcasts, through Flask-SocketIO's
test client (real SQLite, no mocks)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import builders
from workshop.extensions import db
from workshop.models import Conclusion, Endorsement
from workshop.models.enums import VoteState
from workshop.services import conclusions as conclusion_service
from workshop.services import live

pytestmark = pytest.mark.usefixtures("push_at_once")


@pytest.fixture
def conclusion(session, qset):
    return conclusion_service.save_conclusion(
        session, text="Associer les communes dès le départ.", question_set_id=qset.id
    )


@pytest.fixture
def other(session):
    return conclusion_service.save_conclusion(session, text="Un partenariat se contractualise.")


@pytest.fixture
def sockets(sockets):
    """The folder's ``sockets``, and every connection must be accepted."""

    def open_connected(*args, **kwargs):
        client = sockets(*args, **kwargs)
        assert client.is_connected()
        return client

    return open_connected


@pytest.fixture
def room(sockets, session, console, conclusion):
    """A console, a screen and two phones (snapshots consumed)."""
    screen = sockets(session.code, "screen")
    phone_a = sockets(session.code)
    phone_b = sockets(session.code)
    for sock in (screen, phone_a, phone_b, console):
        sock.get_received()
    return {"console": console, "screen": screen, "a": phone_a, "b": phone_b}


def events(client, name=None):
    return [e["args"][0] for e in client.get_received() if name is None or e["name"] == name]


def snapshot_of(client):
    snaps = events(client, "snapshot")
    assert len(snaps) == 1
    return snaps[0]


def put(console, conclusion_id):
    ack = console.emit("conclusion_put", {"conclusion_id": conclusion_id}, callback=True)
    assert ack["ok"], ack
    return ack["conclusion"]


def endorse(phone, conclusion_id, choice="agree", amendment=None, client_id="endorse-0001"):
    payload = {
        "client_id": client_id,
        "conclusion_id": conclusion_id,
        "choice": choice,
        "amendment": amendment,
    }
    return phone.emit("endorse", payload, callback=True)


def count_endorsements():
    return db.session.scalar(select(func.count(Endorsement.id)))


def counts(tally):
    return {o["key"]: o["count"] for o in tally["options"]}


# --- console events -----------------------------------------------------------------------------


def test_put_broadcasts_to_the_session(room, conclusion, qset):
    view = put(room["console"], conclusion.id)
    assert view["vote_state"] == "open"
    assert view["set_id"] == qset.id
    assert view["set_title"] == qset.title
    assert view["tally"]["total"] == 0
    for phone in (room["a"], room["b"]):
        (pushed,) = events(phone, "conclusion")
        assert pushed == {
            "id": conclusion.id,
            "text": "Associer les communes dès le départ.",
            "set_id": qset.id,
            "set_title": qset.title,
            "vote_state": "open",
            "revealed": False,
        }
    (on_screen,) = events(room["screen"], "conclusion")
    assert "tally" not in on_screen
    (on_console,) = events(room["console"], "conclusion")
    assert on_console["tally"]["amendment_texts"] == []
    db.session.refresh(conclusion)
    assert conclusion.vote_state is VoteState.OPEN


def test_put_closes_the_other_open_vote(room, conclusion, other):
    put(room["console"], conclusion.id)
    room["a"].get_received()
    view = put(room["console"], other.id)
    assert view["set_id"] is None
    assert view["set_title"] is None
    pushed = {(c["id"], c["vote_state"]) for c in events(room["a"], "conclusion")}
    assert pushed == {(conclusion.id, "closed"), (other.id, "open")}
    open_votes = select(func.count()).where(Conclusion.vote_state == VoteState.OPEN)
    assert db.session.scalar(open_votes) == 1


def test_put_again_changes_nothing_and_broadcasts_nothing(room, conclusion):
    put(room["console"], conclusion.id)
    room["a"].get_received()
    assert put(room["console"], conclusion.id)["vote_state"] == "open"
    assert events(room["a"], "conclusion") == []


def test_close_vote(room, conclusion):
    put(room["console"], conclusion.id)
    room["a"].get_received()
    ack = room["console"].emit("conclusion_close", {"conclusion_id": conclusion.id}, callback=True)
    assert ack["conclusion"]["vote_state"] == "closed"
    assert [c["vote_state"] for c in events(room["a"], "conclusion")] == ["closed"]
    payload = {"conclusion_id": conclusion.id}
    again = room["console"].emit("conclusion_close", payload, callback=True)
    assert again["ok"]
    assert events(room["a"], "conclusion") == []
    assert endorse(room["b"], conclusion.id)["error"]["code"] == "vote_not_open"


def test_reveal_sends_the_tally_to_the_screen_only(room, conclusion):
    put(room["console"], conclusion.id)
    assert endorse(room["a"], conclusion.id, "amend", "Et les CPAS aussi.")["ok"]
    assert endorse(room["b"], conclusion.id, "agree", client_id="endorse-0002")["ok"]
    for sock in room.values():
        sock.get_received()
    ack = room["console"].emit(
        "conclusion_reveal", {"conclusion_id": conclusion.id, "revealed": True}, callback=True
    )
    assert ack["conclusion"]["revealed"] is True
    (on_screen,) = events(room["screen"], "conclusion")
    assert on_screen["revealed"] is True
    assert on_screen["tally"] == {
        "total": 2,
        "options": [
            {"key": "agree", "count": 1, "percent": 50.0},
            {"key": "amend", "count": 1, "percent": 50.0},
            {"key": "disagree", "count": 0, "percent": 0.0},
        ],
        "amendments": 1,
    }
    (on_phone,) = events(room["a"], "conclusion")
    assert "tally" not in on_phone
    assert on_phone["revealed"] is True
    (on_console,) = events(room["console"], "conclusion")
    assert on_console["tally"]["amendment_texts"] == ["Et les CPAS aussi."]
    # Hiding it: the screen gets the conclusion without tally.
    room["console"].emit(
        "conclusion_reveal", {"conclusion_id": conclusion.id, "revealed": False}, callback=True
    )
    (hidden,) = events(room["screen"], "conclusion")
    assert hidden["revealed"] is False
    assert "tally" not in hidden


def test_revealing_one_hides_the_other(room, conclusion, other):
    room["screen"].get_received()  # ``other`` was published when it was written
    for c in (conclusion, other):
        ack = room["console"].emit(
            "conclusion_reveal", {"conclusion_id": c.id, "revealed": True}, callback=True
        )
        assert ack["ok"]
    db.session.refresh(conclusion)
    assert conclusion.revealed is False
    pushed = [(c["id"], c["revealed"]) for c in events(room["screen"], "conclusion")]
    assert pushed == [(conclusion.id, True), (conclusion.id, False), (other.id, True)]


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("conclusion_put", {"conclusion_id": 1}),
        ("conclusion_close", {"conclusion_id": 1}),
        ("conclusion_reveal", {"conclusion_id": 1, "revealed": True}),
    ],
)
@pytest.mark.parametrize("role", ["participant", "screen"])
def test_console_events_are_forbidden_to_others(sockets, session, conclusion, event, payload, role):
    sock = sockets(session.code, role)
    sock.get_received()
    payload = {**payload, "conclusion_id": conclusion.id}
    ack = sock.emit(event, payload, callback=True)
    assert ack["error"]["code"] == "forbidden"
    db.session.refresh(conclusion)
    assert conclusion.vote_state is VoteState.NONE
    assert conclusion.revealed is False


def test_endorse_is_forbidden_to_the_console_and_screen(sockets, session, console, conclusion):
    put(console, conclusion.id)
    screen = sockets(session.code, "screen")
    for sock in (console, screen):
        assert endorse(sock, conclusion.id)["error"]["code"] == "forbidden"
    assert count_endorsements() == 0


@pytest.mark.parametrize(
    ("event", "payload", "code"),
    [
        ("conclusion_put", {"conclusion_id": 999_999}, "unknown_conclusion"),
        ("conclusion_put", {"conclusion_id": "1"}, "bad_payload"),
        ("conclusion_put", {"conclusion_id": True}, "bad_payload"),
        ("conclusion_put", {}, "bad_payload"),
        ("conclusion_put", {"conclusion_id": 1, "force": True}, "bad_payload"),
        ("conclusion_close", {"conclusion_id": 999_999}, "unknown_conclusion"),
        ("conclusion_reveal", {"conclusion_id": 1}, "bad_payload"),
        ("conclusion_reveal", {"conclusion_id": 1, "revealed": 1}, "bad_payload"),
        ("conclusion_reveal", {"conclusion_id": 999_999, "revealed": True}, "unknown_conclusion"),
        ("conclusion_put", [1], "bad_payload"),
    ],
)
def test_bad_console_events(room, event, payload, code):
    assert room["console"].emit(event, payload, callback=True)["error"]["code"] == code
    assert events(room["a"]) == []


def test_conclusion_of_another_session_is_unknown(console):
    elsewhere = builders.gen_session(title="Autre")
    foreign = conclusion_service.save_conclusion(elsewhere, text="Ailleurs.")
    ack = console.emit("conclusion_put", {"conclusion_id": foreign.id}, callback=True)
    assert ack["error"]["code"] == "unknown_conclusion"
    db.session.refresh(foreign)
    assert foreign.vote_state is VoteState.NONE


# --- endorsing ----------------------------------------------------------------------------------


def test_endorse_is_stored_acked_and_tallied_on_the_console(room, conclusion):
    put(room["console"], conclusion.id)
    for sock in room.values():
        sock.get_received()
    ack = endorse(room["a"], conclusion.id, "disagree")
    assert ack["ok"]
    assert ack["endorsement"]["conclusion_id"] == conclusion.id
    assert ack["endorsement"]["client_id"] == "endorse-0001"
    assert ack["endorsement"]["choice"] == "disagree"
    assert ack["endorsement"]["amendment"] is None
    assert ack["endorsement"]["updated_at"]
    (tallied,) = events(room["console"], "conclusion")
    assert counts(tallied["tally"]) == {"agree": 0, "amend": 0, "disagree": 1}
    # Not revealed: the screen and the other phones hear nothing.
    assert events(room["screen"], "conclusion") == []
    assert events(room["b"]) == []


def test_endorse_pushes_the_tally_to_the_screen_while_revealed(room, conclusion):
    put(room["console"], conclusion.id)
    room["console"].emit(
        "conclusion_reveal", {"conclusion_id": conclusion.id, "revealed": True}, callback=True
    )
    room["screen"].get_received()
    assert endorse(room["a"], conclusion.id, "agree")["ok"]
    (pushed,) = events(room["screen"], "conclusion")
    assert pushed["tally"]["total"] == 1
    assert "amendment_texts" not in pushed["tally"]


def test_endorse_is_idempotent_on_client_id(room, conclusion):
    put(room["console"], conclusion.id)
    first = endorse(room["a"], conclusion.id, "amend", "Préciser le calendrier.")
    room["console"].get_received()
    again = endorse(room["a"], conclusion.id, "agree")  # same client_id: the stored one
    assert again == first
    assert events(room["console"]) == []
    # Even once the vote is closed (a resend after a lost ack).
    room["console"].emit("conclusion_close", {"conclusion_id": conclusion.id}, callback=True)
    assert endorse(room["a"], conclusion.id, "amend", "Préciser le calendrier.") == first
    assert count_endorsements() == 1


def test_a_new_endorsement_replaces_the_old_one(room, conclusion):
    put(room["console"], conclusion.id)
    endorse(room["a"], conclusion.id, "agree")
    ack = endorse(room["a"], conclusion.id, "amend", "Ajouter les associations.", "endorse-0002")
    assert ack["endorsement"]["choice"] == "amend"
    assert count_endorsements() == 1
    tally = conclusion_service.tally_view(conclusion, with_texts=True)
    assert counts(tally) == {"agree": 0, "amend": 1, "disagree": 0}
    assert tally["amendment_texts"] == ["Ajouter les associations."]


def test_other_tabs_hear_the_endorsement(sockets, session, console, conclusion):
    put(console, conclusion.id)
    tab1 = sockets(session.code)
    token = snapshot_of(tab1)["token"]
    tab2 = sockets(session.code, token=token)
    tab2.get_received()
    ack = endorse(tab1, conclusion.id, "agree")
    assert events(tab1, "endorsement_saved") == []
    assert events(tab2, "endorsement_saved") == [ack["endorsement"]]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"choice": "maybe"}, "bad_value"),
        ({"choice": 1}, "bad_payload"),
        ({"choice": "amend", "amendment": None}, "text_required"),
        ({"choice": "amend", "amendment": "   "}, "text_required"),
        ({"choice": "amend", "amendment": "x" * 1001}, "text_too_long"),
        ({"choice": "amend", "amendment": "<b>non</b>"}, "html_not_allowed"),
        ({"choice": "agree", "amendment": "Pourquoi pas"}, "comment_not_allowed"),
        ({"amendment": 3}, "bad_payload"),
        ({"client_id": "short"}, "bad_payload"),
        ({"conclusion_id": "1"}, "bad_payload"),
        ({"conclusion_id": 999_999}, "unknown_conclusion"),
        ({"extra": True}, "bad_payload"),
    ],
)
def test_bad_endorsements_are_refused(room, conclusion, changes, code):
    put(room["console"], conclusion.id)
    room["console"].get_received()
    payload = {
        "client_id": "endorse-0001",
        "conclusion_id": conclusion.id,
        "choice": "agree",
        "amendment": None,
        **changes,
    }
    ack = room["a"].emit("endorse", payload, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == code
    assert count_endorsements() == 0
    assert events(room["console"]) == []


def test_amendment_field_is_required_in_the_payload(room, conclusion):
    put(room["console"], conclusion.id)
    payload = {"client_id": "endorse-0001", "conclusion_id": conclusion.id, "choice": "agree"}
    ack = room["a"].emit("endorse", payload, callback=True)
    assert ack["error"] == {
        "code": "bad_payload",
        "message": ack["error"]["message"],
        "details": {"field": "amendment"},
    }


def test_amendment_at_the_limit_is_accepted_and_trimmed(room, conclusion):
    put(room["console"], conclusion.id)
    ack = endorse(room["a"], conclusion.id, "amend", "  " + "é" * 1000 + " ")
    assert ack["ok"]
    assert ack["endorsement"]["amendment"] == "é" * 1000


def test_endorse_refused_when_not_put_to_the_room(room, conclusion):
    assert endorse(room["a"], conclusion.id)["error"]["code"] == "vote_not_open"
    assert count_endorsements() == 0


def test_tallies_are_coalesced(app, room, conclusion):
    put(room["console"], conclusion.id)
    room["console"].get_received()
    app.config["RESULTS_PUSH_INTERVAL"] = 0.05
    try:
        assert endorse(room["a"], conclusion.id, "agree")["ok"]
        assert endorse(room["b"], conclusion.id, "disagree", client_id="endorse-0002")["ok"]
        live.state().tallies.join(timeout=5)
    finally:
        app.config["RESULTS_PUSH_INTERVAL"] = 0
    pushed = events(room["console"], "conclusion")
    assert len(pushed) == 1
    assert counts(pushed[0]["tally"]) == {"agree": 1, "amend": 0, "disagree": 1}


# --- snapshots ----------------------------------------------------------------------------------


def test_snapshots_without_conclusions_put_to_the_room(sockets, session, console, conclusion):
    phone = snapshot_of(sockets(session.code))
    assert phone["conclusion"] is None
    assert phone["endorsement"] is None
    assert snapshot_of(sockets(session.code, "screen"))["conclusion"] is None
    again = sockets(session.code, "console", flask_client=console.flask_test_client)
    (listed,) = snapshot_of(again)["conclusions"]
    assert listed["id"] == conclusion.id
    assert listed["vote_state"] == "none"
    assert listed["tally"]["total"] == 0


def test_phone_snapshot_has_the_open_conclusion_and_its_endorsement(
    sockets, session, console, conclusion
):
    put(console, conclusion.id)
    phone = sockets(session.code)
    token = snapshot_of(phone)["token"]
    ack = endorse(phone, conclusion.id, "amend", "Inclure les CPAS.")
    phone.disconnect()
    snap = snapshot_of(sockets(session.code, token=token))
    assert snap["conclusion"]["id"] == conclusion.id
    assert snap["conclusion"]["vote_state"] == "open"
    assert "tally" not in snap["conclusion"]
    assert snap["endorsement"] == ack["endorsement"]
    # Another phone has not endorsed it yet.
    assert snapshot_of(sockets(session.code))["endorsement"] is None


def test_phone_snapshot_keeps_the_last_conclusion_put_once_its_vote_closed(
    sockets, session, console, conclusion, other
):
    """A connected phone goes on showing a conclusion whose vote closed (phone.js); one that
    reloads, or joins then, shows the same, with its own endorsement."""
    put(console, conclusion.id)
    phone = sockets(session.code)
    token = snapshot_of(phone)["token"]
    ack = endorse(phone, conclusion.id, "agree")
    phone.disconnect()
    closed = console.emit("conclusion_close", {"conclusion_id": conclusion.id}, callback=True)
    assert closed["ok"]
    snap = snapshot_of(sockets(session.code, token=token))
    assert (snap["conclusion"]["id"], snap["conclusion"]["vote_state"]) == (conclusion.id, "closed")
    assert snap["endorsement"] == ack["endorsement"]
    newcomer = snapshot_of(sockets(session.code))
    assert newcomer["conclusion"]["id"] == conclusion.id
    assert newcomer["endorsement"] is None
    # The next one put is shown, open; once closed too, it is the last put...
    put(console, other.id)
    console.emit("conclusion_close", {"conclusion_id": other.id}, callback=True)
    assert snapshot_of(sockets(session.code))["conclusion"]["id"] == other.id
    # ...until the first is put again: its vote goes on, it is shown.
    put(console, conclusion.id)
    snap = snapshot_of(sockets(session.code, token=token))
    assert (snap["conclusion"]["id"], snap["conclusion"]["vote_state"]) == (conclusion.id, "open")
    assert snap["endorsement"] == ack["endorsement"]


def test_screen_snapshot_has_the_tally_only_when_revealed(sockets, session, console, conclusion):
    put(console, conclusion.id)
    endorse(sockets(session.code), conclusion.id, "agree")
    shown = snapshot_of(sockets(session.code, "screen"))["conclusion"]
    assert shown["id"] == conclusion.id
    assert "tally" not in shown
    console.emit("conclusion_close", {"conclusion_id": conclusion.id}, callback=True)
    assert snapshot_of(sockets(session.code, "screen"))["conclusion"] is None
    console.emit(
        "conclusion_reveal", {"conclusion_id": conclusion.id, "revealed": True}, callback=True
    )
    shown = snapshot_of(sockets(session.code, "screen"))["conclusion"]
    assert shown["vote_state"] == "closed"
    assert counts(shown["tally"]) == {"agree": 1, "amend": 0, "disagree": 0}
    assert "amendment_texts" not in shown["tally"]


def test_console_snapshot_lists_every_conclusion_with_tallies(
    sockets, session, console, conclusion, other
):
    put(console, conclusion.id)
    endorse(sockets(session.code), conclusion.id, "amend", "Et les écoles ?")
    snap = snapshot_of(sockets(session.code, "console", flask_client=console.flask_test_client))
    listed = {c["id"]: c for c in snap["conclusions"]}
    assert list(listed) == [conclusion.id, other.id]  # the set's first, then the session's
    assert listed[conclusion.id]["tally"]["amendment_texts"] == ["Et les écoles ?"]
    assert listed[other.id]["tally"]["total"] == 0


# --- broadcasts after the commit ----------------------------------------------------------------


def test_broadcasts_happen_after_the_commit(app, room, conclusion, monkeypatch):
    """What a broadcast says is already in the database: a socket reconnecting at that moment
    would get the same state in its snapshot."""
    seen = []
    original = conclusion_service.emit

    def spy(event, data, to, skip_sid=None):
        if event == "conclusion":
            with app.app_context():
                # A fresh database session sees only committed rows.
                fresh = db.session.get(Conclusion, data["id"])
                tally = conclusion_service.tally(fresh)
                seen.append((fresh.vote_state.value, data["vote_state"], tally["total"]))
                db.session.remove()
        original(event, data, to, skip_sid=skip_sid)

    monkeypatch.setattr(conclusion_service, "emit", spy)
    put(room["console"], conclusion.id)
    endorse(room["a"], conclusion.id, "agree")
    assert seen
    assert all(stored == sent for stored, sent, _ in seen)
    assert seen[-1][2] == 1


def test_failed_write_broadcasts_nothing(room, conclusion, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(conclusion_service, "put_to_room", boom)
    ack = room["console"].emit("conclusion_put", {"conclusion_id": conclusion.id}, callback=True)
    assert ack["error"]["code"] == "internal"
    assert events(room["a"]) == []
    db.session.refresh(conclusion)
    assert conclusion.vote_state is VoteState.NONE


# --- small protocol fixes -----------------------------------------------------------------------


def test_answer_ack_and_answer_saved_carry_the_answer_id(sockets, session, qset):
    from workshop.models import Answer
    from workshop.models.enums import SetState

    qset.state = SetState.OPEN
    db.session.commit()
    open_q = next(q for q in qset.questions if q.kind.value == "open")
    tab1 = sockets(session.code)
    token = snapshot_of(tab1)["token"]
    tab2 = sockets(session.code, token=token)
    tab2.get_received()
    payload = {"client_id": "answer-0001", "question_id": open_q.id, "value": None, "text": "Oui"}
    ack = tab1.emit("answer", payload, callback=True)
    stored_id = db.session.scalar(select(Answer.id))
    assert ack["answer"]["id"] == stored_id
    (saved,) = events(tab2, "answer_saved")
    assert saved["id"] == stored_id
    (comment,) = [c for c in events(sockets(session.code, token=token), "snapshot")]
    assert comment["answers"][str(open_q.id)]["id"] == stored_id


def test_default_group_labels_are_translated(app, sockets, session):
    from flask_babel import force_locale

    from workshop.services.live.views import groups_view

    fr = snapshot_of(sockets(session.code))
    assert [g["label"] for g in fr["groups"]][:2] == ["Acteur public", "Acteur privé"]
    with app.test_request_context(), force_locale("en"):
        assert groups_view(session)[0] == {"key": "public", "label": "Public actor"}
        session.stakeholder_groups[1].label = "Entreprises"
        assert groups_view(session)[1] == {"key": "private", "label": "Entreprises"}


def test_summary_page_publishes_written_and_deleted_conclusions(room, session, qset, client):
    response = client.post(
        f"/summary/{session.code}/conclusions/new?set={qset.id}",
        data={f"set{qset.id}-text": "Une charte commune."},
    )
    assert response.status_code == 302
    written = db.session.scalar(select(Conclusion).where(Conclusion.text == "Une charte commune."))
    (listed,) = events(room["console"], "conclusion")
    assert listed["id"] == written.id
    assert listed["tally"]["total"] == 0
    response = client.post(f"/summary/{session.code}/conclusions/{written.id}/delete")
    assert response.status_code == 302
    for sock in (room["console"], room["a"], room["screen"]):
        assert events(sock, "conclusion_removed")[-1] == {"id": written.id}
