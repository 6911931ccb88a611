"""The debate's services (services/debate/): the floor's queue, turns and speaking time; the
room's questions, their supports across merges, pre-moderation and rights; the report."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from tests.summary.helpers import gen_participant
from workshop.extensions import db
from workshop.models import FloorRequest, RoomQuestion
from workshop.models.enums import FloorState
from workshop.services import debate
from workshop.services.errors import ServiceError
from workshop.services.live import agenda_goto, agenda_next

pytestmark = pytest.mark.usefixtures("live_request")


def _code(excinfo) -> str:
    return excinfo.value.code


def _rewind_turn(session_id: int, seconds: float) -> None:
    """Pretend the turn under way started ``seconds`` ago."""
    db.session.expire_all()
    turn = (
        db.session.query(FloorRequest)
        .filter_by(session_id=session_id, state=FloorState.SPEAKING)
        .one()
    )
    turn.started_at -= timedelta(seconds=seconds)
    db.session.commit()


@pytest.fixture
def people(session):
    return {
        "anne": gen_participant(session, "public", "Anne"),
        "bruno": gen_participant(session, "private", "Bruno"),
        "chloe": gen_participant(session, "associative"),
        "dirk": gen_participant(session, "public", "Dirk"),
    }


# --- the floor --------------------------------------------------------------------------------


def test_requests_queue_in_order_with_their_numbers_and_groups(session, people):
    first = debate.request_floor(session.id, people["anne"].id)
    second = debate.request_floor(session.id, people["chloe"].id, "Chloé")
    assert first["place"] == 1
    assert second["place"] == 2
    view = debate.floor_view(session.id)
    assert [(r["number"], r["name"], r["group"]) for r in view["queue"]] == [
        (1, "Anne", "public"),
        (2, "Chloé", "associative"),
    ]
    assert view["speaking"] is None
    # Asking again returns the same request (a new name replaces the waiting one's).
    again = debate.request_floor(session.id, people["anne"].id, "Anne D.")
    assert again["request"]["id"] == first["request"]["id"]
    assert debate.floor_view(session.id)["queue"][0]["name"] == "Anne D."


def test_withdraw_give_end_and_speaking_time(session, people):
    agenda_goto(session.id, 2)
    a = debate.request_floor(session.id, people["anne"].id)["request"]
    b = debate.request_floor(session.id, people["bruno"].id)["request"]
    debate.request_floor(session.id, people["chloe"].id)
    assert debate.withdraw_floor(session.id, people["chloe"].id)["request"]["state"] == "withdrawn"
    assert debate.withdraw_floor(session.id, people["chloe"].id) == {"request": None}
    room = debate.add_to_floor(session.id, "Échevin Martin", "public")["request"]
    assert room["from_room"] is True
    assert room["group"] == "public"

    view = debate.give_floor(session.id)["floor"]  # the first of the queue
    assert view["speaking"]["id"] == a["id"]
    assert [r["id"] for r in view["queue"]] == [b["id"], room["id"]]
    _rewind_turn(session.id, 90)
    view = debate.give_floor(session.id, room["id"])["floor"]  # Anne's turn ends
    assert view["speaking"]["id"] == room["id"]
    _rewind_turn(session.id, 30)
    debate.end_turn(session.id)
    turns = {r.id: r for r in db.session.query(FloorRequest).filter_by(state=FloorState.DONE)}
    assert 89 <= turns[a["id"]].duration_s <= 92
    assert 29 <= turns[room["id"]].duration_s <= 32
    assert turns[a["id"]].agenda_item_id == session.agenda[2].id
    totals = {t["group"]: t for t in debate.floor_view(session.id)["totals"]}
    assert totals["public"]["turns"] == 2
    assert 119 <= totals["public"]["seconds"] <= 124
    assert totals["private"]["turns"] == 0
    # Ending with nobody speaking changes nothing.
    assert debate.end_turn(session.id)["floor"]["speaking"] is None


def test_moves_and_removal(session, people):
    ids = [debate.request_floor(session.id, p.id)["request"]["id"] for p in people.values()]
    debate.move_request(session.id, ids[2], "up")
    assert [r["id"] for r in debate.floor_view(session.id)["queue"]] == [
        ids[0],
        ids[2],
        ids[1],
        ids[3],
    ]
    debate.move_request(session.id, ids[0], "up")  # at the top: stays
    debate.move_request(session.id, ids[3], "down")  # at the bottom: stays
    debate.move_request(session.id, ids[0], "down")
    assert [r["id"] for r in debate.floor_view(session.id)["queue"]] == [
        ids[2],
        ids[0],
        ids[1],
        ids[3],
    ]
    debate.remove_request(session.id, ids[1])
    assert [r["id"] for r in debate.floor_view(session.id)["queue"]] == [ids[2], ids[0], ids[3]]
    with pytest.raises(ServiceError) as excinfo:
        debate.move_request(session.id, ids[1], "up")
    assert _code(excinfo) == "not_waiting"
    with pytest.raises(ServiceError) as excinfo:
        debate.remove_request(session.id, 99999)
    assert _code(excinfo) == "unknown_request"
    # A new request goes to the end of the queue, whatever the moves did.
    late = gen_participant(session, "citizen")
    new = debate.request_floor(session.id, late.id)
    assert new["place"] == 4


def test_limits_per_session_and_per_item(session, people):
    agenda_goto(session.id, 1)
    assert debate.floor_view(session.id)["limit_s"] is None
    debate.floor_settings(session.id, 120)
    assert debate.floor_view(session.id)["limit_s"] == 120
    debate.floor_settings(session.id, 60, 1)
    view = debate.floor_view(session.id)
    assert (view["limit_s"], view["default_limit_s"], view["item_limit_s"]) == (60, 120, 60)
    agenda_next(session.id)  # the next item has no limit of its own
    assert debate.floor_view(session.id)["limit_s"] == 120
    debate.floor_settings(session.id, 0, 2)  # none during this one
    assert debate.floor_view(session.id)["limit_s"] is None
    for bad in (10, 4000, -1):
        with pytest.raises(ServiceError) as excinfo:
            debate.floor_settings(session.id, bad)
        assert _code(excinfo) == "bad_payload"
    with pytest.raises(ServiceError) as excinfo:
        debate.floor_settings(session.id, 60, 42)
    assert _code(excinfo) == "unknown_item"


def test_floor_refusals(session, people):
    with pytest.raises(ServiceError) as excinfo:
        debate.give_floor(session.id)
    assert _code(excinfo) == "queue_empty"
    with pytest.raises(ServiceError) as excinfo:
        debate.add_to_floor(session.id, "  ")
    assert _code(excinfo) == "text_required"
    with pytest.raises(ServiceError) as excinfo:
        debate.add_to_floor(session.id, "Marc", "nobody")
    assert _code(excinfo) == "unknown_group"
    with pytest.raises(ServiceError) as excinfo:
        debate.request_floor(session.id, people["anne"].id, "<b>Anne</b>")
    assert _code(excinfo) == "html_not_allowed"
    with pytest.raises(ServiceError) as excinfo:
        debate.request_floor(session.id, people["anne"].id, "A" * 41)
    assert _code(excinfo) == "text_too_long"
    assert db.session.query(FloorRequest).count() == 0
    # A flood of requests and withdrawals is cut at six a minute.
    for _ in range(6):
        debate.request_floor(session.id, people["anne"].id)
        debate.withdraw_floor(session.id, people["anne"].id)
    with pytest.raises(ServiceError) as excinfo:
        debate.request_floor(session.id, people["anne"].id)
    assert _code(excinfo) == "rate_limited"


def test_the_session_ending_ends_the_turn_and_refuses_requests(session, people):
    agenda_goto(session.id, 2)
    debate.request_floor(session.id, people["anne"].id)
    debate.give_floor(session.id)
    agenda_next(session.id)  # after the last item: the session ends
    assert debate.floor_view(session.id)["speaking"] is None
    assert db.session.query(FloorRequest).one().state is FloorState.DONE
    with pytest.raises(ServiceError) as excinfo:
        debate.request_floor(session.id, people["bruno"].id)
    assert _code(excinfo) == "session_ended"


# --- questions to the speakers ----------------------------------------------------------------


def _ask(session, who, text, client_id=None, **kw):
    return debate.ask(session.id, who.id, client_id=client_id or uuid.uuid4().hex, text=text, **kw)


def test_questions_need_a_current_item_and_go_to_its_speakers(session, people):
    with pytest.raises(ServiceError) as excinfo:
        _ask(session, people["anne"], "Quel budget ?")
    assert _code(excinfo) == "no_current_item"
    session.agenda[1].speakers = list(session.speakers)
    db.session.commit()
    agenda_goto(session.id, 1)
    question = _ask(session, people["anne"], "Quel budget ?", "resend-1", speaker="s1")
    assert question["speaker"] == {"key": "s1", "name": "À compléter"}
    assert question["status"] == "visible"
    assert question["item_position"] == 1
    to_room = _ask(session, people["anne"], "Et la salle ?")
    assert to_room["speaker"] is None
    with pytest.raises(ServiceError) as excinfo:
        _ask(session, people["anne"], "Autre", speaker="nobody")
    assert _code(excinfo) == "unknown_speaker"
    # A resend (same client id) returns the stored question.
    again = debate.ask(session.id, people["anne"].id, client_id="resend-1", text="x")
    assert again["id"] == question["id"]
    for bad, code in (
        ("", "text_required"),
        ("<script>", "html_not_allowed"),
        ("x" * 301, "text_too_long"),
    ):
        with pytest.raises(ServiceError) as excinfo:
            _ask(session, people["bruno"], bad)
        assert _code(excinfo) == code
    _ask(session, people["bruno"], "Un")
    _ask(session, people["bruno"], "Deux")
    _ask(session, people["bruno"], "Trois")
    with pytest.raises(ServiceError) as excinfo:
        _ask(session, people["bruno"], "Quatre")
    assert _code(excinfo) == "rate_limited"


def test_support_is_one_per_participant_withdrawable_never_ones_own(session, people):
    agenda_goto(session.id, 1)
    q = _ask(session, people["anne"], "Quel budget ?")
    assert debate.support(session.id, people["bruno"].id, q["id"], True)["support"] == 1
    assert debate.support(session.id, people["bruno"].id, q["id"], True)["support"] == 1
    assert debate.support(session.id, people["chloe"].id, q["id"], True)["support"] == 2
    assert debate.support(session.id, people["bruno"].id, q["id"], False)["support"] == 1
    with pytest.raises(ServiceError) as excinfo:
        debate.support(session.id, people["anne"].id, q["id"], True)
    assert _code(excinfo) == "own_question"
    with pytest.raises(ServiceError) as excinfo:
        debate.support(session.id, people["anne"].id, 424242, True)
    assert _code(excinfo) == "unknown_qa"


def test_merge_arithmetic(session, people):
    agenda_goto(session.id, 1)
    kept = _ask(session, people["anne"], "Quel budget pour le partenariat ?")
    dup = _ask(session, people["bruno"], "Combien ça coûte ?")
    third = _ask(session, people["chloe"], "Et le financement ?")
    debate.support(session.id, people["bruno"].id, kept["id"], True)  # Bruno: both
    debate.support(session.id, people["chloe"].id, kept["id"], True)
    debate.support(session.id, people["bruno"].id, third["id"], True)
    debate.support(session.id, people["dirk"].id, dup["id"], True)
    debate.support(session.id, people["anne"].id, dup["id"], True)  # the kept one's author
    debate.support(session.id, people["chloe"].id, dup["id"], True)  # Chloé: both
    # kept: Bruno, Chloé; dup: Dirk, Anne (kept's author: not counted), Chloé (once).
    merged = debate.merge(session.id, dup["id"], kept["id"])
    assert merged["support"] == 3  # Bruno, Chloé, Dirk
    assert merged["merged"] == [{"id": dup["id"], "text": "Combien ça coûte ?"}]
    # Every view agrees with the merge's ack (snapshots read both questions at once): the kept
    # one the sum, the merged one its own supporters.
    for role, who in (("console", None), ("participant", people["dirk"].id), ("screen", None)):
        listed = {q["id"]: q for q in debate.qa_snapshot(session.id, role, who)["questions"]}
        assert listed[kept["id"]]["support"] == 3, role
        assert listed[dup["id"]]["support"] == 3, role  # Dirk, Anne, Chloé
        assert listed[dup["id"]]["status"] == "merged", role
    # A question merged into a merged one is refused; merging the kept one elsewhere takes
    # its merged ones along.
    with pytest.raises(ServiceError) as excinfo:
        debate.merge(session.id, third["id"], dup["id"])
    assert _code(excinfo) == "cannot_merge"
    with pytest.raises(ServiceError) as excinfo:
        debate.merge(session.id, kept["id"], kept["id"])
    assert _code(excinfo) == "cannot_merge"
    final = debate.merge(session.id, kept["id"], third["id"])
    # third: Bruno; kept: Bruno, Chloé; dup: Dirk, Anne, Chloé — Chloé is third's author.
    assert final["support"] == 3  # Bruno, Dirk, Anne
    assert {m["id"] for m in final["merged"]} == {kept["id"], dup["id"]}
    with pytest.raises(ServiceError) as excinfo:
        debate.support(session.id, people["dirk"].id, dup["id"], True)
    assert _code(excinfo) == "qa_closed"
    # Approving a merged question brings it back on its own.
    back = debate.moderate(session.id, dup["id"], "approve")
    assert back["status"] == "visible"
    assert back["merged_into"] is None
    assert back["support"] == 3  # Dirk, Anne, Chloé (it is Bruno's question)


def test_premoderation_moderation_and_the_projector(session, people):
    agenda_goto(session.id, 1)
    debate.qa_settings(session.id, True)
    q = _ask(session, people["anne"], "Quel budget ?")
    assert q["status"] == "pending"
    phone = debate.qa_snapshot(session.id, "participant", people["bruno"].id)["questions"]
    assert phone == []
    own = debate.qa_snapshot(session.id, "participant", people["anne"].id)["questions"]
    assert [v["id"] for v in own] == [q["id"]]
    with pytest.raises(ServiceError) as excinfo:
        debate.support(session.id, people["bruno"].id, q["id"], True)
    assert _code(excinfo) == "qa_closed"
    with pytest.raises(ServiceError) as excinfo:
        debate.moderate(session.id, q["id"], "answered")
    assert _code(excinfo) == "qa_closed"
    with pytest.raises(ServiceError) as excinfo:
        debate.show(session.id, q["id"])
    assert _code(excinfo) == "qa_closed"
    assert debate.moderate(session.id, q["id"], "approve")["status"] == "visible"
    assert len(debate.qa_snapshot(session.id, "screen")["questions"]) == 1
    other = _ask(session, people["bruno"], "Et après ?")
    assert other["status"] == "pending"
    debate.moderate(session.id, other["id"], "approve")
    assert debate.show(session.id, q["id"])["on_screen"] is True
    debate.show(session.id, other["id"])
    on_screen = {
        v["id"]: v["on_screen"] for v in debate.qa_snapshot(session.id, "console")["questions"]
    }
    assert on_screen == {q["id"]: False, other["id"]: True}
    assert debate.moderate(session.id, other["id"], "answered")["status"] == "answered"
    assert debate.moderate(session.id, other["id"], "reopen")["status"] == "visible"
    hidden = debate.moderate(session.id, other["id"], "hide")
    assert hidden["status"] == "hidden"
    assert hidden["on_screen"] is False
    assert debate.show(session.id, None) is None


def test_a_participant_withdraws_only_their_own_question(session, people):
    agenda_goto(session.id, 1)
    q = _ask(session, people["anne"], "Quel budget ?")
    dup = _ask(session, people["bruno"], "Combien ?")
    debate.merge(session.id, dup["id"], q["id"])
    with pytest.raises(ServiceError) as excinfo:
        debate.withdraw_question(session.id, people["bruno"].id, q["id"])
    assert _code(excinfo) == "forbidden"
    debate.withdraw_question(session.id, people["anne"].id, q["id"])
    rows = {r.id: r for r in db.session.query(RoomQuestion)}
    assert list(rows) == [dup["id"]]
    assert rows[dup["id"]].status.value == "visible"  # freed from the deleted one


def test_the_report(session, people):
    agenda_goto(session.id, 2)
    rehearsal = gen_participant(session, "citizen")
    rehearsal.rehearsal = True
    db.session.commit()
    debate.request_floor(session.id, people["anne"].id)
    debate.request_floor(session.id, people["bruno"].id)
    debate.request_floor(session.id, rehearsal.id)
    debate.request_floor(session.id, people["chloe"].id)
    debate.withdraw_floor(session.id, people["chloe"].id)
    debate.add_to_floor(session.id, "Échevin Martin", "public")
    debate.give_floor(session.id)
    _rewind_turn(session.id, 60)
    debate.give_floor(session.id)
    _rewind_turn(session.id, 30)
    debate.end_turn(session.id)
    q1 = _ask(session, people["anne"], "Quel budget ?")
    q2 = _ask(session, people["bruno"], "Combien ?")
    q3 = _ask(session, people["chloe"], "Qui décide ?")
    q4 = _ask(session, people["dirk"], "Hors sujet")
    _ask(session, rehearsal, "Test de répétition")
    debate.support(session.id, people["chloe"].id, q1["id"], True)
    debate.support(session.id, rehearsal.id, q1["id"], True)
    debate.merge(session.id, q2["id"], q1["id"])
    debate.moderate(session.id, q1["id"], "answered")
    debate.moderate(session.id, q4["id"], "hide")

    report = debate.debate_report(session)
    floor = report["floor"]
    assert floor["total_turns"] == 2
    assert [t["name"] for t in floor["turns"]] == ["Anne", "Bruno"]
    assert floor["participants"] == 4
    by_group = {g["group"]: g for g in floor["by_group"]}
    assert by_group["public"]["turns"] == 1
    assert by_group["public"]["participants"] == 2
    assert by_group["public"]["share_participants"] == 50.0
    assert by_group["private"]["turns"] == 1
    assert by_group["public"]["share_time"] == pytest.approx(66.7, abs=1.5)
    assert by_group["citizen"]["participants"] == 0  # the rehearsal phone is left out
    not_reached = {(e["name"], e["state"]) for e in floor["not_reached"]}
    assert not_reached == {("n° 4", "withdrawn"), ("Échevin Martin", "waiting")}

    questions = report["questions"]
    assert questions["total"] == 4
    assert questions["counts"] == {
        "answered": 1,
        "merged": 1,
        "not_reached": 1,
        "hidden": 1,
        "pending": 0,
    }
    status = {q["id"]: q for q in questions["items"]}
    assert status[q1["id"]]["support"] == 1  # Chloé (the rehearsal phone left out)
    assert status[q2["id"]]["merged_into"] == q1["id"]
    assert status[q3["id"]]["status"] == "not_reached"
    assert status[q1["id"]]["item_title"] == session.agenda[2].title
    with_rehearsal = debate.debate_report(session, include_rehearsal=True)
    assert with_rehearsal["questions"]["total"] == 5


def test_the_question_on_the_projector_is_in_every_snapshot(session, people, monkeypatch):
    """Phones and the screen get the most supported questions only; the one on the projector
    besides, whatever its support (else a reload of the projector would lose it)."""
    from workshop.services.debate import qa

    monkeypatch.setattr(qa, "SNAPSHOT_MAX", 1)
    agenda_goto(session.id, 1)
    popular = _ask(session, people["anne"], "Quel budget ?")
    quiet = _ask(session, people["bruno"], "Et après ?")
    debate.support(session.id, people["chloe"].id, popular["id"], True)
    listed = debate.qa_snapshot(session.id, "screen")["questions"]
    assert [v["id"] for v in listed] == [popular["id"]]
    debate.show(session.id, quiet["id"])
    listed = debate.qa_snapshot(session.id, "screen")["questions"]
    assert [v["id"] for v in listed] == [popular["id"], quiet["id"]]
    assert listed[1]["on_screen"] is True


def test_the_report_counts_people_not_names(session, people):
    """Two participants who give the floor the same name are two speakers of their group; one
    who speaks twice is one."""
    agenda_goto(session.id, 1)
    for who in ("anne", "dirk", "anne"):  # both of the public group, both « Marie »
        debate.request_floor(session.id, people[who].id, name="Marie")
        debate.give_floor(session.id)
        debate.end_turn(session.id)
    by_group = {g["group"]: g for g in debate.debate_report(session)["floor"]["by_group"]}
    assert by_group["public"]["turns"] == 3
    assert by_group["public"]["speakers"] == 2
