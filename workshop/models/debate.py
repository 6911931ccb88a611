"""The debate: requests for the floor and their turns, the room's questions to the speakers
and their supports (docs/protocol.md, « The debate »).

None of these rows bump ``Session.live_revision`` (models/revision.py): they change as often as
answers do, and their pushes are coalesced; every snapshot reads them afresh.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .enums import FloorState, QaStatus, enum_column


class FloorRequest(db.Model):
    """One request for the floor, from a phone or added by the facilitator for someone without
    one (``participant_id`` None), then its turn (``started_at`` to ``ended_at``)."""

    __tablename__ = "floor_request"
    __table_args__ = (
        UniqueConstraint("session_id", "number"),
        Index("ix_floor_request_session_state", "session_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    #: 1, 2, 3… in the session: what the facilitator calls when there is no name.
    number: Mapped[int]
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80), default="")
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholder_group.id", ondelete="SET NULL")
    )
    state: Mapped[FloorState] = mapped_column(enum_column(FloorState), default=FloorState.WAITING)
    #: The queue's order among the waiting requests (lowest first).
    rank: Mapped[float] = mapped_column(default=0.0)
    #: The agenda item under way when it was asked, then when its turn started.
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL")
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Seconds the turn lasted, and the limit in force when it ended (None: none).
    duration_s: Mapped[int | None]
    limit_s: Mapped[int | None]


class RoomQuestion(db.Model):
    """A participant's question to the current item's speakers (``speaker_id``) or to the
    room (None)."""

    __tablename__ = "room_question"
    __table_args__ = (UniqueConstraint("participant_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL")
    )
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speaker.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[QaStatus] = mapped_column(enum_column(QaStatus), default=QaStatus.VISIBLE)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("room_question.id", ondelete="SET NULL"), index=True
    )
    on_screen: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RoomQuestionSupport(db.Model):
    """A participant's support of a room question (one per participant and question)."""

    __tablename__ = "room_question_support"
    __table_args__ = (UniqueConstraint("question_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("room_question.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
