"""The revision beat: each process tells its own sockets, every heartbeat, the revision of their
session the database holds (docs/protocol.md, « Revisions »).

Pushes reach other processes' sockets through the message queue. When it is down, a push made
by one process never reaches the sockets of another; the database, shared by all, still has the
change and its revision (``Session.live_revision``). So every heartbeat, each process reads the
revisions of the sessions its sockets are in and sends them ``beat {"rev"}`` itself (not through
the queue); a client that shows an older revision asks for a fresh snapshot (``resync``), during
the outage as after it.

Pushes that do not change the revision (comments, results, counters) are caught up the same
way: the process whose publish failed, or whose subscription broke, notes the sessions
concerned (workshop/socket_manager.py), and once Redis answers again this bumps their revision,
so that the next beat sends every client of those sessions, on every process, for a snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update

from ...extensions import db, socketio
from ...models import Session
from .. import runtime_state
from ..broadcast import beat
from ..unit import transaction

_SESSIONS = Session.__table__


def held_sessions() -> set[int]:
    """The sessions this process holds sockets of."""
    return {socket.session_id for socket in runtime_state.current().sockets.values()}


def revisions(session_ids: Iterable[int]) -> dict[int, int]:
    """``{session id: live_revision}`` of those that exist."""
    ids = sorted(set(session_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(_SESSIONS.c.id, _SESSIONS.c.live_revision).where(_SESSIONS.c.id.in_(ids))
    )
    return {session_id: revision for session_id, revision in rows}


def bump(session_ids: Iterable[int]) -> None:
    """Raise the revision of these sessions (commits): their clients ask for a snapshot at
    their next beat. No ``rev`` event: nothing was pushed."""
    ids = sorted(set(session_ids))
    if not ids:
        return
    with transaction():
        db.session.execute(
            update(_SESSIONS)
            .where(_SESSIONS.c.id.in_(ids))
            .values(live_revision=_SESSIONS.c.live_revision + 1)
        )


def tick() -> dict[int, int]:
    """One beat: bump the sessions whose pushes the message queue lost (once it is back), then
    send each session's revision to this process's sockets. The revisions sent."""
    held = held_sessions()
    take_missed = getattr(socketio.server.manager, "take_missed", None)
    if take_missed is not None:
        bump(take_missed(held))
    sent = revisions(held)
    beat(sent)
    return sent
