"""Brute force (hardening 7): wrong logins limited per account and per address, wrong join codes
per address over HTTP and socket connects, counted by Flask-Limiter's storage (workshop/limits.py);
real app, real Redis for the shared storage."""

from __future__ import annotations

import re
import uuid

import pytest
import redis
from flask_babel import refresh
from socketio import packet

from tests import builders
from tests.support import unavailable
from workshop import create_app, limits
from workshop.extensions import db, socketio

REDIS_URL = "redis://127.0.0.1:6379/0"
TOO_MANY_LOGINS = "Trop de tentatives de connexion. Réessayez dans 1 minute."
TOO_MANY_CODES = "Trop de tentatives avec un code erroné. Réessayez dans 1 minute."
WRONG_LOGIN = "mot de passe incorrect"


def _csrf_token(client):
    html = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _login(client, username, password, address="192.0.2.1", language=None):
    """POST /login (with the CSRF token of the client's session) from ``address``."""
    if not hasattr(client, "csrf_token"):
        client.csrf_token = _csrf_token(client)
    headers = {"Accept-Language": language} if language else {}
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": client.csrf_token},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def _logout(client):
    assert client.post("/logout", data={"csrf_token": client.csrf_token}).status_code == 302


def _fail(client, username, times, address="192.0.2.1"):
    for _ in range(times):
        response = _login(client, username, "wrong password", address)
        assert response.status_code == 401, response.get_data(as_text=True)


@pytest.fixture
def accounts(csrf_app, facilitator, organiser):
    """Two accounts (facilitator, organiser: password « correct horse »), CSRF on."""


# --- logins -------------------------------------------------------------------------------------


def test_the_sixth_wrong_login_of_an_account_is_refused(accounts, client):
    _fail(client, "facilitator", 5)
    response = _login(client, "facilitator", "wrong password")
    assert response.status_code == 429
    assert TOO_MANY_LOGINS in response.get_data(as_text=True)
    # Locked: the right password is not even checked now.
    response = _login(client, "facilitator", "correct horse")
    assert response.status_code == 429
    assert TOO_MANY_LOGINS in response.get_data(as_text=True)
    # Another account still logs in, from the same address.
    assert _login(client, "organiser", "correct horse").status_code == 302


def test_the_message_is_in_the_users_language(accounts, client):
    _fail(client, "facilitator", 5)
    refresh()  # the tests' app context outlives the requests: forget its cached locale
    response = _login(client, "facilitator", "wrong password", language="nl")
    assert response.status_code == 429
    assert "Te veel aanmeldpogingen. Probeer het over 1 minuut opnieuw." in response.get_data(
        as_text=True
    )


def test_wrong_logins_from_several_addresses_count_for_the_account(accounts, client):
    for n in range(5):
        _fail(client, "facilitator", 1, address=f"198.51.100.{n + 1}")
    response = _login(client, "facilitator", "correct horse", address="198.51.100.99")
    assert response.status_code == 429
    assert TOO_MANY_LOGINS in response.get_data(as_text=True)


def test_wrong_logins_from_one_address_count_across_accounts(accounts, client):
    for n in range(10):  # LOGIN_ADDRESS_LIMITS: 10 a minute, fewer than 5 per account
        _fail(client, f"name{n // 4}", 1, address="203.0.113.5")
    response = _login(client, "organiser", "correct horse", address="203.0.113.5")
    assert response.status_code == 429
    # The account itself is not locked: from another address it logs in.
    assert _login(client, "organiser", "correct horse", address="203.0.113.6").status_code == 302


def test_a_successful_login_is_not_counted(accounts, client):
    for _ in range(12):  # more than both limits
        assert _login(client, "facilitator", "correct horse").status_code == 302
        _logout(client)
    _fail(client, "facilitator", 4)
    assert _login(client, "facilitator", "correct horse").status_code == 302
    _logout(client)
    _fail(client, "facilitator", 1)  # the 5th failure: still below the limit
    assert _login(client, "facilitator", "wrong password").status_code == 429


def test_an_organiser_unlocks_an_account(accounts, client, runner):
    _fail(client, "facilitator", 5)
    assert _login(client, "facilitator", "correct horse").status_code == 429
    result = runner.invoke(args=["unlock", "facilitator"])
    assert result.exit_code == 0, result.output
    assert "unlocked" in result.output
    assert _login(client, "facilitator", "correct horse").status_code == 302


def test_unlock_names_an_unknown_account(app, runner):
    result = runner.invoke(args=["unlock", "ghost"])
    assert result.exit_code != 0
    assert "no user 'ghost'" in result.output


# --- join codes over HTTP -----------------------------------------------------------------------


@pytest.fixture
def session(app):
    return builders.gen_session()


def test_wrong_codes_past_the_limit_are_refused(client, session):
    address = {"REMOTE_ADDR": "192.0.2.50"}
    for n in range(20):  # JOIN_LIMITS: 20 a minute, however the code is sent
        if n % 3 == 0:
            response = client.post("/join", data={"code": "ZZZZZ9"}, environ_base=address)
        elif n % 3 == 1:
            response = client.get("/join?code=ZZZZZ9", environ_base=address)
        else:
            response = client.get("/j/ZZZZZ9", environ_base=address)
        assert response.status_code == 404
    for response in (
        client.post("/join", data={"code": "ZZZZZ9"}, environ_base=address),
        client.get("/join?code=ZZZZZ9", environ_base=address),
        client.get("/j/ZZZZZ9", environ_base=address),
    ):
        assert response.status_code == 429
        assert TOO_MANY_CODES in response.get_data(as_text=True)
    # Past the limit a right code is refused too: the answer must not tell a guesser which
    # codes exist.
    response = client.post("/join", data={"code": session.code}, environ_base=address)
    assert response.status_code == 429
    assert client.get(f"/j/{session.code}", environ_base=address).status_code == 429
    # Another address is not limited.
    other = {"REMOTE_ADDR": "192.0.2.51"}
    assert client.get("/j/ZZZZZ9", environ_base=other).status_code == 404


def test_an_empty_code_is_not_counted(client):
    for _ in range(25):
        assert client.post("/join", data={"code": " - "}).status_code == 400
    assert client.get("/join?code=ZZZZZ9").status_code == 404


# --- join codes over Socket.IO ------------------------------------------------------------------


@pytest.fixture
def connect(app, session):
    """``connect(code)``: a participant's socket connects with ``code``; the ``data`` of its
    ``connect_error``, or None when it is connected (then disconnected)."""
    client = socketio.test_client(app, auth={"code": session.code, "role": "participant"})
    assert client.is_connected()
    client.disconnect()

    def attempt(code):
        captured = []
        original = socketio.server._send_packet  # the test client's

        def spy(eio_sid, pkt):
            if pkt.packet_type == packet.CONNECT_ERROR:
                captured.append(pkt.data)
            original(eio_sid, pkt)

        socketio.server._send_packet = spy
        try:
            client.connect(auth={"code": code, "role": "participant"})
        finally:
            socketio.server._send_packet = original
        if client.is_connected():
            client.disconnect()
            return None
        return captured[-1]["data"]

    return attempt


def test_socket_connects_with_wrong_codes_past_the_limit_are_refused(connect, session):
    for _ in range(20):
        assert connect("ZZZZZ9")["code"] == "unknown_session"
    assert connect("ZZZZZ9") == {"code": "rate_limited", "message": TOO_MANY_CODES}
    # A right code too, until the window ends (the refusal must not tell which codes exist).
    assert connect(session.code) == {"code": "rate_limited", "message": TOO_MANY_CODES}


def test_wrong_codes_over_http_count_for_socket_connects(app, client, connect):
    app.config["JOIN_LIMITS"] = "3/minute"
    for _ in range(3):
        assert client.get("/j/ZZZZZ9").status_code == 404  # the socket client's 127.0.0.1
    assert connect("ZZZZZ9")["code"] == "rate_limited"


# --- storage ------------------------------------------------------------------------------------


def test_the_storage_is_the_message_queues_redis_else_memory():
    assert limits.storage_uri({}) == "memory://"
    assert limits.storage_uri({"SOCKETIO_MESSAGE_QUEUE": REDIS_URL}) == REDIS_URL
    assert (
        limits.storage_uri({"SOCKETIO_MESSAGE_QUEUE": "rediss://h:6380/1"}) == "rediss://h:6380/1"
    )
    explicit = {"SOCKETIO_MESSAGE_QUEUE": REDIS_URL, "RATELIMIT_STORAGE_URI": "memory://"}
    assert limits.storage_uri(explicit) == "memory://"


def test_a_limit_that_does_not_parse_stops_the_start(tmp_path):
    with pytest.raises(ValueError, match="JOIN_LIMITS: 'often' is not a limit list"):
        create_app(
            {
                "TESTING": True,
                "INSTANCE_PATH": str(tmp_path / "instance"),
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
                "SECRET_KEY": "test-secret",
                "SOCKETIO_ASYNC_MODE": "threading",
                "JOIN_LIMITS": "often",
            }
        )


def test_an_empty_limit_is_off(app, client):
    app.config["JOIN_LIMITS"] = ""
    for _ in range(25):
        assert client.get("/j/ZZZZZ9").status_code == 404


def test_the_test_apps_count_in_memory(app):
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in the real Redis; its keys deleted at the end."""
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.RedisError:
        unavailable("Redis is not running on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"
    yield prefix
    for key in connection.scan_iter(match=f"*/{prefix}/*"):
        connection.delete(key)
    connection.close()


def _app(tmp_path, name, prefix):
    return create_app(
        builders.app_config(
            tmp_path, name, RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix
        )
    )


def test_two_apps_on_one_redis_share_the_counts(app, tmp_path, redis_prefix):
    first, second = _app(tmp_path, "one", redis_prefix), _app(tmp_path, "two", redis_prefix)
    try:
        _fail(first.test_client(), "ghost", 3)
        _fail(second.test_client(), "ghost", 2)
        response = _login(first.test_client(), "ghost", "wrong password")
        assert response.status_code == 429
        assert TOO_MANY_LOGINS in response.get_data(as_text=True)
        # A third app on a memory storage counts on its own.
        assert _login(app.test_client(), "ghost", "wrong password").status_code == 401
    finally:
        for other in (first, second):
            with other.app_context():
                db.engine.dispose()
