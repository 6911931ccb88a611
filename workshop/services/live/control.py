"""The facilitator's console: the agenda and the question sets' live state.

Each function is one unit of work (services/unit.py): it validates, writes, commits once, and
queues its broadcasts for after the commit; an unchanged state is neither written nor broadcast.
``by`` (the console's account) is who the activity log names for a change (services/activity.py):
a line is written, in the same transaction, only when something changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import Question, QuestionSet, Session, User
from ...models.enums import SessionStatus, SetState
from .. import activity
from ..broadcast import emit, session_room
from ..errors import ServiceError
from ..unit import after_commit, transaction
from .publish import push_now
from .views import agenda_view, set_view


def _session(session_id: int) -> Session:
    session = db.session.get(Session, session_id)
    if session is None:
        raise ServiceError("unknown_session", _("Aucun atelier ne porte ce code."))
    return session


def _publish_agenda(session: Session) -> None:
    emit("agenda", agenda_view(session), session_room(session.id))


def _publish_set(question_set: QuestionSet) -> None:
    emit("question_set", set_view(question_set), session_room(question_set.session_id))


# --- agenda -------------------------------------------------------------------------------------


Actor = User | str | None


def agenda_goto(session_id: int, position: int, *, by: Actor = None) -> dict[str, Any]:
    """Make the item at ``position`` the current one: the previous item ends, this one starts
    (again) now, the session is live. Going to the current item changes nothing."""
    with transaction():
        session = _session(session_id)
        if not any(item.position == position for item in session.agenda):
            raise ServiceError("unknown_item", _("Ce point de l'ordre du jour n'existe pas."))
        _move_to(session, position, by)
    return agenda_view(session)


def agenda_next(session_id: int, *, by: Actor = None) -> dict[str, Any]:
    """Start the next item (the first when none is under way). After the last item, the
    session ends: the last item ends, ``current`` becomes null, the status ``ended``."""
    with transaction():
        session = _session(session_id)
        positions = [item.position for item in session.agenda]
        if not positions:
            raise ServiceError("unknown_item", _("Ce point de l'ordre du jour n'existe pas."))
        current = session.current_position
        following = [p for p in positions if current is None or p > current]
        _move_to(session, following[0] if following else None, by)
    return agenda_view(session)


def _move_to(session: Session, position: int | None, by: Actor = None) -> None:
    """Set the current item (None: the end) and queue the ``agenda`` broadcast, unless it is
    the current one already."""
    if position is not None and position == session.current_position:
        return
    now = datetime.now(UTC)
    previous = session.current_item
    if previous is not None:
        previous.ended_at = now
    for item in session.agenda:
        if item.position == position:
            item.started_at, item.ended_at = now, None
    session.current_position = position
    session.status = SessionStatus.LIVE if position is not None else SessionStatus.ENDED
    current = session.current_item
    if current is None:
        activity.record("agenda.ended", by=by, session=session)
    else:
        activity.record("agenda.started", by=by, session=session, detail=_item_detail(current))
    after_commit(_publish_agenda, session)


def _item_detail(item: Any) -> str:
    return f"{item.position + 1}. {item.title}"


def _set_detail(question_set: QuestionSet) -> str:
    return question_set.title


# --- question sets ------------------------------------------------------------------------------


def _set(session_id: int, set_id: int) -> QuestionSet:
    question_set = db.session.get(QuestionSet, set_id)
    if question_set is None or question_set.session_id != session_id:
        raise ServiceError("unknown_set", _("Ce questionnaire n'existe pas."))
    return question_set


def open_set(session_id: int, set_id: int, *, by: Actor = None) -> dict[str, Any]:
    """Open a set on the phones; any other open set of the session closes. The session is
    live; the set's projector focus is cleared (the whole set is shown)."""
    with transaction():
        question_set = _set(session_id, set_id)
        now = datetime.now(UTC)
        others = db.session.scalars(
            select(QuestionSet).where(
                QuestionSet.session_id == session_id,
                QuestionSet.state == SetState.OPEN,
                QuestionSet.id != set_id,
            )
        ).all()
        for other in others:
            other.state, other.closed_at = SetState.CLOSED, now
            activity.record("set.closed", by=by, session=other.session, detail=_set_detail(other))
            after_commit(_publish_set, other)
        reopened = question_set.state is not SetState.OPEN
        refocused = question_set.focus_question_id is not None
        if reopened:
            question_set.state, question_set.opened_at = SetState.OPEN, now
            question_set.closed_at = None
            activity.record(
                "set.opened",
                by=by,
                session=question_set.session,
                detail=_set_detail(question_set),
            )
        if refocused:
            question_set.focus_question_id = None  # opened: the projector shows the whole set
        if reopened or refocused:
            after_commit(_publish_set, question_set)
        session = question_set.session
        if session.status is SessionStatus.PLANNED:
            session.status = SessionStatus.LIVE
    return set_view(question_set)


def _change_set(
    session_id: int,
    set_id: int,
    apply: Callable[[QuestionSet], bool],
    *,
    action: str,
    by: Actor = None,
    detail: Callable[[QuestionSet], str] = _set_detail,
) -> tuple[dict[str, Any], bool]:
    """Apply ``apply`` (validate, change; True when something changed) to a set of the session
    in one unit of work, broadcasting the set's new state and logging ``action`` if it changed.
    (view, changed)."""
    with transaction():
        question_set = _set(session_id, set_id)
        changed = apply(question_set)
        if changed:
            activity.record(
                action, by=by, session=question_set.session, detail=detail(question_set)
            )
            after_commit(_publish_set, question_set)
    return set_view(question_set), changed


def close_set(session_id: int, set_id: int, *, by: Actor = None) -> dict[str, Any]:
    """Close an open set (answers refused from now on); a set not open is left as it is."""

    def close(question_set: QuestionSet) -> bool:
        if question_set.state is not SetState.OPEN:
            return False
        question_set.state, question_set.closed_at = SetState.CLOSED, datetime.now(UTC)
        return True

    return _change_set(session_id, set_id, close, action="set.closed", by=by)[0]


def reveal_set(session_id: int, set_id: int, revealed: bool, *, by: Actor = None) -> dict[str, Any]:
    """Show (or hide) a set's results on the projector; when shown, its results are pushed to
    the screen at once."""

    def reveal(question_set: QuestionSet) -> bool:
        if question_set.revealed == revealed:
            return False
        question_set.revealed = revealed
        return True

    with transaction():  # one unit with _change_set's: the set's state, then its results
        action = "set.revealed" if revealed else "set.hidden"
        view, changed = _change_set(session_id, set_id, reveal, action=action, by=by)
        if changed and revealed:
            after_commit(push_now, session_id, [set_id])
    return view


def focus_set(
    session_id: int, set_id: int, question_id: int | None, *, by: Actor = None
) -> dict[str, Any]:
    """Show one question of a set on the projector (``None``: the whole set). The question must
    be one of the set's (``unknown_question``). An unchanged focus is not broadcast."""

    def focus(question_set: QuestionSet) -> bool:
        if question_id is not None:
            question = db.session.get(Question, question_id)
            if question is None or question.question_set_id != question_set.id:
                raise ServiceError("unknown_question", _("Cette question n'existe pas."))
        if question_set.focus_question_id == question_id:
            return False
        question_set.focus_question_id = question_id
        return True

    def described(question_set: QuestionSet) -> str:
        if question_id is None:
            return f"{question_set.title} · *"
        question = db.session.get(Question, question_id)
        return f"{question_set.title} · Q{question.position + 1 if question else question_id}"

    return _change_set(session_id, set_id, focus, action="set.focused", by=by, detail=described)[0]
