"""One benchmark run against one server: connect the phones, push the set, the paced and burst
answer phases, the durability check, the debate (ours only: bench/debate.py), and the figures."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from . import workload
from .debate import run_debate
from .phones import worker_main
from .servers import Server

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass
class Options:
    phones: int
    client_procs: int
    paced_seconds: float = 10.0
    push_rounds: int = 3
    wave: int = 50
    seed: int = 1
    ack_timeout: float = 60.0
    #: Share of the answers to a question with ``allow_comment`` that carry a comment.
    comment_rate: float = 0.3
    #: Whether phones JSON-decode the ``comments`` batches (see bench/phones.py).
    decode_comments: bool = False
    #: The client processes' event loop: ``uvloop`` or ``asyncio`` (see bench/phones.py).
    client_loop: str = "asyncio"
    #: The debate phase (bench/debate.py), against ours only.
    debate: bool = True
    debate_seconds: float = 10.0
    #: Shares of the phones asking for the floor, and asking a question.
    floor_share: float = 0.05
    ask_share: float = 0.10
    #: Questions each phone supports; turns the console gives; probe questions timed.
    qa_supports: int = 3
    floor_turns: int = 5
    qa_probes: int = 3


def percentile(samples: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (as numpy's default), over all samples."""
    if not samples:
        return None
    ordered = sorted(samples)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


class Progress:
    def __init__(self, name: str, started: float, echo: bool = True) -> None:
        self.name, self.started, self.echo = name, started, echo

    def __call__(self, message: str) -> None:
        if self.echo:
            elapsed = time.monotonic() - self.started
            print(f"[{elapsed:7.1f}s] {self.name}: {message}", flush=True)


class Workers:
    """The client processes and their pipes."""

    def __init__(self, count: int, seed: int, loop: str = "asyncio") -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conns, self.procs = [], []
        for index in range(count):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=worker_main, args=(child, index, seed, loop), daemon=True)
            proc.start()
            child.close()
            self.conns.append(parent)
            self.procs.append(proc)

    async def all(self, cmds: list[dict[str, Any]], timeout: float) -> list[dict[str, Any]]:
        for conn, cmd in zip(self.conns, cmds, strict=True):
            conn.send(cmd)
        loop = asyncio.get_running_loop()

        def recv(conn: Any) -> dict[str, Any]:
            if not conn.poll(timeout):
                raise TimeoutError(f"client process silent for {timeout} s")
            return conn.recv()

        results = await asyncio.gather(*(loop.run_in_executor(None, recv, c) for c in self.conns))
        for result in results:
            if "fatal" in result:
                raise RuntimeError(f"client process failed: {result['fatal']}")
        return results

    async def each(self, cmd: dict[str, Any], timeout: float) -> list[dict[str, Any]]:
        return await self.all([cmd] * len(self.conns), timeout)

    def stop(self) -> None:
        for conn in self.conns:
            try:
                conn.send({"cmd": "exit"})
            except (OSError, BrokenPipeError):
                pass
        for proc in self.procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)


async def login(base_url: str, password: str) -> str:
    """Log the bench facilitator in over HTTP; return the Cookie header for the console."""
    import aiohttp

    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        async with http.get(f"{base_url}/login") as resp:
            page = await resp.text()
        match = CSRF_RE.search(page)
        if not match:
            raise RuntimeError("no csrf_token in the login form")
        form = {
            "csrf_token": match.group(1) or match.group(2),
            "username": workload.FACILITATOR,
            "password": password,
        }
        async with http.post(f"{base_url}/login", data=form, allow_redirects=False) as resp:
            if resp.status not in (302, 303):
                raise RuntimeError(f"login refused: HTTP {resp.status}")
        return "; ".join(f"{c.key}={c.value}" for c in jar)


class Facilitator:
    #: Least time between two of the console's requests: the server refuses more than 20 events
    #: a second from one socket (docs/protocol.md).
    PACE_S = 1 / 15

    def __init__(self) -> None:
        import socketio

        self.client = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.snapshot: dict[str, Any] | None = None
        self.ready = asyncio.Event()
        #: The last ``floor`` broadcast (the debate), and a wake-up for who waits for one.
        self.floor: dict[str, Any] | None = None
        self.floor_changed = asyncio.Event()
        self.last_call = 0.0

        async def on_snapshot(data: dict[str, Any]) -> None:
            self.snapshot = data
            self.ready.set()

        async def on_floor(data: dict[str, Any]) -> None:
            self.floor = data
            self.floor_changed.set()

        self.client.on("snapshot", on_snapshot)
        self.client.on("floor", on_floor)

    async def connect(self, url: str, cookie: str) -> None:
        await self.client.connect(
            url,
            headers={"Cookie": cookie},
            auth={"code": workload.SESSION_CODE, "role": "console"},
            transports=["websocket"],
            wait_timeout=20,
        )
        await asyncio.wait_for(self.ready.wait(), 20)

    def set_id(self) -> int:
        for s in (self.snapshot or {}).get("sets", []):
            if s.get("key") == workload.SET_KEY:
                return s["id"]
        raise RuntimeError("the console snapshot has no benchmark set")

    async def call(self, event: str, set_id: int) -> dict[str, Any]:
        ack = await self.client.call(event, {"set_id": set_id}, timeout=30)
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"{event} refused: {ack}")
        return ack

    async def request(
        self, event: str, payload: dict[str, Any], errors: Counter[str], latency: list[float]
    ) -> dict[str, Any] | None:
        """One console event, paced (:attr:`PACE_S`): its ack on success (latency noted), else
        None (counted in ``errors``)."""
        await asyncio.sleep(max(0.0, self.last_call + self.PACE_S - time.monotonic()))
        self.last_call = sent = time.monotonic()
        try:
            ack = await self.client.call(event, payload, timeout=30)
        except Exception as exc:  # noqa: BLE001 (counted and reported)
            errors[f"console:{event}:{type(exc).__name__}"] += 1
            return None
        if isinstance(ack, dict) and ack.get("ok"):
            latency.append((time.monotonic() - sent) * 1000)
            return ack
        code = (ack or {}).get("error", {}).get("code", "?") if isinstance(ack, dict) else "?"
        errors[f"console:{event}:refused:{code}"] += 1
        return None

    async def wait_floor(self, speaking_id: int, timeout: float) -> bool:
        """Wait until a ``floor`` broadcast shows the turn ``speaking_id`` under way (the push
        has left the server for every phone)."""
        deadline = time.monotonic() + timeout
        while True:
            speaking = (self.floor or {}).get("speaking") or {}
            if speaking.get("id") == speaking_id:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.floor_changed.clear()
            try:
                await asyncio.wait_for(self.floor_changed.wait(), left)
            except TimeoutError:
                return False


def read_answers(database_url: str) -> list[tuple[str, int, int]]:
    """``(client_id, participant_id, question_id)`` of every stored answer."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT client_id, participant_id, question_id FROM answer"))
            return [tuple(r) for r in rows]
    finally:
        engine.dispose()


def durability(database_url: str, acked: list[str]) -> dict[str, int]:
    """Acknowledged answers missing from the database, and rows beyond one per answer."""
    rows = read_answers(database_url)
    stored = Counter(r[0] for r in rows)
    pairs = {(r[1], r[2]) for r in rows}
    duplicated = (len(rows) - len(pairs)) + sum(n - 1 for n in stored.values() if n > 1)
    return {
        "lost": sum(1 for cid in set(acked) if cid not in stored),
        "duplicated": duplicated,
        "rows": len(rows),
    }


async def run_against(server: Server, opts: Options, echo: bool = True) -> dict[str, Any]:
    """Run the whole workload against a started server; return its figures."""
    logging.getLogger("socketio").setLevel(logging.CRITICAL)
    logging.getLogger("engineio").setLevel(logging.CRITICAL)
    say = Progress(server.name, time.monotonic(), echo)
    run_id = secrets.token_hex(3)  # client ids unique across runs sharing a database
    errors: Counter[str] = Counter()
    counts = [opts.phones // opts.client_procs] * opts.client_procs
    for i in range(opts.phones % opts.client_procs):
        counts[i] += 1
    firsts = [sum(counts[:i]) for i in range(len(counts))]
    workers = Workers(opts.client_procs, opts.seed, opts.client_loop)
    facilitator = Facilitator()
    try:
        cpu_start = server.cpu_seconds()
        wall_start = time.monotonic()
        cookie = await login(server.urls[0], server.password)
        await facilitator.connect(server.urls[0], cookie)
        set_id = facilitator.set_id()
        say(
            f"facilitator connected; connecting {opts.phones} phones "
            f"over {opts.client_procs} client processes"
        )

        budget = 60 + opts.phones / 20
        results = await workers.all(
            [
                {
                    "cmd": "connect",
                    "urls": server.urls,
                    "code": workload.SESSION_CODE,
                    "first": first,
                    "count": count,
                    "wave": opts.wave,
                    "decode_comments": opts.decode_comments,
                }
                for first, count in zip(firsts, counts, strict=True)
            ],
            timeout=budget,
        )
        connected = sum(r["connected"] for r in results)
        connect_ms = [ms for r in results for ms in r["connect_ms"]]
        for r in results:
            errors.update(r["errors"])
        say(
            f"connected {connected}/{opts.phones} "
            f"(connect p50 {_r(percentile(connect_ms, 50))} ms, "
            f"p99 {_r(percentile(connect_ms, 99))} ms)"
        )
        server.check_alive()

        push_ms: list[float] = []
        push_missing = 0
        for round_no in range(1, opts.push_rounds + 1):
            if round_no > 1:
                await facilitator.call("set_close", set_id)
                await asyncio.sleep(1.0)
            sent = time.time()
            await facilitator.call("set_open", set_id)
            results = await workers.each(
                {"cmd": "push", "round": round_no, "timeout": 15}, timeout=30
            )
            this_round = [(t - sent) * 1000 for r in results for t in r["times"]]
            missing = sum(r["missing"] for r in results)
            push_ms += this_round
            push_missing += missing
            say(
                f"push round {round_no}: {len(this_round)} received, "
                f"p50 {_r(percentile(this_round, 50))} ms, "
                f"p99 {_r(percentile(this_round, 99))} ms, missing {missing}"
            )
            await asyncio.sleep(0.5)

        phases: dict[str, dict[str, Any]] = {}
        lost = duplicated = 0
        for phase in ("paced", "burst"):
            seconds = opts.paced_seconds if phase == "paced" else 0.0
            start_at = time.time() + 1.0
            say(
                f"{phase} phase: {connected * len(workload.QUESTIONS)} answers"
                + (f" over {seconds:g} s" if seconds else " at once")
            )
            results = await workers.each(
                {
                    "cmd": "answer",
                    "phase": phase,
                    "start_at": start_at,
                    "seconds": seconds,
                    "ack_timeout": opts.ack_timeout,
                    "comment_rate": opts.comment_rate,
                    "run": run_id,
                },
                timeout=seconds + opts.ack_timeout + 60,
            )
            acked = [cid for r in results for cid in r["acked"]]
            latency = [ms for r in results for ms in r["latency_ms"]]
            for r in results:
                errors.update(r["errors"])
            firsts_sent = [r["first_send"] for r in results if r["first_send"]]
            lasts = [r["last_ack"] for r in results if r["last_ack"]]
            span = (max(lasts) - min(firsts_sent)) if firsts_sent and lasts else None
            check = durability(server.database_url, acked)
            lost += check["lost"]
            duplicated += check["duplicated"]
            phases[phase] = {
                "sent": sum(r["sent"] for r in results),
                "acked": len(acked),
                "p50_ms": _r(percentile(latency, 50)),
                "p95_ms": _r(percentile(latency, 95)),
                "p99_ms": _r(percentile(latency, 99)),
                "max_ms": _r(max(latency, default=None)),
                "span_s": _r(span, 3),
                "acks_per_s": _r(len(acked) / span if span else None),
                **check,
            }
            p = phases[phase]
            say(
                f"{phase}: {p['acked']}/{p['sent']} acked, p50 {p['p50_ms']} ms, "
                f"p99 {p['p99_ms']} ms, {p['acks_per_s']} acks/s, lost {check['lost']}, "
                f"duplicated {check['duplicated']}"
            )
            server.check_alive()

        cpu = server.cpu_seconds() - cpu_start
        elapsed = time.monotonic() - wall_start
        # The debate comes after the figures above, which stay comparable with the baseline's.
        debate = None
        debate_client_cpu = 0.0
        if opts.debate and server.name == "workshop":
            before = await workers.each({"cmd": "cpu"}, timeout=30)
            debate = await run_debate(server, workers, facilitator, opts, run_id, say)
            after = await workers.each({"cmd": "cpu"}, timeout=30)
            debate_client_cpu = sum(r["cpu_s"] for r in after) - sum(r["cpu_s"] for r in before)
            if debate is not None:
                debate["client_cpu_s"] = round(debate_client_cpu, 2)
                errors.update({f"debate:{k}": n for k, n in debate["errors"].items()})
            server.check_alive()
        closing = await workers.each({"cmd": "close"}, timeout=120)
        client_cpu = sum(r["cpu_s"] for r in closing) - debate_client_cpu
        for r in closing:  # unexpected disconnects, seen by the phones at any time
            errors.update(r["errors"])
        await facilitator.client.disconnect()
    finally:
        workers.stop()

    return {
        "server": server.name,
        "setup": server.setup,
        "phones": opts.phones,
        "connected": connected,
        "connect_p50_ms": _r(percentile(connect_ms, 50)),
        "connect_p99_ms": _r(percentile(connect_ms, 99)),
        "push_rounds": opts.push_rounds,
        "push_samples": len(push_ms),
        "push_missing": push_missing,
        "push_p50_ms": _r(percentile(push_ms, 50)),
        "push_p95_ms": _r(percentile(push_ms, 95)),
        "push_p99_ms": _r(percentile(push_ms, 99)),
        "ack_p50_ms": phases["paced"]["p50_ms"],
        "ack_p99_ms": phases["paced"]["p99_ms"],
        "votes_per_s": phases["burst"]["acks_per_s"],
        "burst_ack_p99_ms": phases["burst"]["p99_ms"],
        "lost": lost,
        "duplicated": duplicated,
        "errors": dict(sorted(errors.items())),
        "error_count": sum(errors.values()),
        "server_cpu_s": round(cpu, 2),
        "server_rss_mb": round(server.peak_rss_mb(), 1),
        "client_cpu_s": round(client_cpu, 2),
        "elapsed_s": round(elapsed, 1),
        "phases": phases,
        "debate": debate,
    }
