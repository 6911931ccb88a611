"""Sockets joining a session, and participants' profiles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, select, update

from ...extensions import db
from ...models import Participant, Session, StakeholderGroup
from ...models.session import normalise_code
from .. import runtime_state
from ..errors import ServiceError
from ..lookup import unknown_session
from ..runtime_state import SocketState
from ..unit import after_commit, transaction
from ..validation import check_text
from . import presence, tokens, writer

ROLES = ("participant", "screen", "console")


@dataclass(frozen=True, slots=True)
class Joined:
    """A socket accepted into a session."""

    session_id: int
    role: str
    participant_id: int | None = None
    token: str | None = None  # the participant's signed token
    new_participant: bool = False  # created by this connection
    revision: int | None = None  # the session's live_revision when it was accepted


# Built once: a statement object reused keeps its compiled form and cache key.
_SESSION = Session.__table__
_PARTICIPANT = Participant.__table__
_SESSION_BY_CODE = select(_SESSION.c.id, _SESSION.c.live_revision, _SESSION.c.purged_at).where(
    _SESSION.c.code == bindparam("code")
)
_PARTICIPANT_BY_TOKEN = select(_PARTICIPANT.c.id, _PARTICIPANT.c.session_id).where(
    _PARTICIPANT.c.token == bindparam("token")
)
_TOUCH_PARTICIPANT = (
    update(_PARTICIPANT)
    .where(_PARTICIPANT.c.id == bindparam("pid"))
    .values(last_seen_at=bindparam("seen"))
)
_NEW_PARTICIPANT = insert(_PARTICIPANT).returning(_PARTICIPANT.c.id)


def connect(
    code: str,
    role: str,
    *,
    sid: str,
    signed_tokens: tuple[str | None, ...] = (),
    can_facilitate: bool | Callable[[int], bool] = False,
    locale: str | None = None,
    user_id: int | None = None,
    username: str = "",
    rehearsal_for: int | None = None,
) -> Joined:
    """Accept a socket: find the session, check the role, find or create the participant (from
    the first valid of ``signed_tokens``), record the connection (a row, and the socket's
    :class:`SocketState` with its ``locale`` in the app's registry). Commits once; a phone
    updates the console's ``counters``.

    This runs for every phone that (re)connects — thousands within a minute in a big room — so
    it runs prepared statements on the session's connection (no ORM objects): one to find the
    session (with its revision, for the snapshot), one or two for the participant, one for the
    connection row.

    ``can_facilitate`` (a console): a bool, or a check called with the session's id once found
    (the facilitator's assignment: one more query, for consoles only). ``user_id``/``username``:
    the console's account, kept in its :class:`SocketState` for the activity log."""
    if role not in ROLES:
        raise ServiceError("bad_payload", _("Rôle inconnu."), field="role")
    with transaction():
        conn = db.session.connection()
        found_session = conn.execute(_SESSION_BY_CODE, {"code": normalise_code(code)}).first()
        if found_session is None:
            raise unknown_session()
        session_id, revision, purged_at = found_session
        if role == "participant" and purged_at is not None:
            raise ServiceError(
                "session_closed",
                _("Cet atelier est clos et ses contributions ont été effacées."),
            )
        if role == "console" and not can_facilitate:
            raise ServiceError(
                "forbidden", _("La console est réservée aux animateurs et organisateurs.")
            )
        if role == "console" and callable(can_facilitate) and not can_facilitate(session_id):
            raise ServiceError(
                "not_assigned",
                _(
                    "Cet atelier ne vous est pas attribué : demandez à un organisateur de vous"
                    " l'attribuer."
                ),
            )
        found = (
            _find_or_create(conn, session_id, signed_tokens, rehearsal_for)
            if role == "participant"
            else None
        )
        participant_id = found[0] if found else None
        presence.add(
            SocketState(
                sid, session_id, role, participant_id, locale, user_id=user_id, username=username
            )
        )
        if found is not None:
            after_commit(runtime_state.current().results.mark, session_id)
    if found is not None:
        token, new = found[1], found[2]
        return Joined(session_id, role, participant_id, tokens.sign(token), new, revision)
    return Joined(session_id, role, revision=revision)


def _find_or_create(
    conn: Any,
    session_id: int,
    signed_tokens: tuple[str | None, ...],
    rehearsal_for: int | None = None,
) -> tuple[int, str, bool]:
    """``(participant id, token, created)`` of the first valid token; a token unknown here is
    adopted (the page may have minted it), unless another session's participant holds it.

    ``rehearsal_for``: the session id of a checked rehearsal ticket (workshop/rehearsals/
    tickets.py); a participant created then is a rehearsal one. A ticket of another session is
    ``bad_payload``; a participant found by its token keeps what it was."""
    if rehearsal_for is not None and rehearsal_for != session_id:
        raise ServiceError(
            "bad_payload", _("Ticket de répétition d'un autre atelier."), field="rehearsal"
        )
    rehearsal = rehearsal_for is not None
    now = datetime.now(UTC)
    for signed in signed_tokens:
        token = tokens.unsign(signed)
        if token is None:
            continue
        row = conn.execute(_PARTICIPANT_BY_TOKEN, {"token": token}).first()
        if row is not None and row.session_id == session_id:
            conn.execute(_TOUCH_PARTICIPANT, {"pid": row.id, "seen": now})
            return row.id, token, False
        if row is None:
            return _new_participant(conn, session_id, token, now, rehearsal), token, True
    token = tokens.new_token()
    return _new_participant(conn, session_id, token, now, rehearsal), token, True


def _new_participant(
    conn: Any, session_id: int, token: str, now: datetime, rehearsal: bool = False
) -> int:
    values = {
        "session_id": session_id,
        "token": token,
        "created_at": now,
        "last_seen_at": now,
        "rehearsal": rehearsal,
    }
    return conn.execute(_NEW_PARTICIPANT, values).scalar_one()


def disconnect(sid: str) -> None:
    """Forget a socket: its connection row is deleted through the group commit, with the other
    sockets leaving at that moment (returns once committed); the console's counters are pushed
    when it was a phone's."""
    presence.forget(sid)
    writer.submit_disconnect(sid)


def set_profile(
    session_id: int, participant_id: int, pseudonym: str | None, group: str | None
) -> dict[str, Any]:
    """Set a participant's pseudonym (≤ ``MAX_PSEUDONYM_LENGTH``) and stakeholder group (a key
    of this session, or None). Commits once; returns ``{"pseudonym", "group"}``."""
    with transaction():
        participant = _participant(session_id, participant_id)
        limit = current_app.config["MAX_PSEUDONYM_LENGTH"]
        participant.pseudonym = check_text(pseudonym, limit, multiline=False) or ""
        participant.group_id = _group_id(session_id, group)
    return {"pseudonym": participant.pseudonym, "group": group}


def _participant(session_id: int, participant_id: int) -> Participant:
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.session_id != session_id:
        raise ServiceError("forbidden", _("Participant inconnu."))
    return participant


def _group_id(session_id: int, key: str | None) -> int | None:
    if key is None:
        return None
    group_id = db.session.scalar(
        select(StakeholderGroup.id).where(
            StakeholderGroup.session_id == session_id, StakeholderGroup.key == key
        )
    )
    if group_id is None:
        raise ServiceError("unknown_group", _("Ce groupe n'existe pas dans cet atelier."))
    return group_id
