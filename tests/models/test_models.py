"""The programme model: relations, ordering, defaults, constraints."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from tests import builders
from workshop.extensions import db
from workshop.models import AgendaItem, Question, Session, User
from workshop.models.enums import AgendaKind, QuestionKind, SessionStatus, SetState
from workshop.models.session import CODE_ALPHABET, CODE_LENGTH, new_join_code, normalise_code


def test_session_gets_an_unambiguous_join_code(app):
    session = builders.gen_session(with_sets=False)
    assert len(session.code) == CODE_LENGTH
    assert set(session.code) <= set(CODE_ALPHABET)
    for ambiguous in "0O1IL2Z5S8B":
        assert ambiguous not in CODE_ALPHABET


def test_join_codes_are_random():
    assert len({new_join_code() for _ in range(200)}) > 190


def test_normalise_code():
    assert normalise_code(" ac3-f7k ") == "AC3F7K"


def test_session_defaults_and_stakeholder_groups(app):
    session = builders.gen_session()
    assert session.status is SessionStatus.PLANNED
    assert [g.key for g in session.stakeholder_groups] == [
        "public",
        "private",
        "associative",
        "citizen",
    ]
    assert session.current_item is None


def test_agenda_is_ordered_and_links_question_set(app):
    session = builders.gen_session()
    assert [i.position for i in session.agenda] == [0, 1, 2]
    testimony = session.agenda[1]
    assert testimony.kind is AgendaKind.TESTIMONY
    assert testimony.question_set is session.question_sets[0]
    session.current_position = 1
    db.session.commit()
    assert session.current_item is testimony


def test_question_set_questions_ordered_and_settings(app):
    session = builders.gen_session()
    qset = session.question_sets[0]
    assert qset.state is SetState.READY
    assert [q.kind for q in qset.questions] == [
        QuestionKind.CHOICE,
        QuestionKind.YESNO,
        QuestionKind.OPEN,
    ]
    choice = qset.questions[0].settings()
    assert choice["options"] == ["avancement", "réalisations", "résultats"]
    assert choice["kind"] == "choice"
    scale = builders.gen_question(qset, "scale").settings()
    assert (scale["scale_min"], scale["scale_max"]) == (1, 5)
    assert scale["min_label"] == "pas du tout"


def test_enum_values_are_checked_by_the_database(app):
    session = builders.gen_session(with_sets=False)
    db.session.add(AgendaItem(session=session, position=9, title="x", kind=AgendaKind.OTHER))
    db.session.commit()
    statement = text("UPDATE agenda_item SET kind = 'party' WHERE position = 9")
    with pytest.raises(IntegrityError):
        db.session.execute(statement)
    db.session.rollback()


def test_agenda_positions_unique_within_session(app):
    session = builders.gen_session()
    db.session.add(AgendaItem(session=session, position=0, title="doublon"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_deleting_a_session_deletes_its_content(app):
    session = builders.gen_session()
    db.session.delete(session)
    db.session.commit()
    assert db.session.scalar(select(Session)) is None
    assert db.session.scalars(select(Question)).all() == []


def test_password_is_hashed(app):
    user = builders.gen_user(username="marie", password="long enough secret")
    assert "long enough secret" not in user.password_hash
    assert user.check_password("long enough secret")
    assert not user.check_password("wrong")
    assert db.session.scalar(select(User).where(User.username == "marie")).can_facilitate
