"""What every service module needs and none owns: the session by id (``unknown_session``
otherwise) and the protocol's timestamps. Imports models and errors only, so that any package
of services (live, debate…) can use it without an import cycle."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _

from ..extensions import db
from ..models import Session
from .errors import ServiceError


def unknown_session() -> ServiceError:
    return ServiceError("unknown_session", _("Aucun atelier ne porte ce code."))


def session_of(session_id: int) -> Session:
    session = db.session.get(Session, session_id)
    if session is None:
        raise unknown_session()
    return session


def iso(value: datetime | None) -> str | None:
    """A UTC timestamp as ISO 8601 with milliseconds (docs/protocol.md), or None."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds") if value else None
