"""The ``snapshot`` a socket receives on every (re)connect (docs/protocol.md)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import (
    Answer,
    Participant,
    Question,
    QuestionSet,
    Session,
    StakeholderGroup,
    Upvote,
)
from .. import conclusions, debate
from ..results import (
    AnswerRow,
    comment_view,
    load_answer_rows,
    results_of,
    sort_comments,
    visible_comment_rows,
)
from .presence import counters
from .room import current_set, room_view, shown_set
from .room import revision as room_revision
from .views import (
    agenda_view,
    answer_view,
    groups_view,
    now_iso,
    screen_view,
    session_view,
    set_view,
    timer_view,
)


def snapshot(
    role: str,
    session_id: int,
    *,
    participant_id: int | None = None,
    token: str | None = None,
    new_participant: bool = False,
    revision: int | None = None,
) -> dict[str, Any]:
    """The full state a socket of ``role`` needs. ``new_participant``: the participant was
    created by this connection, so it has no answers, upvotes, endorsement or profile yet.
    ``revision``: the session's ``live_revision`` read when the socket was accepted (else read
    now, before anything else); the snapshot's ``rev``: it shows that revision or a later one."""
    if revision is None:
        revision = room_revision(session_id)
        if revision is None:
            raise LookupError(session_id)
    if role == "participant" and participant_id is not None:
        return _participant_snapshot(session_id, participant_id, token, new_participant, revision)
    session = db.session.get(Session, session_id)
    assert session is not None  # noqa: S101  (the socket was accepted into it)
    open_set = current_set(session)
    data: dict[str, Any] = {
        "role": role,
        "rev": revision,
        "server_time": now_iso(),
        "session": session_view(session),
        "groups": groups_view(session),
        "agenda": agenda_view(session),
        "screen": screen_view(session),
        "open_set": set_view(open_set) if open_set else None,
    }
    data.update(debate.snapshot_part(role, session_id))
    if role == "screen":
        data.update(_screen_extras(session))
        data.update(conclusions.screen_extras(session.id))
    elif role == "console":
        data.update(_console_extras(session))
        data.update(conclusions.console_extras(session.id))
    return data


def _participant_snapshot(
    session_id: int, participant_id: int, token: str | None, new: bool, revision: int
) -> dict[str, Any]:
    """A phone's snapshot: the room's shared view (cached per revision, see room.py), then
    what is the phone's own, read with plain queries (none for a participant just created)."""
    room = room_view(session_id, revision)
    conclusion = room["conclusion"]
    data: dict[str, Any] = {
        "role": "participant",
        "rev": revision,
        "server_time": now_iso(),
        "session": room["session"],
        "groups": room["groups"],
        # The cached agenda with its timer counted up to now.
        "agenda": {**room["agenda"], "timer": timer_view(room["timer_state"])},
        "screen": room["screen"],
        "open_set": room["open_set"],
        "token": token,
        "participant": {"pseudonym": "", "group": None},
        "answers": {},
        "upvotes": [],
        "comments": _comments(room["open_question_ids"], participant_id),
        "conclusion": conclusion,
        "endorsement": None,
        **debate.snapshot_part("participant", session_id, None if new else participant_id),
    }
    if not new:
        data["participant"] = _profile(participant_id)
        data["answers"] = _answers(session_id, participant_id)
        data["upvotes"] = sorted(
            db.session.scalars(
                select(Upvote.answer_id).where(Upvote.participant_id == participant_id)
            )
        )
        if conclusion is not None:
            data["endorsement"] = conclusions.endorsement_of(participant_id, conclusion["id"])
    return data


def _profile(participant_id: int) -> dict[str, Any]:
    row = db.session.execute(
        select(Participant.pseudonym, StakeholderGroup.key)
        .outerjoin(StakeholderGroup, StakeholderGroup.id == Participant.group_id)
        .where(Participant.id == participant_id)
    ).one()
    return {"pseudonym": row.pseudonym, "group": row.key}


def _answers(session_id: int, participant_id: int) -> dict[str, dict[str, Any]]:
    """``{question id: <answer> without question_id}`` of the participant in this session."""
    rows = db.session.execute(
        select(
            Answer.id,
            Answer.question_id,
            Answer.client_id,
            Answer.value,
            Answer.text,
            Answer.updated_at,
        )
        .join(Question, Question.id == Answer.question_id)
        .join(QuestionSet, QuestionSet.id == Question.question_set_id)
        .where(Answer.participant_id == participant_id, QuestionSet.session_id == session_id)
    )
    return {
        str(row.question_id): {k: v for k, v in answer_view(row).items() if k != "question_id"}
        for row in rows
    }


def _comments(question_ids: list[int], participant_id: int) -> dict[str, list[dict[str, Any]]]:
    """The visible comments of the open set's questions, in the room's order, ``mine`` set."""
    comments: dict[str, list[dict[str, Any]]] = {}
    for row in visible_comment_rows(question_ids):
        mine = row.participant_id == participant_id
        comments.setdefault(str(row.question_id), []).append(comment_view(row, mine=mine))
    return comments


def _screen_extras(session: Session) -> dict[str, Any]:
    shown = shown_set(session)
    results = None
    if shown is not None and shown.revealed:
        rows = _rows_by_question([shown])
        results = results_of(shown, {q.id: rows.get(q.id, []) for q in shown.questions})
    return {
        "shown_set": set_view(shown) if shown else None,
        "results": results,
        "counters": counters(session.id),
    }


def _console_extras(session: Session) -> dict[str, Any]:
    sets = session.question_sets
    rows = _rows_by_question(sets)
    comments: dict[str, list[dict[str, Any]]] = {}
    for question_rows in rows.values():
        for row in sort_comments(question_rows, with_hidden=True):
            view = comment_view(row, with_hidden=True)
            comments.setdefault(str(row.question_id), []).append(view)
    return {
        "sets": [set_view(s) for s in sets],
        "results": {
            str(s.id): results_of(s, {q.id: rows.get(q.id, []) for q in s.questions}) for s in sets
        },
        "counters": counters(session.id),
        "comments": comments,
    }


def _rows_by_question(sets: list[QuestionSet]) -> dict[int, list[AnswerRow]]:
    grouped: dict[int, list[AnswerRow]] = defaultdict(list)
    for row in load_answer_rows([q.id for s in sets for q in s.questions]):
        grouped[row.question_id].append(row)
    return grouped
