"""Account and server commands of the ``workshop`` CLI (feature commands live with their
feature: ``sessions_files/commands.py``, ``summary/commands.py``)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("create-user")
@click.argument("username")
@click.option(
    "--role", type=click.Choice(["organiser", "facilitator"]), required=True, help="Account role."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user(username: str, role: str, password_stdin: bool) -> None:
    """Create an organiser or facilitator account."""
    from .services.accounts import create_user as create
    from .services.errors import ServiceError

    try:
        user = create(username, role, _read_password(password_stdin))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created {user.role.value} {user.username!r}.")


@click.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def set_password(username: str, password_stdin: bool) -> None:
    """Change the password of an account."""
    from .services.accounts import set_password as change
    from .services.errors import ServiceError

    try:
        change(username, _read_password(password_stdin))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Password of {username!r} changed.")


@click.command("unlock")
@click.argument("username")
@with_appcontext
def unlock(username: str) -> None:
    """Let an account locked by wrong logins log in again at once."""
    from . import limits
    from .services.accounts import unlock as unlock_account
    from .services.errors import ServiceError

    try:
        unlock_account(username)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Wrong logins of {username!r} forgotten: the account is unlocked.")
    if not limits.shared():
        click.echo(
            "Note: without a Redis message queue, each server process counts in its own memory,"
            " which this command does not reach; a restart of the server clears them.",
            err=True,
        )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--demo",
    is_flag=True,
    help="Load sessions/, create a demo facilitator and print the URLs to open.",
)
@click.option("--quiet", is_flag=True, help="No access log.")
@with_appcontext
def serve(host: str, port: int, demo: bool, quiet: bool) -> None:
    """Run the server (gevent: thousands of websockets on one process)."""
    from .extensions import socketio

    app = current_app._get_current_object()
    if socketio.async_mode != "gevent":
        raise click.ClickException(
            f"the server needs gevent (async mode is {socketio.async_mode!r}): "
            "start it with the `workshop serve` command"
        )
    if demo:
        from .demo import prepare_demo

        base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"  # noqa: S104
        for line in prepare_demo(app, base):
            click.echo(line)
    from . import runtime

    runtime.tune_gc()  # under gevent only (checked above): collections walk less of the heap
    click.echo(f"Serving on http://{host}:{port} (Ctrl+C to stop)", err=True)
    socketio.run(app, host=host, port=port, log_output=not quiet, use_reloader=False)


def register(app) -> None:
    """Add every command of the project to ``app.cli`` (the app factory calls it)."""
    from .backup_commands import COMMANDS as backup_commands
    from .sessions_files.commands import COMMANDS as session_commands
    from .summary.commands import COMMANDS as summary_commands

    for command in (
        serve,
        create_user,
        set_password,
        unlock,
        *session_commands,
        *summary_commands,
        *backup_commands,
    ):
        app.cli.add_command(command)
