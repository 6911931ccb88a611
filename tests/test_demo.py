"""``workshop serve --demo`` from a clean instance folder: the README's run command."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

from tests.support import ServerProcess, server_env

ROOT = Path(__file__).resolve().parent.parent


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  (our server)
        assert response.status == 200
        return response.read().decode()


def test_serve_demo_serves_the_namur_session(tmp_path):
    env = server_env(
        WORKSHOP_INSTANCE_PATH=str(tmp_path / "instance"),
        WORKSHOP_SESSIONS_DIR=str(ROOT / "sessions"),
    )
    server = ServerProcess.start(env, tmp_path / "serve.log", None, "--demo")
    try:
        server.wait_until_up("/")
        output = server.log.read_text()
        assert "Serving on" in output, output
        assert re.search(r"Demo facilitator: demo / \S{8,}", output), output
        assert "Contractualisation et partenariat" in output
        port = server.base_url.rsplit(":", 1)[1]
        join = re.search(rf"http://127\.0\.0\.1:{port}/j/([A-Z0-9]{{6}})", output)
        assert join, output
        page = _get(server.url("/"))
        assert "Contractualisation et partenariat" in page
        assert "Mobiliser acteurs et citoyens" in page
        assert join.group(1) in _get(join.group(0))
    finally:
        server.stop()
    assert (tmp_path / "instance" / "workshop.sqlite3").exists()
