"""CLI commands of the summary feature: ``workshop export``, ``workshop rehearse`` and
``workshop purge``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from ..config import LANGUAGES


def _write(content: bytes, output: str | None) -> None:
    if output in (None, "-"):
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    Path(output).write_bytes(content)
    click.echo(f"Wrote {output} ({len(content)} bytes).", err=True)


@click.command("export")
@click.argument("code", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "docx", "csv", "debate.zip", "json", "html"]),
    default="md",
    show_default=True,
)
@click.option("-o", "--output", help="File to write (default: standard output).")
@click.option("--programme", "programme_slug", help="Every session of this programme (md, docx).")
@click.option(
    "--identify",
    is_flag=True,
    help="csv/json: add each answer's participant id and pseudonym (off: anonymised). "
    "Personal data: for the organiser only.",
)
@click.option(
    "--include-rehearsal",
    is_flag=True,
    help="Count the rehearsal participants (simulated phones); left out by default.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="fr",
    show_default=True,
    help="The document's language (its labels and dates; the session's own texts stay as written).",
)
@with_appcontext
def export(
    code: str | None,
    fmt: str,
    output: str | None,
    programme_slug: str | None,
    identify: bool,
    include_rehearsal: bool,
    lang: str,
) -> None:
    """Export a session (by join CODE) or a whole programme (--programme SLUG)."""
    from ..extensions import db
    from ..models import Programme, Session
    from ..models.session import normalise_code
    from ..services import activity
    from . import exporters

    if bool(code) == bool(programme_slug):
        raise click.UsageError("give either a session CODE or --programme SLUG")
    if fmt in ("docx", "debate.zip") and output in (None, "-") and sys.stdout.isatty():
        raise click.UsageError(f"{fmt} is binary: give -o FILE")
    # A request context: labels are translated (``--lang``, French by default), as in a
    # download with ``?lang=``.
    with current_app.test_request_context(query_string={"lang": lang}), force_locale(lang):
        if programme_slug:
            if fmt not in exporters.PROGRAMME_FORMATS:
                raise click.UsageError("--programme exports md or docx")
            programme = db.session.scalar(select(Programme).where(Programme.slug == programme_slug))
            if programme is None:
                raise click.ClickException(f"no programme {programme_slug!r}")
            content = exporters.export_programme(programme, fmt)
        else:
            session = db.session.scalar(
                select(Session).where(Session.code == normalise_code(code or ""))
            )
            if session is None:
                raise click.ClickException(f"no session with code {code!r}")
            content = exporters.export_session(
                session, fmt, identify=identify, include_rehearsal=include_rehearsal
            )
            activity.exported(
                session,
                fmt,
                identify=identify,
                include_rehearsal=include_rehearsal,
                by="workshop export",
            )
    if identify:
        click.echo(
            "This export names the participant of each answer (id and pseudonym): personal "
            "data (docs/privacy.md), for the organiser only. Do not circulate it; delete it "
            "when done.",
            err=True,
        )
    _write(content, output)


def console_cookie(app, username: str | None = None) -> str:
    """A ``Cookie`` header logging the console in as an organiser, signed with the app's secret
    key (the organiser account is created, with a random password, when missing)."""
    import secrets

    from ..extensions import db
    from ..models import User
    from ..services.accounts import REHEARSAL_USERNAME, create_user

    username = username or REHEARSAL_USERNAME
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = create_user(username, "organiser", secrets.token_urlsafe(24))
        click.echo(f"Created organiser account {username!r} for rehearsals.", err=True)
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


#: What a rehearsal imports beyond the server's own packages (pyproject.toml's dependencies):
#: socketio.AsyncClient runs its websocket on aiohttp.
REHEARSAL_IMPORTS = {"socketio": "python-socketio", "aiohttp": "aiohttp"}


def missing_rehearsal_packages() -> list[str]:
    """The packages a rehearsal needs that do not import here (none on ``pip install -e .``)."""
    import importlib

    missing = []
    for module, package in REHEARSAL_IMPORTS.items():
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    return missing


class StatusFile:
    """The progress of a rehearsal started from the rehearsal page, as a small JSON file that
    the page polls (workshop/rehearsals/runner.py reads it): written whole, then renamed."""

    def __init__(self, path: str | None, participants: int) -> None:
        import os

        self.path = Path(path) if path else None
        self.data: dict = {
            "state": "running",
            "pid": os.getpid(),
            "participants": participants,
            "events": [],
            "answers": 0,
            "upvotes": 0,
            "refused": {},
            "error": None,
        }

    def update(self, **values) -> None:
        if self.path is None:
            return
        import json

        self.data.update(values)
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(self.data, ensure_ascii=False))
        partial.replace(self.path)

    def event(self, event: dict) -> None:
        """One progress event (``{"t": seconds, "event": name, **values}``); the last 30."""
        self.update(events=[*self.data["events"], event][-30:])


@click.command("rehearse")
@click.argument("code")
@click.option("--participants", "-n", default=30, show_default=True, type=click.IntRange(1, 2000))
@click.option("--url", "base_url", default="http://127.0.0.1:5000", show_default=True)
@click.option(
    "--answer-only",
    is_flag=True,
    help="Phones only: a human facilitator opens and closes the sets.",
)
@click.option("--seed", type=int, help="Make the simulated answers reproducible.")
@click.option(
    "--set-timeout",
    default=60.0,
    show_default=True,
    help="Seconds the phones get per set before it is closed anyway.",
)
@click.option(
    "--pace",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 300),
    help="Seconds each set stays open (answers spread over it), then its results are shown "
    "for half as long: a rehearsal to follow on the projector. 0: as fast as the phones go.",
)
@click.option(
    "--status-file",
    hidden=True,
    help="Write the progress as JSON there (the rehearsal page, which logs the start itself).",
)
@with_appcontext
def rehearse(
    code: str,
    participants: int,
    base_url: str,
    answer_only: bool,
    seed: int | None,
    set_timeout: float,
    pace: float,
    status_file: str | None,
) -> None:
    """Drive N simulated phones (and the facilitator) against a running server.

    Run it beside the server's instance folder (same database and secret key): it signs the
    console's login cookie and the phones' rehearsal ticket with the app's secret. The phones'
    participants are marked as rehearsal ones: the summary and the exports leave them out
    unless asked (docs/exports.md).
    """
    missing = missing_rehearsal_packages()
    if missing:
        raise click.ClickException(
            f"workshop rehearse needs {', '.join(missing)}, which is not installed here. "
            "Install the workshop's dependencies again: pip install -e . "
            "(or: pip install 'python-socketio[asyncio_client]' aiohttp)."
        )
    import asyncio
    import time

    import socketio

    from ..extensions import db
    from ..models import Session
    from ..models.session import normalise_code
    from ..rehearsals import tickets
    from ..services import activity
    from ..services.errors import ServiceError
    from .rehearsal import describe
    from .rehearsal import rehearse as run

    status = StatusFile(status_file, participants)
    session = db.session.scalar(select(Session).where(Session.code == normalise_code(code)))
    if session is None:
        status.update(state="failed", error=f"no session with code {code!r}")
        raise click.ClickException(f"no session with code {code!r}")
    session_code, set_count = session.code, len(session.question_sets)
    ticket = tickets.issue(session.id)
    cookie = None
    if not answer_only:
        try:
            cookie = console_cookie(current_app._get_current_object())
        except ServiceError as exc:
            status.update(state="failed", error=exc.message)
            raise click.ClickException(exc.message) from None
    if status_file is None:
        activity.rehearsal_started(session, participants, by="workshop rehearse")
    db.session.remove()  # the server writes; do not hold a connection open meanwhile
    started = time.monotonic()

    def report(event: str, **values) -> None:
        elapsed = round(time.monotonic() - started, 1)
        click.echo(f"[{elapsed:6.1f}s] {describe(event, values)}", err=True)
        status.event({"t": elapsed, "event": event, **values})

    try:
        tally = asyncio.run(
            run(
                base_url.rstrip("/"),
                session_code,
                participants,
                console_cookie=cookie,
                set_count=set_count,
                report=report,
                seed=seed,
                set_timeout=set_timeout,
                ticket=ticket,
                pace=pace,
            )
        )
    except KeyboardInterrupt:
        status.update(state="failed", error="interrupted")
        raise click.Abort() from None
    except (OSError, RuntimeError, TimeoutError, socketio.exceptions.ConnectionError) as exc:
        status.update(state="failed", error=str(exc) or type(exc).__name__)
        raise click.ClickException(f"rehearsal failed: {exc}") from None
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(tally.errors.items())) or "none"
    status.update(
        state="done", answers=tally.answers, upvotes=tally.upvotes, refused=dict(tally.errors)
    )
    click.echo(
        f"Rehearsal done: {participants} phones, {tally.answers} answers, "
        f"{tally.upvotes} upvotes, refused: {errors}."
    )


@click.command("purge")
@click.option(
    "--session",
    "code",
    help="Purge this session (by join CODE) now, whatever its retention (e.g. on request).",
)
@click.option("--dry-run", is_flag=True, help="List what would be purged; change nothing.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Count retention up to this day instead of today (YYYY-MM-DD).",
)
@with_appcontext
def purge(code: str | None, dry_run: bool, today) -> None:
    """Delete the participants' raw contributions of the sessions past their retention period
    (pseudonyms, tokens, answers, comments, upvotes, endorsements), keeping the aggregated
    figures and the conclusions (docs/privacy.md). Run it daily (docs/deployment.md)."""
    from ..extensions import db
    from ..models import Session
    from ..models.session import normalise_code
    from ..services import privacy
    from . import archive

    with current_app.test_request_context():  # labels of the archive in the default language
        if code:
            session = db.session.scalar(select(Session).where(Session.code == normalise_code(code)))
            if session is None:
                raise click.ClickException(f"no session with code {code!r}")
            if session.purged_at is not None:
                click.echo(f"{session.code} {session.slug}: purged already ({session.purged_at}).")
                return
            targets = [privacy.describe(session)]
        else:
            targets = privacy.due(today.date() if today else None)
        if not targets:
            click.echo("Nothing to purge.")
            return
        for target in targets:
            line = (
                f"{target.session.code} {target.session.slug}: {target.participants} "
                f"participant(s), {target.answers} answer(s)"
                + (f", kept until {target.purge_on}" if target.purge_on else "")
            )
            if dry_run:
                click.echo(f"would purge {line}")
                continue
            counts = privacy.purge(
                target.session, archive.archived(target.session), by="workshop purge"
            )
            click.echo(
                f"purged {target.session.code} {target.session.slug}: "
                f"{counts['participants']} participant(s), {counts['answers']} answer(s) deleted; "
                "aggregated figures and conclusions kept."
            )


@click.command("reset")
@click.argument("code")
@click.option("--yes", is_flag=True, help="Do it (without: say what would be deleted).")
@with_appcontext
def reset(code: str, yes: bool) -> None:
    """Reset the live data of a session (by join CODE) after a rehearsal: delete its
    participants, answers, comments, upvotes, endorsements and live connections; put its sets,
    agenda, conclusions' votes and status back to before it started. Keeps its definition, its
    join code and its conclusions' texts (docs/exports.md). Refused while a set is open."""
    from ..extensions import db
    from ..models import Session
    from ..models.session import normalise_code
    from ..services import reset as reset_service
    from ..services.errors import ServiceError

    session = db.session.scalar(select(Session).where(Session.code == normalise_code(code)))
    if session is None:
        raise click.ClickException(f"no session with code {code!r}")
    counts = reset_service.describe(session)
    what = (
        f"{session.code} {session.slug}: {counts.participants} participant(s) "
        f"({counts.rehearsal_participants} rehearsal), {counts.answers} answer(s)"
    )
    if not yes:
        click.echo(
            f"would reset {what}: participants, answers, comments, upvotes, endorsements and "
            "live connections deleted; sets, agenda, conclusions' votes and status reset; the "
            "definition, the join code and the conclusions' texts kept.\n"
            "Nothing changed: run again with --yes to do it."
        )
        return
    with current_app.test_request_context():  # messages in the default language
        try:
            reset_service.reset_session(session, by="workshop reset")
        except ServiceError as exc:
            raise click.ClickException(exc.message) from None
    click.echo(f"reset {what} deleted; join code {session.code} unchanged.")


COMMANDS: list[click.Command] = [export, rehearse, purge, reset]
