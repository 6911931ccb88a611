"""Fixtures of the summary tests: a session with every question kind and a room's answers."""

from __future__ import annotations

import random

import pytest

from tests import builders
from tests.summary.helpers import gen_answer, gen_participant, gen_upvotes
from workshop.extensions import db

#: Participants per stakeholder group (None: no group given).
ROOM = {"public": 5, "private": 2, "associative": 3, "citizen": 0, None: 2}

KINDS = ("choice", "multi", "yesno", "scale", "rank", "open", "words")
WORDS = ("confiance", "transparence", "délais", "partenariat", "budget", "écoute")


def random_value(question, rng: random.Random):
    kind = question.kind.value
    n = len(question.options or [])
    if kind == "choice":
        return rng.randrange(n)
    if kind == "multi":
        return sorted(rng.sample(range(n), rng.randint(1, n)))
    if kind == "yesno":
        return rng.choice(["yes", "no", "dontknow"])
    if kind == "scale":
        return rng.randint(question.scale_min, question.scale_max)
    if kind == "rank":
        order = list(range(n))
        rng.shuffle(order)
        return order
    if kind == "words":
        return rng.sample(WORDS, rng.randint(1, 3))
    return None


@pytest.fixture
def room(app):
    """A session with one set of every kind (comments allowed), answered by ``ROOM``."""
    rng = random.Random(42)  # noqa: S311
    session = builders.gen_session(with_sets=False)
    qset = builders.gen_question_set(session, title="Élaboration du partenariat")
    for kind in KINDS:
        builders.gen_question(qset, kind, allow_comment=kind != "open")
    participants = [
        gen_participant(session, group) for group, size in ROOM.items() for _ in range(size)
    ]
    comments = []
    for index, participant in enumerate(participants):
        for question in qset.questions:
            if rng.random() < 0.15:
                continue  # not everybody answers everything
            text = None
            if question.kind.value == "open":
                text = f"Réponse ouverte n° {index}"
            elif rng.random() < 0.3:
                text = f"Commentaire {index} sur {question.key}"
            answer = gen_answer(
                participant, question, random_value(question, rng), text, commit=False
            )
            if text:
                comments.append(answer)
    # Moderation and upvotes.
    comments[0].hidden = True
    comments[1].highlighted = True
    db.session.commit()
    for answer in comments[2:6]:
        gen_upvotes(answer, rng.sample(participants, rng.randint(1, 4)))
    return session


@pytest.fixture
def request_ctx(app):
    """A request context: labels (yes/no, kinds) are translated, in French by default."""
    with app.test_request_context():
        yield
