"""A session is one workshop: its agenda, speakers and stakeholder groups, plus its live state."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime
from .enums import AgendaKind, SessionStatus, enum_column

if TYPE_CHECKING:
    from .programme import Programme, Theme
    from .questions import QuestionSet
    from .user import User

#: Join codes avoid look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a participant typed, as a code: upper case, no spaces or dashes."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


#: Default stakeholder groups, from the seed's definition of governance (public, private and
#: associative actors) plus citizens. Labels are translated at display time.
DEFAULT_STAKEHOLDER_GROUPS = (
    ("public", "Acteur public"),
    ("private", "Acteur privé"),
    ("associative", "Acteur associatif"),
    ("citizen", "Citoyen·ne"),
)


#: Facilitators assigned to a session: they drive it and see its summary (organisers see all).
session_facilitator = Table(
    "session_facilitator",
    db.metadata,
    Column("session_id", ForeignKey("session.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


agenda_item_speaker = Table(
    "agenda_item_speaker",
    db.metadata,
    Column("agenda_item_id", ForeignKey("agenda_item.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("speaker.id", ondelete="CASCADE"), primary_key=True),
)


class Session(db.Model):
    __tablename__ = "session"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True, default=new_join_code)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme.id", ondelete="SET NULL")
    )
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)  # order within its theme
    title: Mapped[str] = mapped_column(String(200))
    date: Mapped[date | None]
    place: Mapped[str] = mapped_column(String(200), default="")
    start_time: Mapped[time | None]
    organiser: Mapped[str] = mapped_column(String(200), default="")
    theme_statement: Mapped[str] = mapped_column(Text, default="")
    objective: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SessionStatus] = mapped_column(
        enum_column(SessionStatus), default=SessionStatus.PLANNED
    )
    # Live state: the position of the agenda item under way (its ``started_at`` says since when).
    current_position: Mapped[int | None]
    # Bumped by every flush that changes the session or what hangs off it (models/revision.py):
    # what a phone's snapshot shows of the room is cached per (session, revision).
    live_revision: Mapped[int] = mapped_column(default=0, server_default="0")
    # Participants' data (docs/privacy.md; services/privacy.py): the controller is the
    # organiser (else the programme's); the contact and retention fall back to the programme's.
    privacy_contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    retention_days: Mapped[int | None]
    # Set by ``workshop purge`` once the raw contributions are deleted; the summary then shows
    # what was archived (aggregated figures and conclusions only).
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_summary: Mapped[dict | None] = mapped_column(JSON)
    #: Archived sessions leave the organisers' lists (kept, not deleted).
    archived: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The projector: its theme (dark, light, contrast) and seconds between automatic pages.
    screen_theme: Mapped[str] = mapped_column(String(10), default="dark", server_default="dark")
    screen_autopage_s: Mapped[int] = mapped_column(default=0, server_default="0")
    # The debate (models/debate.py): the limit of a turn at the floor (None: no limit), and
    # whether the room's questions wait for a facilitator's approval.
    floor_limit_s: Mapped[int | None]
    qa_premoderated: Mapped[bool] = mapped_column(default=False, server_default="0")

    programme: Mapped[Programme | None] = relationship()
    theme: Mapped[Theme | None] = relationship(back_populates="sessions")
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="session",
        order_by="AgendaItem.position",
        cascade="all, delete-orphan",
    )
    speakers: Mapped[list[Speaker]] = relationship(
        back_populates="session", order_by="Speaker.position", cascade="all, delete-orphan"
    )
    stakeholder_groups: Mapped[list[StakeholderGroup]] = relationship(
        back_populates="session", order_by="StakeholderGroup.position", cascade="all, delete-orphan"
    )
    facilitators: Mapped[list[User]] = relationship(
        secondary=session_facilitator, order_by="User.username"
    )
    question_sets: Mapped[list[QuestionSet]] = relationship(
        back_populates="session", order_by="QuestionSet.position", cascade="all, delete-orphan"
    )

    @property
    def current_item(self) -> AgendaItem | None:
        if self.current_position is None:
            return None
        return next((i for i in self.agenda if i.position == self.current_position), None)

    def __repr__(self) -> str:
        return f"<Session {self.slug} {self.code}>"


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("session_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[AgendaKind] = mapped_column(enum_column(AgendaKind), default=AgendaKind.OTHER)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    planned_start: Mapped[time | None]
    duration_min: Mapped[int | None]
    question_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_set.id", ondelete="SET NULL")
    )
    # When the facilitator actually started and left this item.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Seconds this item has been the current one, over all its turns (closed turns only: the
    # running one is ``now - started_at``); the report's « réel » against ``duration_min``.
    spent_s: Mapped[int] = mapped_column(default=0, server_default="0")
    # The facilitator's timer of the current item: seconds counted before ``timer_since`` (when
    # it last resumed; None: paused), and the minutes added to the planned duration.
    timer_elapsed_s: Mapped[float] = mapped_column(default=0.0, server_default="0")
    timer_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extra_min: Mapped[int] = mapped_column(default=0, server_default="0")
    # The limit of a turn at the floor during this item (None: the session's; 0: no limit).
    floor_limit_s: Mapped[int | None]

    session: Mapped[Session] = relationship(back_populates="agenda")
    speakers: Mapped[list[Speaker]] = relationship(
        secondary=agenda_item_speaker, order_by="Speaker.position"
    )
    question_set: Mapped[QuestionSet | None] = relationship()

    def time_spent(self, now: datetime | None = None) -> int:
        """Seconds this item has been the current one: its closed turns, and the running one
        counted up to ``now``."""
        spent = self.spent_s or 0
        if self.started_at is not None and self.ended_at is None:
            spent += max(0, int(((now or datetime.now(UTC)) - self.started_at).total_seconds()))
        return spent

    def __repr__(self) -> str:
        return f"<AgendaItem {self.position} {self.kind} {self.title!r}>"


class Speaker(db.Model):
    """An « intervenant »."""

    __tablename__ = "speaker"
    __table_args__ = (UniqueConstraint("session_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))  # stable id within the session file
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    bio: Mapped[str] = mapped_column(Text, default="", server_default="")

    session: Mapped[Session] = relationship(back_populates="speakers")


class StakeholderGroup(db.Model):
    __tablename__ = "stakeholder_group"
    __table_args__ = (UniqueConstraint("session_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(120))

    session: Mapped[Session] = relationship(back_populates="stakeholder_groups")
