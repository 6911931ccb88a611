"""What the room sends during a live session: participants, their answers, upvotes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .questions import Question
    from .session import Session, StakeholderGroup


class Participant(db.Model):
    """An anonymous phone, known by the random token in its signed cookie."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    pseudonym: Mapped[str] = mapped_column(String(80), default="")
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholder_group.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: A simulated phone of a rehearsal (``workshop rehearse``): left out of every figure, the
    #: summary and the exports unless asked for.
    rehearsal: Mapped[bool] = mapped_column(default=False, server_default="0")

    session: Mapped[Session] = relationship()
    group: Mapped[StakeholderGroup | None] = relationship()


class Answer(db.Model):
    """One participant's answer to one question; a new answer replaces the old one.

    ``value`` holds the structured part (option index, list of indexes, "yes"/"no"/"dontknow",
    an integer, a ranking, a list of words); ``text`` the free text: the answer itself for an
    open question, the comment otherwise. Answers with text are what the room sees as comments.
    """

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("participant_id", "question_id"),
        Index("ix_answer_question", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))  # the phone's id of its last send
    value: Mapped[Any | None] = mapped_column(JSON)
    text: Mapped[str | None] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(default=False)  # moderated away
    highlighted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant: Mapped[Participant] = relationship()
    question: Mapped[Question] = relationship()


class Upvote(db.Model):
    __tablename__ = "upvote"
    __table_args__ = (UniqueConstraint("participant_id", "answer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LiveConnection(db.Model):
    """One open Socket.IO connection (a phone tab, a projector, a console).

    Presence is counted from these rows, so that every server process sharing the database sees
    the same number of connected phones. A row is inserted on connect and deleted on disconnect;
    ``server_id`` names the process that holds the socket, so the rows of a crashed process can
    be cleared (see :func:`workshop.services.live.presence.clear_server`) and, once its
    :class:`LiveServer` heartbeat is stale, are no longer counted and get purged.
    """

    __tablename__ = "live_connection"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)  # the Socket.IO sid
    session_id: Mapped[int] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))  # participant, screen, console
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE")
    )
    server_id: Mapped[str] = mapped_column(String(80), index=True)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LiveServer(db.Model):
    """A running server process (one per ``workshop serve``), and its last heartbeat.

    Each process updates its row every ``PRESENCE_HEARTBEAT_INTERVAL`` seconds from its first
    socket on. Connections of a server whose heartbeat is older than three intervals are not
    counted, and are purged (see :mod:`workshop.services.live.presence`).
    """

    __tablename__ = "live_server"

    server_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
