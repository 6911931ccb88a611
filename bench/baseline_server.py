"""A bare Flask-SocketIO + gevent server speaking the same events as ours, with no app logic.

It is what the benchmark compares our server with: the same connect / ``snapshot`` /
``set_open`` / ``set_close`` / ``question_set`` / ``answer`` shapes (docs/protocol.md), one
SQLite commit per answer (plain ``sqlite3``, SQLite's default journal and synchronous settings;
``--journal-mode wal`` gives it WAL with ``synchronous=NORMAL``, the settings of
workshop/db_tuning.py), no validation beyond "the question exists and its set is open", no
coalesced results, no counters.

    python -m bench.baseline_server --port 5001 --db /tmp/x.sqlite3 --session session.json \
        --password secret

The facilitator's auth is trivial: ``POST /login`` with the ``--password`` (and the
``csrf_token`` of the form, like ours) puts ``console`` in the Flask session cookie, which the
console socket presents on connect.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import secrets  # noqa: E402
import sqlite3  # noqa: E402
import sys  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask, abort, redirect, request, session  # noqa: E402
from flask_socketio import SocketIO, emit, join_room  # noqa: E402

SCHEMA = """
CREATE TABLE IF NOT EXISTS participant (
    id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL, token TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS question_set (
    id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL, key TEXT NOT NULL, title TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'ready', opened_at TEXT, closed_at TEXT);
CREATE TABLE IF NOT EXISTS answer (
    id INTEGER PRIMARY KEY, participant_id INTEGER NOT NULL, question_id INTEGER NOT NULL,
    client_id TEXT NOT NULL, value TEXT, text TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, UNIQUE (participant_id, question_id));
"""

SESSION_ID = 1


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def error(code: str, message: str) -> dict[str, Any]:
    return {"ok": False, "error": {"code": code, "message": message}}


class Store:
    """One shared ``sqlite3`` connection: a gevent process never runs two statements at once,
    and ``sqlite3`` calls never yield to the hub between execute and commit."""

    def __init__(self, path: str, spec: dict[str, Any], journal_mode: str = "delete") -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute(f"PRAGMA journal_mode = {journal_mode}")
        if journal_mode == "wal":  # the settings workshop/db_tuning.py gives ours
            self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.executescript(SCHEMA)
        self.spec = spec
        self.sets: dict[int, dict[str, Any]] = {}
        self.question_set: dict[int, int] = {}  # question id -> set id
        next_question = 1
        for position, set_spec in enumerate(spec["question_sets"], start=1):
            self.db.execute(
                "INSERT INTO question_set (id, session_id, key, title) VALUES (?, ?, ?, ?)",
                (position, SESSION_ID, set_spec["key"], set_spec["title"]),
            )
            questions = []
            for q in set_spec["questions"]:
                questions.append({"id": next_question, "allow_comment": False, **q})
                self.question_set[next_question] = position
                next_question += 1
            self.sets[position] = {
                "id": position,
                "key": set_spec["key"],
                "title": set_spec["title"],
                "introduction": set_spec.get("introduction", ""),
                "state": "ready",
                "revealed": False,
                "questions": questions,
            }

    def set_state(self, set_id: int, state: str) -> dict[str, Any]:
        stamp = now()
        self.db.execute("BEGIN")
        if state == "open":
            for other in self.sets.values():
                if other["state"] == "open" and other["id"] != set_id:
                    other["state"] = "closed"
            self.db.execute(
                "UPDATE question_set SET state = 'closed', closed_at = ? "
                "WHERE state = 'open' AND id != ?",
                (stamp, set_id),
            )
        column = "opened_at" if state == "open" else "closed_at"
        self.db.execute(
            f"UPDATE question_set SET state = ?, {column} = ? WHERE id = ?",  # noqa: S608
            (state, stamp, set_id),
        )
        self.db.execute("COMMIT")
        self.sets[set_id]["state"] = state
        return self.sets[set_id]

    def new_participant(self) -> tuple[int, str]:
        token = secrets.token_urlsafe(18)
        cur = self.db.execute(
            "INSERT INTO participant (session_id, token, created_at) VALUES (?, ?, ?)",
            (SESSION_ID, token, now()),
        )
        return cur.lastrowid, token

    def participant(self, token: str) -> int | None:
        row = self.db.execute("SELECT id FROM participant WHERE token = ?", (token,)).fetchone()
        return row[0] if row else None

    def answer(self, participant_id: int, data: dict[str, Any]) -> dict[str, Any]:
        question_id = data["question_id"]
        row = self.db.execute(
            "SELECT client_id, value, text, updated_at FROM answer "
            "WHERE participant_id = ? AND question_id = ?",
            (participant_id, question_id),
        ).fetchone()
        if row and row[0] == data["client_id"]:  # a resend: the stored answer, unchanged
            client_id, value, text, stamp = row
            value = json.loads(value)
        else:
            client_id, value, text, stamp = data["client_id"], data["value"], data["text"], now()
            self.db.execute(
                "INSERT INTO answer (participant_id, question_id, client_id, value, text,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (participant_id, question_id) DO UPDATE SET"
                " client_id = excluded.client_id, value = excluded.value,"
                " text = excluded.text, updated_at = excluded.updated_at",
                (participant_id, question_id, client_id, json.dumps(value), text, stamp, stamp),
            )  # autocommit: one commit per answer
        return {
            "question_id": question_id,
            "client_id": client_id,
            "value": value,
            "text": text,
            "updated_at": stamp,
        }

    def open_set(self) -> dict[str, Any] | None:
        for wanted in ("open", "closed"):
            for s in self.sets.values():
                if s["state"] == wanted:
                    return s
        return None


def create_app(store: Store, password: str) -> tuple[Flask, SocketIO]:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = secrets.token_hex(32)
    socketio = SocketIO(app, async_mode="gevent", max_http_buffer_size=64 * 1024)
    spec = store.spec

    @app.get("/login")
    def login_form():
        session["csrf"] = secrets.token_urlsafe(16)
        return (
            '<form method="post"><input id="csrf_token" name="csrf_token" type="hidden" '
            f'value="{session["csrf"]}"><input name="username"><input name="password"></form>'
        )

    @app.post("/login")
    def login():
        form = request.form
        if form.get("csrf_token") != session.get("csrf"):
            abort(400)
        if not secrets.compare_digest(form.get("password", ""), password):
            abort(401)
        session["console"] = True
        return redirect("/")

    @app.get("/")
    def index():
        return "baseline"

    def snapshot(role: str) -> dict[str, Any]:
        return {
            "role": role,
            "server_time": now(),
            "session": {"code": spec["code"], "title": spec["title"], "status": "live"},
            "groups": [],
            "agenda": {"current": None, "started_at": None, "items": []},
            "open_set": store.open_set(),
        }

    @socketio.on("connect")
    def connect(auth):
        if not isinstance(auth, dict) or auth.get("code") != spec["code"]:
            raise ConnectionRefusedError({"code": "unknown_session", "message": "?"})
        role = auth.get("role")
        join_room(f"session:{SESSION_ID}")
        if role == "console":
            if not session.get("console"):
                raise ConnectionRefusedError({"code": "forbidden", "message": "console"})
            session["role"] = "console"
            join_room(f"console:{SESSION_ID}")
            data = snapshot(role)
            data.update(sets=list(store.sets.values()), results={}, counters={})
            emit("snapshot", data)
            return
        if role != "participant":
            raise ConnectionRefusedError({"code": "bad_payload", "message": "role"})
        token = auth.get("token")
        participant_id = store.participant(token) if isinstance(token, str) else None
        if participant_id is None:
            participant_id, token = store.new_participant()
        session["role"] = "participant"
        session["participant_id"] = participant_id
        join_room(f"phones:{SESSION_ID}")
        join_room(f"participant:{participant_id}")
        data = snapshot(role)
        data.update(
            token=token,
            participant={"pseudonym": "", "group": None},
            answers={},
            upvotes=[],
            comments={},
        )
        emit("snapshot", data)

    def console_set(data: Any, state: str) -> dict[str, Any]:
        if session.get("role") != "console":
            return error("forbidden", "console only")
        if not isinstance(data, dict) or data.get("set_id") not in store.sets:
            return error("unknown_set", "no such set")
        payload = store.set_state(data["set_id"], state)
        socketio.emit("question_set", payload, to=f"session:{SESSION_ID}")
        return {"ok": True, "set": payload}

    @socketio.on("set_open")
    def set_open(data=None):
        return console_set(data, "open")

    @socketio.on("set_close")
    def set_close(data=None):
        return console_set(data, "closed")

    @socketio.on("answer")
    def answer(data=None):
        participant_id = session.get("participant_id")
        if participant_id is None:
            return error("forbidden", "participants only")
        if not isinstance(data, dict) or not isinstance(data.get("client_id"), str):
            return error("bad_payload", "answer")
        set_id = store.question_set.get(data.get("question_id"))
        if set_id is None:
            return error("unknown_question", "no such question")
        if store.sets[set_id]["state"] != "open":
            return error("set_not_open", "set not open")
        data.setdefault("text", None)
        data.setdefault("value", None)
        return {"ok": True, "answer": store.answer(participant_id, data)}

    return app, socketio


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True, help="SQLite file (created)")
    parser.add_argument("--session", required=True, help="JSON file of the session to serve")
    parser.add_argument("--password", required=True, help="the facilitator's password")
    parser.add_argument(
        "--journal-mode",
        choices=("delete", "wal"),
        default="delete",
        help="SQLite journal mode (default: SQLite's own, delete; wal: also synchronous=NORMAL)",
    )
    args = parser.parse_args(argv)
    with open(args.session, encoding="utf-8") as fh:
        spec = json.load(fh)
    store = Store(args.db, spec, args.journal_mode)
    app, socketio = create_app(store, args.password)
    print(f"Baseline serving on http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    socketio.run(app, host=args.host, port=args.port, log_output=False)


if __name__ == "__main__":
    main()
