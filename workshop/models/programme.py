"""A programme is a cycle of workshops, grouped in ordered themes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

if TYPE_CHECKING:
    from .session import Session


class Programme(db.Model):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    organiser: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    objective: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(Text, default="")
    # Participants' data (docs/privacy.md): where to write to exercise one's rights, and the
    # days their raw contributions are kept after a workshop (None: RETENTION_DAYS). A session's
    # own values come first.
    privacy_contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    retention_days: Mapped[int | None]

    themes: Mapped[list[Theme]] = relationship(
        back_populates="programme", order_by="Theme.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Programme {self.slug}>"


class Theme(db.Model):
    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("programme_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    programme: Mapped[Programme] = relationship(back_populates="themes")
    sessions: Mapped[list[Session]] = relationship(
        back_populates="theme", order_by="Session.position"
    )

    def __repr__(self) -> str:
        return f"<Theme {self.position} {self.title!r}>"
