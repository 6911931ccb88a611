"""Results of question sets: figures equal a recount of the stored answers."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from tests import builders
from tests.services.helpers import (
    answer,
    by_kind,
    gen_set_of_every_kind,
    participant,
    statements,
)
from workshop.extensions import db
from workshop.models import Answer, Upvote
from workshop.services import results


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        yield


@pytest.fixture
def session(app):
    return builders.gen_session(with_sets=False)


@pytest.fixture
def qset(session):
    return gen_set_of_every_kind(session)


def test_empty_set(qset):
    result = results.set_results(qset)
    assert result["set_id"] == qset.id
    assert result["respondents"] == 0
    figures = by_kind(result)
    assert figures["choice"]["options"][0] == {
        "index": 0,
        "label": "avancement",
        "count": 0,
        "percent": 0.0,
    }
    assert figures["scale"]["mean"] is None
    assert figures["scale"]["median"] is None
    assert [d["value"] for d in figures["scale"]["distribution"]] == [1, 2, 3, 4, 5]
    assert figures["rank"]["options"][0]["average_rank"] is None
    assert figures["words"]["words"] == []
    assert figures["open"]["comments"] == []


def test_figures_by_hand(session, qset):
    q = {question.kind.value: question for question in qset.questions}
    a, b, c = (participant(session, f"P{i}") for i in range(3))
    answer(a, q["choice"], 0)
    answer(b, q["choice"], 0)
    answer(c, q["choice"], 2)
    answer(a, q["multi"], [0, 1])
    answer(b, q["multi"], [1])
    answer(a, q["yesno"], "yes")
    answer(b, q["yesno"], "dontknow")
    answer(c, q["yesno"], "yes")
    answer(a, q["scale"], 1)
    answer(b, q["scale"], 4)
    answer(a, q["rank"], [2, 0, 1])
    answer(b, q["rank"], [0, 2, 1])
    answer(a, q["words"], ["Confiance ", "temps"])
    answer(b, q["words"], ["confiance"])
    low = answer(a, q["open"], None, "Premier")
    top = answer(b, q["open"], None, "Deuxième")
    highlighted = answer(c, q["open"], None, "Troisième", highlighted=True)
    hidden = answer(participant(session), q["open"], None, "Caché", hidden=True)
    db.session.add(Upvote(participant_id=a.id, answer_id=top.id))
    db.session.commit()

    result = results.set_results(qset)
    figures = by_kind(result)
    assert result["respondents"] == 4
    assert [o["count"] for o in figures["choice"]["options"]] == [2, 0, 1]
    assert [o["percent"] for o in figures["choice"]["options"]] == [66.7, 0.0, 33.3]
    assert [o["count"] for o in figures["multi"]["options"]] == [1, 2, 0]
    assert [o["percent"] for o in figures["multi"]["options"]] == [50.0, 100.0, 0.0]
    yesno = figures["yesno"]["options"]
    assert [(o["key"], o["label"], o["count"]) for o in yesno] == [
        ("yes", "Oui", 2),
        ("no", "Non", 0),
        ("dontknow", "Je ne sais pas", 1),
    ]
    assert figures["scale"]["mean"] == 2.5
    assert figures["scale"]["median"] == 2.5
    assert figures["scale"]["distribution"][3] == {"value": 4, "count": 1, "percent": 50.0}
    ranks = figures["rank"]["options"]
    assert [(o["index"], o["average_rank"]) for o in ranks] == [(0, 1.5), (2, 1.5), (1, 3.0)]
    assert figures["words"]["words"] == [
        {"word": "confiance", "count": 2},
        {"word": "temps", "count": 1},
    ]
    comments = figures["open"]["comments"]
    assert [c["id"] for c in comments] == [highlighted.id, top.id, low.id]
    assert hidden.id not in [c["id"] for c in comments]
    assert comments[1] == {
        "id": top.id,
        "question_id": q["open"].id,
        "text": "Deuxième",
        "pseudonym": "P1",
        "upvotes": 1,
        "highlighted": False,
    }
    assert figures["open"]["respondents"] == 4  # the hidden one was answered too


def test_filter_by_participants(session, qset):
    q = {question.kind.value: question for question in qset.questions}
    public = participant(session, group="public")
    citizen = participant(session, group="citizen")
    answer(public, q["choice"], 0)
    answer(citizen, q["choice"], 1)
    db.session.commit()
    groups = results.participant_ids_by_group(session.id)
    assert groups == {"public": [public.id], "citizen": [citizen.id]}
    only_public = by_kind(results.set_results(qset, participant_ids=groups["public"]))
    assert [o["count"] for o in only_public["choice"]["options"]] == [1, 0, 0]
    assert results.set_results(qset, participant_ids=[])["respondents"] == 0


def test_random_answers_equal_a_recount(session, qset):
    rng = random.Random(7)
    q = {question.kind.value: question for question in qset.questions}
    people = [participant(session) for _ in range(40)]
    expected_choice, expected_multi, expected_scale = Counter(), Counter(), []
    for p in people:
        if rng.random() < 0.8:
            value = rng.randrange(3)
            expected_choice[value] += 1
            answer(p, q["choice"], value)
        if rng.random() < 0.7:
            value = rng.sample(range(3), rng.randint(1, 3))
            expected_multi.update(value)
            answer(p, q["multi"], value)
        if rng.random() < 0.6:
            value = rng.randint(1, 5)
            expected_scale.append(value)
            answer(p, q["scale"], value)
    db.session.commit()
    figures = by_kind(results.set_results(qset))
    n_choice = sum(expected_choice.values())
    assert figures["choice"]["respondents"] == n_choice
    assert [o["count"] for o in figures["choice"]["options"]] == [
        expected_choice[i] for i in range(3)
    ]
    assert [o["percent"] for o in figures["choice"]["options"]] == [
        round(100 * expected_choice[i] / n_choice, 1) for i in range(3)
    ]
    assert [o["count"] for o in figures["multi"]["options"]] == [
        expected_multi[i] for i in range(3)
    ]
    assert figures["scale"]["mean"] == round(sum(expected_scale) / len(expected_scale), 2)
    assert sum(d["count"] for d in figures["scale"]["distribution"]) == len(expected_scale)
    answered = {a.participant_id for a in db.session.query(Answer)}
    assert by_kind(results.set_results(qset)) == figures
    assert results.set_results(qset)["respondents"] == len(answered)


def test_two_queries_per_batch_of_sets(app, session, qset):

    other = builders.gen_question_set(session, kinds=("choice",))
    p = participant(session, "P")
    answer(p, qset.questions[0], 0)
    answer(p, qset.questions[-1], None, "texte")
    db.session.commit()
    sets = [qset, other]
    for s in sets:
        s.questions  # noqa: B018  (loaded before counting)
    with statements() as seen:
        results.results_by_set(sets)
    assert len(seen) == 2
