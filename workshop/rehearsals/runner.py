"""Rehearsals started from the web: ``workshop rehearse`` run as a subprocess of the server.

Why a subprocess: the rehearsal's phones are python-socketio ``AsyncClient``s on an asyncio
loop (aiohttp), while ``workshop serve`` runs on gevent with the standard library
monkey-patched; an asyncio loop inside a monkey-patched process is not something to rely on
for hundreds of sockets. ``python -m workshop rehearse`` is not patched (only ``serve`` is), is
exactly the command line's code, and cannot slow the server's own greenlets down.

The child gets the server's database, secret key and instance folder (so it finds the session
and signs the console's cookie and the phones' rehearsal ticket), and writes its progress to a
small JSON file in the instance folder (``rehearsals/session-<id>.json``; its output to
``….log``), which the page polls. A lock file (``….lock``, created exclusively, holding the
child's pid) refuses a second rehearsal of the same session while one runs; it is removed when
the child ends, or found stale (its pid gone) by the next look.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from ..extensions import socketio
from ..models import Session, User
from ..services import activity
from ..services.errors import ServiceError
from . import progress

#: The number of simulated phones a page may start (the command line allows more).
MIN_PHONES, MAX_PHONES = 1, 200
#: The longest pace a page may ask for (seconds per question set).
MAX_PACE = 300
#: Seconds a lock without a pid yet counts as a rehearsal being started.
STARTING_GRACE = 30


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "rehearsals"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _paths(session_id: int) -> tuple[Path, Path, Path]:
    base = _folder() / f"session-{session_id}"
    return base.with_suffix(".json"), base.with_suffix(".lock"), base.with_suffix(".log")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A child that ended but is not reaped yet is a zombie: ended all the same.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _lock_pid(lock: Path) -> int | None:
    try:
        return int(lock.read_text().strip() or 0) or None
    except (OSError, ValueError):
        return None


def running(session_id: int) -> bool:
    """Whether a rehearsal of the session runs now (a stale lock is removed)."""
    _status, lock, _log = _paths(session_id)
    if not lock.exists():
        return False
    pid = _lock_pid(lock)
    if pid is not None and _alive(pid):
        return True
    if pid is None and time.time() - lock.stat().st_mtime < STARTING_GRACE:
        return True  # being started this very moment
    lock.unlink(missing_ok=True)
    return False


def status(session_id: int) -> dict[str, Any] | None:
    """The last rehearsal's progress (None: none started here), with ``running``."""
    path, _lock, _log = _paths(session_id)
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    data["running"] = running(session_id)
    data["lines"] = [progress.describe(event) for event in data.get("events") or []]
    if data.get("state") in ("starting", "running") and not data["running"]:
        data["state"] = "failed"
        data["error"] = data.get("error") or _("La répétition s'est arrêtée sans finir.")
    return data


def start(
    session: Session,
    participants: int,
    *,
    answer_only: bool,
    base_url: str,
    by: User,
    pace: int = 0,
) -> None:
    """Start a rehearsal of ``participants`` simulated phones against ``base_url`` (this
    server), each set open ``pace`` seconds, logged as ``rehearsal.started``. Refused
    (``rehearsal_running``) while another rehearsal of the session runs, (``bad_payload``)
    outside 1–200 phones or 0–300 seconds."""
    if not MIN_PHONES <= participants <= MAX_PHONES:
        raise ServiceError(
            "bad_payload",
            _("Entre %(min)d et %(max)d participants.", min=MIN_PHONES, max=MAX_PHONES),
            field="participants",
        )
    if not 0 <= pace <= MAX_PACE:
        raise ServiceError(
            "bad_payload", _("Entre 0 et %(max)s secondes.", max=MAX_PACE), field="pace"
        )
    if session.purged_at is not None:
        raise ServiceError("session_closed", _("Cet atelier est purgé : pas de répétition."))
    status_path, lock, log_path = _paths(session.id)
    running(session.id)  # clears a stale lock
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        raise ServiceError(
            "rehearsal_running", _("Une répétition de cet atelier est déjà en cours.")
        ) from None
    try:
        status_path.write_text(
            json.dumps({"state": "starting", "participants": participants, "events": []})
        )
        activity.rehearsal_started(session, participants, by=by)
        command = [
            sys.executable,
            "-m",
            "workshop",
            "rehearse",
            session.code,
            "--participants",
            str(participants),
            "--url",
            base_url.rstrip("/"),
            "--pace",
            str(pace),
            "--status-file",
            str(status_path),
        ]
        if answer_only:
            command.append("--answer-only")
        with log_path.open("w") as log:
            child = subprocess.Popen(  # noqa: S603  (our own command, no shell)
                command,
                env=_child_env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl+C of the server's terminal is not for it
            )
        os.write(fd, str(child.pid).encode())
    except BaseException:
        lock.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)
    socketio.start_background_task(_reap, child, lock)


def _reap(child: subprocess.Popen, lock: Path) -> None:
    """Wait for the child (cooperatively under gevent), then free the lock."""
    child.wait()
    lock.unlink(missing_ok=True)


def _child_env() -> dict[str, str]:
    """The server's environment, with what makes the child use the server's database, secret
    key and instance folder whatever their source (environment, instance/config.py)."""
    config = current_app.config
    env = dict(os.environ)
    env.update(
        WORKSHOP_INSTANCE_PATH=current_app.instance_path,
        WORKSHOP_DATABASE_URL=str(config["SQLALCHEMY_DATABASE_URI"]),
        PYTHONUNBUFFERED="1",
    )
    if isinstance(config["SECRET_KEY"], str):
        env["WORKSHOP_SECRET_KEY"] = config["SECRET_KEY"]
    return env
