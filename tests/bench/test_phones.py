"""The load generator's phones (bench/phones.py)."""

from __future__ import annotations

from bench.phones import SkipComments


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
