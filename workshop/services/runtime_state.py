"""What a server process keeps in memory for its live sessions — caches and registries, never
workshop state.

Workshop state (sessions, sets, answers, who is connected) lives in the database; what is here is
either a cache of it or a registry of what this process is doing, and every piece is rebuildable:

- ``sockets``: the sockets this process holds (:class:`SocketState`, from connect to disconnect):
  the socket handlers read a socket's identity from it, and the presence heartbeat writes the
  connection rows back from it if another process purged them;
- ``results``, ``comments``, ``tallies``: the coalescers' dirty marks (a lost mark delays a push
  until the next change);
- ``rooms``: the shared part of phones' snapshots per session revision (services/live/room.py);
- ``writer``: the group-commit writer's queue and its cache of questions (services/live/writer.py);
- ``server_id`` and the heartbeat's bookkeeping (services/live/presence.py).

One :class:`LiveState` per app, created by :func:`workshop.services.live.init_app` in the factory
and kept in ``app.extensions``: two apps in one process (tests) never share it.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

from ..caching import LRUCache

if TYPE_CHECKING:  # types only: this module imports nothing of the services at run time
    from .coalesce import Coalescer
    from .live.writer import GroupWriter

EXTENSION_KEY = "workshop.live"
HOSTNAME = socket.gethostname()[:50]


def new_server_id() -> str:
    """``host:pid:random``: unique per app started (presence rows name it; a dead process of
    this host is recognised by its pid)."""
    return f"{HOSTNAME}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True, slots=True)
class SocketState:
    """What an accepted socket is, kept by the process that holds it from its connect to its
    disconnect (a socket lives in one process). Not in python-socketio's per-socket session:
    that one lives on the engine.io socket, which Flask-SocketIO's test client does not
    create."""

    sid: str
    session_id: int
    role: str
    participant_id: int | None
    #: The language the socket connected with, for the messages of refusals.
    locale: str | None = None
    #: ``[window start, events in it]`` for the socket's rate limit (the list itself changes).
    rate: list[float] = field(default_factory=lambda: [time.monotonic(), 0])
    #: A console's account (the activity log names it for the console's actions).
    user_id: int | None = None
    username: str = ""


@dataclass(eq=False)
class LiveState:
    """The live caches and registries of one app (see the module's docstring)."""

    app: Flask
    results: Coalescer
    comments: Coalescer
    tallies: Coalescer
    #: The debate's pushes (services/debate/): the floor per session, room questions per id.
    floor: Coalescer
    qa: Coalescer
    writer: GroupWriter
    rooms: LRUCache
    server_id: str = field(default_factory=new_server_id)
    sockets: dict[str, SocketState] = field(default_factory=dict)
    #: Whether the presence heartbeat runs as a background task (``TESTING`` apps: no, their
    #: tests call ``presence.tick``).
    run_heartbeat: bool = True
    #: When this app last wrote its heartbeat (monotonic seconds).
    last_beat: float = float("-inf")
    #: The background heartbeat task, once started.
    heartbeat: Any = None
    heartbeat_lock: threading.Lock = field(default_factory=threading.Lock)


def current() -> LiveState:
    """The current app's live state."""
    return current_app.extensions[EXTENSION_KEY]
