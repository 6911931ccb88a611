"""Fixtures of the account pages' tests: log in as someone (the test's app context is shared by
its requests, so Flask-Login's cached user is dropped between them)."""

from __future__ import annotations

import pytest
from flask import g

from tests.live.conftest import console, push_at_once, sockets  # noqa: F401  (the sockets' tests)


@pytest.fixture
def login(client, app):
    """``login(username, password)``: log in (CSRF off), the cached user forgotten first."""
    app.config["WTF_CSRF_ENABLED"] = False

    def log_in(username="organiser", password="correct horse", **params):
        forget()
        client.post("/logout")
        forget()
        response = client.post(
            "/login", query_string=params, data={"username": username, "password": password}
        )
        forget()
        return response

    return log_in


def forget() -> None:
    """Drop Flask-Login's user cached on ``g`` (one app context holds every request here)."""
    g.pop("_login_user", None)


@pytest.fixture
def fresh():
    """Call between requests of different users (or after a change to the logged-in one)."""
    return forget
