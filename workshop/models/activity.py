"""The activity log: who created, changed, opened, closed, exported or reset what, and when
(services/activity.py writes it; organisers read it per session and per account)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._types import UTCDateTime, utcnow


class Activity(db.Model):
    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_session_at", "session_id", "at"),
        Index("ix_activity_user_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Who did it (None: the command line, or an account deleted since: see ``actor``).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: The account's name at the time (kept when the account goes), or "workshop <command>".
    actor: Mapped[str] = mapped_column(String(80), default="")
    #: The session concerned, if any (None once deleted: see ``subject``).
    session_id: Mapped[int | None] = mapped_column(ForeignKey("session.id", ondelete="SET NULL"))
    #: What it was done to, in words kept after a deletion (a session's title, an account's name).
    subject: Mapped[str] = mapped_column(String(300), default="")
    #: A stable verb: ``session.created``, ``set.opened``, ``session.reset``, ``export``…
    action: Mapped[str] = mapped_column(String(60))
    #: Short details (a format, a count), never a participant's text.
    detail: Mapped[str] = mapped_column(Text, default="")
