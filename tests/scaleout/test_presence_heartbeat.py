"""Presence after a crash: heartbeats, stale servers not counted, purges (unit tests on SQLite;
the same code runs on PostgreSQL in test_two_servers.py). Also the small start-up settings of the
scale-out mode: one secret key for processes starting together, PostgreSQL pool options."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import builders
from workshop import config as cfg
from workshop.extensions import db
from workshop.models.live import LiveConnection, LiveServer, Participant
from workshop.services import live, runtime_state
from workshop.services.live import presence


@pytest.fixture(autouse=True)
def _request(app):
    app.config["RESULTS_PUSH_INTERVAL"] = 0
    app.config["PRESENCE_HEARTBEAT_INTERVAL"] = 10
    with app.test_request_context():
        yield


@pytest.fixture
def session(app):
    return builders.gen_session()


def join(session, sid):
    return live.connect(session.code, "participant", sid=sid)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def other_server(session, server_id, beat_age_s, phones=2):
    """Rows of another process whose last heartbeat is ``beat_age_s`` old."""
    now = datetime.now(UTC)
    beat = now - timedelta(seconds=beat_age_s)
    db.session.add(LiveServer(server_id=server_id, started_at=beat, heartbeat_at=beat))
    for index in range(phones):
        participant = Participant(session_id=session.id, token=f"{server_id}-{index}")
        db.session.add(participant)
        db.session.flush()
        participant_id = participant.id
        db.session.add(
            LiveConnection(
                sid=f"{server_id}-{index}",
                session_id=session.id,
                role="participant",
                participant_id=participant_id,
                server_id=server_id,
            )
        )
    db.session.commit()


def dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def test_first_connection_writes_the_heartbeat(session):
    join(session, "sid-1")
    row = db.session.get(LiveServer, live.state().server_id)
    assert row is not None
    assert datetime.now(UTC) - row.heartbeat_at < timedelta(seconds=5)
    assert presence.phone_count(session.id) == 1
    assert live.state().heartbeat is None  # TESTING apps run no background heartbeat


def test_connections_of_a_stale_server_are_not_counted(session):
    join(session, "sid-1")
    other_server(session, "elsewhere:1:aa", beat_age_s=5)  # alive
    other_server(session, "elsewhere:2:bb", beat_age_s=31)  # > 3 x 10 s: dead
    assert presence.phone_count(session.id) == 1 + 2


def test_purge_removes_the_rows_of_dead_servers_only(session):
    join(session, "sid-1")
    other_server(session, "elsewhere:1:aa", beat_age_s=5)
    other_server(session, "elsewhere:2:bb", beat_age_s=31)
    assert presence.purge_dead() == {session.id}
    servers = set(db.session.scalars(select(LiveServer.server_id)))
    assert servers == {live.state().server_id, "elsewhere:1:aa"}
    assert count(LiveConnection) == 1 + 2
    assert presence.purge_dead() == set()  # nothing left to purge


def test_purge_removes_a_dead_process_of_this_host_at_once(session):
    join(session, "sid-1")
    crashed = f"{runtime_state.HOSTNAME}:{dead_pid()}:cc"
    other_server(session, crashed, beat_age_s=1)  # fresh heartbeat, but the process is gone
    assert presence.phone_count(session.id) == 3
    assert presence.purge_dead() == {session.id}
    assert presence.phone_count(session.id) == 1
    assert db.session.get(LiveServer, crashed) is None


def test_a_stalled_process_writes_its_rows_back_at_its_next_beat(session):
    join(session, "sid-1")
    join(session, "sid-2")
    # Another process found this one stale and purged it.
    presence.clear_server(live.state().server_id)
    assert db.session.get(LiveServer, live.state().server_id) is None
    assert presence.phone_count(session.id) == 0
    assert presence.beat() is True
    assert presence.phone_count(session.id) == 2
    assert presence.beat() is False  # a plain beat afterwards


def test_disconnected_sockets_are_not_written_back(session):
    join(session, "sid-1")
    join(session, "sid-2")
    live.disconnect("sid-2")
    presence.clear_server(live.state().server_id)
    presence.beat()
    assert set(db.session.scalars(select(LiveConnection.sid))) == {"sid-1"}


def test_tick_pushes_counters_where_rows_were_purged(session, monkeypatch):
    marked = []
    monkeypatch.setattr(live.state().results, "mark", lambda sid, set_id=None: marked.append(sid))
    join(session, "sid-1")
    other_server(session, "elsewhere:2:bb", beat_age_s=31)
    marked.clear()  # the connection's own push
    assert presence.tick() == {session.id}
    assert marked == [session.id]
    assert presence.tick() == set()


def test_clear_server_removes_its_heartbeat(session):
    join(session, "sid-1")
    assert presence.clear_server(live.state().server_id) == 1
    assert count(LiveServer) == 0


# --- start-up settings --------------------------------------------------------------------------


def test_processes_starting_together_share_one_secret_key(tmp_path):
    keys: list[str] = []
    threads = [
        threading.Thread(target=lambda: keys.append(cfg.ensure_secret_key(str(tmp_path / "i"))))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(keys) == 8
    assert len(set(keys)) == 1
    assert (tmp_path / "i" / "secret_key").read_text() == keys[0]


def test_postgres_engine_options():
    options = cfg.engine_options("postgresql+psycopg://u@h/db", {"pool_size": 4})
    assert options["pool_size"] == 4  # the instance config wins
    assert options["max_overflow"] == cfg.POSTGRES_ENGINE_OPTIONS["max_overflow"]
    assert options["pool_pre_ping"] is True
    assert cfg.engine_options("sqlite:///x.db", {"connect_args": {"timeout": 30}}) == {
        "connect_args": {"timeout": 30}
    }
