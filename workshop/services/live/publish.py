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
import threading
import time
from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import select

from ...extensions import db, socketio
from ...models import Answer, Participant, QuestionSet
from ..results import AnswerRow, aggregated_set_results, comment_view, upvote_counts
from . import presence

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


#: A push that took ``t`` seconds is followed by a pause of at least ``t * PUSH_BACKOFF``: under
#: load (thousands of answers per set), figures are pushed less often rather than starving the
#: sockets (pushes take at most about 1 / (1 + PUSH_BACKOFF) of the process).
PUSH_BACKOFF = 4.0


class ResultsPusher:
    """Coalesces ``results`` and ``counters``: at most one push per set per interval."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dirty: dict[int, set[int]] = {}
        self._task: Any = None

    def mark(self, session_id: int, set_id: int | None = None) -> None:
        """Note that a session's counters (and ``set_id``'s results) changed."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        interval = float(app.config["RESULTS_PUSH_INTERVAL"])
        if interval <= 0:
            push_now(session_id, [set_id] if set_id is not None else [])
            return
        with self._lock:
            sets = self._dirty.setdefault(session_id, set())
            if set_id is not None:
                sets.add(set_id)
            if self._task is None:
                self._task = socketio.start_background_task(self._run, app, interval)

    def join(self, timeout: float | None = None) -> None:
        """Wait until the pending pushes are done (tests)."""
        task = self._task
        if task is not None:
            task.join(timeout)

    def _take(self) -> dict[int, set[int]]:
        with self._lock:
            batch, self._dirty = self._dirty, {}
            if not batch:
                self._task = None
            return batch

    def _run(self, app: Flask, interval: float) -> None:
        pause = interval
        while True:
            socketio.sleep(pause)
            batch = self._take()
            if not batch:
                return
            started = time.monotonic()
            with app.app_context():
                for session_id, set_ids in batch.items():
                    try:
                        push_now(session_id, set_ids)
                    except Exception:
                        db.session.rollback()
                        log.exception("pushing results of session %s failed", session_id)
            pause = max(interval, (time.monotonic() - started) * PUSH_BACKOFF)


pusher = ResultsPusher()


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
            AnswerRow(
                id=row.id,
                question_id=row.question_id,
                participant_id=row.participant_id,
                value=row.value,
                text=row.text,
                hidden=row.hidden,
                highlighted=row.highlighted,
                pseudonym=row.pseudonym or "",
                upvotes=upvotes.get(row.id, 0),
                updated_at=row.updated_at,
            ),
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


class CommentsPusher:
    """Coalesces comment changes: at most one ``comments`` event per session per interval.

    The dirty ids are those changed by this process (answers, upvotes, moderation committed
    here); each push reads their state now, so a comment changed twice in an interval is sent
    once, as it is. With several processes behind a message queue each pushes what it changed
    (a comment changed in both is sent by both, each time in its state at that push). A mark
    lost with its process only matters to sockets that stay connected, and those were
    connected to the lost process: they reconnect and get a snapshot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dirty: dict[int, dict[int, int]] = {}
        self._task: Any = None

    def mark(self, session_id: int, answer_id: int, question_id: int) -> None:
        """Note that a comment (an answer's text, its upvotes, hidden or highlighted) changed."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        interval = float(app.config["COMMENTS_PUSH_INTERVAL"])
        if interval <= 0:
            pending = {answer_id: question_id}
            while pending:
                pending = push_comments(session_id, pending)
            return
        with self._lock:
            self._dirty.setdefault(session_id, {})[answer_id] = question_id
            if self._task is None:
                self._task = socketio.start_background_task(self._run, app, interval)

    def join(self, timeout: float | None = None) -> None:
        """Wait until the pending pushes are done (tests)."""
        task = self._task
        if task is not None:
            task.join(timeout)

    def _take(self) -> dict[int, dict[int, int]]:
        with self._lock:
            batch, self._dirty = self._dirty, {}
            if not batch:
                self._task = None
            return batch

    def _put_back(self, session_id: int, later: dict[int, int]) -> None:
        with self._lock:
            dirty = self._dirty.setdefault(session_id, {})
            for answer_id, question_id in later.items():
                dirty.setdefault(answer_id, question_id)

    def _run(self, app: Flask, interval: float) -> None:
        pause = interval
        while True:
            socketio.sleep(pause)
            batch = self._take()
            if not batch:
                return
            started = time.monotonic()
            with app.app_context():
                for session_id, dirty in batch.items():
                    try:
                        later = push_comments(session_id, dirty)
                    except Exception:
                        db.session.rollback()
                        log.exception("pushing comments of session %s failed", session_id)
                        continue
                    if later:
                        self._put_back(session_id, later)
            pause = max(interval, (time.monotonic() - started) * PUSH_BACKOFF)


comments_pusher = CommentsPusher()
