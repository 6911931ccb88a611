"""Every figure of the summary equals a recount from the raw answers; the anonymity threshold."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest

from tests import builders
from tests.summary.helpers import gen_answer, gen_participant
from workshop.extensions import db
from workshop.models import Answer, Participant, StakeholderGroup, Upvote
from workshop.summary import figures

pytestmark = pytest.mark.usefixtures("request_ctx")


def raw_answers(question, group_key=None):
    query = db.session.query(Answer).filter(Answer.question_id == question.id)
    if group_key == figures.NO_GROUP:
        query = query.join(Participant, Participant.id == Answer.participant_id).filter(
            Participant.group_id.is_(None)
        )
    elif group_key is not None:
        query = (
            query.join(Participant, Participant.id == Answer.participant_id)
            .join(StakeholderGroup, StakeholderGroup.id == Participant.group_id)
            .filter(StakeholderGroup.key == group_key)
        )
    return query.all()


def pct(count, total):
    return round(100 * count / total, 1) if total else 0.0


def expected_figures(question, answers):
    """A recount written independently of the code under test."""
    kind = question.kind.value
    values = [a.value for a in answers]
    n = len(answers) if kind != "open" else len([a for a in answers if a.text])
    out = {"respondents": n}
    if kind in ("choice", "multi"):
        counts = Counter()
        for v in values:
            counts.update(v if isinstance(v, list) else [v])
        out["options"] = [
            (label, counts[i], pct(counts[i], n)) for i, label in enumerate(question.options)
        ]
    elif kind == "yesno":
        counts = Counter(values)
        out["options"] = [(k, counts[k], pct(counts[k], n)) for k in ("yes", "no", "dontknow")]
    elif kind == "scale":
        counts = Counter(values)
        out["mean"] = round(statistics.fmean(values), 2)
        out["median"] = statistics.median(values)
        out["distribution"] = [
            (v, counts[v], pct(counts[v], n))
            for v in range(question.scale_min, question.scale_max + 1)
        ]
    elif kind == "rank":
        out["ranks"] = {
            label: round(statistics.fmean(v.index(i) + 1 for v in values), 2)
            for i, label in enumerate(question.options)
        }
    elif kind == "words":
        counts = Counter(w.lower() for v in values for w in set(v))
        out["words"] = dict(counts)
    return out


def actual_figures(question, results):
    kind = question.kind.value
    out = {"respondents": results["respondents"]}
    if kind in ("choice", "multi"):
        out["options"] = [(o["label"], o["count"], o["percent"]) for o in results["options"]]
    elif kind == "yesno":
        out["options"] = [(o["key"], o["count"], o["percent"]) for o in results["options"]]
    elif kind == "scale":
        out["mean"] = results["mean"]
        out["median"] = results["median"]
        out["distribution"] = [
            (d["value"], d["count"], d["percent"]) for d in results["distribution"]
        ]
    elif kind == "rank":
        out["ranks"] = {o["label"]: o["average_rank"] for o in results["options"]}
    elif kind == "words":
        out["words"] = {w["word"]: w["count"] for w in results["words"]}
    return out


def _questions(summary):
    return [q for s in summary["sets"] for q in s["questions"]]


def test_every_figure_equals_a_recount(room):
    summary = figures.session_summary(room)
    qset = room.question_sets[0]
    by_id = {q["id"]: q for q in _questions(summary)}
    assert summary["sets"][0]["respondents"] == len(
        {a.participant_id for q in qset.questions for a in raw_answers(q)}
    )
    for question in qset.questions:
        shown = by_id[question.id]
        assert actual_figures(question, shown["results"]) == expected_figures(
            question, raw_answers(question)
        ), question.kind


def _respondents(question, group_key=None):
    answers = raw_answers(question, group_key)
    if question.kind.value == "open":
        answers = [a for a in answers if a.text]
    return answers


def test_group_figures_equal_a_recount_or_are_withheld(room):
    summary = figures.session_summary(room)
    qset = room.question_sets[0]
    by_id = {q["id"]: q for q in _questions(summary)}
    checked = suppressed = 0
    for question in qset.questions:
        for entry in by_id[question.id]["by_group"]:
            answers = _respondents(question, entry["group"])
            if entry["suppressed"]:
                # No figure at all, not even the count.
                assert set(entry) == {"group", "label", "suppressed"}
                suppressed += 1
            else:
                assert len(answers) >= figures.MIN_GROUP_RESPONDENTS
                assert actual_figures(question, entry["results"]) == expected_figures(
                    question, answers
                )
                checked += 1
            if len(answers) < figures.MIN_GROUP_RESPONDENTS:
                assert entry["suppressed"]
    assert checked  # the room exercises both cases
    assert suppressed


def test_the_overall_minus_the_groups_shown_never_singles_anyone_out(room):
    """Secondary suppression: what the groups shown leave out of the overall figures is nobody
    or at least the threshold (else the withheld groups could be recomputed by subtraction)."""
    summary = figures.session_summary(room)
    for question in room.question_sets[0].questions:
        entry_list = next(q for q in _questions(summary) if q["id"] == question.id)["by_group"]
        shown = sum(e["results"]["respondents"] for e in entry_list if not e["suppressed"])
        left_out = len(_respondents(question)) - shown
        assert left_out == 0 or left_out >= figures.MIN_GROUP_RESPONDENTS


def test_one_small_group_withholds_the_next_smallest_too(app):
    session = builders.gen_session(with_sets=False)
    choice = builders.gen_question_set(session, kinds=("choice",)).questions[0]
    for key, size in (("public", 6), ("private", 4), ("associative", 1)):
        for _ in range(size):
            gen_answer(gen_participant(session, key), choice, 0)
    by_group = {
        e["group"]: e
        for e in figures.session_summary(session)["sets"][0]["questions"][0]["by_group"]
    }
    assert by_group["associative"]["suppressed"]  # 1 respondent
    assert by_group["private"]["suppressed"]  # 4, but 11 - 6 - 4 would give the 1 back
    assert not by_group["public"]["suppressed"]
    assert by_group["public"]["results"]["respondents"] == 6


def test_participants_without_group_form_a_group_of_their_own(app):
    session = builders.gen_session(with_sets=False)
    choice = builders.gen_question_set(session, kinds=("choice",)).questions[0]
    for _ in range(3):
        gen_answer(gen_participant(session, "public"), choice, 1)
    for _ in range(4):
        gen_answer(gen_participant(session, None), choice, 2)
    entries = figures.session_summary(session)["sets"][0]["questions"][0]["by_group"]
    nobody = entries[-1]
    assert nobody["group"] == figures.NO_GROUP
    assert nobody["label"] == "Sans groupe déclaré"
    assert nobody["results"]["respondents"] == 4
    assert nobody["results"]["options"][2]["count"] == 4


def test_comments_ordered_highlighted_first_then_upvotes_hidden_left_out(room):
    summary = figures.session_summary(room)
    for question in _questions(summary):
        rows = {
            a.id: a
            for a in db.session.query(Answer).filter(Answer.question_id == question["id"])
            if a.text
        }
        shown = question["comments"]
        assert {c["id"] for c in shown} == {i for i, a in rows.items() if not a.hidden}
        for comment in shown:
            assert comment["upvotes"] == Upvote.query.filter_by(answer_id=comment["id"]).count()
            assert comment["highlighted"] == rows[comment["id"]].highlighted
        keys = [(not c["highlighted"], -c["upvotes"]) for c in shown]
        assert keys == sorted(keys)
    hidden = db.session.query(Answer).filter(Answer.hidden.is_(True)).one()
    assert hidden.id not in {c["id"] for q in _questions(summary) for c in q["comments"]}


@pytest.mark.parametrize(("size", "shown"), [(2, False), (3, True)])
def test_anonymity_threshold(app, size, shown):
    session = builders.gen_session(with_sets=False)
    qset = builders.gen_question_set(session, kinds=("choice", "scale"))
    choice, scale = qset.questions
    for i in range(size):
        phone = gen_participant(session, "private")
        gen_answer(phone, choice, i % 3)
        gen_answer(phone, scale, 4)
    for _ in range(5):
        gen_answer(gen_participant(session, "public"), choice, 0)
    summary = figures.session_summary(session)
    for question in summary["sets"][0]["questions"]:
        entry = next(e for e in question["by_group"] if e["group"] == "private")
        assert entry["suppressed"] is not shown
        if shown:
            assert entry["results"]["respondents"] == size
        else:
            # No figure at all, not even the count, anywhere in the entry.
            assert set(entry) == {"group", "label", "suppressed"}
    # The page shows « moins de 3 réponses » only where the data layer says so.
    citizen = next(
        e for e in summary["sets"][0]["questions"][0]["by_group"] if e["group"] == "citizen"
    )
    assert citizen["suppressed"] is True


def test_answers_of_another_session_do_not_count(room):
    other = builders.gen_session(title="Autre")
    question = other.question_sets[0].questions[0]
    gen_answer(gen_participant(other, "public"), question, 0)
    summary = figures.session_summary(room)
    assert all(q["id"] != question.id for q in _questions(summary))


def test_fingerprint_changes_with_an_answer(room):
    before = figures.fingerprint(figures.session_summary(room))
    question = room.question_sets[0].questions[0]
    gen_answer(gen_participant(room, "citizen"), question, 1)
    assert figures.fingerprint(figures.session_summary(room)) != before
