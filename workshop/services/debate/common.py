"""What the floor and the room's questions share: the session, the participant, the rate of
a participant's requests, the activity log's actor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...extensions import db
from ...models import AgendaItem, Participant, Session, User
from ...models.enums import SessionStatus
from ..errors import ServiceError
from ..lookup import iso, session_of, unknown_session

__all__ = [
    "Actor",
    "Settings",
    "check_rate",
    "iso",
    "live_session",
    "participant_of",
    "session_of",
    "settings_of",
]

Actor = User | str | None


class Settings(NamedTuple):
    """The session's settings the debate's views need (read by :func:`settings_of`)."""

    floor_limit_s: int | None  # the session's limit of a turn (None or 0: none)
    item_limit_s: int | None  # the current agenda item's (None: the session's, or no item)
    has_item: bool  # an agenda item is under way
    qa_premoderated: bool

    @property
    def limit_s(self) -> int | None:
        """The limit of a turn now: the current item's, else the session's (None: no limit)."""
        limit = self.item_limit_s if self.item_limit_s is not None else self.floor_limit_s
        return limit or None


def settings_of(session_id: int) -> Settings:
    """The debate's settings in one light query: a snapshot reads them for every phone that
    connects, and loading the session with its agenda (``Session.current_item``) cost more than
    the rest of the debate's views."""
    row = db.session.execute(
        select(
            Session.floor_limit_s,
            AgendaItem.floor_limit_s.label("item_limit_s"),
            AgendaItem.id.label("item_id"),
            Session.qa_premoderated,
        )
        .select_from(Session)
        .outerjoin(
            AgendaItem,
            (AgendaItem.session_id == Session.id)
            & (AgendaItem.position == Session.current_position),
        )
        .where(Session.id == session_id)
    ).first()
    if row is None:
        raise unknown_session()
    return Settings(
        row.floor_limit_s, row.item_limit_s, row.item_id is not None, bool(row.qa_premoderated)
    )


def live_session(session_id: int) -> Session:
    """The session, refused (``session_ended``) once it has ended."""
    session = session_of(session_id)
    if session.status is SessionStatus.ENDED or session.purged_at is not None:
        raise ServiceError("session_ended", _("L'atelier est terminé."))
    return session


def participant_of(session_id: int, participant_id: int | None) -> Participant:
    participant = db.session.get(Participant, participant_id) if participant_id else None
    if participant is None or participant.session_id != session_id:
        raise ServiceError("forbidden", _("Participant inconnu."))
    return participant


def check_rate(model: Any, column: Any, participant_id: int, limit: int) -> None:
    """``rate_limited`` when the participant made ``limit`` rows of ``model`` in the last
    minute (counted in the database: every tab and every server process together)."""
    since = datetime.now(UTC) - timedelta(minutes=1)
    made = db.session.scalar(
        select(func.count())
        .select_from(model)
        .where(model.participant_id == participant_id, column >= since)
    )
    if (made or 0) >= limit:
        raise ServiceError(
            "rate_limited", _("Trop de demandes en une minute ; patientez un instant.")
        )
