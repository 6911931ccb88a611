"""``python -m bench snapshot``: the snapshot's cost part by part, on a real SQLite database
with the Namur workshop loaded, before and during a debate."""

from __future__ import annotations

import json

from bench.__main__ import main
from bench.snapshot import measure, report

PARTS = {
    "participant snapshot, new phone",
    "participant snapshot, phone back",
    "debate part, phone back",
    "floor view",
    "questions (phone)",
    "screen snapshot",
}


def test_the_parts_during_a_debate_cost_time_and_queries():
    result = measure(calls=3, repeat=1, with_debate=True)
    assert set(result["parts"]) == PARTS == set(result["queries"])
    assert result["debate"] is True
    assert all(ms >= 0 for ms in result["parts"].values())
    # A phone that comes back reads its own request and questions besides the room's.
    queries = result["queries"]
    assert queries["participant snapshot, phone back"] > queries["participant snapshot, new phone"]
    assert queries["floor view"] >= 3
    text = report(result)
    assert text.startswith("snapshot cost, during the debate")
    assert "questions (phone)" in text


def test_the_command_writes_its_json(tmp_path, capsys):
    out = tmp_path / "snapshot.json"
    assert main(["snapshot", "--calls", "2", "--repeat", "1", "--json", str(out)]) == 0
    assert "snapshot cost, before the debate" in capsys.readouterr().out
    data = json.loads(out.read_text())
    assert set(data["parts"]) == PARTS
    assert data["debate"] is False
