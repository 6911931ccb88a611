"""``Session.live_revision`` is bumped by every change of what the room sees, and only then."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from tests import builders
from workshop.extensions import db
from workshop.models import (
    AgendaItem,
    Answer,
    Conclusion,
    Participant,
    Question,
    QuestionSet,
    Session,
)
from workshop.models.enums import AgendaKind, QuestionKind, SetState


def revision(session):
    return db.session.scalar(select(Session.live_revision).where(Session.id == session.id))


def test_each_tracked_change_bumps_the_revision_once(app):
    session = builders.gen_session()
    other = builders.gen_session(title="Autre")
    qset = session.question_sets[0]
    changes = [
        lambda: setattr(session, "title", "Nouveau titre"),
        lambda: setattr(session.agenda[0], "title", "Accueil"),
        lambda: setattr(session.stakeholder_groups[0], "label", "Public"),
        lambda: setattr(session.speakers[0], "name", "Mme X"),
        lambda: setattr(qset, "state", SetState.OPEN),
        lambda: setattr(qset.questions[0], "prompt", "Autrement dit ?"),
        lambda: db.session.add(Conclusion(session_id=session.id, text="Conclure.")),
        lambda: session.agenda.append(AgendaItem(position=9, kind=AgendaKind.OTHER, title="Pause")),
        lambda: db.session.delete(session.agenda[-1]),
    ]
    for change in changes:
        before, untouched = revision(session), revision(other)
        change()
        db.session.commit()
        assert revision(session) == before + 1
        assert revision(other) == untouched


def test_a_new_question_of_a_set_bumps_its_session(app):
    session = builders.gen_session()
    before = revision(session)
    qset = db.session.get(QuestionSet, session.question_sets[0].id)
    db.session.add(
        Question(
            question_set_id=qset.id, key="q-new", position=9, prompt="Et ?", kind=QuestionKind.YESNO
        )
    )
    db.session.commit()
    assert revision(session) == before + 1


def test_live_traffic_does_not_bump(app):
    session = builders.gen_session()
    question = session.question_sets[0].questions[0]
    before = revision(session)
    participant = Participant(session_id=session.id, token="token-abcdefgh")
    db.session.add(participant)
    db.session.flush()
    db.session.add(
        Answer(participant_id=participant.id, question_id=question.id, client_id="c" * 8, value=0)
    )
    db.session.commit()
    session.title = session.title  # set to the same value: not a change
    db.session.commit()
    assert revision(session) == before


def test_a_change_through_another_connection_bumps_too(app):
    """What another server process sharing the database does, seen from this one."""
    session = builders.gen_session()
    before = revision(session)
    with OrmSession(db.engine) as elsewhere:
        qset = elsewhere.scalars(
            select(QuestionSet).where(QuestionSet.session_id == session.id)
        ).first()
        qset.state = SetState.OPEN
        elsewhere.commit()
    assert revision(session) == before + 1
