"""A session's live data: resetting it after a rehearsal (or a false start), and the activity
log lines of what uses it — rehearsals started, exports.

What a reset deletes and what it keeps (docs/exports.md, « Resetting a session's live data »):

* deleted: the participants (rehearsal ones and others), their answers and comments, upvotes,
  endorsements, the debate's requests for the floor, room questions and supports, and the live
  connections; the links of conclusions to comments (the comments
  are gone);
* reset: every question set back to ready, not revealed, no focus, no opening/closing time;
  the agenda's current position and every item's started/ended times; the session's status
  back to planned; each conclusion's vote (not put to the room, not revealed);
* kept: the definition — agenda, speakers, groups, sets, questions, the join code (so the QR
  code and the handout still work) — and the conclusions' texts and their links to questions.

The reset is refused while a set is open (phones are answering) and once the session is purged
(its archive is all that remains). Connected phones are disconnected after the commit: their
participant is gone, and they reconnect at once (static/js/live-common.js) as new participants;
projectors and consoles catch up through the revision (the session row changed) and get fresh
counters and results.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from ..extensions import db, socketio
from ..models import (
    Answer,
    Conclusion,
    Endorsement,
    Participant,
    Question,
    QuestionSet,
    Session,
    Upvote,
    User,
)
from ..models.conclusions import ConclusionLink
from ..models.enums import SessionStatus, SetState, VoteState
from ..models.live import LiveConnection
from . import activity, debate, runtime_state
from .errors import ServiceError
from .unit import after_commit, transaction


@dataclass(frozen=True)
class ResetCounts:
    """What a reset deleted."""

    participants: int
    rehearsal_participants: int
    answers: int
    connections: int


def _answer_ids(session_id: int):
    return (
        select(Answer.id)
        .join(Question, Question.id == Answer.question_id)
        .join(QuestionSet, QuestionSet.id == Question.question_set_id)
        .where(QuestionSet.session_id == session_id)
    )


def describe(session: Session) -> ResetCounts:
    """What a reset of ``session`` would delete now (reads only)."""
    participants = select(func.count(Participant.id)).where(Participant.session_id == session.id)
    return ResetCounts(
        participants=db.session.scalar(participants) or 0,
        rehearsal_participants=db.session.scalar(participants.where(Participant.rehearsal)) or 0,
        answers=db.session.scalar(
            select(func.count()).select_from(_answer_ids(session.id).subquery())
        )
        or 0,
        connections=db.session.scalar(
            select(func.count()).where(LiveConnection.session_id == session.id)
        )
        or 0,
    )


def reset_session(session: Session, *, by: User | str | None) -> ResetCounts:
    """Delete the live data of ``session`` and put its state back to before it started (see the
    module's docstring), in one transaction with its ``session.reset`` line in the activity
    log. Refused (``set_open``) while a set is open, (``session_closed``) once purged."""
    with transaction():
        if session.purged_at is not None:
            raise ServiceError(
                "session_closed",
                _("Cet atelier est purgé : il ne reste que son archive, rien à réinitialiser."),
            )
        if any(qset.state is SetState.OPEN for qset in session.question_sets):
            raise ServiceError(
                "set_open",
                _("Un questionnaire est ouvert : fermez-le avant de réinitialiser l'atelier."),
            )
        counts = describe(session)
        sids = db.session.scalars(
            select(LiveConnection.sid).where(
                LiveConnection.session_id == session.id, LiveConnection.role == "participant"
            )
        ).all()
        participant_ids = select(Participant.id).where(Participant.session_id == session.id)
        answer_ids = _answer_ids(session.id)
        conclusion_ids = select(Conclusion.id).where(Conclusion.session_id == session.id)
        db.session.execute(delete(LiveConnection).where(LiveConnection.session_id == session.id))
        db.session.execute(delete(ConclusionLink).where(ConclusionLink.answer_id.in_(answer_ids)))
        db.session.execute(delete(Upvote).where(Upvote.answer_id.in_(answer_ids)))
        db.session.execute(delete(Upvote).where(Upvote.participant_id.in_(participant_ids)))
        db.session.execute(delete(Endorsement).where(Endorsement.conclusion_id.in_(conclusion_ids)))
        db.session.execute(
            delete(Endorsement).where(Endorsement.participant_id.in_(participant_ids))
        )
        db.session.execute(delete(Answer).where(Answer.id.in_(answer_ids)))
        debate.delete_session_data(session.id)
        db.session.execute(delete(Participant).where(Participant.session_id == session.id))
        # Through the ORM: the flush hook bumps the session's revision (models/revision.py).
        for qset in session.question_sets:
            qset.state = SetState.READY
            qset.revealed = False
            qset.opened_at = qset.closed_at = None
            qset.focus_question_id = None
        for item in session.agenda:
            item.started_at = item.ended_at = None
        for conclusion in db.session.scalars(
            select(Conclusion).where(Conclusion.session_id == session.id)
        ):
            conclusion.vote_state = VoteState.NONE
            conclusion.revealed = False
            conclusion.put_at = None
        session.current_position = None
        session.status = SessionStatus.PLANNED
        activity.record(
            "session.reset",
            by=by,
            session=session,
            detail=activity.facts(
                participants=counts.participants,
                rehearsal=counts.rehearsal_participants,
                answers=counts.answers,
            ),
        )
        set_ids = [qset.id for qset in session.question_sets]
        after_commit(_publish_reset, session.id, set_ids, list(sids))
    db.session.refresh(session)
    return counts


def _publish_reset(session_id: int, set_ids: list[int], sids: list[str]) -> None:
    """After the commit: fresh results and counters to projectors and consoles; the phones
    disconnected (their participant is gone: they reconnect as new ones)."""
    state = runtime_state.current()
    for set_id in set_ids:
        state.results.mark(session_id, set_id)
    state.results.mark(session_id)  # the counters
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")  # every process (message queue)
