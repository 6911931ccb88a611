"""Builders for the rows a live session leaves behind: participants, answers, upvotes."""

from __future__ import annotations

from itertools import count

from workshop.extensions import db
from workshop.models import Answer, Participant, Question, Session, Upvote

_seq = count(1)


def gen_participant(session: Session, group: str | None = None, pseudonym: str = "") -> Participant:
    group_row = next((g for g in session.stakeholder_groups if g.key == group), None)
    if group is not None and group_row is None:
        raise ValueError(f"no group {group!r} in {session}")
    participant = Participant(
        session_id=session.id,
        token=f"token-{next(_seq):06d}",
        pseudonym=pseudonym,
        group_id=group_row.id if group_row else None,
    )
    db.session.add(participant)
    db.session.commit()
    return participant


def gen_answer(
    participant: Participant,
    question: Question,
    value=None,
    text: str | None = None,
    *,
    commit: bool = True,
    **kw,
) -> Answer:
    answer = Answer(
        participant_id=participant.id,
        question_id=question.id,
        client_id=kw.pop("client_id", f"client-{next(_seq):06d}"),
        value=value,
        text=text,
        **kw,
    )
    db.session.add(answer)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return answer


def gen_upvotes(answer: Answer, voters: list[Participant]) -> None:
    for voter in voters:
        db.session.add(Upvote(participant_id=voter.id, answer_id=answer.id))
    db.session.commit()
