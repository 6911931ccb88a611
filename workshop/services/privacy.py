"""The participants' data (docs/privacy.md): what their notice says, erasing one's own
contributions from the phone, and the purge after the retention period.

Participants are anonymous (no account), but what they write is personal data. The notice on
the join page and the phone (:func:`notice`) names the controller (the session's organiser, else
the programme's, else ``PRIVACY_CONTROLLER``), the contact to write to (``privacy_contact`` of
the session, else of the programme, else ``PRIVACY_CONTACT``) and how long raw contributions are
kept: ``retention_days`` of the session, else of the programme, else ``RETENTION_DAYS``, counted
from the session's date.

After that, ``workshop purge`` deletes the session's participants (pseudonyms, groups chosen,
tokens), their answers, comments, upvotes and endorsements, the debate's requests for the floor,
room questions and supports, and its live connections, and keeps
only the summary's aggregated figures and the conclusions (:func:`purge`; the summary itself is
built by the caller, the summary package, which the services do not import).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from limits import parse_many
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import (
    Answer,
    Endorsement,
    Participant,
    Programme,
    Question,
    QuestionSet,
    Session,
    Upvote,
    User,
)
from ..models.conclusions import ConclusionLink
from ..models.enums import SessionStatus
from ..models.live import LiveConnection
from . import activity, debate, runtime_state
from .broadcast import emit, participant_room
from .errors import ServiceError
from .lookup import unknown_session
from .unit import after_commit, transaction

#: The longest retention an organiser may set (ten years), and the shortest (one day).
MAX_RETENTION_DAYS = 3650
MIN_RETENTION_DAYS = 1


# --- the notice ---------------------------------------------------------------------------------


def controller(session: Session) -> str:
    """Who is responsible for the session's data ("" when nobody is named anywhere)."""
    programme = session.programme
    return (
        session.organiser
        or (programme.organiser if programme else "")
        or current_app.config["PRIVACY_CONTROLLER"]
    )


def contact(session: Session) -> str:
    """Where a participant writes to exercise their rights ("" when none is set)."""
    programme = session.programme
    return (
        session.privacy_contact
        or (programme.privacy_contact if programme else "")
        or current_app.config["PRIVACY_CONTACT"]
    )


def retention_days(session: Session) -> int:
    """Days the raw contributions are kept after the session's date."""
    programme = session.programme
    if session.retention_days:
        return session.retention_days
    if programme is not None and programme.retention_days:
        return programme.retention_days
    return int(current_app.config["RETENTION_DAYS"])


def reference_date(session: Session) -> date | None:
    """The day retention counts from: the session's date, else the day of its last answer
    (None: no date and no answer yet)."""
    if session.date is not None:
        return session.date
    last = db.session.scalar(
        select(func.max(Answer.updated_at))
        .join(Question, Question.id == Answer.question_id)
        .join(QuestionSet, QuestionSet.id == Question.question_set_id)
        .where(QuestionSet.session_id == session.id)
    )
    return last.date() if last is not None else None


def purge_on(session: Session) -> date | None:
    """The first day the session's raw contributions may be purged."""
    start = reference_date(session)
    return start + timedelta(days=retention_days(session)) if start else None


def limiter_hours() -> int:
    """How long, at most, the join limiter keeps an address that typed a wrong code (its
    longest window, rounded up to hours)."""
    items = parse_many(current_app.config["JOIN_LIMITS"] or "1/hour")
    seconds = max((item.get_expiry() for item in items), default=3600)
    return max(1, -(-seconds // 3600))


def erasable(session: Session) -> bool:
    """Whether a participant can still erase their contributions from the phone."""
    return session.status is not SessionStatus.ENDED and session.purged_at is None


def notice(session: Session) -> dict[str, Any]:
    """What the phone's notice says about this session (templates/live/phone.html)."""
    return {
        "controller": controller(session),
        "contact": contact(session),
        "retention_days": retention_days(session),
        "purge_on": purge_on(session),
        "limiter_hours": limiter_hours(),
        "erasable": erasable(session),
    }


def generic_notice() -> dict[str, Any]:
    """What the join page says before a session is known."""
    return {
        "retention_days": int(current_app.config["RETENTION_DAYS"]),
        "limiter_hours": limiter_hours(),
    }


# --- a participant erases their own contributions -----------------------------------------------


def _own_answers(session_id: int, participant_id: int):
    return (
        select(Answer.id, Answer.question_id, Answer.text, Question.question_set_id)
        .join(Question, Question.id == Answer.question_id)
        .join(QuestionSet, QuestionSet.id == Question.question_set_id)
        .where(Answer.participant_id == participant_id, QuestionSet.session_id == session_id)
    )


def erase_mine(session_id: int, participant_id: int) -> dict:
    """Delete everything the participant contributed to the session — answers (their comments
    with them, and the upvotes those received), the upvotes and endorsements they gave, their
    pseudonym and group, their requests for the floor (their turns with them), their room
    questions and supports (services/debate/erasure.py) — in one transaction; then the figures,
    comments, tallies, the floor and the questions touched are pushed again, and every tab of
    the participant is told (``erased``) so it resyncs. Refused (``session_ended``) once the
    session is over: the report may be out; the notice gives the contact to write to. The
    counts erased."""
    with transaction():
        session = db.session.get(Session, session_id)
        participant = db.session.get(Participant, participant_id)
        if session is None or participant is None or participant.session_id != session_id:
            raise unknown_session()
        if not erasable(session):
            raise ServiceError("session_ended", _ended_message(session))
        answers = db.session.execute(_own_answers(session_id, participant_id)).all()
        answer_ids = [row.id for row in answers]
        upvotes = db.session.execute(
            delete(Upvote)
            .where(Upvote.participant_id == participant_id)
            .returning(Upvote.answer_id)
        ).scalars()
        upvoted = set(upvotes)
        endorsed = set(
            db.session.execute(
                delete(Endorsement)
                .where(Endorsement.participant_id == participant_id)
                .returning(Endorsement.conclusion_id)
            ).scalars()
        )
        if answer_ids:
            db.session.execute(
                delete(ConclusionLink).where(ConclusionLink.answer_id.in_(answer_ids))
            )
            db.session.execute(delete(Upvote).where(Upvote.answer_id.in_(answer_ids)))
            db.session.execute(delete(Answer).where(Answer.id.in_(answer_ids)))
        participant.pseudonym = ""
        participant.group_id = None
        floor, questions, qa_touched = debate.erase_participant(session_id, participant_id)
        comments = [row for row in answers if row.text]
        touched = _comments_of(upvoted - set(answer_ids))
        after_commit(_publish_erasure, session_id, participant_id, answers, touched, endorsed)
        after_commit(debate.publish_erasure, session_id, floor, qa_touched)
    return {
        "answers": len(answers),
        "comments": len(comments),
        "upvotes": len(upvoted),
        "endorsements": len(endorsed),
        "floor": floor,
        "questions": questions,
    }


def _ended_message(session: Session) -> str:
    address = contact(session)
    if address:
        return _(
            "L'atelier est terminé : pour faire effacer vos contributions, écrivez à %(contact)s.",
            contact=address,
        )
    return _(
        "L'atelier est terminé : pour faire effacer vos contributions, adressez-vous à son "
        "organisateur."
    )


def _comments_of(answer_ids: set[int]) -> list[tuple[int, int, int]]:
    """``(answer id, question id, set id)`` of these answers (the comments whose upvote count
    the erasure changed)."""
    if not answer_ids:
        return []
    rows = db.session.execute(
        select(Answer.id, Answer.question_id, Question.question_set_id)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.id.in_(sorted(answer_ids)))
    )
    return [tuple(row) for row in rows]


def _publish_erasure(
    session_id: int,
    participant_id: int,
    answers: list[Any],
    touched: list[tuple[int, int, int]],
    endorsed: set[int],
) -> None:
    state = runtime_state.current()
    for row in answers:
        if row.text:
            state.comments.mark(session_id, row.id, row.question_id)  # gone: "removed"
        state.results.mark(session_id, row.question_set_id)
    for answer_id, question_id, set_id in touched:
        state.comments.mark(session_id, answer_id, question_id)
        state.results.mark(session_id, set_id)
    for conclusion_id in endorsed:
        state.tallies.mark(session_id, conclusion_id)
    state.results.mark(session_id)  # the counters
    # Every tab, the sender's too: if its ack is lost, the push still tells it.
    emit("erased", {}, participant_room(participant_id))


# --- the purge ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A session whose retention has run out (or asked for by code)."""

    session: Session
    purge_on: date | None
    participants: int
    answers: int


def _counts(session_id: int) -> tuple[int, int]:
    participants = db.session.scalar(
        select(func.count(Participant.id)).where(Participant.session_id == session_id)
    )
    answers = db.session.scalar(
        select(func.count(Answer.id))
        .join(Question, Question.id == Answer.question_id)
        .join(QuestionSet, QuestionSet.id == Question.question_set_id)
        .where(QuestionSet.session_id == session_id)
    )
    return participants or 0, answers or 0


def due(today: date | None = None) -> list[Due]:
    """The sessions not purged yet whose purge day has come, oldest first."""
    today = today or datetime.now(UTC).date()
    found = []
    for session in db.session.scalars(
        select(Session).where(Session.purged_at.is_(None)).order_by(Session.date, Session.id)
    ):
        day = purge_on(session)
        if day is not None and day <= today:
            found.append(Due(session, day, *_counts(session.id)))
    return found


def describe(session: Session) -> Due:
    """The same figures for one session, due or not."""
    return Due(session, purge_on(session), *_counts(session.id))


def purge(
    session: Session, archived_summary: dict[str, Any], *, by: User | str | None = None
) -> dict[str, int]:
    """Keep ``archived_summary`` (the summary without participants' texts: see
    ``workshop/summary/archive.py``) and delete every raw contribution of the session, in one
    transaction. The session ends (phones can no longer join it). The counts deleted."""
    with transaction():
        participants, answers = _counts(session.id)
        ids = select(Participant.id).where(Participant.session_id == session.id)
        db.session.execute(delete(LiveConnection).where(LiveConnection.session_id == session.id))
        answer_ids = select(Answer.id).where(Answer.participant_id.in_(ids))
        db.session.execute(delete(ConclusionLink).where(ConclusionLink.answer_id.in_(answer_ids)))
        db.session.execute(delete(Upvote).where(Upvote.participant_id.in_(ids)))
        db.session.execute(delete(Upvote).where(Upvote.answer_id.in_(answer_ids)))
        db.session.execute(delete(Endorsement).where(Endorsement.participant_id.in_(ids)))
        db.session.execute(delete(Answer).where(Answer.participant_id.in_(ids)))
        debate.delete_session_data(session.id)
        db.session.execute(delete(Participant).where(Participant.session_id == session.id))
        session.archived_summary = archived_summary
        session.purged_at = datetime.now(UTC)
        session.status = SessionStatus.ENDED
        activity.record(
            "session.purged",
            by=by,
            session=session,
            detail=activity.facts(participants=participants, answers=answers),
        )
    return {"participants": participants, "answers": answers}


# --- set by organisers --------------------------------------------------------------------------


def set_privacy(
    target: Session | Programme,
    *,
    organiser: str,
    contact: str,
    retention: int | None,
    by: User | str | None = None,
) -> None:
    """Save who is responsible, the contact and the retention of a session or programme (the
    admin form; the session files set the same fields). Bounds as in the files."""
    if retention is not None and not MIN_RETENTION_DAYS <= retention <= MAX_RETENTION_DAYS:
        raise ServiceError(
            "bad_value",
            _(
                "La durée de conservation va de %(min)d à %(max)d jours.",
                min=MIN_RETENTION_DAYS,
                max=MAX_RETENTION_DAYS,
            ),
            field="retention_days",
        )
    with transaction():
        target.organiser = organiser.strip()
        target.privacy_contact = contact.strip()
        target.retention_days = retention
        activity.record(
            "privacy.changed",
            by=by,
            session=target if isinstance(target, Session) else None,
            subject=target.title,
            detail=activity.facts(retention_days=retention),
        )
