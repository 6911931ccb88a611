"""End-to-end fixtures: a real ``workshop serve`` process on a temporary database, and Debian's
Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import ServerProcess, create_facilitator, server_env, unavailable

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FACILITATOR = ("animatrice", "correct horse battery")


@dataclass
class LiveServer:
    base_url: str
    code: str
    username: str
    password: str
    log: Path
    database_url: str

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        unavailable("Debian's chromium is not installed (apt-get install -y chromium)")
    return path


def _prepare_database(instance: Path, database_url: str) -> str:
    """Create the schema and a session with one set (choice, yesno, open); return its code."""
    from tests import builders
    from workshop import create_app
    from workshop.extensions import db

    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SOCKETIO_ASYNC_MODE": "threading",
        }
    )
    with app.app_context():
        session = builders.gen_session(title="Contractualisation et partenariat")
        code = session.code
        db.session.remove()
        db.engine.dispose()
    return code


@pytest.fixture
def live_server_env() -> dict[str, str]:
    """More ``WORKSHOP_*`` variables for the server of ``live_server``, e.g.
    ``{"WORKSHOP_MAX_COMMENT_LENGTH": "50"}``: override this fixture in a test module."""
    return {}


@pytest.fixture
def live_server(tmp_path, live_server_env) -> LiveServer:
    instance = tmp_path / "instance"
    database_url = f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    env = server_env(
        **live_server_env,
        WORKSHOP_INSTANCE_PATH=str(instance),
        WORKSHOP_DATABASE_URL=database_url,
        WORKSHOP_SECRET_KEY="e2e-secret-key",
    )
    code = _prepare_database(instance, database_url)
    username, password = FACILITATOR
    create_facilitator(env, username, password)
    server = ServerProcess.start(env, tmp_path / "server.log")
    try:
        server.wait_until_up("/join")
        yield LiveServer(server.base_url, code, username, password, server.log, database_url)
    finally:
        server.stop()


@pytest.fixture
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
