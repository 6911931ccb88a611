"""The load harness still runs end to end (a few phones, a couple of seconds), so it never rots.

Each test starts real server processes and client processes through ``python -m bench``.
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
        "--quiet",
        *args,
    ]
    done = subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=90)
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


@pytest.mark.timeout(120)
def test_baseline_alone(tmp_path):
    report = run_bench(tmp_path, "--server", "baseline", "--client-loop", "asyncio")
    assert report.keys() >= KEYS
    assert report["meta"]["client_loop"] == "asyncio"
    assert report["server"] == "baseline"
    assert report["baseline"] is None
    check(report)


@pytest.mark.timeout(150)
def test_workshop_against_baseline(tmp_path):
    report = run_bench(tmp_path)
    assert report.keys() >= KEYS
    assert report["server"] == "workshop"
    assert report["setup"] == "workshop load"
    assert report["meta"]["client_loop"] == event_loop_name()
    check(report)
    check(report["baseline"])
    assert report["ratio_cpu_vs_baseline"] > 0
