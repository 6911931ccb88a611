"""Broadcasts of the live session, always after the commit (docs/protocol.md, « Broadcasts »).

Rooms: ``session:<id>`` (every socket of a session), ``phones:<id>``, ``screen:<id>``,
``console:<id>`` and ``participant:<id>`` (the tabs of one participant).

``results`` and ``counters`` are coalesced by :data:`pusher`: a state change only marks its set
"dirty"; one background task per process pushes each dirty set at most once every
``RESULTS_PUSH_INTERVAL`` seconds (``0``: pushed at once, in the caller; tests use that). The dirty
marks are the only in-process state, and they are rebuildable: a lost mark only delays figures
until the next answer or snapshot. With several processes behind a message queue, each process
pushes the sets its own sockets changed.

Comment changes are coalesced the same way by :data:`comments_pusher` into one ``comments`` event
per session every ``COMMENTS_PUSH_INTERVAL`` seconds: a change marks the comment's id (with its
question id) dirty in the process that committed it; the push reads those comments' state from
the database at push time (:func:`push_comments`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from ...extensions import db, socketio
from ...models import Answer, Participant, QuestionSet
from ..results import AnswerRow, aggregated_set_results, comment_view, upvote_counts
from . import presence
from .coalesce import Coalescer

log = logging.getLogger(__name__)


def session_room(session_id: int) -> str:
    return f"session:{session_id}"


def phones_room(session_id: int) -> str:
    return f"phones:{session_id}"


def screen_room(session_id: int) -> str:
    return f"screen:{session_id}"


def console_room(session_id: int) -> str:
    return f"console:{session_id}"


def participant_room(participant_id: int) -> str:
    return f"participant:{participant_id}"


def emit(event: str, data: Any, to: str | list[str], skip_sid: str | None = None) -> None:
    socketio.emit(event, data, to=to, skip_sid=skip_sid)


def counters(session_id: int) -> dict[str, Any]:
    """``{"phones": n, "answers": {"<question id>": n}}`` of a session."""
    return {
        "phones": presence.phone_count(session_id),
        "answers": {str(k): v for k, v in presence.answer_counts(session_id).items()},
    }


def push_now(session_id: int, set_ids: Iterable[int]) -> None:
    """Send ``counters`` to the console and the screen (the projector shows the number of
    answers before the reveal) and the ``results`` of ``set_ids`` (to the screen too while
    revealed), in the app's default locale."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        emit("counters", counters(session_id), [console_room(session_id), screen_room(session_id)])
        ids = sorted(set_ids)
        if not ids:
            return
        query = select(QuestionSet).where(
            QuestionSet.id.in_(ids), QuestionSet.session_id == session_id
        )
        for question_set in db.session.scalars(query).all():
            results = live_results(question_set)
            emit("results", results, console_room(session_id))
            if question_set.revealed:
                emit("results", results, screen_room(session_id))


def live_results(question_set: QuestionSet) -> dict[str, Any]:
    """The ``<results>`` of a set, equal to :func:`workshop.services.results.set_results`, by SQL
    aggregation (:func:`workshop.services.results.aggregated_set_results`): this runs every push
    interval, and a few hundred grouped rows replace fetching and decoding every answer of the
    set (12,000 at 2,000 phones). Each query reads the committed state when it runs; the next
    push catches up with later changes."""
    return aggregated_set_results(question_set)


#: ``results`` and ``counters``: marked per set (or per session, for counters alone).
pusher = Coalescer("results", push_now, "RESULTS_PUSH_INTERVAL")


# --- comments -----------------------------------------------------------------------------------

#: At most this many changed comments in one ``comments`` event; the others wait for the next push
#: (highlighted first, then the most upvoted, then the oldest).
COMMENTS_BATCH_MAX = 200
#: Ids per ``IN (…)`` query when reading the dirty comments.
_IDS_PER_QUERY = 500


def push_comments(session_id: int, dirty: dict[int, int]) -> dict[int, int]:
    """Send one ``comments`` event for the comments ``dirty`` (``{answer id: question id}``)
    of a session, read from the database now; the ones left for the next push (over
    :data:`COMMENTS_BATCH_MAX`).

    Phones and screen: ``changed`` = the visible comments, without ``hidden``; ``removed`` = the
    hidden ones and those whose text (or answer) is gone. Console: ``changed`` = every comment
    with text, with ``hidden``; ``removed`` = those whose text is gone. A ``removed`` id a client
    does not hold is ignored, so no state of what each client saw is needed."""
    rows: list[Any] = []
    ids = sorted(dirty)
    for start in range(0, len(ids), _IDS_PER_QUERY):
        rows += db.session.execute(
            select(
                Answer.id,
                Answer.question_id,
                Answer.participant_id,
                Answer.value,
                Answer.text,
                Answer.hidden,
                Answer.highlighted,
                Answer.updated_at,
                Participant.pseudonym,
            )
            .join(Participant, Participant.id == Answer.participant_id)
            .where(Answer.id.in_(ids[start : start + _IDS_PER_QUERY]), Answer.text.is_not(None))
        ).all()
    upvotes = upvote_counts([row.id for row in rows])
    comments = [
        comment_view(
            AnswerRow.of(row, row.pseudonym, upvotes.get(row.id, 0)),
            with_hidden=True,
        )
        for row in rows
    ]
    comments.sort(key=lambda c: (not c["highlighted"], -c["upvotes"], c["id"]))
    comments, later = comments[:COMMENTS_BATCH_MAX], comments[COMMENTS_BATCH_MAX:]
    with_text = {row.id for row in rows}
    gone = [{"id": i, "question_id": q} for i, q in sorted(dirty.items()) if i not in with_text]
    hidden = [{"id": c["id"], "question_id": c["question_id"]} for c in comments if c["hidden"]]
    public = [{k: v for k, v in c.items() if k != "hidden"} for c in comments if not c["hidden"]]
    if public or gone or hidden:
        emit(
            "comments",
            {"changed": public, "removed": gone + hidden},
            [phones_room(session_id), screen_room(session_id)],
        )
    if comments or gone:
        emit("comments", {"changed": comments, "removed": gone}, console_room(session_id))
    return {c["id"]: c["question_id"] for c in later}


#: ``comments``: marked per comment (answer id → question id). The dirty ids are those changed by
#: this process (answers, upvotes, moderation committed here); each push reads their state now, so
#: a comment changed twice in an interval is sent once, as it is. With several processes each
#: pushes what it changed. A mark lost with its process only matters to sockets connected to that
#: process: they reconnect and get a snapshot.
comments_pusher = Coalescer("comments", push_comments, "COMMENTS_PUSH_INTERVAL")
