"""Group commit of answers and upvotes: many handlers, one transaction, one commit.

A handler calls :func:`submit_answer` / :func:`submit_upvote` (or, when a socket leaves,
:func:`submit_disconnect`): the request is queued for the app's :class:`GroupWriter` and the
handler waits. The writer (one background task per app, started on demand, gone when idle)
takes every request queued so far (at most :data:`MAX_BATCH`) and writes them in order in ONE
unit of work (services/unit.py; :func:`answers.write_answers`, a few queries for the whole
batch), commits once, runs the broadcasts the writes queued for after the commit
(:func:`answers.publish_answers`…), then releases each waiting handler with its own outcome:
the stored state, or the :class:`ServiceError` that refused it. The handler returns its ack:
nothing is acknowledged before its commit.

Failures: a refused request (validation) writes nothing and does not affect the others. If the
batch cannot be written or committed (an unexpected error, a unique constraint hit by another
process), it is rolled back and each request is retried alone, in its own transaction; a request
that still fails is answered ``internal`` (nothing of it was committed).

Order: requests are applied in arrival order, each as if committed alone, so two answers of one
participant to one question in one batch are both accepted and the later one is stored (each ack
carries the state its own answer left, as without batching).

Concurrency primitives come from the Socket.IO server (``create_queue``, ``create_event``,
``start_background_task``): greenlets under gevent (``workshop serve``), threads in tests.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...extensions import db, socketio
from .. import runtime_state
from ..errors import ServiceError
from ..unit import after_commit, transaction
from . import answers, presence
from .answers import AnswerOutcome, AnswerRequest, UpvoteChange

log = logging.getLogger(__name__)

#: At most this many requests in one transaction.
MAX_BATCH = 500
#: A batch smaller than this waits ``GROUP_COMMIT_WINDOW`` seconds for more requests first.
SMALL_BATCH = 16
#: The outcome of a request the writer could not commit (the handler acks ``internal``).
INTERNAL = object()


@dataclass(frozen=True, slots=True)
class UpvoteRequest:
    """One ``upvote`` event of a participant."""

    session_id: int
    participant_id: int
    answer_id: int
    up: bool
    #: The handler's locale, for the messages of refusals.
    locale: str | None = None


@dataclass(frozen=True, slots=True)
class DisconnectRequest:
    """A socket gone: its connection row is deleted (a thousand phones leave together at the
    end of a session: one transaction for them, not a thousand)."""

    sid: str


Request = AnswerRequest | UpvoteRequest | DisconnectRequest


@dataclass(slots=True, eq=False)
class _Job:
    request: Request
    done: Any  # an Engine.IO event: set once ``outcome`` is final
    outcome: Any = field(default=None)


class GroupWriter:
    """Batches the writes of one app into single transactions (held by its
    :class:`~workshop.services.runtime_state.LiveState`)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._queue: Any = None
        self._running = False
        #: Transactions committed and requests written (for tests and measurements).
        self.commits = 0
        self.written = 0
        #: The questions answered so far (see :func:`answers.load_questions`).
        self.questions: dict[int, answers.QuestionInfo] = {}

    # --- the handlers' side ---------------------------------------------------------------------

    def submit(self, request: Request) -> Any:
        """Queue ``request`` and wait for its outcome (after the commit of its batch)."""
        job = self.enqueue(request)
        # No timeout: an answer given up on here might still be committed by its batch, and
        # ``internal`` promises it was not. The writer always sets ``done`` (see _run); a
        # phone that waits too long resends, harmlessly (same client_id).
        job.done.wait()
        if job.outcome is INTERNAL:
            raise _internal()
        return job.outcome

    def enqueue(self, request: Request, *, start: bool = True) -> _Job:
        """Queue ``request``; start the writer task unless ``start`` is false (tests then call
        :meth:`drain`). Its outcome is final once ``job.done`` is set."""
        eio = socketio.server.eio
        job = _Job(request, eio.create_event())
        with self._lock:
            if self._queue is None:
                self._queue = eio.create_queue()
            self._queue.put(job)
            if start and not self._running:
                self._running = True
                socketio.start_background_task(self._run)
        return job

    def drain(self) -> None:
        """Write every queued request in the calling thread (tests), as the task would."""
        self._run()

    # --- the writer's side ----------------------------------------------------------------------

    def _take(self, limit: int = MAX_BATCH, *, last: bool = True) -> list[_Job]:
        """The jobs queued so far (at most ``limit``); when there are none and ``last``, the
        task stops (under the lock, so a job queued meanwhile starts a new one)."""
        empty = socketio.server.eio.get_queue_empty_exception()
        jobs: list[_Job] = []
        with self._lock:
            while len(jobs) < limit:
                try:
                    jobs.append(self._queue.get_nowait())
                except empty:
                    break
            if not jobs and last:
                self._running = False
        return jobs

    def _run(self) -> None:
        # Like PostgreSQL's commit_delay: a small batch waits a few milliseconds for the
        # requests on their way, so that at a steady rate (answers spread over a minute, not a
        # burst) each transaction carries several of them. A burst fills batches at once.
        window = float(self.app.config.get("GROUP_COMMIT_WINDOW", 0))
        while True:
            # Let handlers whose events have arrived queue their requests: bigger batches.
            socketio.sleep(0)
            jobs = self._take()
            if not jobs:
                return
            if window > 0 and len(jobs) < SMALL_BATCH:
                socketio.sleep(window)
                jobs += self._take(MAX_BATCH - len(jobs), last=False)
            try:
                self._process(jobs)
            except Exception:
                log.exception("group writer failed")
            finally:  # never leave a handler waiting
                for job in jobs:
                    if job.outcome is None:
                        job.outcome = INTERNAL
                    job.done.set()

    def _process(self, jobs: list[_Job]) -> None:
        with self.app.app_context():
            try:
                with transaction():
                    outcomes = _write([job.request for job in jobs], self.questions)
                self.commits += 1
            except Exception:
                log.warning("batch of %d failed; retrying one by one", len(jobs), exc_info=True)
                outcomes = [self._write_alone(job.request) for job in jobs]
            self.written += len(jobs)
            for job, outcome in zip(jobs, outcomes, strict=True):
                job.outcome = outcome

    def _write_alone(self, request: Request) -> Any:
        for attempt in range(2):  # another process may insert the same answer at that moment
            try:
                with transaction():
                    (outcome,) = _write([request], self.questions)
                self.commits += 1
                return outcome
            except IntegrityError:
                if isinstance(request, UpvoteRequest):  # the same upvote from another process
                    return answers.unchanged_upvote(
                        request.session_id, request.answer_id, request.up
                    )
                if attempt:
                    log.exception("answer %r failed", request)
            except Exception:
                log.exception("request %r failed", request)
                break
        return INTERNAL


def _write(
    requests: list[Request], questions: dict[int, answers.QuestionInfo] | None = None
) -> list[Any]:
    """Write ``requests`` in order (the caller commits): runs of answers go through
    :func:`answers.write_answers`, upvotes one by one, disconnects in one statement. Refusals
    are outcomes, not raised."""
    outcomes: list[Any] = []
    start = 0
    while start < len(requests):
        end = start
        kind = type(requests[start])
        while end < len(requests) and type(requests[end]) is kind:
            end += 1
        run = requests[start:end]
        if kind is AnswerRequest:
            outcomes += answers.write_answers(run, questions)  # type: ignore[arg-type]
            db.session.expire_all()  # answers are written in bulk: no ORM object is stale
        elif kind is DisconnectRequest:
            gone = presence.remove_rows([r.sid for r in run])  # type: ignore[union-attr]
            phones = {session_id for session_id in gone.values() if session_id is not None}
            for session_id in sorted(phones):  # a phone's socket: the console's counters
                after_commit(runtime_state.current().results.mark, session_id)
            outcomes += [True] * len(run)
        else:
            for request in run:
                assert isinstance(request, UpvoteRequest)  # noqa: S101
                try:
                    with answers.in_locale(request.locale):
                        change = answers.write_upvote(
                            request.session_id,
                            request.participant_id,
                            request.answer_id,
                            request.up,
                        )
                    outcomes.append(change)
                except ServiceError as exc:
                    outcomes.append(exc)
        start = end
    return outcomes


def _internal() -> ServiceError:
    return ServiceError("internal", _("Le serveur a échoué ; rien n'a été enregistré."))


def submit_answer(
    session_id: int,
    participant_id: int,
    *,
    client_id: str,
    question_id: int,
    value: Any,
    text: str | None,
    origin_sid: str | None = None,
    locale: str | None = None,
) -> dict[str, Any]:
    """Store a participant's answer through the group commit (docs/protocol.md, ``answer``);
    the stored answer, once committed and published.

    The value is checked against the question's kind (``answer_values.py``); the set must be
    open. A resend with the stored ``client_id`` returns the stored answer unchanged, publishes
    nothing, and is accepted even once the set is closed. ``locale``: the socket's, for the
    messages of refusals (the writer has no request); ``origin_sid``: the sending socket (the
    participant's other tabs get ``answer_saved``)."""
    request = AnswerRequest(
        session_id, participant_id, client_id, question_id, value, text, locale, origin_sid
    )
    outcome: AnswerOutcome = runtime_state.current().writer.submit(request)
    if isinstance(outcome, ServiceError):
        raise outcome
    return outcome[0]


def submit_disconnect(sid: str) -> None:
    """Delete a socket's connection row through the group commit (returns once committed) and
    push the console's counters when it was a phone's."""
    runtime_state.current().writer.submit(DisconnectRequest(sid))


def submit_upvote(
    session_id: int, participant_id: int, answer_id: int, up: bool, locale: str | None = None
) -> dict[str, Any]:
    """Give (``up``) or take back one's upvote on another participant's visible comment
    through the group commit; ``{"answer_id", "up", "upvotes"}`` once committed (upvoting
    twice is harmless; see :func:`answers.write_upvote`)."""
    request = UpvoteRequest(session_id, participant_id, answer_id, up, locale)
    outcome: UpvoteChange | ServiceError = runtime_state.current().writer.submit(request)
    if isinstance(outcome, ServiceError):
        raise outcome
    return outcome.ack()
