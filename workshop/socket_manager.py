"""Socket.IO client managers that send a broadcast to a big room in slices.

python-socketio's :class:`socketio.Manager` sends an emit to a room in one pass: it encodes the
packet once, then queues it on every socket of the room without yielding. With gevent, every
queued frame also wakes that socket's writer greenlet, and those writers run in the order they
were woken: an ack (or any other frame) queued during the pass waits behind the frames of the
whole room. At 2,000 phones that is one pass per ``comments`` push (docs/performance.md).

:class:`SlicedManager` sends to at most ``slice_size`` sockets, then yields
(``server.sleep(0)``) so that the writers of that slice and any other ready greenlet run before
the next slice. The packet is still encoded once per emit.

Ordering: python-socketio never yields inside an emit, so two emits reach every socket in the
order they were made. A sliced emit yields, so it registers the sockets it has not reached yet;
an emit made meanwhile that targets one of them waits until every earlier emit that still had to
reach one of its sockets is done, and registers itself while it waits. An emit that targets none
of them (an ack's ``answer_saved`` to the author's other tabs, say) is sent at once, as before.
Acks themselves do not go through the manager.

:class:`SlicedRedisManager` is python-socketio's :class:`socketio.RedisManager` with the same
local fan-out: its ``PubSubManager`` ends every emit, the ones received from the other
processes included, in ``super().emit``, which the method resolution order of the class below
makes :meth:`SlicedManager.emit`.

It also knows when the message queue failed it (docs/protocol.md, « Revisions »): an emit it
could not publish never reached the other processes' sockets, and while its subscription was
broken it missed theirs. It notes the sessions concerned (:meth:`SlicedRedisManager.take_missed`)
so that the presence heartbeat can bump their revision once Redis answers again: every client
then sees, at its process's next ``beat``, that it is behind, and asks for a fresh snapshot.
One warning line when the queue fails and one when it is back, not a line per push.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Set
from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet as sio_packet

log = logging.getLogger(__name__)

#: Sockets sent to between two yields (``SOCKETIO_EMIT_SLICE``).
DEFAULT_SLICE = 200
#: Longest wait between two attempts to subscribe again (python-socketio's grows to 60 s: a
#: process would miss the others' pushes for up to a minute after Redis is back).
MAX_RESUBSCRIBE_WAIT = 2.0
#: Rooms naming a session: ``session:<id>``, ``phones:<id>``… (services/broadcast.py).
_SESSION_ROOMS = ("session:", "phones:", "screen:", "console:")


def _sessions_of(room: Any) -> set[int]:
    rooms = room if isinstance(room, list | tuple) else [room]
    found = set()
    for name in rooms:
        if isinstance(name, str) and name.startswith(_SESSION_ROOMS):
            number = name.partition(":")[2]
            if number.isdigit():
                found.add(int(number))
    return found


class _Pending:
    """An emit that has yielded or waits: the engine.io sids it has not sent to yet."""

    __slots__ = ("remaining", "done")

    def __init__(self, remaining: set[str], done: Any) -> None:
        self.remaining = remaining
        self.done = done


class SlicedManager(socketio.Manager):
    """:class:`socketio.Manager` whose emits to more than ``slice_size`` sockets yield every
    ``slice_size`` sockets, keeping the order of emits per socket."""

    def __init__(self, *args: Any, slice_size: int = DEFAULT_SLICE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slice_size = max(1, int(slice_size))
        self._pending: list[_Pending] = []
        # Guards ``_pending`` in threading mode; never held across a yield.
        self._pending_lock = threading.Lock()

    def emit(
        self,
        event: str,
        data: Any,
        namespace: str | None = None,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None:
        room = to or room
        if callback is not None or namespace not in self.rooms:
            # One packet per recipient with its own ack id: python-socketio's pass (unused
            # by workshop, which never asks a broadcast for acks).
            return super().emit(
                event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs
            )
        if isinstance(data, tuple):
            data = list(data)
        elif data is not None:
            data = [data]
        else:
            data = []
        if not isinstance(skip_sid, list):
            skip_sid = [skip_sid]
        targets = [
            eio_sid
            for sid, eio_sid in self.get_participants(namespace, room)
            if sid not in skip_sid
        ]
        if not targets:
            return None
        pkt = self.server.packet_class(sio_packet.EVENT, namespace=namespace, data=[event] + data)
        encoded = pkt.encode()
        if not isinstance(encoded, list):
            encoded = [encoded]
        eio_pkts = [eio_packet.Packet(eio_packet.MESSAGE, p) for p in encoded]

        with self._pending_lock:
            earlier = [p for p in self._pending if not p.remaining.isdisjoint(targets)]
            if not earlier and len(targets) <= self.slice_size:
                # The common case, as python-socketio does it: one pass, no yield.
                for eio_sid in targets:
                    for p in eio_pkts:
                        self.server._send_eio_packet(eio_sid, p)
                return None
            mine = _Pending(set(targets), self.server.eio.create_event())
            self._pending.append(mine)
        try:
            for other in earlier:
                other.done.wait()
            size = self.slice_size
            for start in range(0, len(targets), size):
                if start:
                    self.server.sleep(0)
                chunk = targets[start : start + size]
                for eio_sid in chunk:
                    for p in eio_pkts:
                        self.server._send_eio_packet(eio_sid, p)
                mine.remaining.difference_update(chunk)
        finally:
            with self._pending_lock:
                self._pending.remove(mine)
            mine.done.set()
        return None


class SlicedRedisManager(socketio.RedisManager, SlicedManager):
    """:class:`socketio.RedisManager` whose local fan-out (``PubSubManager._handle_emit`` →
    ``super().emit``) is :meth:`SlicedManager.emit`. Method resolution order:
    SlicedRedisManager, RedisManager, PubSubManager, SlicedManager, Manager, BaseManager."""

    def __init__(
        self, url: str, channel: str = "flask-socketio", slice_size: int = DEFAULT_SLICE, **kw: Any
    ) -> None:
        super().__init__(url, channel=channel, **kw)  # reaches SlicedManager.__init__ too
        self.slice_size = max(1, int(slice_size))
        self._missed_lock = threading.Lock()
        #: Sessions of the emits not published since Redis last answered.
        self._lost: set[int] = set()
        #: The subscription broke and was made again: this process missed what was published.
        self._resubscribed = False
        self._publish_failing = False

    def _publish(self, data: Any) -> Any:
        """python-socketio's publish (two attempts), noting the sessions of an emit that could
        not be published; one warning when publishing starts failing, one when it works again."""
        error: Exception | None = None
        for _attempt in range(2):
            try:
                if not self.connected:
                    self._redis_connect()
                result = self.redis.publish(self.channel, self.json.dumps(data))
            except Exception as exc:  # redis-py's errors, or a refused connection
                error = exc
                self.connected = False
                continue
            if self._publish_failing:
                self._publish_failing = False
                log.warning("message queue reachable again: publishing to the other processes")
            return result
        if not self._publish_failing:
            self._publish_failing = True
            log.warning(
                "message queue unreachable (%s): pushes do not reach the other processes; "
                "their clients will catch up from the database",
                type(error).__name__,
            )
        if isinstance(data, dict) and data.get("method") == "emit":
            lost = _sessions_of(data.get("room"))
            if lost:
                with self._missed_lock:
                    self._lost.update(lost)
        return None

    def _redis_listen_with_retries(self) -> Iterator[Any]:
        """python-socketio's subscription loop with a shorter wait between attempts
        (:data:`MAX_RESUBSCRIBE_WAIT`), noting that messages were missed when it subscribes
        again after an error."""
        retry_sleep = 0.25
        subscribed = False
        failed = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed = True
                    retry_sleep = 0.25
                    if failed:
                        failed = False
                        with self._missed_lock:
                            self._resubscribed = True
                        log.warning("message queue reachable again: subscribed")
                yield from self.pubsub.listen()
            except Exception as exc:  # redis-py's errors, or a refused connection
                if not failed:
                    log.warning(
                        "message queue unreachable (%s): this process misses the others' "
                        "pushes until it subscribes again",
                        type(exc).__name__,
                    )
                failed = True
                subscribed = False
                time.sleep(retry_sleep)  # gevent: monkey-patched, yields
                retry_sleep = min(retry_sleep * 2, MAX_RESUBSCRIBE_WAIT)

    def take_missed(self, local_sessions: Set[int]) -> set[int]:
        """The sessions whose clients may have missed pushes, to be bumped now (and forgotten
        here): the sessions of unpublished emits once Redis answers again, and the sessions of
        this process's sockets once it has subscribed again after a failure."""
        with self._missed_lock:
            missed: set[int] = set()
            if self._resubscribed:
                self._resubscribed = False
                missed.update(local_sessions)
            lost = bool(self._lost)
        if lost and self._reachable():
            with self._missed_lock:
                missed.update(self._lost)
                self._lost.clear()
        return missed

    def _reachable(self) -> bool:
        try:
            if not self.connected:
                self._redis_connect()
            self.redis.ping()
        except Exception:  # still down
            self.connected = False
            return False
        return True


def client_manager(message_queue: str | None, slice_size: int) -> socketio.Manager | None:
    """The manager for ``socketio.init_app(client_manager=...)``: sliced, local or on Redis.
    ``None`` for another message queue (Kombu, Kafka, ZeroMQ): Flask-SocketIO then builds its
    own, unsliced."""
    if not message_queue:
        return SlicedManager(slice_size=slice_size)
    if message_queue.startswith(("redis://", "rediss://")):
        return SlicedRedisManager(message_queue, slice_size=slice_size)
    return None
