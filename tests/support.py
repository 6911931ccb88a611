"""Helpers shared by the tests that run real processes: a ``workshop serve`` subprocess on a free
port, and the rule for missing services (skip on a user's machine, fail on CI)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

#: A loaded 2-core machine imports gevent and migrates slowly.
SERVER_START_TIMEOUT = 60


def unavailable(reason: str) -> None:
    """Skip a test whose service (Chromium, Redis, PostgreSQL) is missing — or fail when ``CI``
    is set: there the services must be present and the tests must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: this test must run)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def workshop_cmd() -> list[str]:
    """The ``workshop`` command, or ``python -m workshop`` when it is not on the PATH."""
    exe = shutil.which("workshop")
    return [exe] if exe else [sys.executable, "-m", "workshop"]


def server_env(**variables: str) -> dict[str, str]:
    """This process's environment with the given ``WORKSHOP_*`` variables, and none of the
    others (a developer's own settings must not leak into a test server)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSHOP_")}
    env.update(variables, PYTHONUNBUFFERED="1")
    return env


def run_cli(env: Mapping[str, str], *args: str, stdin: str | None = None) -> str:
    """Run ``workshop ARGS``; fail the test with its output when it fails."""
    done = subprocess.run(  # noqa: S603  (our own command)
        [*workshop_cmd(), *args],
        input=stdin,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode:
        pytest.fail(f"workshop {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@dataclass
class ServerProcess:
    """A ``workshop serve`` subprocess whose output goes to ``log``."""

    base_url: str
    process: subprocess.Popen
    log: Path

    @classmethod
    def start(
        cls, env: Mapping[str, str], log: Path, port: int | None = None, *options: str
    ) -> ServerProcess:
        """``workshop serve --port PORT --quiet OPTIONS…`` (e.g. ``--demo``)."""
        port = port or free_port()
        with log.open("w") as log_file:
            process = subprocess.Popen(  # noqa: S603  (our own command)
                [*workshop_cmd(), "serve", "--port", str(port), "--quiet", *options],
                env=dict(env),
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        return cls(f"http://127.0.0.1:{port}", process, log)

    def url(self, path: str) -> str:
        return self.base_url + path

    def wait_until_up(self, path: str = "/join") -> None:
        """Poll until the server answers 200 (fail with its log if it exits or never does)."""
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"workshop serve exited ({self.process.returncode}):\n{self.log.read_text()}"
                )
            try:
                with urllib.request.urlopen(self.url(path), timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)  # polling for readiness, not waiting for an effect
        pytest.fail(
            f"workshop serve did not answer within {SERVER_START_TIMEOUT}s:\n{self.log.read_text()}"
        )

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def create_facilitator(env: Mapping[str, str], username: str, password: str) -> None:
    """``workshop create-user USERNAME --role organiser --password-stdin``: the account that
    drives these tests' consoles (an organiser drives every session; a facilitator only those
    assigned to them, which the tests' sessions, loaded later, are not)."""
    run_cli(
        env,
        "create-user",
        username,
        "--role",
        "organiser",
        "--password-stdin",
        stdin=password + "\n",
    )
