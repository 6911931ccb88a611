"""The activity log (models/activity.py): one row per thing an organiser or facilitator did —
created, changed, opened, closed, exported, rehearsed, reset, purged… — written in the same
transaction as the change itself, so a change and its line are stored together or not at all.

Call :func:`record` inside the service's ``with transaction():`` block. Never put a
participant's text in ``detail``: the log is read by every organiser and kept with the account.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Activity, Session, User
from .unit import transaction

#: The longest ``detail`` kept.
MAX_DETAIL = 500


def facts(**values: int | bool | str) -> str:
    """A ``detail`` made of figures and codes (``participants=10 answers=180``), which the log's
    pages show as a sentence in the reader's language (accounts/activity_labels.py); values are
    numbers or codes without spaces, never a participant's words."""
    return " ".join(
        f"{key}={int(value) if isinstance(value, bool) else value}" for key, value in values.items()
    )


def parse_facts(detail: str) -> dict[str, str] | None:
    """The values of a :func:`facts` detail (None: a detail of another shape)."""
    pairs = [part.partition("=") for part in detail.split()]
    if not pairs or any(not key or not sep for key, sep, _value in pairs):
        return None
    return {key: value for key, _sep, value in pairs}


def _actor(by: User | str | None) -> tuple[int | None, str]:
    unwrap = getattr(by, "_get_current_object", None)  # Flask-Login's current_user
    if unwrap is not None:
        by = unwrap()
    if isinstance(by, User):
        return by.id, by.username
    return None, (by or "")[:80]


def record(
    action: str,
    *,
    by: User | str | None,
    session: Session | None = None,
    subject: str = "",
    detail: str = "",
) -> Activity:
    """Add a line to the log in the caller's transaction (not committed). ``by``: the account
    (``current_user``) or, from the command line, a name like ``"workshop reset"``. ``subject``
    defaults to the session's title."""
    user_id, actor = _actor(by)
    entry = Activity(
        user_id=user_id,
        actor=actor,
        session_id=session.id if session is not None else None,
        subject=(subject or (session.title if session is not None else ""))[:300],
        action=action[:60],
        detail=detail[:MAX_DETAIL],
    )
    db.session.add(entry)
    return entry


def rehearsal_started(session: Session, participants: int, *, by: User | str | None) -> None:
    """``rehearsal.started`` with the number of simulated phones (its own transaction: nothing
    else is written when a rehearsal starts)."""
    with transaction():
        record("rehearsal.started", by=by, session=session, detail=facts(participants=participants))


def exported(
    session: Session,
    fmt: str,
    *,
    identify: bool,
    include_rehearsal: bool,
    by: User | str | None,
) -> None:
    """``export`` with its format and options (an identifying export is personal data); its own
    transaction: an export writes nothing else."""
    with transaction():
        record(
            "export",
            by=by,
            session=session,
            detail=facts(format=fmt, identify=identify, include_rehearsal=include_rehearsal),
        )


def entries(
    *, session_id: int | None = None, user_id: int | None = None, limit: int = 200
) -> Sequence[Activity]:
    """The newest lines first, of a session or of an account (or all)."""
    query = select(Activity).order_by(Activity.at.desc(), Activity.id.desc()).limit(limit)
    if session_id is not None:
        query = query.where(Activity.session_id == session_id)
    if user_id is not None:
        query = query.where(Activity.user_id == user_id)
    return db.session.scalars(query).all()


def view(entry: Activity) -> dict[str, Any]:
    return {
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "subject": entry.subject,
        "detail": entry.detail,
        "session_id": entry.session_id,
    }
