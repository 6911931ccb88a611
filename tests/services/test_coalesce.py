"""The coalescer behind the ``results``, ``comments`` and tally pushes."""

from __future__ import annotations

import logging

from workshop.services.coalesce import Coalescer


def test_interval_zero_pushes_at_once_until_nothing_is_left(app):
    app.config["TEST_INTERVAL"] = 0
    calls = []

    def push(session_id, changes):
        calls.append((session_id, dict(changes)))
        return {"later": 1} if len(calls) == 1 else None

    Coalescer(app, "test", push, "TEST_INTERVAL").mark(7, "a", 1)
    assert calls == [(7, {"a": 1}), (7, {"later": 1})]


def test_marks_within_an_interval_are_pushed_once_per_session(app):
    app.config["TEST_INTERVAL"] = 0.05
    calls = []
    coalescer = Coalescer(app, "test", lambda s, c: calls.append((s, dict(c))), "TEST_INTERVAL")
    coalescer.mark(1, "x", "first")
    coalescer.mark(1, "x", "second")  # the latest value wins
    coalescer.mark(1, "y")
    coalescer.mark(2)  # the session itself, no key
    coalescer.join(timeout=5)
    assert sorted(calls) == [(1, {"x": "second", "y": None}), (2, {})]


def test_leftovers_are_pushed_later_and_failures_do_not_stop_the_others(app, caplog):
    app.config["TEST_INTERVAL"] = 0.02
    calls = []

    def push(session_id, changes):
        calls.append((session_id, dict(changes)))
        if session_id == 1:
            raise RuntimeError("boom")
        if changes == {"a": 1, "b": 2}:
            return {"b": 2}
        return None

    coalescer = Coalescer(app, "test", push, "TEST_INTERVAL")
    coalescer.mark(1, "z")
    coalescer.mark(2, "a", 1)
    coalescer.mark(2, "b", 2)
    with caplog.at_level(logging.ERROR):
        coalescer.join(timeout=5)
    assert (2, {"a": 1, "b": 2}) in calls
    assert calls[-1] == (2, {"b": 2})  # the leftover, in a later push
    assert "pushing test of session 1 failed" in caplog.text
