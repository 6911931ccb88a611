"""The debate phase's plan and figures (bench/debate.py); the phase itself runs in
test_bench_smoke.py against a real server."""

from __future__ import annotations

from bench.debate import make_plan, stats
from bench.runner import Options


def test_the_plan_at_1000_phones_follows_the_shares():
    plan = make_plan(1000, Options(phones=1000, client_procs=2))
    assert len(plan.requesters) == 50
    assert len(plan.withdraw) == 10
    assert set(plan.withdraw) <= set(plan.requesters)
    assert (len(plan.moderated_askers), len(plan.askers)) == (30, 70)
    assert not set(plan.moderated_askers) & set(plan.askers)
    assert all(0 <= i < 1000 for i in plan.requesters + plan.askers + plan.moderated_askers)


def test_a_small_room_still_withdraws_hides_merges_and_probes():
    plan = make_plan(20, Options(phones=20, client_procs=1))
    assert (len(plan.requesters), len(plan.withdraw)) == (4, 1)
    # Two pre-moderated (one approved, one hidden), six asked: three probes, three to support.
    assert (len(plan.moderated_askers), len(plan.askers)) == (2, 6)


def test_the_plan_depends_on_the_seed_only():
    one = make_plan(300, Options(phones=300, client_procs=1, seed=4))
    assert one == make_plan(300, Options(phones=300, client_procs=1, seed=4))
    assert one != make_plan(300, Options(phones=300, client_procs=1, seed=5))


def test_stats():
    assert stats([]) == {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}
    assert stats([10.0, 20.0, 30.0]) == {"n": 3, "p50": 20.0, "p95": 29.0, "p99": 29.8, "max": 30.0}
