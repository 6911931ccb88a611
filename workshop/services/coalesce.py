"""Coalesced pushes: what changed is marked, and one background task per app pushes it at most
once per interval (``results`` and ``counters``, ``comments``, conclusion tallies).

Each app holds its coalescers in its :class:`~workshop.services.runtime_state.LiveState`. The marks
are the only in-process state and they are rebuildable: a lost mark only delays a push until the
next change or snapshot. With several processes behind a message queue, each process pushes what
its own sockets changed, read from the database at push time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask

from ..extensions import db, socketio

log = logging.getLogger(__name__)

#: A push that took ``t`` seconds is followed by a pause of at least ``t * PUSH_BACKOFF``: under
#: load (thousands of answers per set), figures are pushed less often rather than starving the
#: sockets (pushes take at most about 1 / (1 + PUSH_BACKOFF) of the process).
PUSH_BACKOFF = 4.0

#: ``push(session_id, changes)`` sends what ``changes`` (key → value) says, read from the database
#: now, and returns the changes it leaves for the next push (or ``None``).
Push = Callable[[int, dict[Hashable, Any]], dict[Hashable, Any] | None]


class Coalescer:
    """Marks per session, pushed at most once every ``app.config[interval_key]`` seconds
    (``0``: pushed at once, in the caller — the tests use that)."""

    def __init__(self, app: Flask, name: str, push: Push, interval_key: str) -> None:
        self.app = app
        self.name = name
        self.push = push
        self.interval_key = interval_key
        self._lock = threading.Lock()
        self._dirty: dict[int, dict[Hashable, Any]] = {}
        self._task: Any = None

    def mark(self, session_id: int, key: Hashable | None = None, value: Any = None) -> None:
        """Note that ``key`` of a session changed (no key: the session itself, e.g. its
        counters)."""
        app = self.app
        interval = float(app.config[self.interval_key])
        if interval <= 0:
            pending: dict[Hashable, Any] | None = {} if key is None else {key: value}
            while pending is not None:
                pending = self.push(session_id, pending) or None
            return
        with self._lock:
            changes = self._dirty.setdefault(session_id, {})
            if key is not None:
                changes[key] = value
            if self._task is None:
                self._task = socketio.start_background_task(self._run, app, interval)

    def join(self, timeout: float | None = None) -> None:
        """Wait until the pending pushes are done (tests)."""
        task = self._task
        if task is not None:
            task.join(timeout)

    def _take(self) -> dict[int, dict[Hashable, Any]]:
        with self._lock:
            batch, self._dirty = self._dirty, {}
            if not batch:
                self._task = None
            return batch

    def _put_back(self, session_id: int, later: dict[Hashable, Any]) -> None:
        with self._lock:
            changes = self._dirty.setdefault(session_id, {})
            for key, value in later.items():
                changes.setdefault(key, value)

    def _run(self, app: Flask, interval: float) -> None:
        pause = interval
        while True:
            socketio.sleep(pause)
            batch = self._take()
            if not batch:
                return
            started = time.monotonic()
            with app.app_context():
                for session_id, changes in batch.items():
                    try:
                        later = self.push(session_id, changes)
                    except Exception:
                        db.session.rollback()
                        log.exception("pushing %s of session %s failed", self.name, session_id)
                        continue
                    if later:
                        self._put_back(session_id, later)
            pause = max(interval, (time.monotonic() - started) * PUSH_BACKOFF)
