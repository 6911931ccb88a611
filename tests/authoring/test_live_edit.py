"""Editing a live session reaches the console, the projector and the phones without a reload:
the flush hook bumps the revision, and the change is pushed after the commit (the pushes the
console uses), followed by its ``rev``."""

from __future__ import annotations

import pytest

from tests.live.helpers import events, snapshot_of
from workshop.extensions import db
from workshop.models.enums import SessionStatus, SetState
from workshop.services.authoring import agenda, questions
from workshop.services.live import beats

pytestmark = pytest.mark.usefixtures("push_at_once")

BY = "test"


@pytest.fixture
def live(session):
    session.status = SessionStatus.LIVE
    db.session.commit()
    return session


def test_a_reworded_open_question_reaches_every_socket(sockets, live, console, organiser):
    qset = live.question_sets[0]
    qset.state = SetState.OPEN
    db.session.commit()
    phone = sockets(live.code)
    screen = sockets(live.code, "screen")
    base = snapshot_of(phone)["rev"]
    snapshot_of(screen)
    events(console)
    question = qset.questions[0]
    fields = questions.QuestionFields(
        prompt="Reformulée ?", kind=question.kind.value, options=list(question.options)
    )
    questions.update_question(question, fields, by=organiser)
    for client in (phone, screen, console):
        received = events(client)
        pushed = [e["args"][0] for e in received if e["name"] == "question_set"]
        assert pushed, client
        prompts = [q["prompt"] for q in pushed[-1]["questions"]]
        assert "Reformulée ?" in prompts
        revs = [e["args"][0] for e in received if e["name"] == "rev"]
        assert revs
        assert revs[-1]["base"] == base
    # The phone redraws a set it shows only when its state changes: the next beat is ahead of
    # every client, which asks for a snapshot (resync) holding the new prompt.
    sent = beats.tick()
    [beat] = [e["args"][0] for e in events(phone) if e["name"] == "beat"]
    assert beat["rev"] == sent[live.id] > revs[-1]["rev"]
    ack = phone.emit("resync", {}, callback=True)
    assert "Reformulée ?" in str(ack["snapshot"])


def test_an_agenda_change_reaches_the_phones(sockets, live, console, organiser):
    phone = sockets(live.code)
    snapshot_of(phone)
    item = live.agenda[0]
    fields = agenda.ItemFields(kind=item.kind.value, title="Accueil et café")
    agenda.update_item(item, fields, by=organiser)
    pushed = [e["args"][0] for e in events(phone) if e["name"] == "agenda"]
    assert pushed
    assert "Accueil et café" in str(pushed[-1])


def test_a_planned_session_is_not_pushed_but_its_revision_moves(sockets, session, organiser):
    phone = sockets(session.code)
    base = snapshot_of(phone)["rev"]
    item = session.agenda[0]
    agenda.update_item(item, agenda.ItemFields(kind="welcome", title="Bienvenue"), by=organiser)
    assert not [e for e in events(phone) if e["name"] == "agenda"]
    db.session.refresh(session)
    assert session.live_revision > base
