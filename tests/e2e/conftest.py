"""End-to-end fixtures: a real ``workshop serve`` process on a temporary database, and Debian's
Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

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
SERVER_START_TIMEOUT = 60  # seconds; a loaded 2-core machine imports gevent slowly


@dataclass
class LiveServer:
    base_url: str
    code: str
    username: str
    password: str
    log: Path

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        reason = "Debian's chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _workshop_cmd() -> list[str]:
    exe = shutil.which("workshop")
    return [exe] if exe else [sys.executable, "-m", "workshop"]


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


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"workshop serve exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our server)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)  # polling for readiness, not waiting for an effect
    pytest.fail(f"workshop serve did not answer within {SERVER_START_TIMEOUT}s:\n{log.read_text()}")


@pytest.fixture
def live_server(tmp_path) -> LiveServer:
    instance = tmp_path / "instance"
    database_url = f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    env = {
        **os.environ,
        "WORKSHOP_INSTANCE_PATH": str(instance),
        "WORKSHOP_DATABASE_URL": database_url,
        "WORKSHOP_SECRET_KEY": "e2e-secret-key",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("WORKSHOP_PUBLIC_URL", None)
    env.pop("WORKSHOP_MESSAGE_QUEUE", None)
    code = _prepare_database(instance, database_url)

    username, password = FACILITATOR
    subprocess.run(
        [*_workshop_cmd(), "create-user", username, "--role", "facilitator", "--password-stdin"],
        input=password + "\n",
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )

    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [*_workshop_cmd(), "serve", "--port", str(port), "--quiet"],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/join", process, log)
        yield LiveServer(base, code, username, password, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
