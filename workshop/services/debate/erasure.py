"""The debate's part of a participant's erasure (services/privacy.py, ``erase_mine``) and of a
session's reset or purge: requests for the floor, room questions and supports deleted, in the
caller's transaction."""

from __future__ import annotations

from sqlalchemy import delete, select

from ...extensions import db
from ...models import FloorRequest, RoomQuestion, RoomQuestionSupport
from .. import runtime_state
from .qa import delete_questions, mark


def erase_participant(session_id: int, participant_id: int) -> tuple[int, int, list[int]]:
    """Delete the participant's requests for the floor (their turns with them), their room
    questions and their supports: ``(requests, questions, questions whose view changed)``."""
    requests = db.session.execute(
        delete(FloorRequest)
        .where(FloorRequest.session_id == session_id, FloorRequest.participant_id == participant_id)
        .returning(FloorRequest.id)
    ).all()
    own = list(
        db.session.scalars(
            select(RoomQuestion.id).where(
                RoomQuestion.session_id == session_id,
                RoomQuestion.participant_id == participant_id,
            )
        )
    )
    supported = db.session.execute(
        delete(RoomQuestionSupport)
        .where(RoomQuestionSupport.participant_id == participant_id)
        .returning(RoomQuestionSupport.question_id)
    ).scalars()
    supported_ids = set(supported)
    kept = set(
        db.session.scalars(
            select(RoomQuestion.merged_into_id).where(
                RoomQuestion.id.in_(sorted(supported_ids)), RoomQuestion.merged_into_id.is_not(None)
            )
        )
    )
    freed = delete_questions(session_id, own)
    touched = sorted(supported_ids | kept | set(own) | set(freed))
    return len(requests), len(own), touched


def publish_erasure(session_id: int, requests: int, touched: list[int]) -> None:
    """After the erasure's commit: the floor (if a request went) and the questions touched."""
    if requests:
        runtime_state.current().floor.mark(session_id)
    if touched:
        mark(session_id, *touched)


def delete_session_data(session_id: int) -> None:
    """Every request for the floor, room question and support of the session (reset, purge)."""
    questions = select(RoomQuestion.id).where(RoomQuestion.session_id == session_id)
    db.session.execute(
        delete(RoomQuestionSupport).where(RoomQuestionSupport.question_id.in_(questions))
    )
    db.session.execute(
        RoomQuestion.__table__.update()
        .where(RoomQuestion.session_id == session_id)
        .values(merged_into_id=None)
    )
    db.session.execute(delete(RoomQuestion).where(RoomQuestion.session_id == session_id))
    db.session.execute(delete(FloorRequest).where(FloorRequest.session_id == session_id))
