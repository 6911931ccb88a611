"""Fixtures shared by the Socket.IO handler tests (``test_*_events.py``), through
Flask-SocketIO's test client (real SQLite, no mocks)."""

from __future__ import annotations

import pytest

from tests import builders
from workshop.extensions import socketio


@pytest.fixture
def push_at_once(app):
    """Results, counters, comments and tallies pushed in the caller (no background thread here).

    Not autouse: the modules that need it say ``pytestmark = pytest.mark.usefixtures(...)``, so
    the page tests of this folder are left alone."""
    app.config["RESULTS_PUSH_INTERVAL"] = 0
    app.config["COMMENTS_PUSH_INTERVAL"] = 0


@pytest.fixture
def session(app):
    return builders.gen_session()


@pytest.fixture
def qset(session):
    return session.question_sets[0]


@pytest.fixture
def questions(qset):
    return {q.kind.value: q for q in qset.questions}


@pytest.fixture
def sockets(app):
    """Open Socket.IO test clients; all disconnected at the end."""
    opened = []

    def open_socket(code, role="participant", token=None, flask_client=None, **extra):
        auth = {"code": code, "role": role, **extra}
        if token is not None:
            auth["token"] = token
        client = socketio.test_client(app, auth=auth, flask_test_client=flask_client)
        opened.append(client)
        return client

    yield open_socket
    for client in opened:
        if client.is_connected():
            client.disconnect()


@pytest.fixture
def console(sockets, session, auth, client, facilitator):
    """A facilitator's console, connected (its snapshot consumed)."""
    builders.assign(facilitator, session)
    auth.login()
    sock = sockets(session.code, "console", flask_client=client)
    assert sock.is_connected()
    sock.get_received()
    return sock
