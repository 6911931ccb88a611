"""Fixtures of the rehearsal and reset tests (real SQLite, Flask-SocketIO's test client)."""

from __future__ import annotations

import pytest

from tests import builders
from workshop.extensions import socketio


@pytest.fixture
def session(app):
    return builders.gen_session()


@pytest.fixture
def sockets(app):
    """Open Socket.IO test clients (``sockets(code, role, **auth)``); disconnected at the end."""
    opened = []

    def open_socket(code, role="participant", flask_client=None, **extra):
        client = socketio.test_client(
            app, auth={"code": code, "role": role, **extra}, flask_test_client=flask_client
        )
        opened.append(client)
        return client

    yield open_socket
    for client in opened:
        if client.is_connected():
            client.disconnect()


@pytest.fixture
def organiser_login(client, auth, organiser):
    auth.login("organiser")
    return client
