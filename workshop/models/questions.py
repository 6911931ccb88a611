"""Question sets put to the speakers and the room."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime
from .enums import QuestionKind, SetState, enum_column

if TYPE_CHECKING:
    from .session import Session


class QuestionSet(db.Model):
    __tablename__ = "question_set"
    __table_args__ = (UniqueConstraint("session_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))  # stable id within the session file
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    introduction: Mapped[str] = mapped_column(Text, default="")
    # Live state.
    state: Mapped[SetState] = mapped_column(enum_column(SetState), default=SetState.READY)
    revealed: Mapped[bool] = mapped_column(default=False)  # results on the projector
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The question the projector focuses on (None: the whole set); one of this set's questions.
    # ``use_alter``: question_set and question reference each other.
    focus_question_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "question.id",
            ondelete="SET NULL",
            use_alter=True,
            name="fk_question_set_focus_question_id_question",
        )
    )
    # The page of the whole set the projector shows (two questions a page) and when it was set.
    page: Mapped[int] = mapped_column(default=0, server_default="0")
    page_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[Session] = relationship(back_populates="question_sets")
    questions: Mapped[list[Question]] = relationship(
        back_populates="question_set",
        order_by="Question.position",
        cascade="all, delete-orphan",
        foreign_keys="Question.question_set_id",
    )

    def __repr__(self) -> str:
        return f"<QuestionSet {self.key} {self.state}>"


class Question(db.Model):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("question_set_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_set_id: Mapped[int] = mapped_column(ForeignKey("question_set.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))  # stable id within its set
    position: Mapped[int]
    prompt: Mapped[str] = mapped_column(Text)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    # choice, multi, rank: the options, in order.
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    # scale: the bounds and their labels.
    scale_min: Mapped[int | None]
    scale_max: Mapped[int | None]
    min_label: Mapped[str] = mapped_column(String(120), default="")
    max_label: Mapped[str] = mapped_column(String(120), default="")
    # multi: how many options at most (None: any); words: how many words at most.
    max_choices: Mapped[int | None]
    max_words: Mapped[int | None]
    #: ``open``: the longest answer accepted (None: ``MAX_COMMENT_LENGTH``).
    max_length: Mapped[int | None]
    allow_comment: Mapped[bool] = mapped_column(default=False)

    question_set: Mapped[QuestionSet] = relationship(
        back_populates="questions", foreign_keys=[question_set_id]
    )

    def settings(self) -> dict[str, Any]:
        """What a phone needs to render the question."""
        data: dict[str, Any] = {
            "id": self.id,
            "key": self.key,
            "prompt": self.prompt,
            "kind": self.kind.value,
            "allow_comment": self.allow_comment,
        }
        if self.options:
            data["options"] = list(self.options)
        if self.kind is QuestionKind.SCALE:
            data.update(
                scale_min=self.scale_min,
                scale_max=self.scale_max,
                min_label=self.min_label,
                max_label=self.max_label,
            )
        if self.max_choices is not None:
            data["max_choices"] = self.max_choices
        if self.max_words is not None:
            data["max_words"] = self.max_words
        return data

    def __repr__(self) -> str:
        return f"<Question {self.key} {self.kind}>"
