"""A client worker process: one asyncio loop driving many phones (``socketio.AsyncClient``s over
websocket), commanded by the coordinator through a pipe.

Commands (dicts with ``cmd``), each answered with one dict:

``connect``  connect ``count`` phones in waves; wait for each one's ``snapshot``.
``push``     wait until every live phone has received its ``round``-th open ``question_set``;
             reply with the wall-clock receipt times (``time.time()``, compared with the
             facilitator's send time in the coordinator: same machine, same clock).
``answer``   from the shared wall-clock ``start_at``, every phone answers every question of the
             open set: ``paced`` at uniformly random moments over ``seconds``, ``burst`` all at
             once. Ack latencies are measured with ``time.monotonic()`` in this process.
``close``    disconnect every phone; report unexpected disconnects and this process's CPU time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import resource
import time
from collections import Counter
from typing import Any

FD_LIMIT = 65536


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, FD_LIMIT) if hard != resource.RLIM_INFINITY else FD_LIMIT
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _error_name(exc: BaseException) -> str:
    return type(exc).__name__


class SkipComments:
    """The json module as the phones use it by default: a ``comments`` event is read off the
    websocket like any other frame, but not JSON-decoded.

    Every comment reaches every phone: at 2,000 phones and 600 comments in the paced phase,
    1.2 million comment objects to decode, which a real room spreads over 2,000 phones' CPUs.
    Here the phones share the server's two cores: decoding them took more CPU than the server
    itself and its queueing was read as server latency (docs/performance.md). The server's
    work (reading, encoding, one frame per phone) is unchanged; ``--decode-comments`` puts the
    decoding back."""

    dumps = staticmethod(json.dumps)

    @staticmethod
    def loads(text: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if isinstance(text, str) and text.startswith('["comments",'):
            return ["comments", None]
        return json.loads(text, *args, **kwargs)


class Phone:
    def __init__(
        self, worker: Any, index: int, http_session: Any, decode_comments: bool = False
    ) -> None:
        import socketio

        self.worker = worker
        self.index = index
        # The standard json module: python-engineio's default wraps it with a Python hook per
        # integer parsed (a guard against huge numbers from untrusted peers), a fifth of this
        # load generator's CPU, which shares the cores with the server it measures.
        self.client = socketio.AsyncClient(
            reconnection=False,
            http_session=http_session,
            handle_sigint=False,
            json=json if decode_comments else SkipComments,
        )
        self.ready = asyncio.Event()
        self.token: str | None = None
        self.questions: list[dict[str, Any]] = []
        self.opens: list[float] = []
        self.live = False
        self.closing = False
        self.client.on("snapshot", self.on_snapshot)
        self.client.on("question_set", self.on_question_set)
        self.client.on("disconnect", self.on_disconnect)
        # ``comments``, ``results``, ``agenda``…: not handled, so python-socketio drops them
        # after decoding (a phone's cost of receiving them, no Python handler on top).

    async def on_snapshot(self, data: dict[str, Any]) -> None:
        self.token = data.get("token")
        open_set = data.get("open_set")
        if open_set and open_set.get("state") == "open":
            self.questions = open_set["questions"]
        self.ready.set()

    async def on_question_set(self, data: dict[str, Any]) -> None:
        if data.get("state") != "open":
            return
        received = time.time()
        self.opens.append(received)
        self.questions = data.get("questions") or self.questions
        self.worker.opened(len(self.opens))

    async def on_disconnect(self, *args: Any) -> None:
        if self.live and not self.closing:
            self.worker.errors["unexpected_disconnect"] += 1
        if self.live:
            self.worker.live_count -= 1
        self.live = False

    async def connect(self, url: str, code: str, timeout: float) -> float:
        started = time.monotonic()
        await self.client.connect(
            url,
            auth={"code": code, "role": "participant"},
            transports=["websocket"],
            wait_timeout=timeout,
        )
        await asyncio.wait_for(self.ready.wait(), timeout)
        self.live = True
        self.worker.live_count += 1
        return (time.monotonic() - started) * 1000


class Worker:
    def __init__(self, index: int, seed: int) -> None:
        self.index = index
        self.rng = random.Random(seed * 1000 + index)
        self.phones: list[Phone] = []
        self.errors: Counter[str] = Counter()
        self.round_counts: Counter[int] = Counter()
        self.round_done: dict[int, asyncio.Event] = {}
        self.http_session: Any = None
        # Kept up to date by the phones: ``opened`` runs once per phone per push, and counting
        # the live phones there made each push quadratic in this process's phones.
        self.live_count = 0

    def live_phones(self) -> list[Phone]:
        return [p for p in self.phones if p.live]

    def opened(self, round_no: int) -> None:
        self.round_counts[round_no] += 1
        event = self.round_done.get(round_no)
        if event and self.round_counts[round_no] >= self.live_count:
            event.set()

    async def connect(self, cmd: dict[str, Any]) -> dict[str, Any]:
        import aiohttp

        if self.http_session is None:
            self.http_session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        urls, code, timeout = cmd["urls"], cmd["code"], cmd.get("timeout", 20.0)
        first, count, wave = cmd["first"], cmd["count"], cmd.get("wave", 50)
        decode = bool(cmd.get("decode_comments"))
        connect_ms: list[float] = []
        errors: Counter[str] = Counter()

        async def one(phone: Phone) -> None:
            try:
                url = urls[phone.index % len(urls)]
                connect_ms.append(await phone.connect(url, code, timeout))
            except Exception as exc:  # noqa: BLE001 (counted and reported)
                errors[f"connect:{_error_name(exc)}"] += 1

        for start in range(0, count, wave):
            batch = [
                Phone(self, first + i, self.http_session, decode)
                for i in range(start, min(count, start + wave))
            ]
            self.phones.extend(batch)
            await asyncio.gather(*(one(p) for p in batch))
            await asyncio.sleep(cmd.get("pause", 0.05))
        return {"connected": len(self.live_phones()), "connect_ms": connect_ms, "errors": errors}

    async def push(self, cmd: dict[str, Any]) -> dict[str, Any]:
        round_no = cmd["round"]
        event = self.round_done.setdefault(round_no, asyncio.Event())
        if self.round_counts[round_no] >= self.live_count:
            event.set()
        try:
            await asyncio.wait_for(event.wait(), cmd.get("timeout", 15.0))
        except TimeoutError:
            pass
        times = [p.opens[round_no - 1] for p in self.phones if len(p.opens) >= round_no]
        return {"times": times, "missing": len(self.live_phones()) - len(times)}

    async def answer(self, cmd: dict[str, Any]) -> dict[str, Any]:
        phase, seconds = cmd["phase"], cmd.get("seconds", 0.0)
        ack_timeout = cmd.get("ack_timeout", 60.0)
        from .workload import COMMENT_RATE, answer_value

        start_mono = time.monotonic() + (cmd["start_at"] - time.time())
        acked: list[str] = []
        latencies: list[float] = []
        errors: Counter[str] = Counter()
        first_send: list[float] = []
        last_ack: list[float] = []

        async def send(phone: Phone, question: dict[str, Any], delay: float) -> None:
            await asyncio.sleep(max(0.0, start_mono + delay - time.monotonic()))
            value, text = answer_value(question, self.rng, cmd.get("comment_rate", COMMENT_RATE))
            client_id = f"{phase}-{cmd['run']}-{phone.index}-{question['id']}"
            payload = {
                "client_id": client_id,
                "question_id": question["id"],
                "value": value,
                "text": text,
            }
            first_send.append(time.time())
            sent = time.monotonic()
            try:
                ack = await phone.client.call("answer", payload, timeout=ack_timeout)
            except Exception as exc:  # noqa: BLE001 (counted and reported)
                errors[f"{phase}:{_error_name(exc)}"] += 1
                return
            elapsed = (time.monotonic() - sent) * 1000
            if isinstance(ack, dict) and ack.get("ok"):
                acked.append(client_id)
                latencies.append(elapsed)
                last_ack.append(time.time())
            else:
                code = (
                    (ack or {}).get("error", {}).get("code", "?") if isinstance(ack, dict) else "?"
                )
                errors[f"{phase}:refused:{code}"] += 1

        tasks = []
        for phone in self.live_phones():
            if not phone.questions:
                errors[f"{phase}:no_questions"] += 1
                continue
            for question in phone.questions:
                delay = self.rng.uniform(0, seconds) if phase == "paced" else 0.0
                tasks.append(send(phone, question, delay))
        await asyncio.gather(*tasks)
        return {
            "sent": len(first_send),
            "acked": acked,
            "latency_ms": latencies,
            "errors": errors,
            "first_send": min(first_send, default=None),
            "last_ack": max(last_ack, default=None),
        }

    async def close(self, cmd: dict[str, Any]) -> dict[str, Any]:
        for phone in self.phones:
            phone.closing = True
        phones = self.phones
        for start in range(0, len(phones), 200):
            await asyncio.gather(
                *(p.client.disconnect() for p in phones[start : start + 200]),
                return_exceptions=True,
            )
        if self.http_session is not None:
            await self.http_session.close()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {"errors": dict(self.errors), "cpu_s": usage.ru_utime + usage.ru_stime}


async def _serve(conn: Any, worker: Worker) -> None:
    loop = asyncio.get_running_loop()
    while True:
        cmd = await loop.run_in_executor(None, conn.recv)
        if cmd["cmd"] == "exit":
            return
        try:
            result = await getattr(worker, cmd["cmd"])(cmd)
        except Exception as exc:  # noqa: BLE001 (sent back to the coordinator)
            result = {"fatal": f"{_error_name(exc)}: {exc}"}
        conn.send(result)


class _CountingHandler(logging.Handler):
    """Client library errors (e.g. "packet queue is empty, aborting") are counted, not printed."""

    def __init__(self, errors: Counter[str]) -> None:
        super().__init__(logging.ERROR)
        self.errors = errors

    def emit(self, record: logging.LogRecord) -> None:
        self.errors[f"client_log:{record.getMessage()[:60]}"] += 1


def event_loop_name(wanted: str = "auto") -> str:
    """The event loop the client processes run: uvloop when installed (``auto``), else asyncio.

    The clients share the two cores with the server they measure: uvloop's timers, tasks and
    socket reads cost a fraction of asyncio's pure-Python ones, and every phone's receipt of a
    push waits for its process to get round to it."""
    if wanted == "asyncio":
        return "asyncio"
    try:
        import uvloop  # noqa: F401
    except ImportError:
        if wanted == "uvloop":
            raise
        return "asyncio"
    return "uvloop"


def worker_main(conn: Any, index: int, seed: int, loop: str = "asyncio") -> None:
    """Entry point of a client process (``multiprocessing``, spawn)."""
    raise_fd_limit()
    worker = Worker(index, seed)
    counter = _CountingHandler(worker.errors)
    for name in ("socketio.client", "engineio.client"):
        log = logging.getLogger(name)
        log.setLevel(logging.ERROR)
        log.addHandler(counter)
        log.propagate = False
    try:
        if loop == "uvloop":
            import uvloop

            uvloop.run(_serve(conn, worker))
        else:
            asyncio.run(_serve(conn, worker))
    except KeyboardInterrupt:
        pass
    finally:
        conn.close()
