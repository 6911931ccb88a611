"""``python -m bench snapshot``: the server's cost of one socket's snapshot, part by part.

Every phone that connects (or reconnects: a Wi-Fi drop in a room of hundreds) gets a snapshot
(services/live/snapshots.py). This measures, in-process on a temporary SQLite database with the
shipped Namur workshop loaded, the milliseconds of CPU per call of each part: the whole
participant snapshot (a phone just created, and one that comes back), the debate's part
(services/debate ``snapshot_part``) and its two views, and the projector's snapshot. With
``--debate`` the first testimony is under way with a queue for the floor and the room's questions
supported, as during the debate; without, the debate is empty, as before it.

Each call starts from a fresh database session (as each socket event does), minus the cost of
opening one; the figures are the median of ``--repeat`` rounds of ``--calls`` calls.
"""

from __future__ import annotations

import secrets
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .servers import REPO

NAMUR = REPO / "sessions" / "namur-2008-12-03-contractualisation.yaml"
PROGRAMME = REPO / "sessions" / "gouvernance-2008.yaml"


def _app(folder: Path):
    from workshop import create_app
    from workshop.extensions import db

    app = create_app(
        {
            "INSTANCE_PATH": str(folder),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "SOCKETIO_ASYNC_MODE": "threading",
        }
    )
    with app.app_context():
        db.create_all()
    done = app.test_cli_runner().invoke(args=["load", str(PROGRAMME), str(NAMUR)])
    if done.exit_code:
        raise RuntimeError(f"workshop load failed:\n{done.output}")
    return app


def _seed_debate(session_id: int, people: list[int], requests: int, questions: int) -> None:
    """The first testimony under way, ``requests`` phones in the queue for the floor (one
    speaking), ``questions`` questions each supported by a few others."""
    from workshop.services import debate
    from workshop.services.live import agenda_goto

    agenda_goto(session_id, 3)
    for pid in people[:requests]:
        debate.request_floor(session_id, pid)
    debate.give_floor(session_id)
    asked = [
        debate.ask(session_id, pid, client_id=uuid.uuid4().hex, text=f"Question {n} de la salle ?")
        for n, pid in enumerate(people[requests : requests + questions])
    ]
    for n, question in enumerate(asked):
        for pid in people[: 1 + n % 5]:
            debate.support(session_id, pid, question["id"], True)


def _per_call(calls: int, repeat: int, fn: Callable[[], Any]) -> float:
    """Median ms of CPU per call of ``fn`` after a fresh database session, that session's own
    cost taken off."""
    from sqlalchemy import select

    from workshop.extensions import db

    def rounds(body: Callable[[], Any]) -> list[float]:
        out = []
        for _ in range(repeat):
            start = time.process_time()
            for _ in range(calls):
                db.session.remove()
                db.session.execute(select(1))
                body()
            out.append((time.process_time() - start) * 1000 / calls)
        return out

    rounds(fn)  # warm the statement caches
    empty = statistics.median(rounds(lambda: None))
    return max(0.0, statistics.median(rounds(fn)) - empty)


def measure(calls: int = 300, repeat: int = 5, with_debate: bool = False) -> dict[str, Any]:
    """``{"parts": {name: ms per call}, "queries": {name: count}, "debate": bool}``."""
    from sqlalchemy import event, select

    from workshop.extensions import db
    from workshop.models import Participant, Session
    from workshop.services import debate
    from workshop.services.debate import floor, qa
    from workshop.services.live.snapshots import snapshot

    with tempfile.TemporaryDirectory(prefix="bench-snapshot-") as tmp:
        app = _app(Path(tmp))
        with app.app_context():
            session = db.session.scalars(
                select(Session).where(Session.slug == "namur-2008-12-03-contractualisation")
            ).one()
            sid = session.id
            people = [Participant(session_id=sid, token=secrets.token_hex(16)) for _ in range(80)]
            db.session.add_all(people)
            db.session.commit()
            ids = [p.id for p in people]
            if with_debate:
                _seed_debate(sid, ids, requests=20, questions=50)
            known = ids[-1]
            parts: dict[str, Callable[[], Any]] = {
                "participant snapshot, new phone": lambda: snapshot(
                    "participant", sid, participant_id=known, new_participant=True
                ),
                "participant snapshot, phone back": lambda: snapshot(
                    "participant", sid, participant_id=known
                ),
                "debate part, phone back": lambda: debate.snapshot_part("participant", sid, known),
                "floor view": lambda: floor.floor_view(sid),
                "questions (phone)": lambda: qa.qa_snapshot(sid, "participant", known),
                "screen snapshot": lambda: snapshot("screen", sid),
            }
            queries: dict[str, int] = {}
            count = {"n": 0}

            def counted(*_args: Any, **_kwargs: Any) -> None:
                count["n"] += 1

            event.listen(db.engine, "before_cursor_execute", counted)
            for name, fn in parts.items():
                fn()  # the room's shared view cached, as for every phone but the first
                db.session.remove()
                count["n"] = 0
                fn()
                queries[name] = count["n"]
            event.remove(db.engine, "before_cursor_execute", counted)
            result = {name: _per_call(calls, repeat, fn) for name, fn in parts.items()}
            db.session.remove()
            db.engine.dispose()
    return {"parts": result, "queries": queries, "debate": with_debate}


def report(result: dict[str, Any]) -> str:
    title = "during the debate" if result["debate"] else "before the debate"
    lines = [f"snapshot cost, {title}", f"{'part':<36}{'ms CPU/call':>12}{'queries':>9}"]
    for name, ms in result["parts"].items():
        lines.append(f"{name:<36}{ms:>12.3f}{result['queries'][name]:>9}")
    return "\n".join(lines)
