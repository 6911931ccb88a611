"""``workshop serve --demo`` from a clean instance folder: the README's run command."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_demo_serves_the_namur_session(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "WORKSHOP_INSTANCE_PATH": str(tmp_path / "instance"),
        "WORKSHOP_SESSIONS_DIR": str(ROOT / "sessions"),
    }
    env.pop("WORKSHOP_DATABASE_URL", None)
    env.pop("WORKSHOP_MESSAGE_QUEUE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "workshop", "serve", "--demo", "--port", str(port), "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Serving on"):
                break
        output = "".join(lines)
        assert "Serving on" in output, output
        assert re.search(r"Demo facilitator: demo / \S{8,}", output), output
        join = re.search(rf"http://127\.0\.0\.1:{port}/j/([A-Z0-9]{{6}})", output)
        assert join, output
        assert "Contractualisation et partenariat" in output
        base = f"http://127.0.0.1:{port}"
        for _ in range(50):
            try:
                page = urllib.request.urlopen(base + "/", timeout=5).read().decode()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        assert "Contractualisation et partenariat" in page
        assert "Mobiliser acteurs et citoyens" in page
        phone = urllib.request.urlopen(join.group(0), timeout=5)  # noqa: S310
        assert phone.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
    assert (tmp_path / "instance" / "workshop.sqlite3").exists()
