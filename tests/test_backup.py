"""``workshop backup`` and ``workshop restore``, with real processes: a backup taken while phones
answer restores to a working server; the refusals; the PostgreSQL advice."""

from __future__ import annotations

import http.cookiejar
import json
import re
import sqlite3
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support import (
    ServerProcess,
    create_facilitator,
    run_cli,
    server_env,
    unavailable,
    workshop_cmd,
)

CODE = "CKR4QX"
FACILITATOR = ("animatrice", "correct horse battery")
SECRET_KEY = "backup-test-secret-key"
EVENT_TIMEOUT = 15.0
PHONES = 4
#: Seconds between two answers of one phone (under the server's 20 events/s per socket).
PACE = 0.06
OPEN_TEXT = "Texte ouvert confidentiel"

SESSION_YAML = f"""\
kind: session
slug: backup-test
title: Test de sauvegarde
code: {CODE}
agenda:
  - kind: debate
    title: Débat
    question_set: vote
question_sets:
  - key: vote
    title: Vote
    questions:
      - key: choix
        prompt: Quel délai ?
        kind: choice
        options: [moins de 6 mois, 6 à 12 mois, plus d'un an]
      - key: accord
        prompt: D'accord ?
        kind: yesno
      - key: avis
        prompt: Votre avis ?
        kind: open
"""


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """``workshop ARGS``, whatever its exit status."""
    return subprocess.run(
        [*workshop_cmd(), *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def instance_env(instance: Path, **more: str) -> dict[str, str]:
    """The environment of a server and its commands on the SQLite database of ``instance``."""
    return server_env(
        WORKSHOP_INSTANCE_PATH=str(instance),
        WORKSHOP_DATABASE_URL=f"sqlite:///{instance / 'workshop.sqlite3'}",
        WORKSHOP_SECRET_KEY=SECRET_KEY,
        **more,
    )


def sql(database: Path, query: str, params: tuple = ()) -> list[tuple]:
    with closing(sqlite3.connect(database)) as conn:
        return conn.execute(query, params).fetchall()


def answers_by_client(database: Path) -> dict[tuple[str, int], tuple[str, Any, str | None]]:
    """``{(phone name, question id): (client_id, value, text)}`` of the stored answers (the
    phones' client ids start with their name)."""
    rows = sql(database, "SELECT client_id, question_id, CAST(value AS TEXT), text FROM answer")
    return {(client.split("-")[0], qid): (client, value, text) for client, qid, value, text in rows}


def login_cookie(base_url: str) -> str:
    """Log the facilitator in over HTTP; the Cookie header for the console's socket."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base_url + "/login", timeout=10) as response:
        page = response.read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert match, "no csrf_token on /login"
    username, password = FACILITATOR
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf_token": match.group(1)}
    ).encode()
    with opener.open(base_url + "/login", data=form, timeout=10) as response:
        assert response.status == 200
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def connect(base_url: str, role: str, cookie: str | None = None):
    """A python-socketio client (websocket transport) and the snapshot it got."""
    import socketio

    client = socketio.Client(reconnection=False)
    snapshots: list[dict] = []
    got = threading.Event()

    def on_snapshot(data: dict) -> None:
        snapshots.append(data)
        got.set()

    client.on("snapshot", on_snapshot)
    client.connect(
        base_url,
        auth={"code": CODE, "role": role},
        headers={"Cookie": cookie} if cookie else {},
        transports=["websocket"],
        wait_timeout=EVENT_TIMEOUT,
    )
    assert got.wait(EVENT_TIMEOUT), f"{role}: no snapshot"
    return client, snapshots[0]


def answer_payload(name: str, seq: int, question: dict) -> dict[str, Any]:
    payload: dict[str, Any] = {"client_id": f"{name}-{seq:05d}", "question_id": question["id"]}
    if question["kind"] == "choice":
        payload["value"] = seq % 3
    elif question["kind"] == "yesno":
        payload["value"] = "yes" if seq % 2 else "no"
    else:
        payload.update(value=None, text=f"{OPEN_TEXT} {name} {seq}")
    return payload


@dataclass
class Phone:
    """A phone answering the set's questions in turn until stopped; each acknowledged answer
    is recorded with the time of its ack."""

    name: str
    base_url: str
    questions: list[dict]
    acked: list[tuple[float, int, dict]] = field(default_factory=list)  # (time, seq, payload)
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    token: str = ""

    def run(self) -> None:
        try:
            client, snapshot = connect(self.base_url, "participant")
        except Exception as exc:  # reported by the test
            self.errors.append(f"{self.name}: connect: {exc!r}")
            return
        self.token = snapshot.get("token", "")
        seq = 0
        try:
            while not self.stop.is_set():
                question = self.questions[seq % len(self.questions)]
                payload = answer_payload(self.name, seq, question)
                ack = client.call("answer", payload, timeout=EVENT_TIMEOUT)
                if ack.get("ok"):
                    self.acked.append((time.monotonic(), seq, payload))
                elif ack.get("error", {}).get("code") != "rate_limited":
                    self.errors.append(f"{self.name}: {ack}")
                    return
                seq += 1
                time.sleep(PACE)  # pacing under the rate limit, not waiting for an effect
        except Exception as exc:  # reported by the test
            self.errors.append(f"{self.name}: {exc!r}")
        finally:
            client.disconnect()


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        return response.status


# --- 1. a backup during a live session restores to a working server ----------------------------


def test_backup_during_a_live_session_restores_to_a_working_server(tmp_path):
    try:
        import websocket  # noqa: F401  (python-socketio's websocket transport)
    except ImportError:
        unavailable("websocket-client is not installed (pip install -e '.[test]')")

    live = tmp_path / "live"
    env = instance_env(live)
    session_file = tmp_path / "backup-test.yaml"
    session_file.write_text(SESSION_YAML)
    run_cli(env, "load", str(session_file))
    create_facilitator(env, *FACILITATOR)
    backup = tmp_path / "saved" / "backup.sqlite3"
    backup.parent.mkdir()

    server = ServerProcess.start(env, tmp_path / "server.log")
    phones: list[Phone] = []
    threads: list[threading.Thread] = []
    try:
        server.wait_until_up("/join")
        console, snapshot = connect(server.base_url, "console", login_cookie(server.base_url))
        [vote] = snapshot["sets"]
        assert console.call("set_open", {"set_id": vote["id"]}, timeout=EVENT_TIMEOUT)["ok"]
        console.disconnect()

        phones = [Phone(f"p{n}", server.base_url, vote["questions"]) for n in range(PHONES)]
        threads = [threading.Thread(target=phone.run, daemon=True) for phone in phones]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while not all(len(phone.acked) >= 6 for phone in phones):  # every phone is answering
            assert not any(phone.errors for phone in phones), [p.errors for p in phones]
            assert time.monotonic() < deadline, "the phones did not answer"
            time.sleep(0.05)  # polling the phones' progress

        started = time.monotonic()
        done = cli(env, "backup", str(backup))
        finished = time.monotonic()
        assert done.returncode == 0, done.stdout + done.stderr

        # Restoring it over the live database is refused: the server's heartbeat is fresh.
        refused = cli(env, "restore", str(backup), "--yes")
        assert refused.returncode != 0
        assert "a server is likely running" in refused.stderr
        assert not list(live.glob("*.before-restore-*"))
    finally:
        for phone in phones:
            phone.stop.set()
        for thread in threads:
            thread.join(timeout=EVENT_TIMEOUT)
        server.stop()
    assert not any(phone.errors for phone in phones), [p.errors for p in phones]

    # The phones answered while the backup ran, and after it.
    assert any(started <= t <= finished for phone in phones for t, _, _ in phone.acked)
    assert any(t > finished for phone in phones for t, _, _ in phone.acked)
    # What it printed: the file, its size and counts; never a text or a token.
    assert f"to {backup}" in done.stdout
    assert re.search(
        r"[\d,]+ bytes, schema \w+: 1 session, 4 participants, \d+ answers", done.stdout
    )
    assert OPEN_TEXT not in done.stdout + done.stderr
    assert all(phone.token and phone.token not in done.stdout for phone in phones)
    assert not list(backup.parent.glob("*.tmp"))  # written atomically: no temporary left
    assert sql(backup, "PRAGMA integrity_check") == [("ok",)]
    assert sql(backup, "PRAGMA journal_mode") == [("delete",)]  # one file, no -wal beside

    # Restore into a fresh instance folder, start a server on it.
    fresh = tmp_path / "fresh"
    fresh_env = instance_env(fresh)
    restored = cli(fresh_env, "restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Copied the current database aside to" in restored.stdout
    assert "1 session, 4 participants" in restored.stdout
    restored_db = fresh / "workshop.sqlite3"
    assert len(list(fresh.glob("workshop.sqlite3.before-restore-*"))) == 1
    # The presence rows of the old server are gone (rebuilt by connects).
    assert sql(restored_db, "SELECT count(*) FROM live_connection") == [(0,)]
    assert sql(restored_db, "SELECT count(*) FROM live_server") == [(0,)]

    # Every answer acknowledged before the backup started is there: for each phone and
    # question, the stored answer is the last one acked before the start, or a later one.
    stored = answers_by_client(restored_db)
    checked = 0
    for phone in phones:
        sent = {seq: payload for _, seq, payload in phone.acked}
        for question in vote["questions"]:
            before = [
                seq
                for t, seq, p in phone.acked
                if t < started and p["question_id"] == question["id"]
            ]
            if not before:
                continue
            client_id, value, text = stored[(phone.name, question["id"])]
            seq = int(client_id.split("-")[1])
            assert seq >= max(before), (phone.name, question["key"], seq, max(before))
            payload = answer_payload(phone.name, seq, question)
            assert text == payload.get("text")
            assert (None if value is None else json.loads(value)) == payload["value"]
            assert seq in sent  # an answer the server acknowledged
            checked += 1
    assert checked == PHONES * len(vote["questions"])

    server = ServerProcess.start(fresh_env, tmp_path / "restored-server.log")
    try:
        server.wait_until_up("/join")
        assert get(server.url(f"/j/{CODE}")) == 200
        phone, snapshot = connect(server.base_url, "participant")
        try:
            question = next(q for q in vote["questions"] if q["kind"] == "yesno")
            ack = phone.call(
                "answer",
                {"client_id": "new-00001", "question_id": question["id"], "value": "yes"},
                timeout=EVENT_TIMEOUT,
            )
            assert ack["ok"], ack
        finally:
            phone.disconnect()
    finally:
        server.stop()
    assert sql(restored_db, "SELECT count(*) FROM participant") == [(PHONES + 1,)]


# --- 2. refusals --------------------------------------------------------------------------------


@pytest.fixture
def instance(tmp_path) -> Path:
    """An instance folder whose database has a session (through ``workshop load``)."""
    folder = tmp_path / "instance"
    session_file = tmp_path / "backup-test.yaml"
    session_file.write_text(SESSION_YAML)
    run_cli(instance_env(folder), "load", str(session_file))
    return folder


def test_backup_refuses_an_existing_file_without_force(instance, tmp_path):
    env = instance_env(instance)
    target = tmp_path / "backup.sqlite3"
    target.write_bytes(b"precious")
    refused = cli(env, "backup", str(target))
    assert refused.returncode != 0
    assert "exists already (--force replaces it)" in refused.stderr
    assert target.read_bytes() == b"precious"
    done = cli(env, "backup", str(target), "--force")
    assert done.returncode == 0, done.stderr
    assert "1 session, 0 participants, 0 answers" in done.stdout
    assert sql(target, "SELECT code FROM session") == [(CODE,)]


def test_restore_without_yes_explains_and_changes_nothing(instance, tmp_path):
    env = instance_env(instance)
    backup = tmp_path / "backup.sqlite3"
    run_cli(env, "backup", str(backup))
    other = tmp_path / "other"
    refused = cli(instance_env(other), "restore", str(backup))
    assert refused.returncode != 0
    assert "run again with --yes" in refused.stdout
    assert "nothing was changed" in refused.stderr
    assert sql(other / "workshop.sqlite3", "SELECT count(*) FROM session") == [(0,)]
    assert not list(other.glob("*.before-restore-*"))


def test_restore_refuses_a_file_of_another_kind(instance, tmp_path):
    env = instance_env(instance)
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a database\n")
    foreign = tmp_path / "foreign.sqlite3"
    with closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    unknown = tmp_path / "unknown.sqlite3"
    run_cli(env, "backup", str(unknown))
    with closing(sqlite3.connect(unknown)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff'")
        conn.commit()
    expected = {
        text: "is not a SQLite database",
        foreign: "no alembic_version table",
        unknown: "revision 'ffff'",
        tmp_path / "missing.sqlite3": "no such file",
    }
    for path, message in expected.items():
        refused = cli(env, "restore", str(path), "--yes")
        assert refused.returncode != 0, path
        assert message in refused.stderr, refused.stderr
        assert "Nothing was changed" in refused.stderr
    assert sql(instance / "workshop.sqlite3", "SELECT code FROM session") == [(CODE,)]
    assert not list(instance.glob("*.before-restore-*"))


def test_restore_refuses_while_a_heartbeat_is_fresh(instance, tmp_path):
    """A heartbeat row as a running server writes it (``live_server``): younger than 3
    intervals, the restore stops; ``--force`` goes on."""
    env = instance_env(instance)
    backup = tmp_path / "backup.sqlite3"
    run_cli(env, "backup", str(backup))
    database = instance / "workshop.sqlite3"
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with closing(sqlite3.connect(database)) as conn:
        conn.execute(
            "INSERT INTO live_server (server_id, started_at, heartbeat_at) VALUES (?, ?, ?)",
            ("otherhost:1234:abcd", now, now),
        )
        conn.commit()
    refused = cli(env, "restore", str(backup), "--yes")
    assert refused.returncode != 0
    assert "a server is likely running" in refused.stderr
    assert "younger than 30 s" in refused.stderr
    assert not list(instance.glob("*.before-restore-*"))
    # Old enough (3 intervals of 1 s), the same heartbeat no longer stops it.
    stale_env = instance_env(instance, WORKSHOP_PRESENCE_HEARTBEAT_INTERVAL="0.01")
    time.sleep(0.05)  # the heartbeat ages past 3 intervals of 0.01 s
    done = cli(stale_env, "restore", str(backup), "--yes")
    assert done.returncode == 0, done.stderr
    with closing(sqlite3.connect(database)) as conn:
        conn.execute(
            "INSERT INTO live_server (server_id, started_at, heartbeat_at) VALUES (?, ?, ?)",
            ("otherhost:1234:abcd", now, datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")),
        )
        conn.commit()
    forced = cli(env, "restore", str(backup), "--yes", "--force")
    assert forced.returncode == 0, forced.stderr
    assert len(list(instance.glob("workshop.sqlite3.before-restore-*"))) == 2
    assert sql(database, "SELECT count(*) FROM live_server") == [(0,)]


# --- 3. PostgreSQL ------------------------------------------------------------------------------


def test_postgresql_gets_the_pg_dump_advice(tmp_path):
    env = server_env(
        WORKSHOP_INSTANCE_PATH=str(tmp_path / "instance"),
        WORKSHOP_DATABASE_URL="postgresql+psycopg://alice:s3cret-pw@db.example:5433/workshop",
        WORKSHOP_SECRET_KEY=SECRET_KEY,
        WORKSHOP_AUTO_MIGRATE="0",  # no server: the URL only
    )
    target = tmp_path / "workshop.dump"
    done = cli(env, "backup", str(target))
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert (
        f"pg_dump --format=custom --file={target} postgresql://alice@db.example:5433/workshop"
        in output
    )
    assert "s3cret-pw" not in output
    assert not target.exists()
    restore = cli(env, "restore", str(target), "--yes")
    assert restore.returncode != 0
    assert "pg_restore" in restore.stderr
    assert "postgresql://alice@db.example:5433/workshop" in restore.stderr
    assert "s3cret-pw" not in restore.stdout + restore.stderr
