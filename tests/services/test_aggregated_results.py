"""The aggregated results (SQL ``GROUP BY``, used by the live pushes) are byte for byte the
reference ``set_results`` (every answer read), on SQLite and on PostgreSQL.

PostgreSQL: a temporary database on 127.0.0.1:5432 (user postgres, trust), dropped afterwards;
without a server the PostgreSQL cases skip (fail with ``CI`` set).
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Iterator

import pytest

from tests import builders
from tests.services.helpers import (
    answer,
    by_kind,
    gen_set_of_every_kind,
    participant,
    statements,
)
from tests.support import unavailable
from workshop import create_app
from workshop.extensions import db
from workshop.models import Upvote
from workshop.services import results
from workshop.services.results import aggregated_set_results

PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=3"


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this module (its SQLAlchemy URL)."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            name = f"workshop_results_{secrets.token_hex(4)}"
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001  (no driver, no server: skip)
        unavailable(f"PostgreSQL is not reachable ({PG_ADMIN_DSN}): {exc}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_url")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret",
            "SOCKETIO_ASYNC_MODE": "threading",
            "SESSIONS_DIR": str(tmp_path / "sessions"),
        }
    )
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "fr"}):
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app):
    return builders.gen_session(with_sets=False)


@pytest.fixture
def qset(session):
    return gen_set_of_every_kind(session)


def same(qset, participant_ids=None):
    """The aggregated results are the reference's, byte for byte (key order, ints vs floats)."""
    expected = results.set_results(qset, participant_ids)
    got = results.aggregated_set_results(qset, participant_ids)
    assert json.dumps(got, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)
    if participant_ids is None:
        assert aggregated_set_results(qset) == expected
    return got


def test_empty_set(qset):
    result = same(qset)
    assert result["respondents"] == 0
    assert same(qset, participant_ids=[])["respondents"] == 0


def test_every_kind_with_repeated_and_varied_values(session, qset):
    q = {question.kind.value: question for question in qset.questions}
    people = [participant(session, f"P{i}") for i in range(8)]
    choices = [0, 0, 2, 1, 0, 2, 2, 0]
    multis = [[0, 1], [1], [0, 1], [1, 0], [2], [0, 1, 2], [1], [0, 1]]
    yesnos = ["yes", "no", "yes", "dontknow", "yes", "no", "yes", "yes"]
    scales = [1, 4, 4, 5, 3, 4, 2, 5]
    ranks = [[2, 0, 1], [0, 2, 1], [2, 0, 1], [0, 1, 2], [2, 0, 1], [1, 2, 0], [0, 2, 1], [2, 0, 1]]
    words = [
        ["Confiance ", "temps"],
        ["confiance"],
        ["Confiance ", "temps"],
        ["temps", "confiance"],
        ["  ", "budget"],
        ["Budget", "budget"],
        ["Confiance ", "temps"],
        [],
    ]
    for i, p in enumerate(people):
        answer(p, q["choice"], choices[i], "Pourquoi pas" if i % 3 == 0 else None)
        answer(p, q["multi"], multis[i])
        answer(p, q["yesno"], yesnos[i])
        answer(p, q["scale"], scales[i], f"Échelle {i}" if i % 2 else None)
        answer(p, q["rank"], ranks[i])
        answer(p, q["words"], words[i])
    result = same(qset)
    figures = by_kind(result)
    assert result["respondents"] == 8
    assert [o["count"] for o in figures["choice"]["options"]] == [4, 1, 3]
    assert [o["count"] for o in figures["multi"]["options"]] == [5, 7, 2]
    assert figures["scale"]["median"] == 4.0
    assert figures["words"]["words"][:2] == [
        {"word": "confiance", "count": 5},
        {"word": "temps", "count": 4},
    ]
    assert len(figures["scale"]["comments"]) == 4


def test_comments_hidden_highlighted_upvoted(session, qset):
    q = {question.kind.value: question for question in qset.questions}
    a, b, c, d, e = (participant(session, f"P{i}") for i in range(5))
    low = answer(a, q["open"], None, "Premier")
    top = answer(b, q["open"], None, "Deuxième")
    highlighted = answer(c, q["open"], None, "Troisième", highlighted=True)
    hidden = answer(d, q["open"], None, "Caché", hidden=True)
    answer(e, q["open"], None, "")  # blank: neither a comment nor a respondent
    both = answer(e, q["choice"], 1, "Avec commentaire", highlighted=True, hidden=True)
    second = answer(d, q["choice"], 0, "Aussi")
    for voter in (a, c, d):
        db.session.add(Upvote(participant_id=voter.id, answer_id=top.id))
    db.session.add(Upvote(participant_id=a.id, answer_id=hidden.id))
    db.session.add(Upvote(participant_id=b.id, answer_id=second.id))
    db.session.commit()
    figures = by_kind(same(qset))
    assert [x["id"] for x in figures["open"]["comments"]] == [highlighted.id, top.id, low.id]
    assert figures["open"]["comments"][1]["upvotes"] == 3
    assert figures["open"]["respondents"] == 4  # the hidden one was answered too
    assert [x["id"] for x in figures["choice"]["comments"]] == [second.id]
    assert both.id not in [x["id"] for x in figures["choice"]["comments"]]


def test_values_that_no_longer_fit_are_left_out(session, qset):
    q = {question.kind.value: question for question in qset.questions}
    a, b, c = (participant(session) for _ in range(3))
    answer(a, q["choice"], 5)  # out of range (options removed since)
    answer(b, q["choice"], "1")
    answer(c, q["choice"], 1)
    answer(a, q["multi"], [])
    answer(b, q["rank"], [0, 1])
    answer(a, q["scale"], 9)
    answer(b, q["scale"], True)
    answer(a, q["yesno"], "peut-être")
    answer(a, q["words"], "mot")
    answer(c, q["yesno"], None)
    db.session.commit()
    figures = by_kind(same(qset))
    assert figures["choice"]["respondents"] == 1
    assert figures["scale"]["respondents"] == 0


def test_participant_filter(session, qset):
    q = {question.kind.value: question for question in qset.questions}
    public = [participant(session, group="public") for _ in range(3)]
    citizens = [participant(session, group="citizen") for _ in range(2)]
    opinions = []
    for i, p in enumerate(public + citizens):
        answer(p, q["choice"], i % 2)
        answer(p, q["words"], ["eau", "Air"] if i % 2 else ["eau"])
        opinions.append(answer(p, q["open"], None, f"Avis {i}"))
    db.session.add(Upvote(participant_id=citizens[0].id, answer_id=opinions[0].id))
    db.session.commit()
    groups = results.participant_ids_by_group(session.id)
    for ids in groups.values():
        same(qset, ids)
    same(qset, [public[0].id, citizens[1].id])
    assert same(qset, [citizens[0].id])["respondents"] == 1


def test_random_answers(session, qset):
    rng = random.Random(11)
    q = {question.kind.value: question for question in qset.questions}
    vocabulary = ["eau", "Eau ", "air", "sol", "temps", "budget"]
    people = [participant(session, f"P{i}" if i % 4 else "") for i in range(60)]
    comments = []
    for p in people:
        if rng.random() < 0.8:
            answer(p, q["choice"], rng.randrange(3))
        if rng.random() < 0.7:
            answer(p, q["multi"], rng.sample(range(3), rng.randint(1, 3)))
        if rng.random() < 0.7:
            answer(p, q["yesno"], rng.choice(["yes", "no", "dontknow"]))
        if rng.random() < 0.6:
            text = f"Note {rng.randrange(5)}" if rng.random() < 0.3 else None
            answer(p, q["scale"], rng.randint(1, 5), text, hidden=rng.random() < 0.2)
        if rng.random() < 0.6:
            answer(p, q["rank"], rng.sample(range(3), 3))
        if rng.random() < 0.6:
            answer(p, q["words"], rng.sample(vocabulary, rng.randint(0, 3)))
        if rng.random() < 0.5:
            comments.append(
                answer(
                    p,
                    q["open"],
                    None,
                    f"Avis {rng.randrange(10)}",
                    highlighted=rng.random() < 0.1,
                    hidden=rng.random() < 0.1,
                )
            )
    for c in comments:
        for voter in rng.sample(people, rng.randrange(4)):
            db.session.add(Upvote(participant_id=voter.id, answer_id=c.id))
    db.session.commit()
    same(qset)
    same(qset, [p.id for p in people[::3]])


def test_few_queries_whatever_the_number_of_answers(app, session, qset):
    people = [participant(session) for _ in range(30)]
    for p in people:
        for question in qset.questions:
            answer(p, question, None, "texte")
    db.session.commit()
    qset.questions  # noqa: B018  (loaded before counting)
    with statements() as seen:
        results.aggregated_set_results(qset)
    assert len(seen) == 3
