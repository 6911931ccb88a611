"""The sliced client manager (workshop/socket_manager.py): a broadcast to more sockets than a
slice reaches every socket exactly once and in order; ``to`` and ``skip_sid`` as in
python-socketio. Flask-SocketIO test clients, threading mode, slice of 2 sockets."""

from __future__ import annotations

import threading

import pytest
import socketio as python_socketio
from flask import Flask, request
from flask_socketio import SocketIO, join_room

from tests.support import free_port, unavailable
from workshop.socket_manager import (
    SlicedManager,
    SlicedRedisManager,
    _sessions_of,
    client_manager,
)

SLICE = 2
CLIENTS = 7


@pytest.fixture
def hub():
    """A bare Flask-SocketIO server with the sliced manager; each client joins room ``all``
    and, when it passes ``auth={"room": name}``, room ``name`` too."""
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "test"
    manager = SlicedManager(slice_size=SLICE)
    sio = SocketIO(app, async_mode="threading", client_manager=manager)
    sids: dict[int, str] = {}

    @sio.on("connect")
    def connect(auth=None):
        join_room("all")
        if auth and auth.get("room"):
            join_room(auth["room"])
        if auth and "index" in auth:
            sids[auth["index"]] = request.sid

    clients = [
        sio.test_client(app, auth={"index": i, "room": "odd" if i % 2 else "even"})
        for i in range(CLIENTS)
    ]
    for c in clients:
        assert c.is_connected()
        c.get_received()
    yield app, sio, manager, clients, sids
    for c in clients:
        c.disconnect()


def events(client, name="tick"):
    return [r["args"][0] for r in client.get_received() if r["name"] == name]


def test_emit_to_big_room_reaches_every_socket_once_in_order(hub):
    app, sio, manager, clients, _ = hub
    sleeps = []
    real_sleep = manager.server.sleep
    manager.server.sleep = lambda s=0: sleeps.append(s) or real_sleep(s)
    for n in range(5):
        sio.emit("tick", {"n": n}, to="all")
    for c in clients:
        assert events(c) == [{"n": n} for n in range(5)]
    # 7 sockets in slices of 2: three yields per emit.
    assert len(sleeps) == 5 * 3
    assert manager._pending == []


def test_small_room_is_sent_in_one_pass(hub):
    app, sio, manager, clients, sids = hub
    sleeps = []
    manager.server.sleep = lambda s=0: sleeps.append(s)
    # two sockets: not more than a slice
    sio.emit("tick", "x", to=[sids[0], sids[1]])
    assert sleeps == []
    assert events(clients[0]) == ["x"]
    assert events(clients[1]) == ["x"]
    assert all(events(c) == [] for c in clients[2:])


def test_to_and_skip_sid(hub):
    app, sio, manager, clients, sids = hub
    sio.emit("tick", "odd", to="odd")
    sio.emit("tick", "all-but-0", to="all", skip_sid=sids[0])
    sio.emit("tick", "all-but-0-1", to="all", skip_sid=[sids[0], sids[1]])
    sio.emit("tick", "to-3", to=sids[3])
    sio.emit("tick", "rooms", to=["odd", "even"])  # a socket in both lists gets it once
    sio.emit("tick", "nobody", to="no-such-room")
    for i, c in enumerate(clients):
        expected = (["odd"] if i % 2 else []) + (["all-but-0"] if i != 0 else [])
        expected += ["all-but-0-1"] if i not in (0, 1) else []
        expected += ["to-3"] if i == 3 else []
        expected += ["rooms"]
        assert events(c) == expected, i


def test_emit_without_room_reaches_the_whole_namespace(hub):
    app, sio, manager, clients, _ = hub
    sio.emit("tick", "everyone")
    assert all(events(c) == ["everyone"] for c in clients)


def test_an_emit_during_a_sliced_emit_keeps_the_order_per_socket(hub):
    """While a sliced emit yields, an emit to a socket it has not reached yet waits for it; one
    to a socket it already reached is sent at once."""
    app, sio, manager, clients, sids = hub
    real_sleep = manager.server.sleep
    threads: dict[str, threading.Thread] = {}

    def emit_in_thread(name, to):
        threads[name] = threading.Thread(target=lambda: sio.emit("tick", name, to=to))
        threads[name].start()

    def sleep_and_interleave(seconds=0):
        if not threads:  # first yield: sockets 0 and 1 are reached, 2 to 6 are not
            emit_in_thread("to-0", sids[0])
            threads["to-0"].join(timeout=10)
            assert not threads["to-0"].is_alive()  # not held: socket 0 already has "first"
            emit_in_thread("to-last", sids[CLIENTS - 1])
            threads["to-last"].join(timeout=0.2)
            assert threads["to-last"].is_alive()  # held until "first" reaches the last socket
        real_sleep(seconds)

    manager.server.sleep = sleep_and_interleave
    sio.emit("tick", "first", to="all")
    threads["to-last"].join()
    assert events(clients[0]) == ["first", "to-0"]
    assert events(clients[CLIENTS - 1]) == ["first", "to-last"]
    for c in clients[1 : CLIENTS - 1]:
        assert events(c) == ["first"]
    assert manager._pending == []


def test_callbacks_fall_back_to_python_socketio(hub):
    app, sio, manager, clients, sids = hub
    acks = []
    sio.emit("tick", "ack me", to=sids[2], callback=lambda *a: acks.append(a))
    assert events(clients[2]) == ["ack me"]


def test_factory_wires_the_manager(app):
    manager = app.extensions["socketio"].server.manager
    assert isinstance(manager, SlicedManager)
    assert manager.slice_size == app.config["SOCKETIO_EMIT_SLICE"]


def test_client_manager_by_message_queue():
    assert isinstance(client_manager(None, 5), SlicedManager)
    redis = client_manager("redis://127.0.0.1:6379/9", 5)
    assert isinstance(redis, SlicedRedisManager)
    assert isinstance(redis, python_socketio.RedisManager)
    assert redis.slice_size == 5
    assert redis.channel == "flask-socketio"
    assert client_manager("amqp://guest@localhost//", 5) is None
    # PubSubManager's local fan-out (super().emit) is the sliced emit
    mro = SlicedRedisManager.__mro__
    assert mro.index(python_socketio.PubSubManager) < mro.index(SlicedManager)
    assert mro.index(SlicedManager) < mro.index(python_socketio.Manager)


# --- the message queue failing (docs/protocol.md, « Revisions ») --------------------------------


def _down_manager() -> SlicedRedisManager:
    """A Redis manager whose Redis is a closed port (nothing listens there)."""
    return SlicedRedisManager(f"redis://127.0.0.1:{free_port()}/9")


def _emit_message(room) -> dict:
    return {"method": "emit", "event": "agenda", "data": [{}], "room": room, "namespace": "/"}


def test_sessions_of_rooms():
    assert _sessions_of("phones:12") == {12}
    assert _sessions_of(["session:3", "console:4", "participant:9", None]) == {3, 4}
    assert _sessions_of("participant:7") == set()
    assert _sessions_of(None) == set()


def test_an_unpublished_emit_notes_its_sessions_with_one_warning(caplog):
    manager = _down_manager()
    with caplog.at_level("WARNING", logger="workshop.socket_manager"):
        assert manager._publish(_emit_message(["phones:5", "screen:5"])) is None
        assert manager._publish(_emit_message("participant:8")) is None
        assert manager._publish(_emit_message("console:6")) is None
        manager._publish({"method": "enter_room", "sid": "x", "room": "session:9"})
    warnings = [r for r in caplog.records if r.name == "workshop.socket_manager"]
    assert len(warnings) == 1  # one line for the outage, not one per push
    assert "unreachable" in warnings[0].getMessage()
    # Still down: nothing is handed out (the bump waits until the clients can catch up).
    assert manager.take_missed({1}) == set()
    assert manager._lost == {5, 6}


def test_missed_sessions_are_handed_out_once_redis_answers(caplog):
    import redis

    url = "redis://127.0.0.1:6379/9"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis is not reachable at {url}: {exc}")
    manager = _down_manager()
    manager._publish(_emit_message("phones:5"))
    manager.redis_url, manager.connected = url, False  # Redis is back (here: another one)
    with caplog.at_level("WARNING", logger="workshop.socket_manager"):
        assert manager.take_missed({1, 2}) == {5}
        assert manager.take_missed({1, 2}) == set()  # once
        # A publish that works again says so, once.
        assert manager._publish(_emit_message("phones:5")) is not None
    assert [r.getMessage() for r in caplog.records if "again" in r.getMessage()]
    # A subscription made again after a failure: the sessions of this process's sockets.
    manager._resubscribed = True
    assert manager.take_missed({1, 2}) == {1, 2}
    assert manager.take_missed({1, 2}) == set()
