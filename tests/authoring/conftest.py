"""Authoring tests: an organiser logged in (CSRF off, as in tests/conftest.py's ``auth``)."""

from __future__ import annotations

import pytest

from tests.live.conftest import console, push_at_once, session, sockets  # noqa: F401
from tests.sessions_files.helpers import SEED_FILES
from workshop.sessions_files import load_paths


@pytest.fixture
def organiser_client(client, auth, organiser):
    auth.login("organiser")
    return client


@pytest.fixture
def seed(app):
    """The seed programme and the Namur session, loaded from their files."""
    load_paths(SEED_FILES)
