"""The load generator's phones (bench/phones.py)."""

from __future__ import annotations

import asyncio
import importlib.util

import pytest

from bench.phones import SkipComments, Worker, event_loop_name


def test_comment_batches_are_read_but_not_decoded():
    batch = '["comments",{"changed":[{"id":1,"text":"Oui"}],"removed":[]}]'
    assert SkipComments.loads(batch) == ["comments", None]


def test_everything_else_is_decoded():
    frame = '["question_set",{"id":3,"state":"open","questions":[]}]'
    assert SkipComments.loads(frame) == [
        "question_set",
        {"id": 3, "state": "open", "questions": []},
    ]
    assert SkipComments.loads('{"sid":"x","pingInterval":25000}')["pingInterval"] == 25000
    assert SkipComments.dumps(["answer", {"value": 1}]) == '["answer", {"value": 1}]'


def test_event_loop_is_uvloop_when_installed():
    installed = importlib.util.find_spec("uvloop") is not None
    assert event_loop_name() == ("uvloop" if installed else "asyncio")
    assert event_loop_name("asyncio") == "asyncio"
    if not installed:
        with pytest.raises(ImportError):
            event_loop_name("uvloop")


def test_a_push_round_is_done_when_every_live_phone_has_it():
    async def scenario() -> tuple[bool, bool]:
        worker = Worker(0, 1)
        worker.live_count = 3
        done = worker.round_done.setdefault(1, asyncio.Event())
        worker.opened(1)
        worker.opened(1)
        before = done.is_set()
        worker.opened(1)
        return before, done.is_set()

    assert asyncio.run(scenario()) == (False, True)
