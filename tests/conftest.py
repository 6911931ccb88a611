"""Shared fixtures: a fresh app on a temporary SQLite database per test (schema by Alembic)."""

from __future__ import annotations

import pytest

from workshop import create_app
from workshop.extensions import db

from . import builders


@pytest.fixture
def app(tmp_path):
    app = create_app(
        builders.app_config(
            tmp_path,
            INSTANCE_PATH=str(tmp_path / "instance"),
            SESSIONS_DIR=str(tmp_path / "sessions"),
        )
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def csrf_app(app):
    """The app with CSRF enforced, as in production (TESTING leaves it on too)."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username="facilitator", password="correct horse"):
        return self._client.post(
            "/login", data={"username": username, "password": password}, follow_redirects=False
        )

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def facilitator(app):
    return builders.gen_user(username="facilitator", role="facilitator", password="correct horse")


@pytest.fixture
def organiser(app):
    return builders.gen_user(username="organiser", role="organiser", password="correct horse")


@pytest.fixture
def auth(client, app):
    """Log in without CSRF tokens (the login test checks CSRF separately)."""
    app.config["WTF_CSRF_ENABLED"] = False
    return AuthActions(client)
