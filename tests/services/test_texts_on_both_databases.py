"""Texts with NUL and other control characters (issue 11, item 2): the same input gets the same
answer on SQLite and on PostgreSQL (whose driver refuses NUL) — stripped, newlines and tabs kept
where the field allows them, through the real write paths (the group writer, the profile, the
endorsements).

PostgreSQL: a temporary database on 127.0.0.1:5432, dropped afterwards; without a server the
PostgreSQL cases skip (fail with ``CI`` set)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import builders
from tests.services.test_aggregated_results import pg_url  # noqa: F401  (a fixture)
from workshop import create_app
from workshop.extensions import db
from workshop.models import Answer, Participant
from workshop.models.enums import SetState
from workshop.services import conclusions, live
from workshop.services.live.answers import AnswerRequest
from workshop.services.live.writer import GroupWriter

HOSTILE = "Avant\x00 le\x07 vote\r\n\tpuis\x1b après\x7f"


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    url = (
        f"sqlite:///{tmp_path / 'test.sqlite3'}"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    app = create_app(builders.app_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "fr"}):
        yield app
        db.session.remove()
        db.engine.dispose()


def test_control_characters_are_stripped_the_same_way(app):
    session = builders.gen_session()
    qset = session.question_sets[0]
    qset.state = SetState.OPEN
    db.session.commit()
    by_kind = {q.kind.value: q for q in qset.questions}
    phone = live.connect(session.code, "participant", sid="sid-nul").participant_id

    writer = GroupWriter(app)
    jobs = [
        writer.enqueue(
            AnswerRequest(session.id, phone, "nul-open-01", by_kind["open"].id, None, HOSTILE),
            start=False,
        ),
    ]
    writer.drain()
    assert all(job.done.is_set() for job in jobs)
    texts = dict(
        db.session.execute(
            select(Answer.question_id, Answer.text).where(Answer.participant_id == phone)
        ).all()
    )
    # Multi-line fields keep newlines and tabs, lose the rest (a CR too: lines end in LF).
    assert texts[by_kind["open"].id] == "Avant le vote\n\tpuis après"

    profile = live.set_profile(session.id, phone, "Ma\x00rie\n\tB", None)
    assert profile["pseudonym"] == "Marie  B"  # one line: line breaks and tabs become spaces
    assert db.session.get(Participant, phone).pseudonym == "Marie  B"

    conclusion = conclusions.save_conclusion(session, text="Un comité commun.")
    builders.put_to_room(conclusion)
    stored = conclusions.endorse(
        session.id,
        phone,
        client_id="nul-endorse",
        conclusion_id=conclusion.id,
        choice="amend",
        amendment=HOSTILE,
    )
    assert stored["amendment"] == "Avant le vote\n\tpuis après"
