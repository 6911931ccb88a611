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
``cpu``      this process's CPU time so far.

The debate (bench/debate.py; every phone named by its global ``index``, each process acting on
its own): ``floor_ask`` (requests for the floor, some withdrawn), ``qa_ask`` (room questions),
``debate_load`` (supports of the room's questions, some taken back, and the probes: supports of
questions nobody else supports, whose ``qa`` push each phone times), ``debate_wait`` (until every
live phone has seen the given turns and the probes, or a timeout: their receipt times).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import resource
import time
from collections import Counter
from typing import Any

from .workload import WORDS

FD_LIMIT = 65536


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, FD_LIMIT) if hard != resource.RLIM_INFINITY else FD_LIMIT
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _error_name(exc: BaseException) -> str:
    return type(exc).__name__


#: The ``qa`` batches the phones decode by default: those that mention a probe question (set by
#: ``debate_load``; None: none). Process-wide, like the json module of python-socketio's packets.
QA_WATCH: re.Pattern[str] | None = None


def watch_qa(ids: list[int]) -> None:
    global QA_WATCH
    ids_re = "|".join(str(i) for i in ids)
    QA_WATCH = re.compile(rf'"id":\s*(?:{ids_re})\b') if ids else None


class SkipComments:
    """The json module as the phones use it by default: a ``comments`` event is read off the
    websocket like any other frame, but not JSON-decoded; nor is a ``qa`` batch of the room's
    questions, unless it mentions a probe question of the debate (:data:`QA_WATCH`).

    Every comment reaches every phone: at 2,000 phones and 600 comments in the paced phase,
    1.2 million comment objects to decode, which a real room spreads over 2,000 phones' CPUs.
    Here the phones share the server's two cores: decoding them took more CPU than the server
    itself and its queueing was read as server latency (docs/performance.md). The server's
    work (reading, encoding, one frame per phone) is unchanged; ``--decode-comments`` puts the
    decoding back. A ``qa`` batch at 1,000 phones supporting questions is up to ~100 questions
    (~20 KB) every 0.5 s to every phone: the same reasoning."""

    dumps = staticmethod(json.dumps)

    @staticmethod
    def loads(text: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if isinstance(text, str):
            if text.startswith('["comments",'):
                return ["comments", None]
            if text.startswith('["qa",') and (QA_WATCH is None or not QA_WATCH.search(text)):
                return ["qa", None]
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
        #: When this phone first saw each turn (request id) under way, and each watched question
        #: with a support (``time.time()``).
        self.floor_seen: dict[int, float] = {}
        self.qa_seen: dict[int, float] = {}
        self.client.on("snapshot", self.on_snapshot)
        self.client.on("question_set", self.on_question_set)
        self.client.on("floor", self.on_floor)
        self.client.on("qa", self.on_qa)
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

    async def on_floor(self, data: dict[str, Any] | None) -> None:
        speaking = (data or {}).get("speaking")
        if speaking and speaking.get("id") not in self.floor_seen:
            self.floor_seen[speaking["id"]] = time.time()

    async def on_qa(self, data: dict[str, Any] | None) -> None:
        watched = self.worker.qa_watch
        if not data or not watched:
            return
        for question in data.get("changed") or ():
            qa_id = question.get("id")
            if qa_id in watched and qa_id not in self.qa_seen and question.get("support", 0) >= 1:
                self.qa_seen[qa_id] = time.time()

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
        #: The probe questions the phones time (``debate_load``).
        self.qa_watch: set[int] = set()

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

    # --- the debate (bench/debate.py) ------------------------------------------------------------

    def mine(self, indexes: list[int]) -> list[Phone]:
        """This process's live phones among the global ``indexes``."""
        wanted = set(indexes)
        found = [p for p in self.phones if p.index in wanted]
        return [p for p in found if p.live]

    async def call(
        self,
        phone: Phone,
        event: str,
        payload: dict[str, Any],
        timeout: float,
        errors: Counter[str],
        latency: dict[str, list[float]],
    ) -> dict[str, Any] | None:
        """One acknowledged event; its ack on success (latency noted), else None (counted)."""
        sent = time.monotonic()
        try:
            ack = await phone.client.call(event, payload, timeout=timeout)
        except Exception as exc:  # noqa: BLE001 (counted and reported)
            errors[f"{event}:{_error_name(exc)}"] += 1
            return None
        if isinstance(ack, dict) and ack.get("ok"):
            latency.setdefault(event, []).append((time.monotonic() - sent) * 1000)
            return ack
        code = (ack or {}).get("error", {}).get("code", "?") if isinstance(ack, dict) else "?"
        errors[f"{event}:refused:{code}"] += 1
        return None

    def _at(self, cmd: dict[str, Any]) -> float:
        """The monotonic instant of the command's wall-clock ``start_at``."""
        return time.monotonic() + (cmd["start_at"] - time.time())

    async def floor_ask(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """The ``requesters`` ask for the floor at random moments over ``seconds``; the
        ``withdraw`` ones withdraw a moment after their ack."""
        start, timeout = self._at(cmd), cmd.get("ack_timeout", 60.0)
        withdraw = set(cmd["withdraw"])
        errors: Counter[str] = Counter()
        latency: dict[str, list[float]] = {}
        requested: list[dict[str, Any]] = []
        withdrawn: list[int] = []

        async def one(phone: Phone) -> None:
            await asyncio.sleep(
                max(0.0, start + self.rng.uniform(0, cmd["seconds"]) - time.monotonic())
            )
            payload = {"name": f"Tél. {phone.index}"}
            ack = await self.call(phone, "floor_request", payload, timeout, errors, latency)
            if ack is None:
                return
            request = ack["request"]
            requested.append({"index": phone.index, "id": request["id"], "place": ack["place"]})
            if phone.index not in withdraw:
                return
            await asyncio.sleep(self.rng.uniform(0.1, 0.5))
            ack = await self.call(phone, "floor_withdraw", {}, timeout, errors, latency)
            if ack is None:
                return
            if (ack.get("request") or {}).get("state") == "withdrawn":
                withdrawn.append(request["id"])
            else:
                errors["floor_withdraw:not_withdrawn"] += 1

        phones = self.mine(cmd["requesters"])
        await asyncio.gather(*(one(p) for p in phones))
        return {
            "requested": requested,
            "withdrawn": withdrawn,
            "latency_ms": latency,
            "errors": errors,
        }

    async def qa_ask(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """The ``askers`` put one question each to the room, at random moments over
        ``seconds``."""
        start, timeout = self._at(cmd), cmd.get("ack_timeout", 60.0)
        errors: Counter[str] = Counter()
        latency: dict[str, list[float]] = {}
        asked: list[dict[str, Any]] = []

        async def one(phone: Phone) -> None:
            await asyncio.sleep(
                max(0.0, start + self.rng.uniform(0, cmd["seconds"]) - time.monotonic())
            )
            word = self.rng.choice(WORDS)
            payload = {
                "client_id": f"qa-{cmd['run']}-{cmd['round']}-{phone.index}",
                "text": f"Question {phone.index} : comment garantir {word} dans le partenariat ?",
            }
            ack = await self.call(phone, "qa_ask", payload, timeout, errors, latency)
            if ack is not None:
                qa = ack["qa"]
                asked.append({"index": phone.index, "id": qa["id"], "status": qa["status"]})

        await asyncio.gather(*(one(p) for p in self.mine(cmd["askers"])))
        return {"asked": asked, "latency_ms": latency, "errors": errors}

    async def debate_load(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """Every live phone supports ``per_phone`` of the ``supportable`` questions (``[id,
        author index]``, never its own) at random moments over ``seconds``; a share of them
        take one support back a moment after its ack. The ``prober`` supports each probe
        question (``[id, offset s]``) at its moment; every phone notes when it first sees the
        probes with a support."""
        start, timeout = self._at(cmd), cmd.get("ack_timeout", 60.0)
        errors: Counter[str] = Counter()
        latency: dict[str, list[float]] = {}
        supports: list[tuple[int, int, bool, int]] = []
        probes: list[dict[str, Any]] = []
        self.qa_watch = {qa_id for qa_id, _offset in cmd["probes"]}
        watch_qa(sorted(self.qa_watch))

        async def support(phone: Phone, qa_id: int, up: bool, at: float) -> bool:
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            payload = {"qa_id": qa_id, "up": up}
            ack = await self.call(phone, "qa_support", payload, timeout, errors, latency)
            if ack is None:
                return False
            supports.append((phone.index, qa_id, up, ack["support"]))
            return True

        async def one(phone: Phone) -> None:
            candidates = [q for q, author in cmd["supportable"] if author != phone.index]
            chosen = self.rng.sample(candidates, min(cmd["per_phone"], len(candidates)))
            back = chosen[0] if chosen and self.rng.random() < cmd["unsupport_share"] else None

            async def each(qa_id: int) -> None:
                at = start + self.rng.uniform(0, cmd["seconds"])
                if await support(phone, qa_id, True, at) and qa_id == back:
                    await support(phone, qa_id, False, time.monotonic() + self.rng.uniform(0.2, 1))

            await asyncio.gather(*(each(q) for q in chosen))

        async def probe(phone: Phone, qa_id: int, offset: float) -> None:
            await asyncio.sleep(max(0.0, start + offset - time.monotonic()))
            ack = await self.call(
                phone, "qa_support", {"qa_id": qa_id, "up": True}, timeout, errors, latency
            )
            if ack is not None:
                acked_at = time.time()
                supports.append((phone.index, qa_id, True, ack["support"]))
                probes.append({"qa_id": qa_id, "acked_at": acked_at, "support": ack["support"]})

        tasks = [one(p) for p in self.live_phones()]
        for prober in self.mine([cmd["prober"]]):
            tasks += [probe(prober, qa_id, offset) for qa_id, offset in cmd["probes"]]
        await asyncio.gather(*tasks)
        return {"supports": supports, "probes": probes, "latency_ms": latency, "errors": errors}

    async def debate_wait(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """Wait (at most ``timeout`` s) until every live phone has seen each turn of
        ``floor_ids`` under way and each probe of ``qa_ids`` supported; their receipt times."""
        floor_ids, qa_ids = cmd["floor_ids"], cmd["qa_ids"]

        def seen_all(phone: Phone) -> bool:
            return all(i in phone.floor_seen for i in floor_ids) and all(
                i in phone.qa_seen for i in qa_ids
            )

        deadline = time.monotonic() + cmd.get("timeout", 15.0)
        while time.monotonic() < deadline and not all(seen_all(p) for p in self.live_phones()):
            await asyncio.sleep(0.05)
        phones = self.live_phones()
        floor = {i: [p.floor_seen[i] for p in phones if i in p.floor_seen] for i in floor_ids}
        qa = {i: [p.qa_seen[i] for p in phones if i in p.qa_seen] for i in qa_ids}
        self.qa_watch = set()
        watch_qa([])
        return {
            "floor": floor,
            "qa": qa,
            "missing_floor": sum(len(phones) - len(t) for t in floor.values()),
            "missing_qa": sum(len(phones) - len(t) for t in qa.values()),
        }

    async def cpu(self, cmd: dict[str, Any]) -> dict[str, Any]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {"cpu_s": usage.ru_utime + usage.ru_stime}

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
