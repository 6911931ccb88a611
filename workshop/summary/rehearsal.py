"""A rehearsal: N simulated phones (and, by default, the facilitator) drive a running server
through the real Socket.IO protocol (docs/protocol.md), websocket transport.

Phones join with a stakeholder group (``profile``), answer every set that opens with varied
plausible answers, write a few French comments and upvote others' comments. The facilitator
(``console``) opens each question set in turn, waits for the phones, and closes it. With a
``pace`` (seconds per set), the phones' answers are spread over that time and the facilitator
keeps each set open that long, then shows its results for half as long: a rehearsal one can
follow on the projector.

Progress is reported as events (:data:`Report`: a name and its values), which the command line
prints with :func:`describe` and the rehearsal page shows in the user's language.

Only the console's login cookie needs the app (its secret key and database): see
:func:`console_cookie`. The rest is a pure client of the server at ``base_url``.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import socketio

COMMENTS = (
    "Il faut clarifier les rôles de chacun dès le départ.",
    "Les citoyens doivent être associés plus tôt.",
    "Le calendrier est trop serré pour les petites communes.",
    "La confiance se construit dans la durée.",
    "Attention aux moyens humains, souvent sous-estimés.",
    "Une évaluation à mi-parcours serait utile.",
    "Les associations manquent de financement stable.",
    "Le contrat doit rester lisible pour tous.",
    "On gagnerait à partager les données entre partenaires.",
    "La Région devrait jouer un rôle de facilitateur.",
)
OPEN_ANSWERS = (
    "Un comité de pilotage ouvert aux usagers.",
    "Des objectifs chiffrés et partagés.",
    "Plus de transparence sur les budgets.",
    "Un médiateur indépendant en cas de conflit.",
    "Des réunions régulières sur le terrain.",
)
WORDS = (
    "confiance",
    "transparence",
    "dialogue",
    "partenariat",
    "budget",
    "écoute",
    "évaluation",
    "proximité",
    "délais",
    "simplicité",
)

#: How long phones get to answer a set before the facilitator closes it anyway (seconds).
SET_TIMEOUT = 60.0
#: The longest pace a rehearsal accepts (seconds per set).
MAX_PACE = 300.0


def plausible_value(question: dict[str, Any], rng: random.Random) -> Any:
    """A value that fits the question (docs/protocol.md, « value by question kind »),
    with a slight preference for the first options so results are not flat."""
    kind = question["kind"]
    options = question.get("options") or []
    n = len(options)
    if kind == "choice":
        return min(int(rng.triangular(0, n, 0)), n - 1)
    if kind == "multi":
        most = min(question.get("max_choices") or n, n)
        return sorted(rng.sample(range(n), rng.randint(1, most)))
    if kind == "yesno":
        return rng.choices(["yes", "no", "dontknow"], weights=(5, 3, 1))[0]
    if kind == "scale":
        low, high = question["scale_min"], question["scale_max"]
        return round(rng.triangular(low, high, (low + 2 * high) / 3))
    if kind == "rank":
        order = list(range(n))
        rng.shuffle(order)
        return order
    if kind == "words":
        return rng.sample(WORDS, rng.randint(1, min(question.get("max_words") or 3, 3)))
    return None  # open: the answer is the text


def plausible_text(question: dict[str, Any], rng: random.Random) -> str | None:
    if question["kind"] == "open":
        return rng.choice(OPEN_ANSWERS)
    if question.get("allow_comment") and rng.random() < 0.25:
        return rng.choice(COMMENTS)
    return None


@dataclass
class Tally:
    """What happened, for the progress lines and the final report."""

    answers: int = 0
    upvotes: int = 0
    errors: Counter = field(default_factory=Counter)

    def refused(self, ack: Any) -> None:
        code = ack.get("error", {}).get("code") if isinstance(ack, dict) else "no_ack"
        self.errors[code or "unknown"] += 1


class Phone:
    """One simulated participant."""

    def __init__(
        self,
        index: int,
        base_url: str,
        code: str,
        rng: random.Random,
        tally: Tally,
        ticket: str | None = None,
        pace: float = 0.0,
    ) -> None:
        self.index = index
        self.pace = pace  # seconds per set over which this phone spreads its answers
        self.base_url = base_url
        self.code = code
        self.ticket = ticket  # the rehearsal ticket: the server marks the participant
        self.rng = rng
        self.tally = tally
        self.sio = socketio.AsyncClient(reconnection=False)
        self.snapshot: asyncio.Future[dict] | None = None
        self.done: dict[int, asyncio.Event] = {}
        self.seen_closed: set[int] = set()
        self.started: set[int] = set()
        self.comments: dict[int, dict[str, Any]] = {}  # others' comments, by answer id
        self.own_ids: set[int] = set()  # this phone's answers (from the acks)
        self.tasks: set[asyncio.Task] = set()
        self.refusal: Any = None
        self.sio.on("snapshot", self._on_snapshot)
        self.sio.on("question_set", self._on_set)
        self.sio.on("comments", self._on_comments)
        self.sio.on("connect_error", self._on_connect_error)

    async def _on_connect_error(self, data: Any = None) -> None:
        self.refusal = data

    async def join(self) -> None:
        self.snapshot = asyncio.get_running_loop().create_future()
        auth = {"code": self.code, "role": "participant"}
        if self.ticket:
            auth["rehearsal"] = self.ticket
        await _connect(self.sio, "phone", lambda: self.refusal, self.base_url, auth=auth)
        snapshot = await asyncio.wait_for(self.snapshot, 15)
        groups = [g["key"] for g in snapshot.get("groups", [])]
        profile = {"pseudonym": None, "group": self.rng.choice(groups) if groups else None}
        ack = await self.sio.call("profile", profile, timeout=15)
        if not ack.get("ok"):
            self.tally.refused(ack)
        if snapshot.get("open_set"):
            await self._on_set(snapshot["open_set"])

    async def _on_snapshot(self, data: dict) -> None:
        if self.snapshot is not None and not self.snapshot.done():
            self.snapshot.set_result(data)

    async def _on_comments(self, data: dict) -> None:
        """The batched ``comments`` event: keep the others' visible comments."""
        for comment in data.get("changed", []):
            if comment["id"] not in self.own_ids:
                self.comments[comment["id"]] = comment
        for removed in data.get("removed", []):
            self.comments.pop(removed["id"], None)

    async def _on_set(self, qset: dict) -> None:
        event = self.done.setdefault(qset["id"], asyncio.Event())
        if qset["state"] == "closed":
            self.seen_closed.add(qset["id"])
        if qset["state"] != "open" or qset["id"] in self.started:
            return
        self.started.add(qset["id"])
        task = asyncio.create_task(self._answer_set(qset, event))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _answer_set(self, qset: dict, event: asyncio.Event) -> None:
        try:
            questions = qset["questions"]
            spread = self.pace * 0.8 / max(len(questions), 1)
            for question in questions:
                # reading, thumbs; with a pace, the room's answers trickle in over the set
                await asyncio.sleep(self.rng.uniform(0.05, 0.4) + self.rng.uniform(0, spread))
                await self._answer(question)
            await self._upvote(qset)
        finally:
            event.set()

    async def _answer(self, question: dict) -> None:
        text = plausible_text(question, self.rng)
        payload = {
            "client_id": f"rh{self.index:04d}-{question['id']}-{self.rng.randrange(10**6):06d}",
            "question_id": question["id"],
            "value": plausible_value(question, self.rng),
            "text": text,
        }
        ack = await self.sio.call("answer", payload, timeout=20)
        if ack.get("ok"):
            self.tally.answers += 1
            self.own_ids.add(ack["answer"]["id"])
        else:
            self.tally.refused(ack)

    async def _upvote(self, qset: dict) -> None:
        ids = {q["id"] for q in qset["questions"]}
        candidates = [c["id"] for c in self.comments.values() if c["question_id"] in ids]
        for answer_id in self.rng.sample(candidates, min(len(candidates), self.rng.randint(0, 2))):
            ack = await self.sio.call("upvote", {"answer_id": answer_id, "up": True}, timeout=20)
            if ack.get("ok"):
                self.tally.upvotes += 1
            elif ack.get("error", {}).get("code") != "own_comment":
                self.tally.refused(ack)

    async def wait_set(self, set_id: int, timeout: float) -> None:
        event = self.done.setdefault(set_id, asyncio.Event())
        await asyncio.wait_for(event.wait(), timeout)

    async def leave(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await self.sio.disconnect()


class Console:
    """The facilitator's console, logged in with a session cookie."""

    def __init__(self, base_url: str, code: str, cookie: str) -> None:
        self.base_url = base_url
        self.code = code
        self.cookie = cookie
        self.sio = socketio.AsyncClient(reconnection=False)
        self.snapshot: asyncio.Future[dict] | None = None
        self.refusal: Any = None
        self.sio.on("snapshot", self._on_snapshot)
        self.sio.on("connect_error", self._on_connect_error)

    async def _on_connect_error(self, data: Any = None) -> None:
        self.refusal = data

    async def _on_snapshot(self, data: dict) -> None:
        if self.snapshot is not None and not self.snapshot.done():
            self.snapshot.set_result(data)

    async def join(self) -> list[dict]:
        self.snapshot = asyncio.get_running_loop().create_future()
        await _connect(
            self.sio,
            "console",
            lambda: self.refusal,
            self.base_url,
            auth={"code": self.code, "role": "console"},
            headers={"Cookie": self.cookie},
        )
        snapshot = await asyncio.wait_for(self.snapshot, 15)
        return snapshot["sets"]

    async def command(self, event: str, payload: dict) -> dict:
        ack = await self.sio.call(event, payload, timeout=20)
        if not ack.get("ok"):
            error = ack.get("error", {})
            raise RuntimeError(f"{event}: {error.get('code')} {error.get('message')}")
        return ack

    async def leave(self) -> None:
        await self.sio.disconnect()


async def _connect(
    sio: socketio.AsyncClient,
    who: str,
    refusal: Callable[[], Any],
    base_url: str,
    **options: Any,
) -> None:
    """Connect over websocket; a refusal says the server's error code and message (a wrong
    secret key shows as an invalid rehearsal ticket) instead of python-socketio's « One or more
    namespaces failed to connect »."""
    try:
        await sio.connect(base_url, transports=["websocket"], wait_timeout=15, **options)
    except socketio.exceptions.ConnectionError as exc:
        data = refusal()
        error = data.get("data") or data if isinstance(data, dict) else None
        if isinstance(error, dict) and error.get("code"):
            raise RuntimeError(
                f"the server refused the {who}: {error['code']} ({error.get('message', '')})"
            ) from None
        raise RuntimeError(f"the {who} could not connect to {base_url}: {exc}") from None


#: ``report(event, **values)``: ``joined`` (joined, total), ``console`` (sets), ``opened``
#: (number, total, title), ``closed`` (number, total, answers, late), ``revealed`` (number,
#: total), ``waiting`` (), ``progress`` (answers, closed, total).
Report = Callable[..., None]


def describe(event: str, values: dict[str, Any]) -> str:
    """An event of the rehearsal in English, for the command line."""
    v = values
    lines = {
        "joined": lambda: f"phones joined: {v['joined']}/{v['total']}",
        "console": lambda: f"console connected; {v['sets']} question set(s)",
        "opened": lambda: f"[{v['number']}/{v['total']}] opened « {v['title']} »",
        "closed": lambda: (
            f"[{v['number']}/{v['total']}] closed: {v['answers']} answer(s)"
            + (f", {v['late']} phone(s) too slow" if v["late"] else "")
        ),
        "revealed": lambda: f"[{v['number']}/{v['total']}] results shown on the projector",
        "waiting": lambda: "waiting for the facilitator to open question sets (Ctrl+C to stop)",
        "progress": lambda: (
            f"answers so far: {v['answers']}; sets closed: {v['closed']}/{v['total']}"
        ),
    }
    return lines[event]() if event in lines else f"{event}: {v}"


def _print(event: str, **values: Any) -> None:
    print(describe(event, values))


async def rehearse(
    base_url: str,
    code: str,
    participants: int,
    *,
    console_cookie: str | None,
    set_count: int,
    report: Report = _print,
    seed: int | None = None,
    set_timeout: float = SET_TIMEOUT,
    ticket: str | None = None,
    pace: float = 0.0,
) -> Tally:
    """Run a rehearsal; ``console_cookie`` None leaves facilitating to a human (answer-only):
    the phones then answer whatever opens until ``set_count`` sets have been seen closed.
    ``ticket`` (workshop/rehearsals/tickets.py) makes the server mark the phones' participants
    as rehearsal ones (left out of the summary and exports). ``pace``: seconds each set stays
    open (0: as short as the phones allow), its results then shown for half as long."""
    rng = random.Random(seed)  # noqa: S311  (simulated answers, not secrets)
    tally = Tally()
    phones = [
        Phone(i, base_url, code, random.Random(rng.random()), tally, ticket, pace)  # noqa: S311
        for i in range(participants)
    ]
    console = Console(base_url, code, console_cookie) if console_cookie else None
    try:
        await _join_all(phones, report)
        if console is not None:
            await _facilitate(console, phones, report, tally, max(set_timeout, pace), pace)
        else:
            await _follow(phones, set_count, report, tally)
    finally:
        await asyncio.gather(*(p.leave() for p in phones), return_exceptions=True)
        if console is not None:
            await console.leave()
    return tally


async def _join_all(phones: list[Phone], report: Report) -> None:
    joined = 0
    batch = 10  # a room does not arrive in the same millisecond
    for start in range(0, len(phones), batch):
        await asyncio.gather(*(p.join() for p in phones[start : start + batch]))
        joined += len(phones[start : start + batch])
        report("joined", joined=joined, total=len(phones))


async def _facilitate(
    console: Console,
    phones: list[Phone],
    report: Report,
    tally: Tally,
    set_timeout: float,
    pace: float = 0.0,
) -> None:
    sets = await console.join()
    report("console", sets=len(sets))
    loop = asyncio.get_running_loop()
    for number, qset in enumerate(sets, start=1):
        where = {"number": number, "total": len(sets)}
        before = tally.answers
        await console.command("set_open", {"set_id": qset["id"]})
        opened = loop.time()
        report("opened", title=qset["title"], **where)
        waits = [p.wait_set(qset["id"], set_timeout) for p in phones]
        results = await asyncio.gather(*waits, return_exceptions=True)
        late = sum(isinstance(r, Exception) for r in results)
        await asyncio.sleep(max(0.0, pace - (loop.time() - opened)))
        await console.command("set_close", {"set_id": qset["id"]})
        report("closed", answers=tally.answers - before, late=late, **where)
        if pace:
            await console.command("set_reveal", {"set_id": qset["id"], "revealed": True})
            report("revealed", **where)
            await asyncio.sleep(pace / 2)


async def _follow(phones: list[Phone], set_count: int, report: Report, tally: Tally) -> None:
    report("waiting")
    last = -1
    while True:
        closed = set().union(*(p.seen_closed for p in phones))
        if len(closed) >= set_count:
            return
        if tally.answers != last:
            last = tally.answers
            report("progress", answers=tally.answers, closed=len(closed), total=set_count)
        await asyncio.sleep(1.0)
