"""Scale-out fixtures: two real ``workshop serve`` processes sharing a fresh PostgreSQL database
and a Redis message queue (a dedicated Redis database number, flushed first), with the same
secret key and instance folder, as behind a load balancer.

Without Redis or PostgreSQL on 127.0.0.1 the tests skip with the reason; with ``CI`` set they
fail instead. Nothing waits a fixed time: every wait is on an event (or a server's readiness),
with a deadline.
"""

from __future__ import annotations

import http.cookiejar
import queue
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support import (
    ServerProcess,
    create_facilitator,
    free_port,
    run_cli,
    server_env,
    unavailable,
)

PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=3"
REDIS_URL = "redis://127.0.0.1:6379/5"
EVENT_TIMEOUT = 15.0
SESSION_CODE = "TRM4QX"
FACILITATOR = ("animatrice", "correct horse battery")
#: Seconds between presence heartbeats in the test cluster (a dead server stops counting after 3).
HEARTBEAT = 1.0

SESSION_YAML = f"""\
kind: session
slug: scaleout-test
title: Test de montée en charge
code: {SESSION_CODE}
agenda:
  - kind: debate
    title: Débat
    question_set: vote
question_sets:
  - key: vote
    title: Vote
    questions:
      - key: choix
        prompt: Quel délai ?
        kind: choice
        options: [moins de 6 mois, 6 à 12 mois, plus d'un an]
      - key: accord
        prompt: D'accord ?
        kind: yesno
"""


def _check_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis is not reachable at {REDIS_URL}: {exc}")


def _check_postgres() -> None:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_DSN) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        unavailable(f"PostgreSQL is not reachable ({PG_ADMIN_DSN}): {exc}")


@pytest.fixture(scope="session")
def services() -> None:
    _check_redis()
    _check_postgres()


@pytest.fixture(scope="session")
def pg_database(services) -> Iterator[str]:
    """A fresh PostgreSQL database for the test session; its psycopg conninfo."""
    import psycopg

    name = f"workshop_scaleout_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def redis_queue(services) -> str:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


@dataclass
class Cluster:
    env: dict[str, str]
    database: str
    workdir: Path
    servers: list[ServerProcess] = field(default_factory=list)
    code: str = SESSION_CODE
    username: str = FACILITATOR[0]
    password: str = FACILITATOR[1]

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        dsn = f"host=127.0.0.1 port=5432 user=postgres dbname={self.database}"
        with psycopg.connect(dsn) as conn:
            return conn.execute(query, params).fetchall()

    def start_server(self) -> ServerProcess:
        """Start one more ``workshop serve`` on a free port (call ``wait_until_up`` on it)."""
        port = free_port()
        server = ServerProcess.start(self.env, self.workdir / f"server-{port}.log", port)
        self.servers.append(server)
        return server

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()


def wait_until_up(server: ServerProcess) -> None:
    server.wait_until_up("/join")


@pytest.fixture(scope="session")
def cluster(pg_database, redis_queue, tmp_path_factory) -> Iterator[Cluster]:
    """Two ``workshop serve`` processes (started together: the schema upgrade runs under the
    advisory lock), a facilitator and a loaded session."""
    workdir = tmp_path_factory.mktemp("scaleout")
    instance = workdir / "instance"
    instance.mkdir()
    # Same instance settings for every process; short heartbeats so a crash shows quickly.
    (instance / "config.py").write_text(f"PRESENCE_HEARTBEAT_INTERVAL = {HEARTBEAT}\n")
    env = server_env(
        WORKSHOP_INSTANCE_PATH=str(instance),
        WORKSHOP_DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:5432/{pg_database}",
        WORKSHOP_MESSAGE_QUEUE=redis_queue,
        WORKSHOP_SECRET_KEY="scaleout-secret-key",
    )
    cluster = Cluster(env=env, database=pg_database, workdir=workdir)
    try:
        first, second = cluster.start_server(), cluster.start_server()
        wait_until_up(first)
        wait_until_up(second)
        username, password = FACILITATOR
        create_facilitator(env, username, password)
        session_file = workdir / "scaleout.yaml"
        session_file.write_text(SESSION_YAML)
        run_cli(env, "load", str(session_file))
        yield cluster
    finally:
        cluster.stop_all()


# --- clients ------------------------------------------------------------------------------------


def login_cookie(base_url: str, username: str, password: str) -> str:
    """Log in over HTTP (GET /login, csrf_token, POST); the Cookie header for the socket."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base_url + "/login", timeout=10) as response:
        page = response.read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert match, "no csrf_token on /login"
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf_token": match.group(1)}
    ).encode()
    with opener.open(base_url + "/login", data=form, timeout=10) as response:
        assert response.status == 200
    cookies = {cookie.name: cookie.value for cookie in jar}
    assert "session" in cookies, "the login set no session cookie"
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


class LiveClient:
    """A python-socketio client on the websocket transport, connected as ``role`` to the
    session ``code``; ``on_event(event, data=None)`` gets every event it receives."""

    def __init__(
        self,
        base_url: str,
        role: str,
        code: str,
        on_event: Callable[..., None],
        cookie: str | None = None,
        token: str | None = None,
    ) -> None:
        import socketio

        self.role = role
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", on_event)
        self.client.connect(
            base_url,
            auth={"code": code, "role": role, **({"token": token} if token else {})},
            headers={"Cookie": cookie} if cookie else {},
            transports=["websocket"],
            wait_timeout=EVENT_TIMEOUT,
        )

    def call(self, event: str, payload: dict) -> dict:
        ack = self.client.call(event, payload, timeout=EVENT_TIMEOUT)
        assert ack["ok"], ack
        return ack

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


class Socket(LiveClient):
    """A :class:`LiveClient` that queues every received event by name, so tests wait on
    events, never on time."""

    def __init__(
        self,
        base_url: str,
        role: str,
        code: str,
        cookie: str | None = None,
        token: str | None = None,
    ) -> None:
        self._queues: dict[str, queue.Queue] = {}
        super().__init__(base_url, role, code, self._record, cookie, token)
        self.snapshot = self.wait("snapshot")

    def _queue(self, event: str) -> queue.Queue:
        return self._queues.setdefault(event, queue.Queue())

    def _record(self, event: str, data: Any = None) -> None:
        self._queue(event).put(data)

    def wait(
        self,
        event: str,
        predicate: Callable[[Any], bool] = lambda _: True,
        timeout: float = EVENT_TIMEOUT,
    ) -> Any:
        """The next ``event`` whose data satisfies ``predicate`` (earlier ones are dropped)."""
        deadline = time.monotonic() + timeout
        events = self._queue(event)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"{self.role} got no matching {event!r} within {timeout}s")
            try:
                data = events.get(timeout=remaining)
            except queue.Empty:
                continue
            if predicate(data):
                return data


@pytest.fixture
def sockets() -> Iterator[Callable[..., Socket]]:
    """Open sockets (closed at the end of the test, whatever happens)."""
    opened: list[Socket] = []

    def open_socket(base_url: str, role: str, code: str, **kwargs: Any) -> Socket:
        sock = Socket(base_url, role, code, **kwargs)
        opened.append(sock)
        return sock

    yield open_socket
    for sock in opened:
        sock.close()
