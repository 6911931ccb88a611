"""End-to-end fixtures: a real ``workshop serve`` process on a temporary database, and Debian's
Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import ServerProcess, create_facilitator, run_cli, server_env, unavailable

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


#: ``prepare(env, database)``: fill the new database (the server's environment, the SQLite
#: file), return the join code of the session the test drives ("" for none).
Prepare = Callable[[dict[str, str], Path], str]


@contextmanager
def serving(
    tmp_path: Path,
    prepare: Prepare,
    *,
    account: tuple[str, str] = FACILITATOR,
    **more_env: str,
) -> Iterator[LiveServer]:
    """``workshop serve`` on a new SQLite database of ``tmp_path``, filled by ``prepare``, with
    ``account`` (username, password) created as an organiser; stopped at the end."""
    database = tmp_path / "e2e.sqlite3"
    env = server_env(
        **more_env,
        WORKSHOP_INSTANCE_PATH=str(tmp_path / "instance"),
        WORKSHOP_DATABASE_URL=f"sqlite:///{database}",
        WORKSHOP_SECRET_KEY="e2e-secret-key",
    )
    code = prepare(env, database)
    username, password = account
    create_facilitator(env, username, password)
    server = ServerProcess.start(env, tmp_path / "server.log")
    try:
        server.wait_until_up("/join")
        yield LiveServer(
            server.base_url, code, username, password, server.log, f"sqlite:///{database}"
        )
    finally:
        server.stop()


@pytest.fixture
def live_server(tmp_path, live_server_env) -> LiveServer:
    def prepare(env: dict[str, str], database: Path) -> str:
        return _prepare_database(Path(env["WORKSHOP_INSTANCE_PATH"]), f"sqlite:///{database}")

    with serving(tmp_path, prepare, **live_server_env) as server:
        yield server


@pytest.fixture
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


ROOT = Path(__file__).resolve().parents[2]
NAMUR = ROOT / "sessions" / "namur-2008-12-03-contractualisation.yaml"
PROGRAMME = ROOT / "sessions" / "gouvernance-2008.yaml"


@pytest.fixture
def namur_server(tmp_path) -> Iterator[LiveServer]:
    """``workshop serve`` with the shipped Namur workshop (8 agenda items, 3 sets of 6
    questions) loaded as the README says."""
    import sqlite3

    def prepare(env: dict[str, str], database: Path) -> str:
        run_cli(env, "load", str(PROGRAMME), str(NAMUR))
        with sqlite3.connect(database) as db:
            (code,) = db.execute(
                "SELECT code FROM session WHERE slug = 'namur-2008-12-03-contractualisation'"
            ).fetchone()
        return code

    with serving(tmp_path, prepare) as server:
        yield server
