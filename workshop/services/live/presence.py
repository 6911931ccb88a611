"""Who is connected: one ``LiveConnection`` row per open socket, in the database.

Counting rows (not in-process sockets) gives the same number on every server process sharing the
database (several processes behind a Redis message queue). A row is written on connect and
deleted on disconnect. The phone count is the number of *distinct participants* connected: two
tabs of one phone count once.

A process that dies without running its disconnect handlers leaves its rows behind. Each row
names its process (``server_id``; :data:`SERVER_ID` is this process's, unique per start), and each
process keeps a heartbeat row (``LiveServer``), written with its first connection and then every
``PRESENCE_HEARTBEAT_INTERVAL`` seconds (N) by a background task:

- counts ignore the connections of servers whose heartbeat is older than ``3 N``;
- every beat (the first one at the process's first connection: its start-up clean-up) purges
  the rows of those servers, and of dead processes of this host (same host name, no such pid),
  then pushes fresh ``counters`` to the sessions concerned;
- a process whose heartbeat row was purged (it stalled for ``3 N``) writes its rows back at its
  next beat, from the registry of the sockets it holds.

Clocks: heartbeats are written and compared in the servers' UTC time; hosts need NTP.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import bindparam, delete, func, select, update

from ...extensions import db, socketio
from ...models import Answer, Participant, Question, QuestionSet, Session
from ...models.live import LiveConnection, LiveServer

log = logging.getLogger(__name__)

HOSTNAME = socket.gethostname()[:50]
#: This process, as written in ``LiveConnection.server_id``: ``host:pid:random``.
SERVER_ID = f"{HOSTNAME}:{os.getpid()}:{secrets.token_hex(4)}"
#: A server is dead when its heartbeat is older than this many intervals.
STALE_AFTER_BEATS = 3

# The sockets this process holds, per database URL (sid -> session id, role, participant id):
# to write the rows back if another process purged them while this one stalled. Rebuildable,
# never authoritative.
_registries: dict[str, dict[str, tuple[int, str, int | None]]] = {}
# When this process last wrote its heartbeat, per database URL (monotonic seconds).
_last_beat: dict[str, float] = {}
_task_lock = threading.Lock()
_task: Any = None


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


def _merge_row(sid: str, session_id: int, role: str, participant_id: int | None) -> None:
    """Write (or rewrite) the row of one of this process's sockets (the caller commits)."""
    values = {
        "sid": sid,
        "session_id": session_id,
        "role": role,
        "participant_id": participant_id,
        "server_id": SERVER_ID,
        "connected_at": datetime.now(UTC),
    }
    _upsert(LiveConnection, values, "sid", _CONNECTION_CHANGES)


def add(sid: str, session_id: int, role: str, participant_id: int | None) -> None:
    """Record an open socket (the caller commits); starts this process's heartbeat."""
    _registry()[sid] = (session_id, role, participant_id)
    _beat_if_due()
    _merge_row(sid, session_id, role, participant_id)
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
    _registry().pop(sid, None)


def remove_rows(sids: list[str]) -> dict[str, int | None]:
    """Delete the rows of these sockets (the caller commits): ``{sid: session id}`` for the
    phones' sockets among them, ``{sid: None}`` for the others found."""
    rows = db.session.connection().execute(_DELETE_CONNECTIONS, {"sids": sids})
    return {sid: (session_id if role == "participant" else None) for sid, session_id, role in rows}


def clear_server(server_id: str) -> int:
    """Delete the rows of a server process that is gone; the number deleted (commits)."""
    result = db.session.execute(delete(LiveConnection).where(LiveConnection.server_id == server_id))
    db.session.execute(delete(LiveServer).where(LiveServer.server_id == server_id))
    db.session.commit()
    return result.rowcount or 0


def _live_servers_only():
    """The condition "the row's server is not known dead" (no heartbeat row yet: alive)."""
    dead = select(LiveServer.server_id).where(LiveServer.heartbeat_at < stale_before())
    return LiveConnection.server_id.not_in(dead)


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


def _db_key() -> str:
    return str(db.engine.url)


def _registry() -> dict[str, tuple[int, str, int | None]]:
    return _registries.setdefault(_db_key(), {})


def _beat_if_due() -> None:
    """Write the heartbeat in the caller's transaction unless written less than N ago."""
    key = _db_key()
    if time.monotonic() - _last_beat.get(key, float("-inf")) >= interval():
        _last_beat[key] = time.monotonic()  # before any I/O: one writer per interval
        _upsert_beat(datetime.now(UTC))


def _upsert_beat(now: datetime) -> None:
    """Insert or update this process's heartbeat row (not committed), race-free."""
    values = {"server_id": SERVER_ID, "started_at": now, "heartbeat_at": now}
    _upsert(LiveServer, values, "server_id", ("heartbeat_at",))


def _write_beat(now: datetime | None = None) -> bool:
    """Write this process's heartbeat (not committed); whether its row had to be created."""
    now = now or datetime.now(UTC)
    _last_beat[_db_key()] = time.monotonic()
    updated = db.session.execute(
        update(LiveServer).where(LiveServer.server_id == SERVER_ID).values(heartbeat_at=now)
    )
    if updated.rowcount:
        return False
    _upsert_beat(now)
    return True


def beat(now: datetime | None = None) -> bool:
    """Record this process's heartbeat (commits). When its row was gone (purged while this
    process stalled), write the rows of the sockets it holds back. Whether rows were restored."""
    try:
        created = _write_beat(now)
        registry = _registry()
        restored = created and bool(registry)
        if restored:
            _write_back(registry)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return restored


def _write_back(registry: dict[str, tuple[int, str, int | None]]) -> None:
    """Insert the rows of the sockets this process holds (not committed), leaving out those of
    sessions or participants deleted meanwhile."""
    rows = list(registry.items())
    session_ids = {session_id for _, (session_id, _, _) in rows}
    participant_ids = {pid for _, (_, _, pid) in rows if pid is not None}
    sessions = set(db.session.scalars(select(Session.id).where(Session.id.in_(session_ids))))
    participants = set(
        db.session.scalars(select(Participant.id).where(Participant.id.in_(participant_ids)))
    )
    for sid, (session_id, role, participant_id) in rows:
        if session_id not in sessions or (
            participant_id is not None and participant_id not in participants
        ):
            continue
        _merge_row(sid, session_id, role, participant_id)


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
    for server_id in server_ids:
        parts = server_id.split(":")
        if len(parts) < 3 or server_id == SERVER_ID:
            continue
        host, pid = ":".join(parts[:-2]), parts[-2]
        if host == HOSTNAME and pid.isdigit() and not _pid_alive(int(pid)):
            dead.append(server_id)
    return dead


def purge_dead(now: datetime | None = None) -> set[int]:
    """Delete the rows (connections and heartbeat) of dead servers: heartbeat older than
    ``3 N``, or a process of this host that no longer exists. Commits; the ids of the sessions
    whose connections were deleted."""
    try:
        stale = db.session.scalars(
            select(LiveServer.server_id).where(LiveServer.heartbeat_at < stale_before(now))
        ).all()
        servers = set(stale)
        local = select(LiveServer.server_id).where(LiveServer.server_id.startswith(HOSTNAME + ":"))
        servers.update(_dead_on_this_host(list(db.session.scalars(local))))
        servers.discard(SERVER_ID)
        if not servers:
            return set()
        doomed = LiveConnection.server_id.in_(servers)
        sessions = set(
            db.session.scalars(select(LiveConnection.session_id).where(doomed).distinct())
        )
        db.session.execute(delete(LiveConnection).where(doomed))
        db.session.execute(delete(LiveServer).where(LiveServer.server_id.in_(servers)))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("purged the connections of %d dead server(s): %s", len(servers), sorted(servers))
    return sessions


def tick() -> set[int]:
    """One heartbeat round: beat, purge the dead, push fresh counters where rows went away or
    came back. The sessions whose counters changed."""
    from .publish import pusher

    restored = beat()
    sessions = purge_dead()
    if restored:
        sessions.update(session_id for session_id, _, _ in _registry().values())
    for session_id in sessions:
        pusher.mark(session_id)
    return sessions


def _start_heartbeat() -> None:
    """Start the background heartbeat of this process once (not in TESTING apps: tests call
    :func:`tick`)."""
    global _task
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if _task is not None or app.testing or interval(app) <= 0:
        return
    with _task_lock:
        if _task is None:
            _task = socketio.start_background_task(_run, app)


def _run(app: Flask) -> None:
    """The heartbeat loop: a first round at once (start-up clean-up), then every N seconds."""
    while True:
        with app.app_context():
            try:
                tick()
            except Exception:
                log.exception("presence heartbeat failed")
            finally:
                db.session.remove()
        socketio.sleep(interval(app))
