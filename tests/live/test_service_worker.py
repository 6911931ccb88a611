"""The phone page's service worker (``/j/sw.js``, static/js/sw.js): how it is served, and that
what it keeps (the phone page and its versioned files) carries nothing personal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import builders
from workshop.services.live import tokens

SW_SOURCE = Path(__file__).parents[2] / "static" / "js" / "sw.js"


@pytest.fixture
def session(app):
    return builders.gen_session()


def test_service_worker_is_served_as_javascript_never_stale(client):
    response = client.get("/j/sw.js")
    body = response.get_data()
    response.close()  # the file it streams
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert body == SW_SOURCE.read_bytes()
    # Its default scope, /j/ (the participant pages only), is what it registers: no widening.
    assert "Service-Worker-Allowed" not in response.headers
    # Same-origin script: the policy's script-src 'self' (worker-src falls back to it) allows it.
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "worker-src" not in policy
    assert "Set-Cookie" not in response.headers


def test_phone_page_registers_the_worker_and_keeps_no_token_in_its_html(client, session):
    """The page the worker keeps names the worker, and holds no participant token: the token
    is in the httponly cookie (and in localStorage once the socket's snapshot gives it)."""
    response = client.get(f"/j/{session.code}")
    html = response.get_data(as_text=True)
    assert 'data-sw="/j/sw.js"' in html
    cookie = response.headers["Set-Cookie"]
    signed = cookie.split(";", 1)[0].split("=", 1)[1]
    token = tokens.unsign(signed)
    assert token
    assert signed not in html
    assert token not in html
    assert "csrf_token" not in html
    # The phone's own settings only: the code and the server's limits.
    config = re.search(r'id="live-config">(.*?)</script>', html, re.S)
    assert config
    assert "token" not in config.group(1)


def test_worker_keeps_only_the_phone_page_and_versioned_files():
    """What sw.js may cache, read from its source: GET only, never /socket.io/, the page by
    network first, versioned static files by cache first."""
    source = SW_SOURCE.read_text("utf-8")
    assert 'if (request.method !== "GET") return;' in source
    assert 'if (url.pathname.indexOf("/socket.io/") >= 0) return;' in source
    assert "var PAGE = /^\\/j\\/[A-Za-z0-9]+$/;" in source
    assert 'url.searchParams.has("v")' in source
    # Nothing else is answered by the worker: the console, projector and admin pages are out
    # of its scope (/j/) and, if loaded from a phone page, passed through.
    assert source.count("event.respondWith(") == 2
