"""The load harness still runs end to end (a few phones, a couple of seconds), so it never rots.

Each test starts real server processes and client processes through ``python -m bench``. Against
ours, the debate phase runs too (bench/debate.py): its checks are asserted, not its timings.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.phones import event_loop_name
from workshop.config import PROJECT_ROOT

KEYS = {
    "phones",
    "connected",
    "push_p50_ms",
    "push_p99_ms",
    "ack_p50_ms",
    "ack_p99_ms",
    "votes_per_s",
    "lost",
    "duplicated",
    "server_cpu_s",
    "server_rss_mb",
    "baseline",
    "ratio_cpu_vs_baseline",
    "errors",
    "meta",
    "debate",
}


def run_bench(tmp_path, *args: str) -> dict:
    out = tmp_path / "bench.json"
    cmd = [
        sys.executable,
        "-m",
        "bench",
        "run",
        "--phones",
        "20",
        "--json",
        str(out),
        "--paced-seconds",
        "1",
        "--push-rounds",
        "2",
        "--debate-seconds",
        "3",
        "--quiet",
        *args,
    ]
    done = subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(out.read_text())


def check(figures: dict) -> None:
    assert figures["connected"] == 20
    assert figures["push_samples"] == 40
    assert figures["lost"] == 0
    assert figures["duplicated"] == 0
    assert figures["errors"] == {}
    for phase in ("paced", "burst"):
        assert figures["phases"][phase]["acked"] == 20 * 6
        assert figures["phases"][phase]["rows"] == 20 * 6
    assert figures["votes_per_s"] > 0
    assert figures["server_cpu_s"] > 0
    assert figures["server_rss_mb"] > 10


def check_debate(debate: dict) -> None:
    """20 phones: 4 ask for the floor and 1 withdraws, 1 added from the room, 3 turns, 1
    removed; 8 questions (2 pre-moderated: 1 approved, 1 hidden), 3 probes, 3 to support, 1
    merge, 1 on the projector and answered; every phone sees every turn and probe."""
    assert debate["error_count"] == 0, debate["errors"]
    assert (debate["floor_requests"], debate["withdrawn"], debate["added_from_room"]) == (4, 1, 1)
    assert (debate["turns"], debate["removed"]) == (3, 1)
    assert (debate["questions"], debate["premoderated"], debate["probes"]) == (8, 2, 3)
    assert debate["ack_ms"]["floor_request"]["n"] == 4
    assert debate["ack_ms"]["floor_withdraw"]["n"] == 1
    assert debate["ack_ms"]["qa_ask"]["n"] == 8
    # Every phone supports the 3 supportable questions that are not its own (+ the 3 probes).
    assert debate["ack_ms"]["qa_support"]["n"] == debate["support_acks"] >= 17 * 3 + 3
    assert (debate["floor_push_ms"]["n"], debate["floor_push_ms"]["missing"]) == (20 * 3, 0)
    assert (debate["qa_push_ms"]["n"], debate["qa_push_ms"]["missing"]) == (20 * 3, 0)
    assert len(debate["floor_push_all_ms"]) == 3
    assert len(debate["merges"]) == 1
    assert debate["shown"] is not None
    # The database holds what was acked: the turns, the questions by status, the supports.
    assert debate["db_ok"]
    found = debate["db"]["found"]
    assert found == debate["db"]["expected"]
    assert found["floor"] == {"done": 3, "removed": 1, "withdrawn": 1}  # none left waiting
    assert found["turns_incomplete"] == 0
    assert found["questions"] == {"answered": 1, "hidden": 1, "merged": 1, "visible": 5}
    assert found["supports"] == debate["supports"] == sum(found["supports_by_question"].values())


@pytest.mark.timeout(180)
def test_baseline_alone(tmp_path):
    report = run_bench(tmp_path, "--server", "baseline", "--client-loop", "asyncio")
    assert report.keys() >= KEYS
    assert report["meta"]["client_loop"] == "asyncio"
    assert report["server"] == "baseline"
    assert report["baseline"] is None
    assert report["debate"] is None  # the bare baseline has no debate
    check(report)


@pytest.mark.timeout(210)
def test_workshop_against_baseline(tmp_path):
    report = run_bench(tmp_path)
    assert report.keys() >= KEYS
    assert report["server"] == "workshop"
    assert report["setup"] == "workshop load"
    assert report["meta"]["client_loop"] == event_loop_name()
    check(report)
    check(report["baseline"])
    assert report["ratio_cpu_vs_baseline"] > 0
    assert report["baseline"]["debate"] is None
    check_debate(report["debate"])
