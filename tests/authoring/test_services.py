"""The authoring services: keys made from titles, copies, archive, delete, reorder, speakers
reused in a programme, the activity log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import builders
from workshop.extensions import db
from workshop.models import Activity, AgendaItem, Session
from workshop.models.enums import SessionStatus, SetState
from workshop.services.authoring import agenda, programmes, questions, sessions, slugify, speakers
from workshop.services.errors import ServiceError

BY = "test"


def _actions(session=None) -> list[str]:
    query = select(Activity.action).order_by(Activity.id)
    if session is not None:
        query = query.where(Activity.session_id == session.id)
    return list(db.session.scalars(query))


def test_slugify_makes_keys_from_french_titles():
    assert slugify("Qu’est-ce que le partenariat ?") == "qu-est-ce-que-le-partenariat"
    assert slugify("Élaboration du partenariat") == "elaboration-du-partenariat"
    assert slugify("???") == "x"


def test_a_new_session_gets_a_slug_code_groups_and_a_log_line(app):
    session = sessions.create_session(sessions.SessionFields(title="Participation"), by=BY)
    assert session.slug == "participation"
    assert len(session.code) == 6
    assert [g.key for g in session.stakeholder_groups] == [
        "public", "private", "associative", "citizen"
    ]  # fmt: skip
    again = sessions.create_session(sessions.SessionFields(title="Participation"), by=BY)
    assert again.slug == "participation-2"
    assert again.code != session.code
    assert _actions(session) == ["session.created"]


def test_a_slug_taken_is_refused_on_its_field(app):
    sessions.create_session(sessions.SessionFields(title="A", slug="a"), by=BY)
    with pytest.raises(ServiceError) as refused:
        sessions.create_session(sessions.SessionFields(title="B", slug="a"), by=BY)
    assert refused.value.details == {"field": "slug"}


def test_a_copy_with_or_without_its_sets(app):
    source = builders.gen_session(slug="source")
    source.agenda[1].speakers = [source.speakers[0]]
    source.question_sets[0].state = SetState.CLOSED
    db.session.commit()
    bare = sessions.copy_session(source, title="Copie", with_sets=False, by=BY)
    assert bare.slug == "copie"
    assert bare.code != source.code
    assert bare.question_sets == []
    assert [i.title for i in bare.agenda] == [i.title for i in source.agenda]
    assert bare.agenda[1].question_set is None
    assert [s.key for s in bare.agenda[1].speakers] == ["s1"]
    full = sessions.copy_session(source, title="Copie", with_sets=True, by=BY)
    assert full.slug == "copie-2"
    [qset] = full.question_sets
    assert qset.state is SetState.READY
    assert [q.key for q in qset.questions] == [q.key for q in source.question_sets[0].questions]
    assert full.agenda[1].question_set is qset
    assert source.question_sets[0].state is SetState.CLOSED  # the source is left alone
    assert "session.copied" in _actions(full)


def test_archive_and_delete(app):
    session = builders.gen_session(slug="a-effacer")
    sessions.archive_session(session, True, by=BY)
    assert session.archived
    with pytest.raises(ServiceError) as refused:
        sessions.delete_session(session, "pas le titre", by=BY)
    assert refused.value.code == "confirmation"
    session.status = SessionStatus.LIVE
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        sessions.delete_session(session, session.title, by=BY)
    assert refused.value.code == "session_live"
    session.status = SessionStatus.ENDED
    db.session.commit()
    sessions.delete_session(session, session.code.lower(), by=BY)
    assert db.session.scalar(select(Session).where(Session.slug == "a-effacer")) is None
    assert _actions()[-2:] == ["session.archived", "session.deleted"]


def test_agenda_items_move_up_and_down_and_the_current_one_follows(app):
    session = builders.gen_session()
    first, second, third = session.agenda
    session.current_position = 0
    db.session.commit()
    agenda.move_item(first, +1, by=BY)
    assert [i.title for i in session.agenda] == [second.title, first.title, third.title]
    assert session.current_position == 1  # still the item under way
    agenda.move_item(third, -1, by=BY)
    agenda.move_item(second, -1, by=BY)  # already first: nothing moves
    db.session.expire_all()
    assert [i.position for i in session.agenda] == [0, 1, 2]
    assert [i.title for i in session.agenda] == [second.title, third.title, first.title]
    with pytest.raises(ServiceError):
        agenda.remove_item(session.agenda[2], by=BY)  # under way
    agenda.remove_item(session.agenda[0], by=BY)
    db.session.expire_all()
    assert [i.position for i in session.agenda] == [0, 1]
    assert session.current_position == 1
    assert db.session.scalars(select(AgendaItem).where(AgendaItem.session_id == session.id))


def test_question_keys_are_made_unique_in_their_set(app):
    session = builders.gen_session(with_sets=False)
    qset = questions.create_set(session, questions.SetFields(title="Élaboration"), by=BY)
    assert qset.key == "elaboration"
    fields = questions.QuestionFields(prompt="D'accord ?", kind="yesno")
    a = questions.add_question(qset, fields, by=BY)
    b = questions.add_question(qset, fields, by=BY)
    assert (a.key, b.key) == ("d-accord", "d-accord-2")
    with pytest.raises(ServiceError) as refused:
        questions.add_question(
            qset, questions.QuestionFields(prompt="?", kind="yesno", key="d-accord"), by=BY
        )
    assert refused.value.details == {"field": "key"}


def test_settings_of_another_kind_are_not_kept(app):
    session = builders.gen_session(with_sets=False)
    qset = questions.create_set(session, questions.SetFields(title="S"), by=BY)
    question = questions.add_question(
        qset,
        questions.QuestionFields(prompt="?", kind="yesno", options=["a", "b"], max_words=4),
        by=BY,
    )
    assert question.options == []
    assert question.max_words is None


def test_duplicate_a_set_and_move_a_question_between_sets(app):
    session = builders.gen_session()
    qset = session.question_sets[0]
    copy = questions.duplicate_set(qset, by=BY)
    assert copy.key == f"{qset.key}-copie"
    assert copy.title == f"{qset.title} (copie)"
    assert [q.prompt for q in copy.questions] == [q.prompt for q in qset.questions]
    moved = questions.move_question_to(qset.questions[0], copy, by=BY)
    assert moved.question_set is copy
    assert moved.key != copy.questions[0].key  # the target already had that key
    assert len(qset.questions) == 2
    assert [q.position for q in qset.questions] == [0, 1]
    questions.move_question(copy.questions[0], +1, by=BY)
    assert [q.position for q in copy.questions] == [0, 1, 2, 3]


def test_remove_a_set_unlinks_its_agenda_items(app):
    session = builders.gen_session()
    qset = session.question_sets[0]
    questions.remove_set(qset, by=BY)
    assert session.question_sets == []
    assert all(item.question_set is None for item in session.agenda)


def test_speakers_reused_within_the_programme(app):
    programme = builders.gen_programme()
    one = builders.gen_session(slug="un", programme=programme)
    two = builders.gen_session(slug="deux", programme=programme)
    elsewhere = builders.gen_session(slug="ailleurs")
    marie = speakers.add_speaker(
        one, speakers.SpeakerFields(name="Marie Dupont", organisation="SPW", bio="Bio"), by=BY
    )
    assert marie.key == "marie-dupont"
    assert marie in speakers.reusable(two)
    copied = speakers.reuse_speaker(two, marie, by=BY)
    assert (copied.name, copied.organisation, copied.bio, copied.session) == (
        "Marie Dupont", "SPW", "Bio", two
    )  # fmt: skip
    assert marie not in speakers.reusable(two)
    with pytest.raises(ServiceError):
        speakers.reuse_speaker(elsewhere, marie, by=BY)


def test_removing_a_speaker_takes_them_off_the_agenda(app):
    session = builders.gen_session()
    speaker = session.speakers[0]
    session.agenda[0].speakers = [speaker]
    db.session.commit()
    speakers.remove_speaker(speaker, by=BY)
    assert session.agenda[0].speakers == []


def test_programmes_and_ordered_themes(app):
    programme = programmes.create_programme(
        programmes.ProgrammeFields(title="Gouvernance 2009"), by=BY
    )
    assert programme.slug == "gouvernance-2009"
    a = programmes.add_theme(programme, "Bien gérer", "", by=BY)
    b = programmes.add_theme(programme, "Mobiliser", "", by=BY)
    with pytest.raises(ServiceError):
        programmes.add_theme(programme, "Mobiliser", "", by=BY)
    programmes.move_theme(b, -1, by=BY)
    db.session.expire_all()
    assert [t.title for t in programme.themes] == ["Mobiliser", "Bien gérer"]
    session = builders.gen_session(programme=programme, theme=a)
    programmes.remove_theme(a, by=BY)
    assert session.theme is None
    assert session.programme is programme
    assert [t.position for t in programme.themes] == [0]
