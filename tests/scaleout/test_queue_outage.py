"""The message queue goes down (issue 11, item 11): two real ``workshop serve`` processes share a
PostgreSQL database and a Redis of this test's own, which it kills and starts again.

A push made while Redis is down cannot reach the other process's sockets. The clients still
converge without a reload (docs/protocol.md, « Revisions »): each process sends its own sockets
the database's revision every heartbeat (``beat``), a client behind it asks for a fresh snapshot
(``resync``), and once Redis is back the pushes it lost (a comment here) are caught up the same
way. The phones below follow that protocol as static/js/live-common.js does.
"""

from __future__ import annotations

import queue
import secrets
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import free_port, run_cli, server_env, unavailable

from .conftest import (
    EVENT_TIMEOUT,
    FACILITATOR,
    PG_ADMIN_DSN,
    Cluster,
    LiveClient,
    create_facilitator,
    login_cookie,
    wait_until_up,
)
from .conftest import SESSION_CODE as BASE_CODE
from .conftest import SESSION_YAML as BASE_SESSION_YAML

pytestmark = pytest.mark.scaleout

#: Seconds between heartbeats (and so between beats) in this test's cluster.
HEARTBEAT = 0.5
#: A client behind must have caught up within this (a few beats, the phones' random wait of up
#: to 3 s, the snapshot).
CONVERGE = 12 * HEARTBEAT + 6
CODE = "QPN7RT"
#: The scale-out session of conftest.py, as a session of its own, its first question open to
#: comments.
SESSION_YAML = (
    BASE_SESSION_YAML.replace(f"code: {BASE_CODE}", f"code: {CODE}")
    .replace("slug: scaleout-test", "slug: outage-test")
    .replace("title: Test de montée en charge", "title: Panne de la file de messages")
    .replace(
        "options: [moins de 6 mois, 6 à 12 mois, plus d'un an]\n",
        "options: [moins de 6 mois, 6 à 12 mois, plus d'un an]\n        allow_comment: true\n",
    )
)


class OwnRedis:
    """A ``redis-server`` of the test's own (no persistence), stopped and started at will on
    the same port."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not installed (apt-get install -y redis-server)")
        self.binary = binary
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(  # noqa: S603  (a binary found on the PATH)
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)  # polling for readiness, not waiting for an effect
        pytest.fail(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class Client(LiveClient):
    """A live client that keeps every event in arrival order and follows the
    revision protocol like the pages do: the state it shows is its snapshot plus the pushes
    since; a ``rev`` whose base is ahead of it, or a ``beat`` ahead of it, makes it resync."""

    def __init__(self, base_url: str, role: str, cookie: str | None = None) -> None:
        self.events: queue.Queue = queue.Queue()
        record = lambda event, data=None: self.events.put((event, data))  # noqa: E731
        super().__init__(base_url, role, CODE, record, cookie)
        self.rev: int | None = None
        self.state: dict[str, Any] = {}
        self.resyncs = 0
        self.handled: dict[str, int] = {}
        self.wait_for(lambda state: "snapshot" in state)

    def count(self, event: str) -> int:
        """How many ``event`` were handled."""
        return self.handled.get(event, 0)

    def _apply(self, event: str, data: Any) -> None:
        self.handled[event] = self.handled.get(event, 0) + 1
        if event == "snapshot":
            self._snapshot(data)
        elif event == "question_set":
            self.state["set"] = data
        elif event == "comments":
            for comment in data["changed"]:
                self.state.setdefault("comments", {})[comment["id"]] = comment["text"]
        elif event == "rev":
            if data["base"] > self.rev:
                self.resync()
            else:
                self.rev = max(self.rev, data["rev"])
        elif event == "beat" and data["rev"] > self.rev:
            self.resync()

    def _snapshot(self, snap: dict) -> None:
        self.rev = snap["rev"]
        self.state["snapshot"] = snap
        self.state["set"] = snap.get("shown_set") or snap.get("open_set")
        if self.role == "participant":
            self.state["comments"] = {
                c["id"]: c["text"] for comments in snap["comments"].values() for c in comments
            }

    def resync(self) -> None:
        self.resyncs += 1
        ack = self.call("resync", {})
        self._snapshot(ack["snapshot"])

    def wait_for(self, predicate: Callable[[dict], bool], timeout: float = EVENT_TIMEOUT) -> float:
        """Handle events until ``predicate(state)``; the seconds it took."""
        start = time.monotonic()
        while not predicate(self.state):
            remaining = start + timeout - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"{self.role} did not converge within {timeout}s: {self.state}")
            try:
                self._apply(*self.events.get(timeout=min(remaining, 0.5)))
            except queue.Empty:
                continue
        return time.monotonic() - start


@pytest.fixture
def outage_cluster(services, tmp_path) -> Iterator[tuple[Cluster, OwnRedis]]:
    """Two processes on a fresh PostgreSQL database and this test's own Redis."""
    import psycopg

    own_redis = OwnRedis(tmp_path)
    own_redis.start()
    database = f"workshop_outage_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(f"PRESENCE_HEARTBEAT_INTERVAL = {HEARTBEAT}\n")
    env = server_env(
        WORKSHOP_INSTANCE_PATH=str(instance),
        WORKSHOP_DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}",
        WORKSHOP_MESSAGE_QUEUE=own_redis.url,
        WORKSHOP_SECRET_KEY="outage-secret-key",
    )
    cluster = Cluster(env=env, database=database, workdir=tmp_path, code=CODE)
    try:
        first, second = cluster.start_server(), cluster.start_server()
        wait_until_up(first)
        wait_until_up(second)
        create_facilitator(env, *FACILITATOR)
        session_file = tmp_path / "outage.yaml"
        session_file.write_text(SESSION_YAML)
        run_cli(env, "load", str(session_file))
        yield cluster, own_redis
    finally:
        cluster.stop_all()
        own_redis.kill()
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def set_is(**expected: Any) -> Callable[[dict], bool]:
    """The predicate "the set shown has these fields"."""
    return lambda state: all((state.get("set") or {}).get(k) == v for k, v in expected.items())


def test_clients_converge_through_a_message_queue_outage(outage_cluster):
    cluster, own_redis = outage_cluster
    a, b = (server.base_url for server in cluster.servers)
    opened: list[Client] = []

    def client(base_url: str, role: str, **kwargs: Any) -> Client:
        opened.append(Client(base_url, role, **kwargs))
        return opened[-1]

    try:
        console = client(a, "console", cookie=login_cookie(a, *FACILITATOR))
        screen_a = client(a, "screen")
        phones_a = [client(a, "participant") for _ in range(3)]
        phones_b = [client(b, "participant") for _ in range(3)]
        [vote] = console.state["snapshot"]["sets"]
        question = vote["questions"][0]  # « choix », open to comments

        # Redis up: a push from A reaches B's phones by the queue, no resync needed.
        console.call("set_open", {"set_id": vote["id"]})
        for phone in phones_a + phones_b:
            phone.wait_for(set_is(state="open"))
        assert sum(phone.resyncs for phone in phones_a + phones_b) == 0

        own_redis.kill()
        # While Redis is down: the console's reveal is acked and reaches A's sockets at once…
        console.call("set_reveal", {"set_id": vote["id"], "revealed": True})
        for sock in [screen_a, *phones_a]:
            sock.wait_for(set_is(revealed=True))
        # …and B's phones catch up from the database, during the outage.
        waits = [phone.wait_for(set_is(revealed=True), CONVERGE) for phone in phones_b]
        assert all(phone.resyncs >= 1 for phone in phones_b)

        # A comment sent on B while Redis is down does not reach A's phones by push…
        comment = "Un délai de six mois suffit"
        phones_b[0].call(
            "answer",
            {
                "client_id": "outage-0001",
                "question_id": question["id"],
                "value": 0,
                "text": comment,
            },
        )
        phones_b[1].wait_for(lambda s: comment in s["comments"].values())  # B's own: pushed
        beats_seen = phones_a[0].count("beat")
        phones_a[0].wait_for(lambda s: phones_a[0].count("beat") >= beats_seen + 2)
        assert comment not in phones_a[0].state["comments"].values()  # lost with the queue
        # …until Redis is back: B bumps the session, every client resyncs at its next beat.
        own_redis.start()
        for phone in phones_a:
            waits.append(phone.wait_for(lambda s: comment in s["comments"].values(), CONVERGE))

        # After the outage, pushes flow through the queue again.
        console.call("set_close", {"set_id": vote["id"]})
        for phone in phones_a + phones_b:
            phone.wait_for(set_is(state="closed"), CONVERGE)
        assert console.call("resync", {})["snapshot"]["rev"] >= phones_b[0].rev
    finally:
        for sock in opened:
            sock.close()

    print(f"\nconverged after {max(waits):.1f}s at worst (beat every {HEARTBEAT}s)")
    for server in cluster.servers:
        log = server.log.read_text()
        assert "Traceback" not in log, log
        outage_lines = [line for line in log.splitlines() if "message queue" in line]
        assert outage_lines, "the outage was not logged"
        assert len(outage_lines) <= 6, outage_lines  # a line when it fails, one when it is back
