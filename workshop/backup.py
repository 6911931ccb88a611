"""Backups of the database and restores from them (``workshop backup``, ``workshop restore``).

SQLite: a backup is SQLite's online backup API (``sqlite3.Connection.backup``) run in one step,
so it is one consistent snapshot of the database while a server keeps writing (WAL mode:
readers never block the writer, see ``db_tuning.py``). It is written to a temporary file of the
target's folder, then linked or renamed into place, so a reader never sees half a backup.

A restore checks the file is a database of this app (its ``alembic_version`` names a revision
of ``migrations/``), refuses while a server writes heartbeats into the current database, copies
the current database aside, copies the file into the live path with the backup API (the live
database's own connections and WAL stay consistent), drops the presence rows (the sockets and
heartbeats of the processes that held the backup's connections: rebuilt by the next connects),
then upgrades the schema.

PostgreSQL: ``pg_dump`` and ``pg_restore`` are the tools; :func:`pg_dump_command` and
:func:`pg_restore_command` write the command line for the configured URL (without its
password).

Nothing here prints or returns a text, a token or a password of the database: only paths,
sizes, revisions and row counts.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import URL, make_url

#: The tables whose rows a summary counts.
COUNTED_TABLES = ("session", "participant", "answer")
#: Tables every database of this app has (besides ``alembic_version``).
REQUIRED_TABLES = ("session", "participant", "answer", "question", "question_set")
#: Presence tables: which sockets and server processes are live; dropped from a restored copy.
PRESENCE_TABLES = ("live_connection", "live_server")
#: Seconds a connection waits for another process's lock (a server writing).
LOCK_TIMEOUT = 30.0


class BackupError(Exception):
    """A backup or a restore refused or failed; the message says why (no data in it)."""


@dataclass(frozen=True)
class DatabaseSummary:
    """What a SQLite database file holds, in figures."""

    path: Path
    size: int
    revision: str | None
    counts: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """``123,456 bytes, schema 0004: 2 sessions, 14 participants, 80 answers``."""
        counts = ", ".join(
            f"{self.counts.get(table, 0)} {table}{'' if self.counts.get(table) == 1 else 's'}"
            for table in COUNTED_TABLES
        )
        return f"{self.size:,} bytes, schema {self.revision or '(none)'}: {counts}"


# --- the configured database --------------------------------------------------------------------


def backend(url: str | URL) -> str:
    """``sqlite``, ``postgresql``… of a SQLAlchemy URL."""
    return make_url(url).get_backend_name()


def sqlite_path(url: str | URL) -> Path:
    """The database file of a SQLite URL (a ``BackupError`` for an in-memory database)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("the database is in memory: there is no file to back up or restore")
    return Path(database).resolve()


def _libpq_url(url: str | URL) -> str:
    """The URL as libpq reads it: no SQLAlchemy driver, no password."""
    parsed = make_url(url)
    bare = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query={key: value for key, value in parsed.query.items() if key != "password"},
    )
    return bare.render_as_string(hide_password=False)


def pg_dump_command(url: str | URL, target: str) -> str:
    """The ``pg_dump`` command writing the configured PostgreSQL database to ``target``."""
    return shlex.join(["pg_dump", "--format=custom", f"--file={target}", _libpq_url(url)])


def pg_restore_command(url: str | URL, source: str) -> str:
    """The ``pg_restore`` command replacing the configured database's objects by ``source``'s."""
    return shlex.join(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq_url(url)}",
            source,
        ]
    )


# --- reading a SQLite file ----------------------------------------------------------------------


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, timeout=LOCK_TIMEOUT, isolation_level=None)) as conn:
        yield conn


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _summary(conn: sqlite3.Connection, path: Path) -> DatabaseSummary:
    tables = _tables(conn)
    revision = None
    if "alembic_version" in tables:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    counts = {
        table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
        for table in COUNTED_TABLES
        if table in tables
    }
    return DatabaseSummary(path, path.stat().st_size, revision, counts)


def summarise(path: Path) -> DatabaseSummary:
    """Size, schema revision and row counts of a SQLite database file."""
    with _connect(path) as conn:
        return _summary(conn, path)


def inspect_backup(path: Path, known_revisions: set[str]) -> DatabaseSummary:
    """Check ``path`` is a sound SQLite database of this app, at a revision this code knows;
    its summary. A ``BackupError`` saying what is wrong otherwise."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{path} is not a SQLite database")
    try:
        with _connect(path) as conn:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"{path} is damaged (SQLite quick_check: {check})")
            tables = _tables(conn)
            if "alembic_version" not in tables:
                raise BackupError(
                    f"{path} is not a database of this app (no alembic_version table)"
                )
            summary = _summary(conn, path)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a SQLite database ({exc})") from None
    if summary.revision not in known_revisions:
        raise BackupError(
            f"{path} is at schema revision {summary.revision!r}, which this version of the app "
            "does not know (a newer version's backup, or another application's database)"
        )
    missing = [table for table in REQUIRED_TABLES if table not in tables]
    if missing:
        raise BackupError(f"{path} is not a database of this app (no table {', '.join(missing)})")
    return summary


# --- writing a SQLite file ----------------------------------------------------------------------


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(source: Path, target: sqlite3.Connection) -> None:
    """Copy the database at ``source`` into ``target`` with the backup API, in one step: one
    consistent snapshot (a server may be writing to ``source`` meanwhile)."""
    with _connect(source) as conn:
        conn.backup(target, pages=-1)


def write_backup(source: Path, target: Path, force: bool = False) -> DatabaseSummary:
    """Back the SQLite database ``source`` up into ``target``, atomically; refuse an existing
    ``target`` unless ``force``. The summary of what was written."""
    if not source.is_file():
        raise BackupError(f"{source}: no such database")
    target = target.resolve()
    if target == source.resolve():
        raise BackupError(f"{target} is the database itself")
    if target.exists() and not force:
        raise BackupError(f"{target} exists already (--force replaces it)")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such folder")
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)  # an empty file is an empty SQLite database; owner-only permissions (0600)
    temporary = Path(name)
    try:
        with _connect(temporary) as conn:
            _copy(source, conn)
            # A single file, readable on its own (no -wal beside it).
            conn.execute("PRAGMA journal_mode=DELETE")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"the copy failed SQLite's quick_check ({check})")
        _fsync(temporary)
        if force:
            os.replace(temporary, target)
        else:
            try:
                os.link(temporary, target)  # atomic, and never replaces a file
            except FileExistsError:
                raise BackupError(f"{target} exists already (--force replaces it)") from None
            temporary.unlink()
        _fsync(target.parent)
    except sqlite3.Error as exc:
        raise BackupError(f"the backup failed: {exc}") from None
    finally:
        temporary.unlink(missing_ok=True)
    return summarise(target)


def aside_path(database: Path, now: datetime | None = None) -> Path:
    """``<db>.before-restore-<UTC timestamp>`` (a free name)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    path = database.with_name(f"{database.name}.before-restore-{stamp}")
    number = 1
    while path.exists():
        number += 1
        path = database.with_name(f"{database.name}.before-restore-{stamp}-{number}")
    return path


def replace_database(source: Path, database: Path) -> None:
    """Copy the backup ``source`` into the live database file ``database`` (backup API: the
    live file's WAL and locks are honoured), then drop its presence rows."""
    try:
        with _connect(database) as conn:
            with _connect(source) as src:
                source_page = src.execute("PRAGMA page_size").fetchone()[0]
            if conn.execute("PRAGMA page_size").fetchone()[0] != source_page:
                # A WAL database only takes a copy of its own page size.
                conn.execute("PRAGMA journal_mode=DELETE")
            _copy(source, conn)
            tables = _tables(conn)
            conn.execute("BEGIN IMMEDIATE")
            for table in PRESENCE_TABLES:
                if table in tables:
                    conn.execute(f'DELETE FROM "{table}"')  # noqa: S608
            conn.execute("COMMIT")
            conn.execute("PRAGMA journal_mode=WAL")  # what the server sets (db_tuning.py)
    except sqlite3.Error as exc:
        raise BackupError(f"the restore failed: {exc}") from None


# --- a server on the database? ------------------------------------------------------------------


def last_heartbeat(database: Path) -> datetime | None:
    """The newest heartbeat of a server process in ``database`` (``live_server``), UTC."""
    if not database.is_file():
        return None
    with _connect(database) as conn:
        if "live_server" not in _tables(conn):
            return None
        (value,) = conn.execute("SELECT max(heartbeat_at) FROM live_server").fetchone()
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def live_server_age(database: Path, within: timedelta, now: datetime | None = None) -> float | None:
    """Seconds since the newest heartbeat of ``database`` when younger than ``within`` (a
    server is likely running on it), else ``None``."""
    heartbeat = last_heartbeat(database)
    if heartbeat is None:
        return None
    age = ((now or datetime.now(UTC)) - heartbeat).total_seconds()
    return max(age, 0.0) if age < within.total_seconds() else None
