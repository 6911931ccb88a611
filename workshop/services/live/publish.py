"""What the live session publishes once a change is committed (docs/protocol.md,
« Broadcasts »): the writes queue these functions with
:func:`~workshop.services.unit.after_commit`.

``answer_saved`` goes at once to the author's other tabs; ``results`` and ``counters``, and
``comments``, are coalesced.

A state change only marks what it changed in the app's coalescers
(:class:`~workshop.services.runtime_state.LiveState`): ``results`` per set (or per session, for the
counters alone), ``comments`` per comment (answer id → question id). One background task per
app pushes each dirty set or session at most once every ``RESULTS_PUSH_INTERVAL`` /
``COMMENTS_PUSH_INTERVAL`` seconds (``0``: pushed at once, in the caller; tests use that),
reading the state from the database at push time. With several processes behind a message
queue, each process pushes what it changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from ...extensions import db, socketio
from ...models import Answer, Participant, QuestionSet
from .. import runtime_state
from ..broadcast import console_room, emit, participant_room, phones_room, screen_room
from ..results import AnswerRow, aggregated_set_results, comment_view, upvote_counts
from . import presence
from .presence import counters

if TYPE_CHECKING:  # types only (answers.py imports this module)
    from .answers import AnswerChange, AnswerRequest

log = logging.getLogger(__name__)


# --- after a commit -------------------------------------------------------------------------------


def publish_answers(changes: list[tuple[AnswerRequest, AnswerChange]]) -> None:
    """After the commit: each answer to its participant's other tabs (``answer_saved``, at
    once), its comment and the set's figures (coalesced)."""
    state = runtime_state.current()
    _mark_single_tabs(changes)
    queued = bool(current_app.config.get("SOCKETIO_MESSAGE_QUEUE"))
    for request, change in changes:
        if change.other_tabs and (queued or _another_local_tab(request)):
            emit(
                "answer_saved",
                change.answer,
                participant_room(request.participant_id),
                skip_sid=request.origin_sid,
            )
        if change.comment_changed:
            state.comments.mark(change.session_id, change.answer_id, change.answer["question_id"])
        state.results.mark(change.session_id, change.set_id)


def _another_local_tab(request: AnswerRequest) -> bool:
    """In one process, whether the participant has a socket open besides the sender's, read
    from the Socket.IO server's rooms (no query). The group writer runs these publishes: an
    emit to a room of one would still wait behind a sliced broadcast to the whole room
    (socket_manager.py) and hold the next batch — seen in the benchmark as batches half the
    size and acks 30 ms later in one run of two."""
    rooms = socketio.server.manager.rooms.get("/", {})
    members = rooms.get(participant_room(request.participant_id)) or ()
    return any(sid != request.origin_sid for sid in members)


def _mark_single_tabs(changes: list[tuple[AnswerRequest, AnswerChange]]) -> None:
    """With a message queue, mark the answers whose participant has no other socket open (no
    ``answer_saved`` to send): most phones have one tab, and there every emit is a Redis
    publish that every process reads. Read after the commit: a tab whose row is not seen yet
    connected after it, so its snapshot holds the answer. In one process an emit to a room
    holding only the sender's socket sends nothing, and costs less than the query."""
    if not current_app.config.get("SOCKETIO_MESSAGE_QUEUE"):
        return
    try:
        several = presence.with_several_sockets({r.participant_id for r, _ in changes})
    except Exception:  # the answers are committed: send to the tabs as before
        db.session.rollback()
        log.warning("reading the participants' tabs failed", exc_info=True)
        return
    for request, change in changes:
        change.other_tabs = request.participant_id in several


def comment_changed(session_id: int, answer_id: int, question_id: int, set_id: int) -> None:
    """After the commit of an upvote or a moderation: the comment and the set's figures
    (coalesced)."""
    state = runtime_state.current()
    state.comments.mark(session_id, answer_id, question_id)
    state.results.mark(session_id, set_id)


# --- coalesced pushes -----------------------------------------------------------------------------


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
            # By SQL aggregation: this runs every push interval, and a few hundred grouped rows
            # replace fetching and decoding every answer of the set (12,000 at 2,000 phones).
            results = aggregated_set_results(question_set)
            emit("results", results, console_room(session_id))
            if question_set.revealed:
                emit("results", results, screen_room(session_id))


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
    does not hold is ignored, so no state of what each client saw is needed.

    The dirty ids are those changed by this process (answers, upvotes, moderation committed
    here); a comment changed twice in an interval is sent once, as it is now. A mark lost with
    its process only matters to the sockets of that process: they reconnect and get a
    snapshot."""
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
