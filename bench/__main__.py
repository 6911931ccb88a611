"""``python -m bench run --phones N --json FILE``: benchmark the live server (see
docs/performance.md).

By default the same workload runs, in the same invocation, first against the bare baseline
(``bench/baseline_server.py``) and then against ours (``workshop serve``), and the CPU ratio
ours / baseline is reported. ``--server baseline`` benchmarks the baseline alone. Ours then
runs the debate (bench/debate.py: the floor and the room's questions; the baseline has none),
reported apart.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .phones import event_loop_name, raise_fd_limit
from .runner import Options, run_against
from .servers import REPO, start_baseline, start_workshop

#: (label, key, target for ours) of the printed table.
TABLE = [
    ("phones connected", "connected", None),
    ("connect p99 ms", "connect_p99_ms", None),
    ("push p50 ms", "push_p50_ms", None),
    ("push p95 ms", "push_p95_ms", None),
    ("push p99 ms", "push_p99_ms", "≤ 250"),
    ("paced ack p50 ms", "ack_p50_ms", None),
    ("paced ack p99 ms", "ack_p99_ms", "≤ 250"),
    ("burst answers/s", "votes_per_s", "≥ 2,000"),
    ("burst ack p99 ms", "burst_ack_p99_ms", None),
    ("lost", "lost", "0"),
    ("duplicated", "duplicated", "0"),
    ("errors", "error_count", "0"),
    ("server CPU s", "server_cpu_s", None),
    ("server peak RSS MB", "server_rss_mb", None),
    ("client CPU s", "client_cpu_s", None),
]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the benchmark")
    run.add_argument("--phones", type=int, required=True, help="number of phones")
    run.add_argument("--json", type=Path, help="write the figures to this file")
    run.add_argument("--processes", type=int, default=1, help="server processes (ours)")
    run.add_argument("--client-procs", type=int, help="client processes (default: 1 per 500)")
    run.add_argument("--skip-baseline", action="store_true", help="benchmark ours only")
    run.add_argument(
        "--server",
        choices=("workshop", "baseline"),
        default="workshop",
        help="'baseline': benchmark the bare baseline alone (no comparison)",
    )
    run.add_argument("--paced-seconds", type=float, default=10.0)
    run.add_argument("--push-rounds", type=int, default=3, help="set_open pushes to measure")
    run.add_argument("--wave", type=int, default=50, help="phones connecting at once per process")
    run.add_argument("--seed", type=int, default=1)
    run.add_argument(
        "--comment-rate",
        type=float,
        default=0.3,
        help="share of answers to comment-allowing questions with a comment (default 0.3)",
    )
    run.add_argument(
        "--decode-comments",
        action="store_true",
        help="phones JSON-decode every `comments` and `qa` batch they receive (default: they "
        "read the frame and skip its decoding, a phone's own CPU cost that would land on the "
        "server's cores here: see docs/performance.md)",
    )
    run.add_argument(
        "--client-loop",
        choices=("auto", "uvloop", "asyncio"),
        default="auto",
        help="event loop of the client processes (default: uvloop when installed)",
    )
    run.add_argument(
        "--skip-debate", action="store_true", help="no debate phase (the floor and questions)"
    )
    run.add_argument(
        "--debate-seconds",
        type=float,
        default=10.0,
        help="the debate's busy phase: supports of the room's questions and turns (default 10)",
    )
    run.add_argument(
        "--floor-share", type=float, default=0.05, help="share of phones asking for the floor"
    )
    run.add_argument("--ask-share", type=float, default=0.1, help="share of phones asking")
    run.add_argument("--qa-supports", type=int, default=3, help="questions each phone supports")
    run.add_argument("--floor-turns", type=int, default=5, help="turns the console gives")
    run.add_argument("--qa-probes", type=int, default=3, help="questions whose push is timed")
    run.add_argument("--database-url", help="WORKSHOP_DATABASE_URL for ours (default: SQLite)")
    run.add_argument("--message-queue", help="WORKSHOP_MESSAGE_QUEUE for ours")
    run.add_argument(
        "--baseline-journal",
        choices=("delete", "wal"),
        default="delete",
        help="SQLite journal mode of the baseline (default: delete, SQLite's default)",
    )
    run.add_argument("--keep", action="store_true", help="keep the temporary folder and logs")
    run.add_argument("--quiet", action="store_true", help="no progress lines")
    rows = sub.add_parser("rows", help="print docs/performance.md table rows from JSON reports")
    rows.add_argument("files", nargs="+", type=Path)
    snap = sub.add_parser("snapshot", help="the CPU cost of a socket's snapshot, part by part")
    snap.add_argument("--calls", type=int, default=300, help="calls per round (default: 300)")
    snap.add_argument("--repeat", type=int, default=5, help="rounds, median kept (default: 5)")
    snap.add_argument(
        "--debate", action="store_true", help="with a queue for the floor and questions"
    )
    snap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.command in ("rows", "snapshot"):
        return args
    if args.phones < 1:
        parser.error("--phones must be at least 1")
    if args.client_procs is None:
        args.client_procs = max(1, min(4, -(-args.phones // 500)))
    if args.processes > 1 and not (args.database_url and args.message_queue):
        parser.error("--processes > 1 needs --database-url and --message-queue")
    return args


def cpu_speed() -> float:
    """Seconds of CPU for a fixed pure-Python loop (5 million additions): how fast this
    machine's cores are at the moment. On a shared virtual machine it varied by a factor of
    two within an hour (docs/performance.md): compare runs made at similar speeds."""
    started = time.process_time()
    total = 0
    for i in range(5_000_000):
        total += i
    return round(time.process_time() - started, 3)


def git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def run_one(name: str, workdir: Path, opts: Options, args: argparse.Namespace) -> dict[str, Any]:
    if name == "baseline":
        server = start_baseline(workdir / "baseline", args.baseline_journal)
    else:
        extra = {}
        if args.database_url:
            extra["WORKSHOP_DATABASE_URL"] = args.database_url
        if args.message_queue:
            extra["WORKSHOP_MESSAGE_QUEUE"] = args.message_queue
        server = start_workshop(workdir / "workshop", args.processes, extra)
    try:
        result = asyncio.run(run_against(server, opts, echo=not args.quiet))
        result["processes"] = len(server.procs)
        return result
    finally:
        server.stop()


def fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(report: dict[str, Any]) -> str:
    main = report if report.get("server") else None
    base = report.get("baseline") if main else None
    columns = [main["server"]] if main else []
    if base:
        columns.append("baseline")
    header = f"{'':22}" + "".join(f"{c:>14}" for c in columns) + f"{'target':>12}"
    lines = [header, "-" * len(header)]
    for label, key, target in TABLE:
        cells = [fmt(main.get(key))] if main else []
        if base:
            cells.append(fmt(base.get(key)))
        lines.append(f"{label:22}" + "".join(f"{c:>14}" for c in cells) + f"{target or '':>12}")
    if report.get("ratio_cpu_vs_baseline") is not None:
        lines.append(
            f"{'CPU ratio vs baseline':22}{report['ratio_cpu_vs_baseline']:>14.2f}"
            f"{'':>14}{'≤ 1.3':>12}"
        )
    return "\n".join(lines)


#: (label, figures) of the printed debate table: ``ack_ms`` events, then pushes.
DEBATE_ROWS = [
    ("floor_request ack ms", ("ack_ms", "floor_request")),
    ("floor_withdraw ack ms", ("ack_ms", "floor_withdraw")),
    ("qa_ask ack ms", ("ack_ms", "qa_ask")),
    ("qa_support ack ms", ("ack_ms", "qa_support")),
    ("console acks ms", ("console_ack_ms",)),
    ("floor give → phones ms", ("floor_push_ms",)),
    ("qa support → phones ms", ("qa_push_ms",)),
]


def debate_table(debate: dict[str, Any]) -> str:
    """The debate's figures (ours only): latencies, what was done, the database check."""
    header = f"{'debate (workshop)':26}" + "".join(
        f"{c:>10}" for c in ("n", "p50", "p95", "p99", "max")
    )
    lines = [header, "-" * len(header)]
    for label, path in DEBATE_ROWS:
        fig = debate
        for key in path:
            fig = fig.get(key) or {}
        cells = [fmt(fig.get(k)) for k in ("n", "p50", "p95", "p99", "max")]
        lines.append(f"{label:26}" + "".join(f"{c:>10}" for c in cells))
    reached = [ms for ms in debate["floor_push_all_ms"] if ms is not None]
    lines.append(
        f"floor: {fmt(debate['floor_requests'])} requests ({fmt(debate['withdrawn'])} withdrawn, "
        f"{fmt(debate['added_from_room'])} from the room), {fmt(debate['turns'])} turns, "
        f"all phones reached within {fmt(max(reached, default=None))} ms; "
        f"push missing {fmt(debate['floor_push_ms']['missing'])}"
    )
    lines.append(
        f"questions: {fmt(debate['questions'])} ({fmt(debate['premoderated'])} pre-moderated), "
        f"{fmt(debate['support_acks'])} support acks → {fmt(debate['supports'])} supports, "
        f"{len(debate['merges'])} merges, {fmt(debate['probes'])} probes; "
        f"push missing {fmt(debate['qa_push_ms']['missing'])}"
    )
    lines.append(
        f"database {'= acked' if debate['db_ok'] else '≠ acked (see db in the JSON)'}; "
        f"errors {fmt(debate['error_count'])}; server CPU {fmt(debate['server_cpu_s'])} s, "
        f"client CPU {fmt(debate.get('client_cpu_s'))} s, {fmt(debate['elapsed_s'])} s"
    )
    return "\n".join(lines)


MD_HEADER = (
    "| date (UTC) | commit | server | phones | connected | push p50/p99 ms | ack p50/p99 ms "
    "| burst /s | lost | dup | errors | CPU s | RSS MB | CPU ratio | load before→after |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def md_rows(report: dict[str, Any]) -> list[str]:
    """One markdown row per server of a JSON report (ours, then its baseline)."""
    meta = report["meta"]
    load = f"{meta['loadavg_before'][0]}→{meta['loadavg_after'][0]}"
    if meta.get("cpu_speed_s"):
        load += " (loop {}→{} s)".format(*meta["cpu_speed_s"])
    rows = []
    for fig, ratio in (
        (report, report.get("ratio_cpu_vs_baseline")),
        (report.get("baseline"), None),
    ):
        if not fig:
            continue
        commit = meta["commit"] or "?"
        if fig["server"] == "workshop" and meta.get("workshop_uncommitted"):
            commit += "+wip"
        server = fig["server"]
        if "journal_mode=wal" in (fig.get("setup") or ""):
            server += " (WAL)"
        if meta.get("comment_rate", 0.3) != 0.3:
            server += f" (comments {meta['comment_rate']:g})"
        if meta.get("decode_comments"):
            server += " (comments decoded)"
        if meta.get("client_loop"):
            server += f" [{meta['client_loop']}]"
        cells = [
            meta["date"].replace("+00:00", ""),
            commit,
            server,
            fmt(fig["phones"]),
            fmt(fig["connected"]),
            f"{fmt(fig['push_p50_ms'])} / {fmt(fig['push_p99_ms'])}",
            f"{fmt(fig['ack_p50_ms'])} / {fmt(fig['ack_p99_ms'])}",
            fmt(fig["votes_per_s"]),
            fmt(fig["lost"]),
            fmt(fig["duplicated"]),
            fmt(fig["error_count"]),
            fmt(fig["server_cpu_s"]),
            fmt(fig["server_rss_mb"]),
            "–" if ratio is None else f"{ratio:.2f}",
            load,
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command == "rows":
        print(MD_HEADER)
        for path in args.files:
            print("\n".join(md_rows(json.loads(path.read_text()))))
        return 0
    if args.command == "snapshot":
        from .snapshot import measure, report

        result = measure(args.calls, args.repeat, args.debate)
        print(report(result))
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n")
        return 0
    raise_fd_limit()  # inherited by the servers and the client processes
    opts = Options(
        phones=args.phones,
        client_procs=args.client_procs,
        paced_seconds=args.paced_seconds,
        push_rounds=args.push_rounds,
        wave=args.wave,
        seed=args.seed,
        comment_rate=args.comment_rate,
        decode_comments=args.decode_comments,
        client_loop=event_loop_name(args.client_loop),
        debate=not args.skip_debate,
        debate_seconds=args.debate_seconds,
        floor_share=args.floor_share,
        ask_share=args.ask_share,
        qa_supports=args.qa_supports,
        floor_turns=args.floor_turns,
        qa_probes=args.qa_probes,
    )
    workdir = Path(tempfile.mkdtemp(prefix="workshop-bench-"))
    load_before = os.getloadavg()
    speed_before = cpu_speed()
    dirty = bool(git("status", "--porcelain", "--", "workshop"))
    started = dt.datetime.now(dt.UTC)
    try:
        if args.server == "baseline":
            report = run_one("baseline", workdir, opts, args)
            report["baseline"] = None
        else:
            baseline = None if args.skip_baseline else run_one("baseline", workdir, opts, args)
            report = run_one("workshop", workdir, opts, args)
            report["baseline"] = baseline
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    base = report.get("baseline")
    report["ratio_cpu_vs_baseline"] = (
        round(report["server_cpu_s"] / base["server_cpu_s"], 2)
        if base and base.get("server_cpu_s")
        else None
    )
    report["meta"] = {
        "date": started.isoformat(timespec="seconds"),
        "command": "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv),
        "commit": git("rev-parse", "--short", "HEAD"),
        # The servers run the working tree: say when workshop/ differed from the commit.
        "workshop_uncommitted": dirty or bool(git("status", "--porcelain", "--", "workshop")),
        "cpus": os.cpu_count(),
        "client_procs": args.client_procs,
        "paced_seconds": args.paced_seconds,
        "comment_rate": args.comment_rate,
        "decode_comments": args.decode_comments,
        "client_loop": opts.client_loop,
        "debate": opts.debate,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "cpu_speed_s": [speed_before, cpu_speed()],
    }
    print()
    print(table(report))
    if report.get("debate"):
        print()
        print(debate_table(report["debate"]))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
