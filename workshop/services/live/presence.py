"""Who is connected: one ``LiveConnection`` row per open socket, in the database.

Counting rows (not in-process sockets) gives the same number on every server process sharing the
database (several processes behind a Redis message queue). A row is written on connect and
deleted on disconnect. If a process dies without running its disconnect handlers, its rows stay
behind: each row names its process (``server_id``; :data:`SERVER_ID` is this process's, unique per
start), and :func:`clear_server` removes the rows of a process that is gone. The phone count is
the number of *distinct participants* connected: two tabs of one phone count once.
"""

from __future__ import annotations

import os
import secrets
import socket

from sqlalchemy import delete, func, select

from ...extensions import db
from ...models import Answer, Question, QuestionSet
from ...models.live import LiveConnection

#: This process, as written in ``LiveConnection.server_id``.
SERVER_ID = f"{socket.gethostname()[:50]}:{os.getpid()}:{secrets.token_hex(4)}"


def add(sid: str, session_id: int, role: str, participant_id: int | None) -> None:
    """Record an open socket (the caller commits)."""
    db.session.merge(
        LiveConnection(
            sid=sid,
            session_id=session_id,
            role=role,
            participant_id=participant_id,
            server_id=SERVER_ID,
        )
    )


def remove(sid: str) -> int | None:
    """Forget a socket (the caller commits); its session id, or None if unknown."""
    row = db.session.get(LiveConnection, sid)
    if row is None:
        return None
    db.session.delete(row)
    return row.session_id


def clear_server(server_id: str) -> int:
    """Delete the rows of a server process that is gone; the number deleted (commits)."""
    result = db.session.execute(delete(LiveConnection).where(LiveConnection.server_id == server_id))
    db.session.commit()
    return result.rowcount or 0


def phone_count(session_id: int) -> int:
    """Distinct participants with at least one open socket in the session."""
    query = select(func.count(func.distinct(LiveConnection.participant_id))).where(
        LiveConnection.session_id == session_id, LiveConnection.role == "participant"
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
