"""Starting, measuring and stopping the servers under test.

``start_workshop`` prepares a fresh instance folder (SQLite by default), the facilitator account
and the session, then runs ``workshop serve``; ``start_baseline`` runs
``bench/baseline_server.py``. Both return a :class:`Server` whose CPU time and peak RSS are read
from ``/proc`` (the server process and any child it has).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from . import workload

REPO = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Every live descendant of ``pid``."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` and its live children (+ children it has reaped)."""
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the ")": state=0 ppid=1 ... utime=11 stime=12 cutime=13 cstime=14
        total += sum(int(v) for v in fields[11:15])
    return total / CLOCK_TICKS


def peak_rss_mb(pid: int) -> float:
    """Sum of VmHWM (peak resident set) of ``pid`` and its live children, in MB."""
    total_kb = 0
    for p in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


@dataclass
class Server:
    """One or more server processes under test, and how to reach and inspect them."""

    name: str
    urls: list[str]
    procs: list[subprocess.Popen]
    database_url: str
    password: str
    workdir: Path
    setup: str = ""
    logs: list[Path] = field(default_factory=list)

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.procs)

    def peak_rss_mb(self) -> float:
        return sum(peak_rss_mb(p.pid) for p in self.procs)

    def check_alive(self) -> None:
        for proc, log in zip(self.procs, self.logs, strict=True):
            if proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} server exited with {proc.returncode}:\n{tail(log)}"
                )

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 10
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_ready(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Wait until the Engine.IO endpoint answers (the same probe for both servers)."""
    probe = f"{url}/socket.io/?EIO=4&transport=polling"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as resp:  # noqa: S310 (loopback)
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server at {url} not ready after {timeout} s:\n{tail(log)}")


def _spawn(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            cmd, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )


def _workshop_cmd() -> list[str]:
    exe = shutil.which("workshop")
    return [exe] if exe else [sys.executable, "-c", "from workshop.cli import main; main()"]


def start_baseline(workdir: Path, journal_mode: str = "delete") -> Server:
    workdir.mkdir(parents=True, exist_ok=True)
    spec_path = workdir / "session.json"
    spec_path.write_text(json.dumps(workload.SESSION), encoding="utf-8")
    db_path = workdir / "baseline.sqlite3"
    password = secrets.token_urlsafe(12)
    port = free_port()
    log = workdir / "baseline.log"
    cmd = [sys.executable, "-m", "bench.baseline_server", "--port", str(port)]
    # ``--password=…``: a generated password may start with "-" (argparse: an option).
    cmd += ["--db", str(db_path), "--session", str(spec_path), f"--password={password}"]
    cmd += ["--journal-mode", journal_mode]
    proc = _spawn(cmd, dict(os.environ), log)
    url = f"http://127.0.0.1:{port}"
    server = Server("baseline", [url], [proc], f"sqlite:///{db_path}", password, workdir)
    server.logs.append(log)
    server.setup = f"baseline_server.py, SQLite journal_mode={journal_mode}"
    try:
        wait_ready(url, proc, log)
    except Exception:
        server.stop()
        raise
    return server


def workshop_env(workdir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSHOP_")}
    env["WORKSHOP_INSTANCE_PATH"] = str(workdir / "instance")
    env["WORKSHOP_SESSIONS_DIR"] = str(workdir / "sessions")
    env.pop("SOCKETIO_ASYNC_MODE", None)
    env.update(extra or {})
    return env


def _run(cmd: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd, env=env, cwd=REPO, input=stdin, capture_output=True, text=True, timeout=120
    )


def prepare_workshop(workdir: Path, env: dict[str, str]) -> tuple[str, str]:
    """Create the console's account and load the session; return ``(password, how it was
    loaded)``. An organiser: a facilitator drives only the sessions assigned to them."""
    (workdir / "sessions").mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    done = _run(
        [
            *_workshop_cmd(),
            "create-user",
            workload.FACILITATOR,
            "--role",
            "organiser",
            "--password-stdin",
        ],
        env,
        stdin=password + "\n",
    )
    if done.returncode:
        raise RuntimeError(f"workshop create-user failed:\n{done.stdout}{done.stderr}")
    session_file = workdir / "bench-session.yaml"
    session_file.write_text(workload.session_yaml(), encoding="utf-8")
    done = _run([*_workshop_cmd(), "load", str(session_file)], env)
    if done.returncode == 0:
        return password, "workshop load"
    why = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
    seeded = _run([sys.executable, "-m", "bench.seed"], env)
    if seeded.returncode:
        raise RuntimeError(
            f"workshop load failed ({why[0]}) and so did bench.seed:\n{seeded.stderr}"
        )
    return password, f"bench/seed.py (workshop load failed: {why[0]})"


def start_workshop(
    workdir: Path, processes: int = 1, extra_env: dict[str, str] | None = None
) -> Server:
    """``workshop serve`` on a fresh instance folder; ``processes`` > 1 needs ``extra_env`` with
    WORKSHOP_DATABASE_URL and WORKSHOP_MESSAGE_QUEUE shared by every process."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = workshop_env(workdir, extra_env)
    if processes > 1 and not (
        env.get("WORKSHOP_DATABASE_URL") and env.get("WORKSHOP_MESSAGE_QUEUE")
    ):
        raise ValueError("several processes need WORKSHOP_DATABASE_URL and WORKSHOP_MESSAGE_QUEUE")
    password, how = prepare_workshop(workdir, env)
    database_url = env.get("WORKSHOP_DATABASE_URL") or (
        f"sqlite:///{workdir / 'instance' / 'workshop.sqlite3'}"
    )
    server = Server("workshop", [], [], database_url, password, workdir, setup=how)
    try:
        for index in range(processes):
            port = free_port()
            log = workdir / f"workshop-{index}.log"
            cmd = [*_workshop_cmd(), "serve", "--port", str(port), "--quiet"]
            server.procs.append(_spawn(cmd, env, log))
            server.logs.append(log)
            server.urls.append(f"http://127.0.0.1:{port}")
        for url, proc, log in zip(server.urls, server.procs, server.logs, strict=True):
            wait_ready(url, proc, log)
    except Exception:
        server.stop()
        raise
    return server
