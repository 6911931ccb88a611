"""The live session's services: everything the socket handlers and the live pages call
(docs/protocol.md is the contract; docs/architecture.md the map).

Every change of state validates, writes, commits once and publishes after the commit. The
modules behind this surface, bottom up: ``views`` (JSON shapes), ``answer_values`` (an answer's
value per question kind), ``presence`` (connected sockets), ``publish`` (coalesced results and
comments), ``room`` and ``snapshots`` (the state sent on connect), ``answers`` (writes of
answers, upvotes, moderation), ``writer`` (the group commit), ``participants`` (sockets joining,
profiles), ``control`` (agenda, question sets), ``tokens`` (participants' signed tokens),
``beats`` (the revision beat that lets clients catch up on pushes they missed).
"""

from __future__ import annotations

from flask import Flask

from .. import conclusions, debate, runtime_state
from ..broadcast import console_room, participant_room, phones_room, screen_room, session_room
from ..coalesce import Coalescer
from ..runtime_state import LiveState, LRUCache, SocketState
from ..runtime_state import current as state
from . import beats, tokens
from .answers import moderate_comment
from .control import (
    agenda_goto,
    agenda_next,
    close_set,
    focus_set,
    open_set,
    reveal_set,
    screen_settings,
    set_page,
    timer,
)
from .participants import Joined, connect, disconnect, set_profile
from .publish import push_comments, push_now
from .room import CACHE_SIZE
from .snapshots import snapshot
from .writer import GroupWriter, submit_answer, submit_upvote


def init_app(app: Flask) -> None:
    """Create the app's :class:`LiveState` (its caches, registries, coalescers and writer)."""
    app.extensions[runtime_state.EXTENSION_KEY] = LiveState(
        app=app,
        results=Coalescer(app, "results", push_now, "RESULTS_PUSH_INTERVAL"),
        comments=Coalescer(app, "comments", push_comments, "COMMENTS_PUSH_INTERVAL"),
        tallies=Coalescer(app, "tallies", conclusions.push_tallies, "RESULTS_PUSH_INTERVAL"),
        floor=Coalescer(app, "floor", debate.push_floor, "RESULTS_PUSH_INTERVAL"),
        qa=Coalescer(app, "qa", debate.push_qa, "COMMENTS_PUSH_INTERVAL"),
        writer=GroupWriter(app),
        rooms=LRUCache(CACHE_SIZE),
        run_heartbeat=not app.testing and float(app.config["PRESENCE_HEARTBEAT_INTERVAL"]) > 0,
    )


def resync(socket: SocketState) -> dict:
    """A fresh snapshot for a socket that saw it missed a push (``rev``/``beat``, see
    beats.py): as on connect, without a new token."""
    return snapshot(socket.role, socket.session_id, participant_id=socket.participant_id)


def socket_state(sid: str) -> SocketState | None:
    """What the socket ``sid`` is, if this process accepted it (``connect``) and it has not
    left (``disconnect``)."""
    return runtime_state.current().sockets.get(sid)


__all__ = [
    "Joined",
    "SocketState",
    "agenda_goto",
    "beats",
    "agenda_next",
    "close_set",
    "connect",
    "console_room",
    "disconnect",
    "focus_set",
    "init_app",
    "moderate_comment",
    "open_set",
    "participant_room",
    "phones_room",
    "resync",
    "reveal_set",
    "screen_room",
    "screen_settings",
    "set_page",
    "session_room",
    "set_profile",
    "snapshot",
    "socket_state",
    "state",
    "submit_answer",
    "submit_upvote",
    "timer",
    "tokens",
]
