"""Conclusions written by the facilitator, their evidence, and the room's endorsement."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .enums import EndorsementChoice, VoteState, enum_column


class Conclusion(db.Model):
    """A conclusion for one question set, or for the whole session (``question_set_id`` None)."""

    __tablename__ = "conclusion"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    question_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_set.id", ondelete="CASCADE")
    )
    text: Mapped[str] = mapped_column(Text, default="")
    vote_state: Mapped[VoteState] = mapped_column(enum_column(VoteState), default=VoteState.NONE)
    revealed: Mapped[bool] = mapped_column(default=False)
    #: When it was last put to the room: a phone keeps showing the last one put, closed or not.
    put_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    links: Mapped[list[ConclusionLink]] = relationship(
        back_populates="conclusion", cascade="all, delete-orphan"
    )


class ConclusionLink(db.Model):
    """What a conclusion rests on: a question, or one answer's comment."""

    __tablename__ = "conclusion_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    conclusion_id: Mapped[int] = mapped_column(ForeignKey("conclusion.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"))

    conclusion: Mapped[Conclusion] = relationship(back_populates="links")


class Endorsement(db.Model):
    """A participant's « d'accord / à amender / pas d'accord » on a conclusion."""

    __tablename__ = "endorsement"
    __table_args__ = (UniqueConstraint("conclusion_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conclusion_id: Mapped[int] = mapped_column(ForeignKey("conclusion.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    choice: Mapped[EndorsementChoice] = mapped_column(enum_column(EndorsementChoice))
    amendment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
