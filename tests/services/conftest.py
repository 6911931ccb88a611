"""Fixtures shared by the service tests: a session, its first set open, its questions by kind,
and the request the live services run in."""

from __future__ import annotations

import pytest

from tests import builders
from workshop.extensions import db
from workshop.models.enums import SetState


@pytest.fixture
def live_request(app):
    """Pushes at once, in the caller, inside a French request (as a Socket.IO handler runs).

    Not autouse: the modules that need it say ``pytestmark = pytest.mark.usefixtures(...)``."""
    app.config["RESULTS_PUSH_INTERVAL"] = 0
    app.config["COMMENTS_PUSH_INTERVAL"] = 0
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        yield


@pytest.fixture
def session(app):
    return builders.gen_session()


@pytest.fixture
def qset(session):
    """The session's first set, open."""
    qset = session.question_sets[0]
    qset.state = SetState.OPEN
    db.session.commit()
    return qset


@pytest.fixture
def q(qset):
    return {question.kind.value: question for question in qset.questions}
