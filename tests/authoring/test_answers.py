"""Editing what has answers (issue 12, item 8): rewording and adding are allowed; changing or
removing the options of an answered question, or deleting or moving it, is refused with an
explanation — nothing changes."""

from __future__ import annotations

from html import unescape

import pytest

from tests import builders
from tests.services.helpers import answer, participant
from workshop.extensions import db
from workshop.models.enums import SetState
from workshop.services.authoring import questions
from workshop.services.errors import ServiceError

BY = "test"


@pytest.fixture
def answered(app):
    """A choice question with one answer, in a set that was opened."""
    session = builders.gen_session()
    qset = session.question_sets[0]
    question = next(q for q in qset.questions if q.kind.value == "choice")
    answer(participant(session), question, value=0)
    qset.state = SetState.CLOSED
    db.session.commit()
    return question


def _fields(question, **changes) -> questions.QuestionFields:
    values = {
        "prompt": question.prompt,
        "kind": question.kind.value,
        "options": list(question.options),
    }
    return questions.QuestionFields(**{**values, **changes})


def test_a_typo_in_the_prompt_can_be_fixed(answered):
    questions.update_question(answered, _fields(answered, prompt="Corrigé ?"), by=BY)
    assert answered.prompt == "Corrigé ?"


def test_an_option_can_be_added(answered):
    options = [*answered.options, "autre"]
    questions.update_question(answered, _fields(answered, options=options), by=BY)
    assert answered.options == options


@pytest.mark.parametrize(
    "changes",
    [
        {"options": ["avancement", "résultats"]},  # removed
        {"options": ["avancement", "réalisation", "résultats"]},  # changed
        {"options": ["résultats", "avancement", "réalisations"]},  # reordered
        {"kind": "multi"},
    ],
)
def test_changing_what_was_answered_is_refused(answered, changes):
    before = (answered.kind, list(answered.options))
    with pytest.raises(ServiceError) as refused:
        questions.update_question(answered, _fields(answered, **changes), by=BY)
    assert refused.value.code == "has_answers"
    assert "1 réponse" in refused.value.message
    db.session.expire_all()
    assert (answered.kind, list(answered.options)) == before


def test_an_answered_question_is_neither_deleted_nor_moved(answered):
    qset = answered.question_set
    other = builders.gen_question_set(qset.session, title="Autre")
    with pytest.raises(ServiceError):
        questions.remove_question(answered, by=BY)
    with pytest.raises(ServiceError):
        questions.move_question_to(answered, other, by=BY)
    with pytest.raises(ServiceError):
        questions.remove_set(qset, by=BY)
    db.session.expire_all()
    assert answered.question_set_id == qset.id


def test_a_question_can_be_added_to_a_set_not_yet_opened_only(answered):
    qset = answered.question_set
    with pytest.raises(ServiceError) as refused:
        questions.add_question(qset, questions.QuestionFields(prompt="?", kind="yesno"), by=BY)
    assert refused.value.code == "set_opened"
    fresh = builders.gen_question_set(qset.session, title="Pas encore ouverte")
    questions.add_question(fresh, questions.QuestionFields(prompt="?", kind="yesno"), by=BY)
    assert len(fresh.questions) == 1


def test_the_form_explains_the_refusal_next_to_the_options(answered, organiser_client):
    qset = answered.question_set
    url = f"/admin/sessions/{qset.session.slug}/sets/{qset.id}/questions/{answered.id}"
    page = unescape(organiser_client.get(url).get_data(as_text=True))
    assert "Cette question a déjà 1 réponse" in page
    response = organiser_client.post(
        url, data={"prompt": answered.prompt, "kind": "choice", "options": "avancement\nautre"}
    )
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    error = html.split('<div id="options-error">', 1)[1].split("</div>", 1)[0]
    assert "les options ne peuvent plus être modifiées ni retirées" in error
    db.session.expire_all()
    assert answered.options == ["avancement", "réalisations", "résultats"]
