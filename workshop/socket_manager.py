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
"""

from __future__ import annotations

import threading
from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet as sio_packet

#: Sockets sent to between two yields (``SOCKETIO_EMIT_SLICE``).
DEFAULT_SLICE = 200


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


def client_manager(message_queue: str | None, slice_size: int) -> socketio.Manager | None:
    """The manager for ``socketio.init_app(client_manager=...)``: sliced, local or on Redis.
    ``None`` for another message queue (Kombu, Kafka, ZeroMQ): Flask-SocketIO then builds its
    own, unsliced."""
    if not message_queue:
        return SlicedManager(slice_size=slice_size)
    if message_queue.startswith(("redis://", "rediss://")):
        return SlicedRedisManager(message_queue, slice_size=slice_size)
    return None
