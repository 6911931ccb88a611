"""CLI commands of the summary feature: ``workshop export`` (and ``workshop rehearse``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select


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
    type=click.Choice(["md", "docx", "csv", "json", "html"]),
    default="md",
    show_default=True,
)
@click.option("-o", "--output", help="File to write (default: standard output).")
@click.option("--programme", "programme_slug", help="Every session of this programme (md, docx).")
@click.option(
    "--identify",
    is_flag=True,
    help="csv/json: add each answer's participant id and pseudonym (off: anonymised).",
)
@with_appcontext
def export(
    code: str | None, fmt: str, output: str | None, programme_slug: str | None, identify: bool
) -> None:
    """Export a session (by join CODE) or a whole programme (--programme SLUG)."""
    from ..extensions import db
    from ..models import Programme, Session
    from ..models.session import normalise_code
    from . import exporters

    if bool(code) == bool(programme_slug):
        raise click.UsageError("give either a session CODE or --programme SLUG")
    if fmt == "docx" and output in (None, "-") and sys.stdout.isatty():
        raise click.UsageError("docx is binary: give -o FILE")
    # A request context: labels are translated (French by default), as in a download.
    with current_app.test_request_context():
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
            content = exporters.export_session(session, fmt, identify=identify)
    _write(content, output)


COMMANDS: list[click.Command] = [export]
