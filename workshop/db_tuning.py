"""SQLite settings for a live server: set on every new DBAPI connection of the engine.

* ``journal_mode=WAL``: readers never wait for the writer, and a commit appends to the
  write-ahead log instead of rewriting the database file (persistent: stored in the file).
* ``synchronous=NORMAL``: in WAL mode a commit no longer waits for an fsync; the log is synced
  at checkpoints. A committed transaction survives a crash of the server process; a power cut or
  an OS crash may lose the last transactions committed before it (never corrupts the file).
* ``busy_timeout``: a writer waits this long for another *process's* write lock instead of
  failing at once (``database is locked``). Kept short: under gevent a SQLite call blocks the
  whole process while it waits, so a long wait would stall every socket.
* ``foreign_keys=ON``: SQLite enforces the schema's foreign keys and ``ON DELETE`` actions.

Other databases are left alone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: Milliseconds a connection waits for another process's write lock.
BUSY_TIMEOUT_MS = 5000

PRAGMAS: tuple[str, ...] = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
)


def _apply(dbapi_connection: Any, connection_record: Any) -> None:
    """Run :data:`PRAGMAS` on a fresh DBAPI connection (outside any transaction)."""
    cursor = dbapi_connection.cursor()
    try:
        for pragma in PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def tune_engine(engine: Engine) -> None:
    """Apply :data:`PRAGMAS` to every connection ``engine`` opens (SQLite only; idempotent).

    Connections already in the pool are dropped so that every connection gets them."""
    if engine.dialect.name != "sqlite":
        return
    if not event.contains(engine, "connect", _apply):
        event.listen(engine, "connect", _apply)
        engine.dispose()
