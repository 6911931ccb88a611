"""The load generator's phones (bench/phones.py)."""

from __future__ import annotations

import asyncio
import importlib.util

import pytest

from bench.phones import Phone, SkipComments, Worker, event_loop_name, watch_qa


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


def test_qa_batches_are_decoded_only_when_they_mention_a_probe():
    batch = (
        '["qa", {"changed": [{"id": 31, "support": 4}, {"id": 7, "support": 1}], "removed": []}]'
    )
    try:
        watch_qa([])
        assert SkipComments.loads(batch) == ["qa", None]
        watch_qa([8, 70])  # 7 and 31 are not 70 or 8: no partial match
        assert SkipComments.loads(batch) == ["qa", None]
        watch_qa([7])
        assert SkipComments.loads(batch)[1]["changed"][1] == {"id": 7, "support": 1}
    finally:
        watch_qa([])


def test_phones_note_the_first_sight_of_a_turn_and_of_a_supported_probe():
    class Stub:
        qa_watch = {7}

    async def scenario() -> tuple[dict, dict]:
        phone = Phone.__new__(Phone)  # no socket: only the handlers
        phone.worker, phone.floor_seen, phone.qa_seen = Stub(), {}, {}
        await phone.on_floor({"speaking": None, "queue": []})
        await phone.on_floor({"speaking": {"id": 12}, "queue": []})
        first = phone.floor_seen[12]
        await phone.on_floor({"speaking": {"id": 12}, "queue": []})
        await phone.on_qa(None)  # a batch read but not decoded
        await phone.on_qa({"changed": [{"id": 7, "support": 0}, {"id": 9, "support": 3}]})
        assert phone.qa_seen == {}
        await phone.on_qa({"changed": [{"id": 7, "support": 1}], "removed": []})
        assert phone.floor_seen[12] == first
        return phone.floor_seen, phone.qa_seen

    floor, qa = asyncio.run(scenario())
    assert list(floor) == [12]
    assert list(qa) == [7]
