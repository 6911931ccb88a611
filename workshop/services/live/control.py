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
from .. import activity, debate, runtime_state
from ..broadcast import emit, session_room
from ..errors import ServiceError
from ..lookup import session_of
from ..unit import after_commit, transaction
from .publish import push_now
from .views import agenda_view, screen_view, set_view


def _publish_agenda(session: Session, now: datetime | None = None) -> None:
    """The ``agenda`` broadcast, as of ``now`` (the instant of the change, so that it is the
    very view the console's ack carries)."""
    emit("agenda", agenda_view(session, now), session_room(session.id))


def _publish_set(question_set: QuestionSet) -> None:
    emit("question_set", set_view(question_set), session_room(question_set.session_id))


def _publish_screen(session: Session) -> None:
    emit("screen", screen_view(session), session_room(session.id))


# --- agenda -------------------------------------------------------------------------------------


Actor = User | str | None


def agenda_goto(session_id: int, position: int, *, by: Actor = None) -> dict[str, Any]:
    """Make the item at ``position`` the current one: the previous item ends, this one starts
    (again) now, the session is live. Going to the current item changes nothing."""
    with transaction():
        session = session_of(session_id)
        if not any(item.position == position for item in session.agenda):
            raise ServiceError("unknown_item", _("Ce point de l'ordre du jour n'existe pas."))
        now = _move_to(session, position, by)
    return agenda_view(session, now)


def agenda_next(session_id: int, *, by: Actor = None) -> dict[str, Any]:
    """Start the next item (the first when none is under way). After the last item, the
    session ends: the last item ends, ``current`` becomes null, the status ``ended``."""
    with transaction():
        session = session_of(session_id)
        positions = [item.position for item in session.agenda]
        if not positions:
            raise ServiceError("unknown_item", _("Ce point de l'ordre du jour n'existe pas."))
        current = session.current_position
        following = [p for p in positions if current is None or p > current]
        now = _move_to(session, following[0] if following else None, by)
    return agenda_view(session, now)


def _move_to(session: Session, position: int | None, by: Actor = None) -> datetime:
    """Set the current item (None: the end) and queue the ``agenda`` broadcast, unless it is
    the current one already; the instant of the change."""
    now = datetime.now(UTC)
    if position is not None and position == session.current_position:
        return now
    previous = session.current_item
    if previous is not None:
        previous.ended_at = now
        if previous.started_at is not None:
            previous.spent_s += max(0, int((now - previous.started_at).total_seconds()))
        _freeze_timer(previous, now)
    for item in session.agenda:
        if item.position == position:
            item.started_at, item.ended_at = now, None
            # Its timer starts again from 0, running, at its planned duration.
            item.timer_elapsed_s, item.timer_since, item.extra_min = 0.0, now, 0
    session.current_position = position
    session.status = SessionStatus.LIVE if position is not None else SessionStatus.ENDED
    current = session.current_item
    if current is None:
        debate.end_turn(session.id, by=by)  # the session ends: the turn under way too
        activity.record("agenda.ended", by=by, session=session)
    else:
        activity.record("agenda.started", by=by, session=session, detail=_item_detail(current))
    after_commit(_publish_agenda, session, now)
    after_commit(_mark_floor, session.id)  # the limit of a turn may have changed
    return now


def _mark_floor(session_id: int) -> None:
    runtime_state.current().floor.mark(session_id)


def _freeze_timer(item: Any, now: datetime) -> None:
    """Pause the item's timer, counting the time it ran."""
    if item.timer_since is not None:
        item.timer_elapsed_s += max(0.0, (now - item.timer_since).total_seconds())
        item.timer_since = None


#: The timer's actions and what each writes to the activity log.
TIMER_ACTIONS = {
    "pause": "timer.paused",
    "resume": "timer.resumed",
    "reset": "timer.reset",
    "extend": "timer.extended",
}
#: Minutes one ``extend`` may add.
MAX_EXTEND_MIN = 60


def timer(
    session_id: int, action: str, minutes: int | None = None, *, by: Actor = None
) -> dict[str, Any]:
    """Pause, resume, reset (to 0, and no minutes added) or extend (by ``minutes``) the current
    item's timer. ``no_current_item`` when no item is under way; an unchanged state (pausing a
    paused timer…) is acked and neither written nor broadcast."""
    if action not in TIMER_ACTIONS:
        raise ServiceError("bad_payload", _("Action du minuteur inconnue."), field="action")
    if action == "extend":
        if minutes is None or not 1 <= minutes <= MAX_EXTEND_MIN:
            raise ServiceError(
                "bad_payload",
                _("De 1 à %(max)d minutes.", max=MAX_EXTEND_MIN),
                field="minutes",
            )
    elif minutes is not None:
        raise ServiceError("bad_payload", _("Des minutes seulement pour prolonger."))
    with transaction():
        session = session_of(session_id)
        item = session.current_item
        if item is None:
            raise ServiceError(
                "no_current_item", _("Aucun point de l'ordre du jour n'est en cours.")
            )
        now = datetime.now(UTC)
        changed = True
        if action == "pause":
            changed = item.timer_since is not None
            _freeze_timer(item, now)
        elif action == "resume":
            changed = item.timer_since is None
            if changed:
                item.timer_since = now
        elif action == "reset":
            running = item.timer_since is not None
            changed = bool(item.timer_elapsed_s or item.extra_min or running)
            item.timer_elapsed_s, item.extra_min = 0.0, 0
            item.timer_since = now if running else None
        else:
            item.extra_min += minutes or 0
        if changed:
            detail = _item_detail(item) + (f" · +{minutes} min" if action == "extend" else "")
            activity.record(TIMER_ACTIONS[action], by=by, session=session, detail=detail)
            after_commit(_publish_agenda, session, now)
    return agenda_view(session, now)


#: The projector's themes, and the seconds its automatic pages may last (0: off).
SCREEN_THEMES = ("dark", "light", "contrast")
AUTOPAGE_MIN_S, AUTOPAGE_MAX_S = 5, 60


def screen_settings(
    session_id: int,
    *,
    theme: str | None = None,
    autopage_s: int | None = None,
    by: Actor = None,
) -> dict[str, Any]:
    """Set the projector's theme and automatic paging (at least one); broadcast ``screen``
    after the commit when something changed."""
    if theme is None and autopage_s is None:
        raise ServiceError("bad_payload", _("Rien à changer."))
    if theme is not None and theme not in SCREEN_THEMES:
        raise ServiceError("bad_payload", _("Thème inconnu."), field="theme")
    if autopage_s is not None and not (
        autopage_s == 0 or AUTOPAGE_MIN_S <= autopage_s <= AUTOPAGE_MAX_S
    ):
        raise ServiceError(
            "bad_payload",
            _(
                "0 (pas de pages automatiques) ou de %(min)d à %(max)d secondes.",
                min=AUTOPAGE_MIN_S,
                max=AUTOPAGE_MAX_S,
            ),
            field="autopage_s",
        )
    with transaction():
        session = session_of(session_id)
        before = screen_view(session)
        if theme is not None:
            session.screen_theme = theme
        if autopage_s is not None:
            session.screen_autopage_s = autopage_s
        after = screen_view(session)
        if after != before:
            activity.record(
                "screen.changed",
                by=by,
                session=session,
                detail=activity.facts(theme=after["theme"], autopage_s=after["autopage_s"]),
            )
            after_commit(_publish_screen, session)
    return after


#: Questions on one page of a whole set on the projector.
PAGE_SIZE = 2


def page_count(question_set: QuestionSet) -> int:
    return max(1, -(-len(question_set.questions) // PAGE_SIZE))


def set_page(session_id: int, set_id: int, page: int, *, by: Actor = None) -> dict[str, Any]:
    """Show page ``page`` of the set on the projector (0-based; ``bad_payload`` beyond the
    last). Not logged: paging is not a decision."""

    def turn(question_set: QuestionSet) -> bool:
        if not 0 <= page < page_count(question_set):
            raise ServiceError(
                "bad_payload",
                _("Cette page n'existe pas (%(n)d pages).", n=page_count(question_set)),
                field="page",
            )
        if question_set.page == page:
            return False
        question_set.page, question_set.page_at = page, datetime.now(UTC)
        return True

    with transaction():
        question_set = _set(session_id, set_id)
        if turn(question_set):
            after_commit(_publish_set, question_set)
    return set_view(question_set)


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
            question_set.page, question_set.page_at = 0, now
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
        if revealed:  # the results from their first page
            question_set.page, question_set.page_at = 0, datetime.now(UTC)
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
