"""Rooms and broadcasts of the live session (docs/protocol.md, « Broadcasts »).

Rooms: ``session:<id>`` (every socket of a session), ``phones:<id>``, ``screen:<id>``,
``console:<id>`` and ``participant:<id>`` (the tabs of one participant). Sockets join them when
they connect (workshop/live/events.py).

:func:`emit` is only ever called after the commit of the change it announces: services queue
their broadcasts with :func:`workshop.services.unit.after_commit`, or the group writer runs them
once its batch is committed. With a Redis message queue, every emit reaches every process.

Revisions (docs/protocol.md, « Revisions »): a transaction that changed what the room sees
(``Session.live_revision``, models/revision.py) and pushed it ends with a ``rev`` event
``{"base", "rev"}`` to the session's room (:func:`announce_revisions`); each process also sends
its own sockets, every heartbeat, the revision the database holds (``beat``, never through the
message queue: :func:`beat`). A client whose revision is behind ``base`` or behind a ``beat``
missed a push — while the message queue was down, say — and asks for a fresh snapshot
(``resync``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from ..extensions import socketio

#: The rooms' prefixes that name a session (``participant:<id>`` names a participant).
_SESSION_ROOMS = ("session:", "phones:", "screen:", "console:")
#: The sessions pushed to by the emits of the current after-commit callbacks (None: not
#: recording). A context variable: one per thread or greenlet.
_pushed: ContextVar[set[int] | None] = ContextVar("workshop_pushed", default=None)


def session_room(session_id: int) -> str:
    return f"session:{session_id}"


def phones_room(session_id: int) -> str:
    return f"phones:{session_id}"


def screen_room(session_id: int) -> str:
    return f"screen:{session_id}"


def console_room(session_id: int) -> str:
    return f"console:{session_id}"


def participant_room(participant_id: int) -> str:
    return f"participant:{participant_id}"


def session_of_room(room: str) -> int | None:
    """The session a room belongs to (``phones:12`` → 12), None for a participant's room."""
    if room.startswith(_SESSION_ROOMS):
        number = room.partition(":")[2]
        if number.isdigit():
            return int(number)
    return None


def emit(event: str, data: Any, to: str | list[str], skip_sid: str | None = None) -> None:
    socketio.emit(event, data, to=to, skip_sid=skip_sid)
    pushed = _pushed.get()
    if pushed is not None:
        for room in [to] if isinstance(to, str) else to:
            session_id = session_of_room(room)
            if session_id is not None:
                pushed.add(session_id)


@contextmanager
def recording_pushes() -> Iterator[set[int]]:
    """Collect the sessions the emits made inside the block pushed to."""
    pushed: set[int] = set()
    token = _pushed.set(pushed)
    try:
        yield pushed
    finally:
        _pushed.reset(token)


def announce_revisions(revisions: dict[int, tuple[int, int]], pushed: Iterable[int]) -> None:
    """After a committed transaction's pushes: ``rev {"base", "rev"}`` to each session it
    changed and pushed to. A session changed without a push (a session file loaded again, an
    edit in the admin pages) gets none: its clients learn of it from the next ``beat``."""
    for session_id in sorted(set(pushed) & revisions.keys()):
        base, revision = revisions[session_id]
        socketio.emit("rev", {"base": base, "rev": revision}, to=session_room(session_id))


def beat(revisions: dict[int, int]) -> None:
    """``beat {"rev"}`` to this process's sockets of each session (not through the message
    queue: each process tells its own sockets what the database holds)."""
    for session_id, revision in sorted(revisions.items()):
        socketio.emit("beat", {"rev": revision}, to=session_room(session_id), ignore_queue=True)
