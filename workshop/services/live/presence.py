"""Who is connected: one ``LiveConnection`` row per open socket, in the database.

Counting rows (not in-process sockets) gives the same number on every server process sharing the
database (several processes behind a Redis message queue). A row is written on connect and
deleted on disconnect. The phone count is the number of *distinct participants* connected: two
tabs of one phone count once.

A process that dies without running its disconnect handlers leaves its rows behind. Each row
names its server (``server_id``: the app's, ``host:pid:random``, in its
:class:`~workshop.services.runtime_state.LiveState`), and each server keeps a heartbeat row
(``LiveServer``), written with its first connection and then every
``PRESENCE_HEARTBEAT_INTERVAL`` seconds (N) by a background task (not in ``TESTING`` apps: tests
call :func:`tick`):

- counts ignore the connections of servers whose heartbeat is older than ``3 N``;
- every beat (the first one at the process's first connection: its start-up clean-up) purges
  the rows of those servers, and of dead processes of this host (same host name, no such pid),
  then pushes fresh ``counters`` to the sessions concerned;
- a process whose heartbeat row was purged (it stalled for ``3 N``) writes its rows back at its
  next beat, from the registry of the sockets it holds (``LiveState.sockets``).

Clocks: heartbeats are written and compared in the servers' UTC time; hosts need NTP.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import bindparam, delete, func, select, update

from ...extensions import db, socketio
from ...models import Answer, Participant, Question, QuestionSet, Session
from ...models.live import LiveConnection, LiveServer
from .. import runtime_state
from ..runtime_state import HOSTNAME, SocketState
from ..unit import after_commit, transaction
from . import beats

log = logging.getLogger(__name__)

#: A server is dead when its heartbeat is older than this many intervals.
STALE_AFTER_BEATS = 3


def interval(app: Flask | None = None) -> float:
    """Seconds between two heartbeats."""
    return float((app or current_app).config["PRESENCE_HEARTBEAT_INTERVAL"])


def stale_before(now: datetime | None = None) -> datetime:
    """Heartbeats older than this are of dead servers."""
    now = now or datetime.now(UTC)
    return now - timedelta(seconds=STALE_AFTER_BEATS * interval())


@functools.cache
def _upsert_statement(table_name: str, dialect: str, key: str, changes: tuple[str, ...]) -> Any:
    """``INSERT … ON CONFLICT (key) DO UPDATE SET`` each of ``changes`` to the inserted value,
    built once per dialect (its values are given when executed)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = db.metadata.tables[table_name]
    stmt = insert(table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c[key]], set_={name: stmt.excluded[name] for name in changes}
    )


def _upsert(model: Any, values: dict[str, Any], key: str, changes: tuple[str, ...]) -> None:
    """Insert ``values`` or, when a row has the same ``key``, update its ``changes`` (one
    statement, not committed)."""
    dialect = db.engine.dialect.name
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover - SQLite and PostgreSQL only
        db.session.merge(model(**values))
        return
    stmt = _upsert_statement(model.__tablename__, dialect, key, changes)
    db.session.connection().execute(stmt, values)


_CONNECTION_CHANGES = ("session_id", "role", "participant_id", "server_id", "connected_at")


def _merge_row(socket: SocketState) -> None:
    """Write (or rewrite) the row of one of this process's sockets (the caller commits)."""
    values = {
        "sid": socket.sid,
        "session_id": socket.session_id,
        "role": socket.role,
        "participant_id": socket.participant_id,
        "server_id": runtime_state.current().server_id,
        "connected_at": datetime.now(UTC),
    }
    _upsert(LiveConnection, values, "sid", _CONNECTION_CHANGES)


def add(socket: SocketState) -> None:
    """Record an open socket: as a row in the caller's transaction, then in the app's registry
    once committed; starts this server's heartbeat."""
    after_commit(runtime_state.current().sockets.__setitem__, socket.sid, socket)
    _beat_if_due()
    _merge_row(socket)
    _start_heartbeat()


_CONNECTIONS = LiveConnection.__table__
_DELETE_CONNECTIONS = (
    delete(_CONNECTIONS)
    .where(_CONNECTIONS.c.sid.in_(bindparam("sids", expanding=True)))
    .returning(_CONNECTIONS.c.sid, _CONNECTIONS.c.session_id, _CONNECTIONS.c.role)
)


_SEVERAL_SOCKETS = (
    select(_CONNECTIONS.c.participant_id)
    .where(_CONNECTIONS.c.participant_id.in_(bindparam("pids", expanding=True)))
    .group_by(_CONNECTIONS.c.participant_id)
    .having(func.count() > 1)
)


def with_several_sockets(participant_ids: set[int]) -> set[int]:
    """The participants among these with more than one socket open (on any process)."""
    params = {"pids": list(participant_ids)}
    return set(db.session.connection().execute(_SEVERAL_SOCKETS, params).scalars())


def forget(sid: str) -> None:
    """This process no longer holds ``sid`` (its row is deleted by :func:`remove_rows`)."""
    runtime_state.current().sockets.pop(sid, None)


def remove_rows(sids: list[str]) -> dict[str, int | None]:
    """Delete the rows of these sockets (the caller commits): ``{sid: session id}`` for the
    phones' sockets among them, ``{sid: None}`` for the others found."""
    rows = db.session.connection().execute(_DELETE_CONNECTIONS, {"sids": sids})
    return {sid: (session_id if role == "participant" else None) for sid, session_id, role in rows}


def clear_server(server_id: str) -> int:
    """Delete the rows of a server process that is gone; the number deleted (commits)."""
    with transaction():
        result = db.session.execute(
            delete(LiveConnection).where(LiveConnection.server_id == server_id)
        )
        db.session.execute(delete(LiveServer).where(LiveServer.server_id == server_id))
    return result.rowcount or 0


def _live_servers_only():
    """The condition "the row's server is not known dead" (no heartbeat row yet: alive)."""
    dead = select(LiveServer.server_id).where(LiveServer.heartbeat_at < stale_before())
    return LiveConnection.server_id.not_in(dead)


def counters(session_id: int) -> dict[str, Any]:
    """``{"phones": n, "answers": {"<question id>": n}}`` of a session (the ``counters``
    event)."""
    return {
        "phones": phone_count(session_id),
        "answers": {str(k): v for k, v in answer_counts(session_id).items()},
    }


def phone_count(session_id: int) -> int:
    """Distinct participants with at least one open socket in the session, on a live server."""
    query = select(func.count(func.distinct(LiveConnection.participant_id))).where(
        LiveConnection.session_id == session_id,
        LiveConnection.role == "participant",
        _live_servers_only(),
    )
    return db.session.scalar(query) or 0


def answer_counts(session_id: int) -> dict[int, int]:
    """``{question id: number of answers}`` for every question of the session (0 included)."""
    query = (
        select(Question.id, func.count(Answer.id))
        .join(QuestionSet, QuestionSet.id == Question.question_set_id)
        .outerjoin(Answer, Answer.question_id == Question.id)
        .where(QuestionSet.session_id == session_id)
        .group_by(Question.id)
    )
    return {question_id: count for question_id, count in db.session.execute(query)}


# --- heartbeat ----------------------------------------------------------------------------------


def _beat_if_due() -> None:
    """Write the heartbeat in the caller's transaction unless written less than N ago."""
    state = runtime_state.current()
    if time.monotonic() - state.last_beat >= interval():
        state.last_beat = time.monotonic()  # before any I/O: one writer per interval
        _upsert_beat(datetime.now(UTC))


def _upsert_beat(now: datetime) -> None:
    """Insert or update this server's heartbeat row (not committed), race-free."""
    values = {
        "server_id": runtime_state.current().server_id,
        "started_at": now,
        "heartbeat_at": now,
    }
    _upsert(LiveServer, values, "server_id", ("heartbeat_at",))


def _write_beat(now: datetime | None = None) -> bool:
    """Write this server's heartbeat (not committed); whether its row had to be created."""
    now = now or datetime.now(UTC)
    state = runtime_state.current()
    state.last_beat = time.monotonic()
    updated = db.session.execute(
        update(LiveServer).where(LiveServer.server_id == state.server_id).values(heartbeat_at=now)
    )
    if updated.rowcount:
        return False
    _upsert_beat(now)
    return True


def beat(now: datetime | None = None) -> bool:
    """Record this process's heartbeat (commits). When its row was gone (purged while this
    process stalled), write the rows of the sockets it holds back. Whether rows were restored."""
    with transaction():
        created = _write_beat(now)
        held = list(runtime_state.current().sockets.values())
        restored = created and bool(held)
        if restored:
            _write_back(held)
    return restored


def _write_back(held: list[SocketState]) -> None:
    """Insert the rows of the sockets this process holds (not committed), leaving out those of
    sessions or participants deleted meanwhile."""
    session_ids = {s.session_id for s in held}
    participant_ids = {s.participant_id for s in held if s.participant_id is not None}
    sessions = set(db.session.scalars(select(Session.id).where(Session.id.in_(session_ids))))
    participants = set(
        db.session.scalars(select(Participant.id).where(Participant.id.in_(participant_ids)))
    )
    for socket in held:
        if socket.session_id not in sessions or (
            socket.participant_id is not None and socket.participant_id not in participants
        ):
            continue
        _merge_row(socket)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # somebody else's process: alive
    return True


def _dead_on_this_host(server_ids: list[str]) -> list[str]:
    """Servers of this host whose process is gone (a crash followed by a quick restart)."""
    dead = []
    own = runtime_state.current().server_id
    for server_id in server_ids:
        parts = server_id.split(":")
        if len(parts) < 3 or server_id == own:
            continue
        host, pid = ":".join(parts[:-2]), parts[-2]
        if host == HOSTNAME and pid.isdigit() and not _pid_alive(int(pid)):
            dead.append(server_id)
    return dead


def purge_dead(now: datetime | None = None) -> set[int]:
    """Delete the rows (connections and heartbeat) of dead servers: heartbeat older than
    ``3 N``, or a process of this host that no longer exists. Commits; the ids of the sessions
    whose connections were deleted."""
    with transaction():
        stale = db.session.scalars(
            select(LiveServer.server_id).where(LiveServer.heartbeat_at < stale_before(now))
        ).all()
        servers = set(stale)
        local = select(LiveServer.server_id).where(LiveServer.server_id.startswith(HOSTNAME + ":"))
        servers.update(_dead_on_this_host(list(db.session.scalars(local))))
        servers.discard(runtime_state.current().server_id)
        if not servers:
            return set()
        doomed = LiveConnection.server_id.in_(servers)
        sessions = set(
            db.session.scalars(select(LiveConnection.session_id).where(doomed).distinct())
        )
        db.session.execute(delete(LiveConnection).where(doomed))
        db.session.execute(delete(LiveServer).where(LiveServer.server_id.in_(servers)))
    log.info("purged the connections of %d dead server(s): %s", len(servers), sorted(servers))
    return sessions


def tick() -> set[int]:
    """One heartbeat round: beat, purge the dead, push fresh counters where rows went away or
    came back. The sessions whose counters changed."""
    state = runtime_state.current()
    restored = beat()
    sessions = purge_dead()
    if restored:
        sessions.update(socket.session_id for socket in state.sockets.values())
    for session_id in sessions:
        state.results.mark(session_id)
    return sessions


def _start_heartbeat() -> None:
    """Start the background heartbeat of this app once (unless ``LiveState.run_heartbeat`` is
    off: tests call :func:`tick`)."""
    state = runtime_state.current()
    if state.heartbeat is not None or not state.run_heartbeat:
        return
    with state.heartbeat_lock:
        if state.heartbeat is None:
            state.heartbeat = socketio.start_background_task(_run, state.app)


def _run(app: Flask) -> None:
    """The heartbeat loop: a first round at once (start-up clean-up), then every N seconds,
    each followed by the revision beat to this process's sockets (beats.py)."""
    while True:
        with app.app_context():
            try:
                tick()
            except Exception:
                log.exception("presence heartbeat failed")
                db.session.rollback()
            try:
                beats.tick()
            except Exception:
                log.exception("revision beat failed")
            finally:
                db.session.remove()
        socketio.sleep(interval(app))
