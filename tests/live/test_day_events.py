"""The day of the workshop over Socket.IO (docs/protocol.md, « The day of the workshop »): the
agenda view with its timer, speakers and time spent; ``timer``, ``screen_settings`` and
``set_page`` from the console; their refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import builders
from tests.live.helpers import events, snapshot_of
from workshop.extensions import db
from workshop.models import Activity, AgendaItem, Question, QuestionSet, Session
from workshop.models.enums import SessionStatus

pytestmark = pytest.mark.usefixtures("push_at_once")


def _ack(sock, event, payload=None):
    return sock.emit(event, payload if payload is not None else {}, callback=True)


def _rewind(session_id: int, seconds: float) -> None:
    """Pretend the current item started and its timer resumed ``seconds`` ago."""
    db.session.expire_all()
    session = db.session.get(Session, session_id)
    item = session.current_item
    item.started_at -= timedelta(seconds=seconds)
    if item.timer_since is not None:
        item.timer_since -= timedelta(seconds=seconds)
    db.session.commit()


def test_the_agenda_view_carries_what_the_room_needs(app, session, console, sockets):
    item = session.agenda[1]
    item.text = "Premier paragraphe.\n\nSecond paragraphe."
    item.speakers = list(session.speakers)
    session.speakers[0].role, session.speakers[0].organisation = "Directrice", "Ville de Namur"
    db.session.commit()
    phone = sockets(session.code)
    agenda = snapshot_of(phone)["agenda"]
    assert agenda["status"] == "planned"
    assert agenda["timer"] is None
    testimony = agenda["items"][1]
    assert testimony["text"] == "Premier paragraphe.\n\nSecond paragraphe."
    assert testimony["speakers"] == [
        {"key": "s1", "name": "À compléter", "role": "Directrice", "organisation": "Ville de Namur"}
    ]
    assert testimony["spent_s"] == 0
    assert testimony["planned_start"] is None

    ack = _ack(console, "agenda_goto", {"position": 1})
    assert ack["agenda"]["status"] == "live"
    timer = ack["agenda"]["timer"]
    assert timer["running"] is True
    assert timer["planned_s"] == 15 * 60
    assert timer["extra_min"] == 0
    assert 0 <= timer["elapsed_s"] < 5
    # The broadcast is the very view of the ack.
    assert events(phone, "agenda")[-1]["args"][0] == ack["agenda"]


def test_the_timer_pauses_resumes_extends_and_resets(app, session, console, sockets):
    screen = sockets(session.code, "screen")
    _ack(console, "agenda_goto", {"position": 0})
    _rewind(session.id, 120)
    events(screen)

    paused = _ack(console, "timer", {"action": "pause"})
    assert paused["ok"], paused
    timer = paused["agenda"]["timer"]
    assert timer["running"] is False
    assert 120 <= timer["elapsed_s"] < 125
    assert events(screen, "agenda")[-1]["args"][0]["timer"] == timer
    # Paused, the time stands still: a snapshot later says the same.
    _rewind(session.id, 60)
    assert snapshot_of(sockets(session.code, "screen"))["agenda"]["timer"] == timer
    # Pausing again changes nothing: acked, not broadcast, not logged.
    again = _ack(console, "timer", {"action": "pause"})
    assert again["ok"]
    assert again["agenda"]["timer"] == timer
    assert events(screen, "agenda") == []

    extended = _ack(console, "timer", {"action": "extend", "minutes": 5})["agenda"]["timer"]
    assert (extended["extra_min"], extended["planned_s"]) == (5, 20 * 60)
    _ack(console, "timer", {"action": "extend", "minutes": 1})
    resumed = _ack(console, "timer", {"action": "resume"})["agenda"]["timer"]
    assert resumed["running"] is True
    assert resumed["planned_s"] == 21 * 60
    assert 120 <= resumed["elapsed_s"] < 125  # counting again from where it stood

    reset = _ack(console, "timer", {"action": "reset"})["agenda"]["timer"]
    assert reset["running"] is True
    assert reset["elapsed_s"] < 5
    assert (reset["extra_min"], reset["planned_s"]) == (0, 15 * 60)

    actions = db.session.scalars(
        select(Activity.action).where(Activity.action.like("timer.%")).order_by(Activity.id)
    ).all()
    assert actions == [
        "timer.paused",
        "timer.extended",
        "timer.extended",
        "timer.resumed",
        "timer.reset",
    ]


def test_a_phone_snapshot_counts_the_timer_up_to_now(app, session, console, sockets):
    _ack(console, "agenda_goto", {"position": 0})
    first = snapshot_of(sockets(session.code))["agenda"]["timer"]
    _rewind(session.id, 30)  # a change: the room's cached view is computed again
    db.session.get(Session, session.id).title = "Contractualisation"
    db.session.commit()
    later = snapshot_of(sockets(session.code))["agenda"]["timer"]
    assert later["elapsed_s"] >= first["elapsed_s"] + 29


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"action": "stop"}, "bad_payload"),
        ({"action": "extend"}, "bad_payload"),
        ({"action": "extend", "minutes": 0}, "bad_payload"),
        ({"action": "extend", "minutes": 61}, "bad_payload"),
        ({"action": "pause", "minutes": 5}, "bad_payload"),
        ({"action": "extend", "minutes": "5"}, "bad_payload"),
        ({"action": "pause", "extra": 1}, "bad_payload"),
        ([], "bad_payload"),
    ],
)
def test_bad_timer_payloads_are_refused(app, session, console, payload, code):
    _ack(console, "agenda_goto", {"position": 0})
    ack = _ack(console, "timer", payload)
    assert ack["ok"] is False
    assert ack["error"]["code"] == code
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.session_id == session.id))
    db.session.refresh(item)
    assert item.extra_min == 0


def test_the_timer_needs_an_item_under_way_and_a_console(app, session, console, sockets):
    ack = _ack(console, "timer", {"action": "pause"})
    assert ack["error"]["code"] == "no_current_item"
    phone, screen = sockets(session.code), sockets(session.code, "screen")
    for sock in (phone, screen):
        assert _ack(sock, "timer", {"action": "pause"})["error"]["code"] == "forbidden"
        assert _ack(sock, "screen_settings", {"theme": "light"})["error"]["code"] == "forbidden"
        set_id = session.question_sets[0].id
        refused = _ack(sock, "set_page", {"set_id": set_id, "page": 0})
        assert refused["error"]["code"] == "forbidden"


def test_time_spent_is_kept_over_every_turn_of_an_item(app, session, console):
    _ack(console, "agenda_goto", {"position": 0})
    _rewind(session.id, 90)
    _ack(console, "agenda_next")
    _ack(console, "agenda_goto", {"position": 0})
    _rewind(session.id, 30)
    view = _ack(console, "agenda_next")["agenda"]
    assert 119 <= view["items"][0]["spent_s"] <= 125
    assert view["items"][1]["spent_s"] < 5
    assert view["items"][2]["spent_s"] == 0


def test_next_after_the_last_item_ends_the_session_and_never_wraps(app, session, console):
    _ack(console, "agenda_goto", {"position": 2})
    ended = _ack(console, "agenda_next")["agenda"]
    assert (ended["current"], ended["status"], ended["timer"]) == (None, "ended", None)
    assert ended["items"][2]["ended_at"] is not None
    db.session.expire_all()
    assert db.session.get(Session, session.id).status is SessionStatus.ENDED


def test_screen_settings(app, session, console, sockets):
    screen = sockets(session.code, "screen")
    assert snapshot_of(screen)["screen"] == {"theme": "dark", "autopage_s": 0}
    ack = _ack(console, "screen_settings", {"theme": "contrast", "autopage_s": 8})
    assert ack == {"ok": True, "screen": {"theme": "contrast", "autopage_s": 8}}
    assert events(screen, "screen")[-1]["args"][0] == ack["screen"]
    # A reload of the projector (a new snapshot), and a phone's, say the same.
    assert snapshot_of(sockets(session.code, "screen"))["screen"] == ack["screen"]
    assert snapshot_of(sockets(session.code))["screen"] == ack["screen"]
    # Unchanged: acked, not broadcast.
    assert _ack(console, "screen_settings", {"theme": "contrast"})["ok"]
    assert events(screen, "screen") == []
    assert _ack(console, "screen_settings", {"autopage_s": 0})["screen"]["autopage_s"] == 0
    logged = db.session.scalars(select(Activity).where(Activity.action == "screen.changed")).all()
    assert [entry.detail for entry in logged] == [
        "theme=contrast autopage_s=8",
        "theme=contrast autopage_s=0",
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"theme": "pink"},
        {"autopage_s": 3},
        {"autopage_s": 61},
        {"autopage_s": -1},
        {"theme": None},
        {"theme": "light", "colour": "red"},
    ],
)
def test_bad_screen_settings_are_refused(app, session, console, payload):
    ack = _ack(console, "screen_settings", payload)
    assert ack["error"]["code"] == "bad_payload"
    db.session.expire_all()
    stored = db.session.get(Session, session.id)
    assert (stored.screen_theme, stored.screen_autopage_s) == ("dark", 0)


def test_pages_of_a_set(app, session, console, sockets):
    qset = builders.gen_question_set(session, kinds=("choice", "yesno", "open", "scale", "words"))
    screen = sockets(session.code, "screen")
    opened = _ack(console, "set_open", {"set_id": qset.id})["set"]
    assert opened["page"] == 0
    assert opened["page_at"] is not None
    paged = _ack(console, "set_page", {"set_id": qset.id, "page": 2})["set"]
    assert paged["page"] == 2
    assert events(screen, "question_set")[-1]["args"][0]["page"] == 2
    assert snapshot_of(sockets(session.code, "screen"))["shown_set"]["page"] == 2
    # Five questions: pages 0, 1, 2; page 3 does not exist.
    beyond = _ack(console, "set_page", {"set_id": qset.id, "page": 3})
    assert beyond["error"]["code"] == "bad_payload"
    assert _ack(console, "set_page", {"set_id": 999_999, "page": 0})["error"]["code"] == (
        "unknown_set"
    )
    assert _ack(console, "set_page", {"set_id": qset.id, "page": -1})["error"]["code"] == (
        "bad_payload"
    )
    # Unchanged: acked, not broadcast; showing the results starts again from page 0.
    assert _ack(console, "set_page", {"set_id": qset.id, "page": 2})["ok"]
    assert events(screen, "question_set") == []
    revealed = _ack(console, "set_reveal", {"set_id": qset.id, "revealed": True})["set"]
    assert revealed["page"] == 0


def test_another_sessions_set_is_unknown_here(app, session, console):
    other = builders.gen_session(slug="autre")
    set_id = other.question_sets[0].id
    ack = _ack(console, "set_page", {"set_id": set_id, "page": 0})
    assert ack["error"]["code"] == "unknown_set"
    assert db.session.get(QuestionSet, set_id).page == 0
    assert db.session.scalar(select(Question.id).limit(1)) is not None


def test_the_spent_time_reaches_the_summary(app, session, console):
    from workshop.summary import figures

    _ack(console, "agenda_goto", {"position": 0})
    _rewind(session.id, 17 * 60)
    _ack(console, "agenda_next")
    db.session.expire_all()
    data = figures.session_summary(db.session.get(Session, session.id))
    first, second, third = data["session"]["agenda"]
    assert (first["started"], 17 * 60 <= first["spent_s"] < 17 * 60 + 5) == (True, True)
    assert second["started"] is True
    assert (third["started"], third["spent_s"]) == (False, 0)
    # The summary's fingerprint ignores the running item's growing time.
    assert figures.fingerprint(data) == figures.fingerprint(
        figures.session_summary(db.session.get(Session, session.id))
    )
