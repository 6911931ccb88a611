"""One unit of work per change of state: validate, write and flush, commit once, then publish.

A service function does its whole change inside ``with transaction():`` and queues what must
happen only once the change is durable — the broadcasts — with :func:`after_commit`::

    def close_set(session_id, set_id):
        with transaction():
            question_set = _set(session_id, set_id)   # may raise ServiceError
            question_set.state = SetState.CLOSED
            after_commit(publish.set_changed, question_set)
        return set_view(question_set)

Leaving the block commits, then runs the queued callbacks in order. An exception inside it
rolls back and drops the queue: nothing is stored half-way and nothing is published. A callback
that fails after the commit is logged and does not undo the change (the next snapshot of each
client carries it).

A transaction that changed what the room sees (``Session.live_revision``, models/revision.py)
and pushed it ends with a ``rev`` event to that session's room, after its callbacks
(:func:`~workshop.services.broadcast.announce_revisions`): the clients know which revision they
are at, and ask for a fresh snapshot when they see they missed one.

Blocks nest: only the outermost one commits, so services compose (e.g. the group writer's batch
is one unit holding many answers). The queue lives in the database session's ``info``, that is
per app context (one per socket event, request or background task), never shared.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from ..extensions import db
from ..models.revision import REVISIONS_KEY
from .broadcast import announce_revisions, recording_pushes

log = logging.getLogger(__name__)

_QUEUE = "workshop.after_commit"
_DEPTH = "workshop.unit_depth"


@contextmanager
def transaction() -> Iterator[None]:
    """Commit once when the outermost block ends, then run what :func:`after_commit` queued;
    roll back and publish nothing on error."""
    info = db.session.info
    depth = info.get(_DEPTH, 0)
    info[_DEPTH] = depth + 1
    try:
        if depth == 0:
            info[_QUEUE] = []
            info.pop(REVISIONS_KEY, None)  # of a commit made outside a unit: the beat tells
        yield
        if depth == 0:
            db.session.commit()
    except BaseException:
        if depth == 0:
            info.pop(_QUEUE, None)
            info.pop(REVISIONS_KEY, None)
            db.session.rollback()
        raise
    finally:
        info[_DEPTH] = depth
    if depth == 0:
        revisions = info.pop(REVISIONS_KEY, None)
        callbacks = info.pop(_QUEUE, ())
        if not revisions:
            _run(callbacks)
            return
        with recording_pushes() as pushed:
            _run(callbacks)
        try:
            announce_revisions(revisions, pushed)
        except Exception:
            log.exception("announcing the revisions failed")


def _run(callbacks: list[Callable[[], Any]]) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("after-commit callback %r failed", callback)


def after_commit(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run ``fn(*args, **kwargs)`` once the enclosing :func:`transaction` has committed."""
    queue = db.session.info.get(_QUEUE)
    if queue is None or not db.session.info.get(_DEPTH):
        raise RuntimeError("after_commit() outside a transaction() block")
    queue.append(partial(fn, *args, **kwargs))
