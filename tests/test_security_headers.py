"""Security headers on every kind of response, ProxyFix by setting, and Secure cookies
(workshop/security.py; hardening item 10 of issue 11)."""

from __future__ import annotations

import re

import pytest
from flask import request

from tests import builders
from workshop import create_app
from workshop.extensions import db, socketio
from workshop.services.live import tokens

FORWARDED_HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
FLASK_COOKIES = ("session", "remember_token")


def _directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def _assert_headers(response, what: str) -> dict[str, list[str]]:
    headers = response.headers
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "same-origin", what
    policy = headers.get("Content-Security-Policy")
    assert policy, what
    return _directives(policy)


def _assert_page_policy(response, what: str) -> None:
    csp = _assert_headers(response, what)
    assert csp["script-src"] == ["'self'"], what  # no inline script, no eval
    assert csp["object-src"] == ["'none'"], what
    assert csp["base-uri"] == ["'self'"], what
    assert csp["frame-ancestors"] == ["'none'"], what
    assert csp["form-action"] == ["'self'"], what
    assert csp["default-src"] == ["'self'"], what
    assert csp["style-src-elem"] == ["'self'"], what  # stylesheets are files
    assert csp["img-src"] == ["'self'"], what
    # Socket.IO: polling is 'self', the websocket is ws:/wss: of the page's own host.
    assert csp["connect-src"] == ["'self'", "ws://localhost", "wss://localhost"], what


def _cookies(response) -> dict[str, str]:
    """Each cookie the response sets, with its attributes (``Set-Cookie`` value)."""
    return {value.split("=", 1)[0]: value for value in response.headers.getlist("Set-Cookie")}


def _is_secure(set_cookie: str) -> bool:
    return "secure" in (part.strip().lower() for part in set_cookie.split(";")[1:])


def _login(client, username: str, headers: dict | None = None):
    response = client.post(
        "/login",
        data={"username": username, "password": "correct horse", "remember": "y"},
        headers=headers or {},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def make_app(tmp_path):
    """An app of the test's own with ``extra`` settings (as ``WORKSHOP_<KEY>`` would set them)."""
    made = []

    def make(**extra):
        app = create_app(builders.app_config(tmp_path, WTF_CSRF_ENABLED=False, **extra))

        @app.route("/_test/request")
        def probe():
            return {"secure": request.is_secure, "remote_addr": request.remote_addr}

        context = app.app_context()
        context.push()
        made.append(context)
        return app

    yield make
    for context in made:
        db.session.remove()
        db.engine.dispose()
        context.pop()


# --- headers on every kind of response ---------------------------------------------------------


def test_every_kind_of_response_has_the_headers(app, client):
    programme = builders.gen_programme()
    session = builders.gen_session(slug="s-headers")
    builders.gen_user(username="organiser", role="organiser", password="correct horse")
    code = session.code
    public = {
        "programme": "/",
        "one programme": f"/p/{programme.slug}",
        "one session": "/s/s-headers",
        "join": "/join",
        "unknown join code": "/join?code=ZZZZZZ",
        "phone": f"/j/{code}",
        "projector": f"/screen/{code}",
        "handout": f"/screen/{code}/handout",
        "QR code": f"/j/{code}/qr.svg",
        "login": "/login",
        "static file": "/static/js/phone.js",
        "vendored client": "/static/vendor/socket.io/socket.io.min.js",
        "not found": "/no/such/page",
        "console, logged out (redirect)": f"/host/{code}",
    }
    statuses = {}
    for what, url in public.items():
        response = client.get(url)
        statuses[what] = response.status_code
        _assert_page_policy(response, what)
        response.close()
    assert statuses["not found"] == 404
    assert statuses["unknown join code"] == 404
    assert statuses["console, logged out (redirect)"] == 302
    assert statuses["phone"] == statuses["projector"] == statuses["static file"] == 200

    app.config["WTF_CSRF_ENABLED"] = False  # after GET /login: its form has the token then
    _login(client, "organiser")
    logged_in = {
        "console": f"/host/{code}",
        "summary": f"/summary/{code}",
        "summary feed": f"/summary/{code}.json",
        "admin": "/admin/",
    }
    for what, url in logged_in.items():
        response = client.get(url)
        assert response.status_code == 200, what
        _assert_page_policy(response, what)

    # The HTML export is a self-contained document with its own <style>: inline style only.
    export = client.get(f"/summary/{code}/export.html")
    assert export.status_code == 200
    assert "<style>" in export.get_data(as_text=True)
    csp = _assert_headers(export, "export")
    assert csp["default-src"] == ["'none'"]
    assert csp["style-src"] == ["'unsafe-inline'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "script-src" not in csp  # default-src 'none': no script at all


def test_post_and_error_responses_have_the_headers(client):
    response = client.post("/join", data={"code": "  - "})
    assert response.status_code == 400
    _assert_page_policy(response, "join refused")
    too_big = client.post("/join", data={"code": "x" * (128 * 1024)})
    assert too_big.status_code == 413
    _assert_page_policy(too_big, "413")


def test_templates_have_no_executing_inline_script():
    """The CSP's ``script-src 'self'`` holds only while every <script> of a page is a file or a
    JSON data block (never run): no inline script, no event handler attribute."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    for path in root.rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert "javascript:" not in text, path


def test_a_forged_host_gets_no_websocket_origin(client):
    response = client.get("/join", headers={"Host": "evil;script-src *"})
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]


def test_public_url_host_is_a_websocket_origin_too(make_app):
    app = make_app(PUBLIC_URL="https://atelier.example.be")
    response = app.test_client().get("/join")
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["connect-src"] == [
        "'self'",
        "ws://localhost",
        "wss://localhost",
        "ws://atelier.example.be",
        "wss://atelier.example.be",
    ]


# --- ProxyFix and Secure cookies ---------------------------------------------------------------


def test_without_proxy_fix_forwarded_headers_are_ignored(make_app):
    app = make_app()
    builders.gen_user(username="anne", role="facilitator", password="correct horse")
    session = builders.gen_session()
    client = app.test_client()
    probe = client.get("/_test/request", headers=FORWARDED_HTTPS).get_json()
    assert probe == {"secure": False, "remote_addr": "127.0.0.1"}
    cookies = _cookies(_login(client, "anne", FORWARDED_HTTPS))
    cookies.update(_cookies(client.get(f"/j/{session.code}", headers=FORWARDED_HTTPS)))
    for name in (*FLASK_COOKIES, tokens.COOKIE_NAME):
        assert name in cookies, name
        assert not _is_secure(cookies[name]), cookies[name]  # plain http keeps working


def test_behind_a_proxy_https_requests_are_secure_and_their_cookies_too(make_app):
    app = make_app(PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    builders.gen_user(username="anne", role="facilitator", password="correct horse")
    session = builders.gen_session()
    client = app.test_client()

    probe = client.get("/_test/request", headers=FORWARDED_HTTPS).get_json()
    assert probe == {"secure": True, "remote_addr": "203.0.113.7"}
    screen = client.get(f"/screen/{session.code}", headers=FORWARDED_HTTPS)
    assert f'data-join-url="https://localhost/j/{session.code}"' in screen.get_data(as_text=True)

    cookies = _cookies(_login(client, "anne", FORWARDED_HTTPS))
    phone = client.get(f"/j/{session.code}", headers=FORWARDED_HTTPS)
    cookies.update(_cookies(phone))
    for name in (*FLASK_COOKIES, tokens.COOKIE_NAME):
        assert name in cookies, name
        assert _is_secure(cookies[name]), cookies[name]
        assert cookies[name].lower().count("secure") == 1, cookies[name]

    # The same proxy's plain http requests keep cookies a browser stores over http.
    plain = app.test_client()
    probe = plain.get("/_test/request", headers={"X-Forwarded-Proto": "http"}).get_json()
    assert probe["secure"] is False
    participant = _cookies(plain.get(f"/j/{session.code}"))[tokens.COOKIE_NAME]
    assert not _is_secure(participant)


def test_behind_a_proxy_socket_connects_see_the_clients_scheme(make_app):
    """Flask-SocketIO runs each handler in ``app.request_context(environ)`` of the engine.io
    connection: ProxyFix must wrap its middleware, so that environ says https too."""
    app = make_app(PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    client = app.test_client()
    response = client.get("/socket.io/?EIO=4&transport=polling", headers=FORWARDED_HTTPS)
    assert response.status_code == 200
    sid = re.search(r'"sid":"([^"]+)"', response.get_data(as_text=True)).group(1)
    environ = socketio.server.environ[sid]  # by engine.io sid, as handlers get it
    with app.request_context(environ):
        assert request.is_secure
        assert request.remote_addr == "203.0.113.7"
        assert request.url_root == "https://localhost/"


def test_public_url_https_makes_every_cookie_secure(make_app):
    app = make_app(PUBLIC_URL="https://atelier.example.be")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    builders.gen_user(username="anne", role="facilitator", password="correct horse")
    session = builders.gen_session()
    client = app.test_client()
    cookies = _cookies(_login(client, "anne"))  # the proxy says nothing: PUBLIC_URL decides
    cookies.update(_cookies(client.get(f"/j/{session.code}")))
    for name in (*FLASK_COOKIES, tokens.COOKIE_NAME):
        assert name in cookies, name
        assert _is_secure(cookies[name]), cookies[name]


def test_public_url_http_leaves_cookies_alone(make_app):
    app = make_app(PUBLIC_URL="http://192.168.1.20:5000")
    assert app.config["SESSION_COOKIE_SECURE"] is False
    session = builders.gen_session()
    participant = _cookies(app.test_client().get(f"/j/{session.code}"))[tokens.COOKIE_NAME]
    assert not _is_secure(participant)


def test_proxy_settings_come_from_the_environment(monkeypatch, make_app):
    monkeypatch.setenv("WORKSHOP_PROXY_FIX_X_PROTO", "1")
    app = make_app()
    assert app.config["PROXY_FIX_X_PROTO"] == 1
    assert app.config["PROXY_FIX_X_FOR"] == 0
    probe = app.test_client().get("/_test/request", headers=FORWARDED_HTTPS).get_json()
    assert probe == {"secure": True, "remote_addr": "127.0.0.1"}  # X-Forwarded-For not trusted
