"""What every phone of a session is shown of the room, computed once per change.

A phone's snapshot is mostly the same for every phone of the session: the session, its
stakeholder groups, the agenda, the open set with its questions, the conclusion put to the room
(or the last one put).
At 2,000 phones connecting in a minute, building that from the ORM for each of them was most of
the server's work (docs/performance.md). It is computed once per app per
``(session id, Session.live_revision, locale)`` and kept in a small cache (``LiveState.rooms``).

``live_revision`` is bumped in the transaction of any change to those rows, whichever process
makes it (models/revision.py), so a cached view is served only while the database says nothing
it shows has changed: every snapshot reads the revision (one indexed row) first.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from sqlalchemy import bindparam, select

from ...extensions import db
from ...models import QuestionSet, Session
from ...models.enums import SetState
from .. import conclusions, runtime_state
from .views import agenda_view, groups_view, screen_view, session_view, set_view, timer_state

#: Views kept per app (sessions × locales); the sessions live at once are a handful.
CACHE_SIZE = 64


_REVISION = select(Session.__table__.c.live_revision).where(
    Session.__table__.c.id == bindparam("id")
)


def revision(session_id: int) -> int | None:
    """The session's ``live_revision``, or None when it no longer exists."""
    return db.session.connection().execute(_REVISION, {"id": session_id}).scalar()


def room_view(session_id: int, known_revision: int | None = None) -> dict[str, Any]:
    """``{"session", "groups", "agenda", "timer_state", "screen", "open_set", "conclusion",
    "open_question_ids"}``
    (shared, never to be modified by the caller) as of ``known_revision`` — read by the caller
    in the transaction that accepted the socket, before it joined its rooms, so that any later
    change reaches it as a broadcast — or as of now. LookupError for an unknown id."""
    current = revision(session_id) if known_revision is None else known_revision
    if current is None:
        raise LookupError(session_id)
    key = (session_id, current, str(get_locale() or ""))
    cache = runtime_state.current().rooms
    view = cache.get(key)
    if view is None:
        view = _compute(session_id)
        cache.put(key, view)
    return view


def current_set(session: Session) -> QuestionSet | None:
    """The open set, else the last one closed, else None (``open_set``)."""
    sets = session.question_sets
    open_sets = [s for s in sets if s.state is SetState.OPEN]
    if open_sets:
        return open_sets[0]
    closed = [s for s in sets if s.state is SetState.CLOSED and s.closed_at is not None]
    return max(closed, key=lambda s: s.closed_at, default=None)  # type: ignore[arg-type,return-value]


def shown_set(session: Session) -> QuestionSet | None:
    """What the projector shows: the open set, else the last closed set whose results are
    revealed, else the last closed set."""
    sets = session.question_sets
    open_sets = [s for s in sets if s.state is SetState.OPEN]
    if open_sets:
        return open_sets[0]
    closed = [s for s in sets if s.state is SetState.CLOSED and s.closed_at is not None]
    revealed = [s for s in closed if s.revealed]
    return max(revealed or closed, key=lambda s: s.closed_at, default=None)  # type: ignore[arg-type,return-value]


def _compute(session_id: int) -> dict[str, Any]:
    session = db.session.get(Session, session_id)
    if session is None:
        raise LookupError(session_id)
    open_set = current_set(session)
    conclusion = conclusions.last_put_conclusion(session_id)
    return {
        "session": session_view(session),
        "groups": groups_view(session),
        "agenda": agenda_view(session),
        "timer_state": timer_state(session.current_item),  # the snapshot's timer, counted then
        "screen": screen_view(session),
        "open_set": set_view(open_set) if open_set else None,
        "conclusion": conclusions.conclusion_view(conclusion) if conclusion else None,
        "open_question_ids": [q.id for q in open_set.questions] if open_set else [],
    }
