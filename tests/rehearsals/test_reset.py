"""Resetting a session's live data: the service, the page and ``workshop reset``."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests import builders
from tests.summary.helpers import gen_answer, gen_participant, gen_upvotes
from workshop.extensions import db
from workshop.models import (
    Activity,
    AgendaItem,
    Answer,
    Conclusion,
    Endorsement,
    Participant,
    Question,
    QuestionSet,
    Session,
    Upvote,
)
from workshop.models.conclusions import ConclusionLink
from workshop.models.enums import SessionStatus, SetState, VoteState
from workshop.models.live import LiveConnection
from workshop.services import reset
from workshop.services.errors import ServiceError


@pytest.fixture
def played(app, session):
    """The session after a rehearsal: participants (one simulated), answers, a comment linked
    to a conclusion put to the vote and endorsed, upvotes, a connection, sets closed and
    revealed, the agenda under way."""
    qset = session.question_sets[0]
    people = [gen_participant(session, "public"), gen_participant(session)]
    people[1].rehearsal = True
    questions = {q.kind.value: q for q in qset.questions}
    gen_answer(people[0], questions["choice"], 0)
    comment = gen_answer(people[1], questions["open"], None, "Un avis simulé")
    gen_upvotes(comment, [people[0]])
    conclusion = Conclusion(session_id=session.id, question_set_id=qset.id, text="On avance.")
    db.session.add(conclusion)
    db.session.flush()
    db.session.add(ConclusionLink(conclusion_id=conclusion.id, answer_id=comment.id))
    db.session.add(ConclusionLink(conclusion_id=conclusion.id, question_id=questions["choice"].id))
    db.session.add(
        LiveConnection(
            sid="sid-1",
            session_id=session.id,
            role="participant",
            participant_id=people[0].id,
            server_id="test",
        )
    )
    qset.state, qset.revealed = SetState.CLOSED, True
    qset.opened_at = qset.closed_at = datetime.now(UTC)
    session.status, session.current_position = SessionStatus.LIVE, 1
    session.agenda[0].started_at = session.agenda[0].ended_at = datetime.now(UTC)
    db.session.commit()
    builders.put_to_room(conclusion)
    builders.endorse(people[0], conclusion.id, "agree", None, "client-0001")
    builders.reveal(conclusion)
    return session


def _count(model) -> int:
    return db.session.query(model).count()


def test_reset_deletes_the_live_data_and_keeps_the_definition(app, played, organiser):
    code, revision = played.code, played.live_revision
    questions = _count(Question)
    counts = reset.reset_session(played, by=organiser)

    assert (counts.participants, counts.rehearsal_participants, counts.answers) == (2, 1, 2)
    for model in (Participant, Answer, Upvote, Endorsement, LiveConnection):
        assert _count(model) == 0, model
    session = db.session.get(Session, played.id)
    assert session.code == code  # the QR code and the handout still work
    assert session.status is SessionStatus.PLANNED
    assert session.current_position is None
    assert session.live_revision > revision  # clients catch up through the revision
    assert [(a.started_at, a.ended_at) for a in db.session.scalars(select(AgendaItem))] == [
        (None, None)
    ] * 3
    qset = db.session.scalar(select(QuestionSet))
    assert (qset.state, qset.revealed, qset.opened_at, qset.closed_at) == (
        SetState.READY,
        False,
        None,
        None,
    )
    assert _count(Question) == questions
    conclusion = db.session.scalar(select(Conclusion))
    assert conclusion.text == "On avance."  # written by organisers: kept
    assert (conclusion.vote_state, conclusion.revealed, conclusion.put_at) == (
        VoteState.NONE,
        False,
        None,
    )
    links = db.session.scalars(select(ConclusionLink)).all()
    assert [(link.question_id is not None, link.answer_id) for link in links] == [(True, None)]


def test_reset_is_written_to_the_activity_log(app, played, organiser):
    reset.reset_session(played, by=organiser)
    entry = db.session.scalar(select(Activity).where(Activity.action == "session.reset"))
    assert entry.actor == "organiser"
    assert entry.session_id == played.id
    assert entry.detail == "participants=2 rehearsal=1 answers=2"


def test_reset_is_refused_while_a_set_is_open(app, played, organiser):
    played.question_sets[0].state = SetState.OPEN
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        reset.reset_session(played, by=organiser)
    assert refused.value.code == "set_open"
    assert _count(Participant) == 2
    assert (
        _count(Activity)
        == db.session.query(Activity).filter(Activity.action != "session.reset").count()
    )


def test_a_phone_can_join_again_after_a_reset(app, played, organiser, sockets):
    reset.reset_session(played, by=organiser)
    sock = sockets(played.code)
    assert sock.is_connected()
    assert _count(Participant) == 1


# --- the page -----------------------------------------------------------------------------------


def test_the_reset_page_is_for_organisers_and_the_sessions_facilitators(
    app, client, auth, facilitator, played
):
    auth.login()
    assert client.get(f"/admin/sessions/{played.slug}/reset").status_code == 403
    refused = client.post(f"/admin/sessions/{played.slug}/reset", data={"code": played.code})
    assert refused.status_code == 403
    assert _count(Participant) == 2
    builders.assign(facilitator, played)
    done = client.post(f"/admin/sessions/{played.slug}/reset", data={"code": played.code})
    assert done.status_code == 302
    assert _count(Participant) == 0
    auth.logout()
    response = client.get(f"/admin/sessions/{played.slug}/reset")
    assert response.status_code == 302


def test_the_reset_page_asks_for_the_code(app, organiser_login, played):
    client = organiser_login
    page = client.get(f"/admin/sessions/{played.slug}/reset")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Tapez le code de l'atelier pour confirmer" in html
    assert "2 participant(s), dont 1 simulé(s), et 2 réponse(s)" in html

    wrong = client.post(f"/admin/sessions/{played.slug}/reset", data={"code": "ZZZZZZ"})
    assert wrong.status_code == 400
    assert "Ce n&#39;est pas le code de cet atelier." in wrong.get_data(as_text=True)
    assert _count(Participant) == 2

    done = client.post(f"/admin/sessions/{played.slug}/reset", data={"code": played.code.lower()})
    assert done.status_code == 302
    assert _count(Participant) == 0
    assert "Atelier réinitialisé" in client.get(done.location).get_data(as_text=True)


def test_the_reset_page_refuses_while_a_set_is_open(app, organiser_login, played):
    played.question_sets[0].state = SetState.OPEN
    db.session.commit()
    response = organiser_login.post(
        f"/admin/sessions/{played.slug}/reset", data={"code": played.code}
    )
    assert response.status_code == 400
    assert "fermez-le avant de réinitialiser" in response.get_data(as_text=True)
    assert _count(Participant) == 2


# --- the command --------------------------------------------------------------------------------


def test_workshop_reset_without_yes_changes_nothing(app, runner, played):
    result = runner.invoke(args=["reset", played.code])
    assert result.exit_code == 0, result.output
    assert "would reset" in result.output
    assert "--yes" in result.output
    assert _count(Participant) == 2


def test_workshop_reset_yes(app, runner, played):
    code = played.code
    result = runner.invoke(args=["reset", code, "--yes"])
    assert result.exit_code == 0, result.output
    assert f"join code {code} unchanged" in result.output
    assert _count(Participant) == 0
    entry = db.session.scalar(select(Activity).where(Activity.action == "session.reset"))
    assert entry.actor == "workshop reset"


def test_workshop_reset_refused_while_a_set_is_open(app, runner, played):
    played.question_sets[0].state = SetState.OPEN
    db.session.commit()
    result = runner.invoke(args=["reset", played.code, "--yes"])
    assert result.exit_code == 1
    assert "fermez-le" in result.output
    assert _count(Participant) == 2


def test_workshop_reset_of_an_unknown_code(app, runner):
    result = runner.invoke(args=["reset", "NOPE00", "--yes"])
    assert result.exit_code == 1
    assert "no session" in result.output


def test_a_reset_disconnects_the_phones_of_the_session(app, session, organiser, sockets):
    phone = sockets(session.code)
    screen = sockets(session.code, "screen")
    assert phone.is_connected()
    reset.reset_session(session, by=organiser)
    assert not phone.is_connected()  # its participant is gone: it reconnects as a new one
    assert screen.is_connected()  # catches up through the revision
    assert _count(Participant) == 0


def test_a_reset_pushes_fresh_counters_to_the_console(app, session, organiser_login, sockets):
    app.config["RESULTS_PUSH_INTERVAL"] = 0  # pushed in the caller, no background task here
    phone = sockets(session.code)
    console = sockets(session.code, "console", flask_client=organiser_login)
    assert console.is_connected()
    assert phone.is_connected()
    console.get_received()
    reset.reset_session(session, by="test")
    counters = [e["args"][0] for e in console.get_received() if e["name"] == "counters"]
    assert counters
    assert counters[-1]["phones"] == 0


def test_the_reset_page_refuses_while_a_rehearsal_runs(app, organiser_login, played):
    from pathlib import Path

    folder = Path(app.instance_path) / "rehearsals"
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / f"session-{played.id}.lock"
    lock.write_text(str(os.getpid()))  # a live process holds it
    response = organiser_login.post(
        f"/admin/sessions/{played.slug}/reset", data={"code": played.code}
    )
    assert response.status_code == 400
    assert "Une répétition est en cours" in response.get_data(as_text=True)
    assert _count(Participant) == 2
    lock.write_text("999999999")  # its process is gone: a stale lock
    response = organiser_login.post(
        f"/admin/sessions/{played.slug}/reset", data={"code": played.code}
    )
    assert response.status_code == 302
    assert not lock.exists()
