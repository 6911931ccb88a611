"""The debate phase of a run (issue 14; docs/protocol.md, « The debate »), against ours only: the
bare baseline has no debate.

After the question set's phases, with the session's first agenda item under way:

1. **The floor.** ``--floor-share`` of the phones ask for the floor (``floor_request``) at random
   moments over 2 s; a fifth of them withdraw (``floor_withdraw``); the console adds someone from
   the room (``floor_add``).
2. **Questions, pre-moderated.** Pre-moderation on (``qa_settings``), 30 % of the askers
   (``--ask-share`` of the phones) put a question (``qa_ask``): pending; the console approves all
   of them but one, which it hides (``qa_moderate``). Pre-moderation off, the other askers ask:
   visible at once.
3. **The room at work** for ``--debate-seconds``: every phone supports ``--qa-supports`` random
   questions (never its own; ``qa_support``), a tenth take one support back; one phone supports,
   at set moments, ``--qa-probes`` questions nobody else supports (the probes, whose ``qa`` push
   each phone times). Meanwhile the console gives the floor and ends the turn ``--floor-turns``
   times (``floor_give``, waiting for its ``floor`` broadcast, then ``floor_end``).
4. **Receipt.** Each phone's first sight of every turn under way (``floor``) and of every probe
   with its support (``qa``), against the wall-clock instant of the console's ``floor_give`` ack
   and of the prober's ``qa_support`` ack (same machine, same clock). Both pushes are coalesced
   (``RESULTS_PUSH_INTERVAL`` and ``COMMENTS_PUSH_INTERVAL``, 0.5 s): each latency includes up
   to that interval's wait.
5. **The console's round.** It merges duplicates pairwise (``qa_merge``: the kept question's
   support must be the union of both questions' supporters, its author excepted), puts the most
   supported question on the projector (``qa_show``), marks it answered, takes one request off
   the queue (``floor_remove``).
6. **The database** holds exactly what was acknowledged: requests for the floor by state (the
   turns), questions by status, supports per question.

Every participant stays under the protocol's limits: one request for the floor (6 a minute), one
question (3 a minute), a few events in a few seconds (20 a second per socket); the console paces
its requests (``Facilitator.PACE_S``).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import workload

if TYPE_CHECKING:
    from .runner import Facilitator, Options, Progress, Workers
    from .servers import Server

#: Fewer phones than this: no debate (too few to withdraw, hide, merge and probe).
MIN_PHONES = 8
#: Seconds over which the requests for the floor, and each round of questions, are spread.
SPREAD_S = 2.0
#: Of the requests for the floor, the share withdrawn.
WITHDRAW_SHARE = 0.2
#: Of the askers, the share asking while pre-moderation is on.
PREMODERATED_SHARE = 0.3
#: Of the supporting phones, the share that take one support back.
UNSUPPORT_SHARE = 0.1
#: Of the supportable questions, the share merged into another (pairwise).
MERGE_SHARE = 0.05
#: Seconds a phone (or the console) may take to see a push.
PUSH_TIMEOUT_S = 15.0


@dataclass
class Plan:
    """Who does what, by the phones' global indexes (``--seed``)."""

    requesters: list[int]
    withdraw: list[int]
    moderated_askers: list[int]
    askers: list[int]


def make_plan(phones: int, opts: Options) -> Plan:
    rng = random.Random(opts.seed)
    everyone = range(phones)
    requesters = sorted(rng.sample(everyone, min(phones, max(4, round(phones * opts.floor_share)))))
    withdraw = sorted(rng.sample(requesters, max(1, round(len(requesters) * WITHDRAW_SHARE))))
    askers = rng.sample(everyone, min(phones, max(MIN_PHONES, round(phones * opts.ask_share))))
    moderated = max(2, round(len(askers) * PREMODERATED_SHARE))
    return Plan(requesters, withdraw, sorted(askers[:moderated]), sorted(askers[moderated:]))


def stats(samples: list[float]) -> dict[str, Any]:
    """``n``, p50, p95, p99 and max of latencies in ms (rounded)."""
    from .runner import _r, percentile

    return {
        "n": len(samples),
        "p50": _r(percentile(samples, 50)),
        "p95": _r(percentile(samples, 95)),
        "p99": _r(percentile(samples, 99)),
        "max": _r(max(samples, default=None)),
    }


def read_state(database_url: str) -> dict[str, Any]:
    """The bench session's debate in the database: requests for the floor by state (with the
    ended turns that lack a start, an end or a duration), questions by status, supports."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            session_id = conn.execute(
                text("SELECT id FROM session WHERE code = :code"), {"code": workload.SESSION_CODE}
            ).scalar_one()
            bind = {"s": session_id}
            floor = dict(
                conn.execute(
                    text(
                        "SELECT state, count(*) FROM floor_request WHERE session_id = :s "
                        "GROUP BY state"
                    ),
                    bind,
                ).all()
            )
            incomplete = conn.execute(
                text(
                    "SELECT count(*) FROM floor_request WHERE session_id = :s AND state = 'done' "
                    "AND (started_at IS NULL OR ended_at IS NULL OR duration_s IS NULL)"
                ),
                bind,
            ).scalar_one()
            statuses = dict(
                conn.execute(
                    text(
                        "SELECT status, count(*) FROM room_question WHERE session_id = :s "
                        "GROUP BY status"
                    ),
                    bind,
                ).all()
            )
            supports = dict(
                conn.execute(
                    text(
                        "SELECT s.question_id, count(*) FROM room_question_support s "
                        "JOIN room_question q ON q.id = s.question_id WHERE q.session_id = :s "
                        "GROUP BY s.question_id"
                    ),
                    bind,
                ).all()
            )
    finally:
        engine.dispose()
    return {
        "floor": {k: v for k, v in sorted(floor.items())},
        "turns_incomplete": incomplete,
        "questions": {k: v for k, v in sorted(statuses.items())},
        "supports": sum(supports.values()),
        "supports_by_question": {int(k): v for k, v in sorted(supports.items())},
    }


class Debate:
    """One debate phase: the console (``console``) and the phones (``workers``)."""

    def __init__(
        self, server: Server, workers: Workers, console: Facilitator, opts: Options, run_id: str
    ) -> None:
        self.server, self.workers, self.console, self.opts = server, workers, console, opts
        self.run_id = run_id
        self.errors: Counter[str] = Counter()
        #: The phones' ack latencies by event, and the console's (all its events).
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.console_ms: list[float] = []
        #: Each question's status as the acks left it.
        self.status: dict[int, str] = {}
        self.floor: dict[str, Any] | None = None

    async def ask(self, event: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        ack = await self.console.request(event, payload, self.errors, self.console_ms)
        if ack is not None and "floor" in ack:
            self.floor = ack["floor"]
        return ack

    async def each(self, cmd: dict[str, Any], timeout: float) -> list[dict[str, Any]]:
        results = await self.workers.each(cmd, timeout)
        for result in results:
            self.errors.update(result.get("errors") or {})
            for event, samples in (result.get("latency_ms") or {}).items():
                self.latency[event] += samples
        return results

    async def phones_ask(self, round_no: int, askers: list[int], status: str) -> list[dict]:
        results = await self.each(
            {
                "cmd": "qa_ask",
                "round": round_no,
                "askers": askers,
                "run": self.run_id,
                "start_at": time.time() + 0.5,
                "seconds": SPREAD_S,
                "ack_timeout": self.opts.ack_timeout,
            },
            timeout=SPREAD_S + self.opts.ack_timeout + 30,
        )
        asked = sorted((q for r in results for q in r["asked"]), key=lambda q: q["id"])
        for question in asked:
            self.status[question["id"]] = question["status"]
            if question["status"] != status:
                self.errors[f"qa_ask:{question['status']}_not_{status}"] += 1
        return asked

    async def moderate(self, qa_id: int, action: str) -> dict[str, Any] | None:
        ack = await self.ask("qa_moderate", {"qa_id": qa_id, "action": action})
        if ack is not None:
            self.status[qa_id] = ack["qa"]["status"]
        return ack

    async def take_turns(self, count: int, seconds: float) -> tuple[list[dict], int]:
        """Give the floor and end the turn ``count`` times over ``seconds``; the turns given
        (``id``, ``acked_at``) and how many were ended."""
        slot = seconds / max(1, count)
        turns, ended = [], 0
        for _ in range(count):
            began = time.monotonic()
            ack = await self.ask("floor_give", {})
            if ack is None:
                break
            acked_at = time.time()
            speaking = ack["floor"]["speaking"]
            turns.append({"id": speaking["id"], "acked_at": acked_at})
            # Ended before its push left, a turn would never reach the phones (the push reads
            # the floor when it is sent).
            if not await self.console.wait_floor(speaking["id"], PUSH_TIMEOUT_S):
                self.errors["floor:push_not_seen_by_console"] += 1
            await asyncio.sleep(max(0.0, began + slot * 0.8 - time.monotonic()))
            if await self.ask("floor_end", {}) is None:
                break
            ended += 1
            await asyncio.sleep(max(0.0, began + slot - time.monotonic()))
        return turns, ended

    async def run(self, say: Progress) -> dict[str, Any]:
        opts = self.opts
        cpu_start, wall_start = self.server.cpu_seconds(), time.monotonic()
        plan = make_plan(opts.phones, opts)
        await self.ask("agenda_goto", {"position": 0})  # questions need an item under way
        await self.ask("qa_settings", {"premoderated": True})

        say(
            f"debate: {len(plan.requesters)} phones ask for the floor, "
            f"{len(plan.withdraw)} withdraw"
        )
        results = await self.each(
            {
                "cmd": "floor_ask",
                "requesters": plan.requesters,
                "withdraw": plan.withdraw,
                "start_at": time.time() + 0.5,
                "seconds": SPREAD_S,
                "ack_timeout": opts.ack_timeout,
            },
            timeout=SPREAD_S + opts.ack_timeout + 30,
        )
        requested = [r for result in results for r in result["requested"]]
        withdrawn = [i for result in results for i in result["withdrawn"]]
        added = await self.ask("floor_add", {"name": "Personne sans téléphone", "group": "public"})

        say(
            f"debate: {len(plan.moderated_askers)} questions pre-moderated, "
            f"then {len(plan.askers)} asked"
        )
        first = await self.phones_ask(1, plan.moderated_askers, "pending")
        for question in first[:-1]:
            await self.moderate(question["id"], "approve")
        for question in first[-1:]:
            await self.moderate(question["id"], "hide")
        await self.ask("qa_settings", {"premoderated": False})
        second = await self.phones_ask(2, plan.askers, "visible")
        authors = {q["id"]: q["index"] for q in first + second}
        probe_count = min(opts.qa_probes, max(0, len(second) - 2))
        probes = second[len(second) - probe_count :]
        supportable = [q for q in first[:-1] if self.status[q["id"]] == "visible"]
        supportable += second[: len(second) - probe_count]
        probe_authors = {q["index"] for q in probes}
        prober = next(i for i in range(opts.phones) if i not in probe_authors)

        waiting = len((self.floor or {}).get("queue") or [])
        turn_count = min(opts.floor_turns, max(0, waiting - 1))  # one is left to remove
        seconds = opts.debate_seconds
        say(
            f"debate: {opts.qa_supports} supports per phone over {seconds:g} s, "
            f"{probe_count} probes; {turn_count} turns"
        )
        start_at = time.time() + 1.0
        load = asyncio.create_task(
            self.each(
                {
                    "cmd": "debate_load",
                    "start_at": start_at,
                    "seconds": seconds,
                    "supportable": [[q["id"], q["index"]] for q in supportable],
                    "per_phone": opts.qa_supports,
                    "unsupport_share": UNSUPPORT_SHARE,
                    "probes": [
                        [q["id"], seconds * (k + 0.5) / probe_count] for k, q in enumerate(probes)
                    ],
                    "prober": prober,
                    "ack_timeout": opts.ack_timeout,
                },
                timeout=seconds + opts.ack_timeout + 60,
            )
        )
        try:
            await asyncio.sleep(max(0.0, start_at - time.time()))
            turns, ended = await self.take_turns(turn_count, seconds)
        except BaseException:
            load.cancel()
            raise
        results = await load
        supporters: dict[int, set[int]] = defaultdict(set)
        support_acks = 0
        for result in results:
            for index, qa_id, up, _support in result["supports"]:
                support_acks += 1
                if up:
                    supporters[qa_id].add(index)
                else:
                    supporters[qa_id].discard(index)
        probe_acks = [p for result in results for p in result["probes"]]
        for probe in probe_acks:
            if probe["support"] != 1:
                self.errors["qa_support:probe_not_alone"] += 1

        seen = await self.each(
            {
                "cmd": "debate_wait",
                "floor_ids": [t["id"] for t in turns],
                "qa_ids": [p["qa_id"] for p in probe_acks],
                "timeout": PUSH_TIMEOUT_S,
            },
            timeout=PUSH_TIMEOUT_S + 30,
        )
        floor_ms, floor_all_ms = [], []
        for turn in turns:
            samples = [(t - turn["acked_at"]) * 1000 for r in seen for t in r["floor"][turn["id"]]]
            floor_ms += samples
            floor_all_ms.append(round(max(samples), 1) if samples else None)
        qa_ms = []
        for probe in probe_acks:
            qa_ms += [(t - probe["acked_at"]) * 1000 for r in seen for t in r["qa"][probe["qa_id"]]]
        missing_floor = sum(r["missing_floor"] for r in seen)
        missing_qa = sum(r["missing_qa"] for r in seen)
        if missing_floor:
            self.errors["floor:push_missing"] += missing_floor
        if missing_qa:
            self.errors["qa:push_missing"] += missing_qa

        merges = await self.merge(supportable, supporters, authors)
        shown = await self.show(supportable, supporters, authors, merges)
        removed = 0
        queue = (self.floor or {}).get("queue") or []
        if queue and await self.ask("floor_remove", {"request_id": queue[-1]["id"]}):
            removed = 1

        expected = {
            "floor": {
                state: n
                for state, n in sorted(
                    {
                        "done": ended,
                        "removed": removed,
                        "speaking": len(turns) - ended,
                        "waiting": len(requested)
                        + (1 if added else 0)
                        - len(turns)
                        - len(withdrawn)
                        - removed,
                        "withdrawn": len(withdrawn),
                    }.items()
                )
                if n
            },
            "turns_incomplete": 0,
            "questions": dict(sorted(Counter(self.status.values()).items())),
            "supports": sum(len(s) for s in supporters.values()),
            "supports_by_question": {q: len(s) for q, s in sorted(supporters.items()) if s},
        }
        found = read_state(self.server.database_url)
        mismatched = sorted(k for k in expected if expected[k] != found[k])
        for key in mismatched:
            self.errors[f"db_mismatch:{key}"] += 1
        elapsed = time.monotonic() - wall_start
        cpu = self.server.cpu_seconds() - cpu_start
        say(
            f"debate: {len(turns)} turns, {len(self.status)} questions, "
            f"{expected['supports']} supports; floor push p95 "
            f"{stats(floor_ms)['p95']} ms, qa push p95 {stats(qa_ms)['p95']} ms; database "
            + ("as acked" if not mismatched else f"differs: {', '.join(mismatched)}")
        )
        return {
            "floor_requests": len(requested),
            "withdrawn": len(withdrawn),
            "added_from_room": 1 if added else 0,
            "turns": len(turns),
            "removed": removed,
            "questions": len(self.status),
            "premoderated": len(first),
            "support_acks": support_acks,
            "supports": expected["supports"],
            "merges": merges,
            "shown": shown,
            "probes": len(probe_acks),
            "ack_ms": {
                event: stats(self.latency.get(event, []))
                for event in ("floor_request", "floor_withdraw", "qa_ask", "qa_support")
            },
            "console_ack_ms": stats(self.console_ms),
            "floor_push_ms": {**stats(floor_ms), "missing": missing_floor},
            "floor_push_all_ms": floor_all_ms,
            "qa_push_ms": {**stats(qa_ms), "missing": missing_qa},
            "db": {"expected": _jsonable(expected), "found": _jsonable(found)},
            "db_ok": not mismatched,
            "errors": dict(sorted(self.errors.items())),
            "error_count": sum(self.errors.values()),
            "server_cpu_s": round(cpu, 2),
            "elapsed_s": round(elapsed, 1),
            "seconds": seconds,
        }

    async def merge(
        self, supportable: list[dict], supporters: dict[int, set[int]], authors: dict[int, int]
    ) -> list[dict[str, Any]]:
        """Merge pairs of questions; the kept one's support must add up both (its author
        excepted) and it must carry the merged text."""
        count = min(max(1, round(len(supportable) * MERGE_SHARE)), len(supportable) // 2)
        merges = []
        for k in range(count):
            kept, duplicate = supportable[2 * k]["id"], supportable[2 * k + 1]["id"]
            ack = await self.ask("qa_merge", {"qa_id": duplicate, "into": kept})
            if ack is None:
                continue
            self.status[duplicate] = "merged"
            expected = len((supporters[kept] | supporters[duplicate]) - {authors[kept]})
            view = ack["qa"]
            merges.append({"kept": kept, "merged": duplicate, "support": view["support"]})
            if view["support"] != expected:
                self.errors["qa_merge:support_not_added_up"] += 1
            if duplicate not in [m["id"] for m in view["merged"]]:
                self.errors["qa_merge:text_not_kept"] += 1
        return merges

    async def show(
        self,
        supportable: list[dict],
        supporters: dict[int, set[int]],
        authors: dict[int, int],
        merges: list[dict[str, Any]],
    ) -> int | None:
        """Put the most supported question on the projector, then mark it answered."""
        folded = {m["merged"]: m["kept"] for m in merges}
        support: dict[int, set[int]] = defaultdict(set)
        for question in supportable:
            qa_id = folded.get(question["id"], question["id"])
            support[qa_id] |= supporters[question["id"]]
        if not support:
            return None
        best = max(support, key=lambda i: (len(support[i] - {authors[i]}), -i))
        ack = await self.ask("qa_show", {"qa_id": best})
        if ack is not None and not (ack["qa"] or {}).get("on_screen"):
            self.errors["qa_show:not_on_screen"] += 1
        if await self.moderate(best, "answered") is not None and self.status[best] != "answered":
            self.errors["qa_moderate:not_answered"] += 1
        return best


def _jsonable(state: dict[str, Any]) -> dict[str, Any]:
    """JSON keys are strings: ``supports_by_question`` keyed by str, the rest as it is."""
    return {
        k: ({str(q): n for q, n in v.items()} if k == "supports_by_question" else v)
        for k, v in state.items()
    }


async def run_debate(
    server: Server,
    workers: Workers,
    console: Facilitator,
    opts: Options,
    run_id: str,
    say: Progress,
) -> dict[str, Any] | None:
    """The debate phase's figures, or None with fewer than :data:`MIN_PHONES` phones."""
    if opts.phones < MIN_PHONES:
        say(f"debate skipped: fewer than {MIN_PHONES} phones")
        return None
    return await Debate(server, workers, console, opts, run_id).run(say)
