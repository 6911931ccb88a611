"""Rooms and broadcasts of the live session (docs/protocol.md, « Broadcasts »).

Rooms: ``session:<id>`` (every socket of a session), ``phones:<id>``, ``screen:<id>``,
``console:<id>`` and ``participant:<id>`` (the tabs of one participant). Sockets join them when
they connect (workshop/live/events.py).

:func:`emit` is only ever called after the commit of the change it announces: services queue
their broadcasts with :func:`workshop.services.unit.after_commit`, or the group writer runs them
once its batch is committed. With a Redis message queue, every emit reaches every process.
"""

from __future__ import annotations

from typing import Any

from ..extensions import socketio


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


def emit(event: str, data: Any, to: str | list[str], skip_sid: str | None = None) -> None:
    socketio.emit(event, data, to=to, skip_sid=skip_sid)
