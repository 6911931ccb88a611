"""What the floor and the room's questions share: the session, the participant, the rate of
a participant's requests, the activity log's actor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...extensions import db
from ...models import Participant, Session, User
from ...models.enums import SessionStatus
from ..errors import ServiceError
from ..lookup import iso, session_of

__all__ = ["Actor", "check_rate", "iso", "live_session", "participant_of", "session_of"]

Actor = User | str | None


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
