"""CLI commands ``workshop backup FILE`` and ``workshop restore FILE --yes`` (the work is in
``backup.py``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

_FILE = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))


def _database_url():
    from .extensions import db

    return db.engine.url


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    return {revision.revision for revision in script.walk_revisions()}


def _release_connections() -> None:
    """Close the app's pooled connections to the database (it is about to be replaced)."""
    from .extensions import db

    db.session.remove()
    db.engine.dispose()


@click.command("backup")
@_FILE
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@with_appcontext
def backup(file: Path, force: bool) -> None:
    """Back the database up into FILE, online (SQLite; PostgreSQL: use pg_dump)."""
    from . import backup as backups

    url = _database_url()
    if backups.backend(url) == "postgresql":
        raise click.ClickException(
            "the database is PostgreSQL: back it up with pg_dump, e.g.\n"
            f"  {backups.pg_dump_command(url, str(file))}\n"
            "(the password from PGPASSWORD or ~/.pgpass; restore with pg_restore). "
            "Nothing was written."
        )
    if backups.backend(url) != "sqlite":
        raise click.ClickException(
            f"workshop backup handles SQLite; back a {backups.backend(url)} database up with "
            "its own tools. Nothing was written."
        )
    try:
        database = backups.sqlite_path(url)
        summary = backups.write_backup(database, file, force=force)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up {database} to {summary.path} ({summary.describe()}).")
    click.echo(
        "The secret key is not in the backup: keep the instance folder's secret_key (or "
        "WORKSHOP_SECRET_KEY) with it, or the phones' tokens and logins stop working."
    )


@click.command("restore")
@_FILE
@click.option("--yes", is_flag=True, help="Really replace the current database by FILE.")
@click.option(
    "--force", is_flag=True, help="Restore even though a server seems to be running on it."
)
@with_appcontext
def restore(file: Path, yes: bool, force: bool) -> None:
    """Replace the database by a backup FILE (SQLite), then upgrade its schema."""
    from . import backup as backups
    from .db_schema import upgrade
    from .services.live.presence import STALE_AFTER_BEATS

    url = _database_url()
    if backups.backend(url) == "postgresql":
        raise click.ClickException(
            "the database is PostgreSQL: restore a pg_dump file with pg_restore, servers "
            "stopped, e.g.\n"
            f"  {backups.pg_restore_command(url, str(file))}\n"
            "then start the servers (they upgrade the schema). Nothing was changed."
        )
    if backups.backend(url) != "sqlite":
        raise click.ClickException(
            f"workshop restore handles SQLite; restore a {backups.backend(url)} database with "
            "its own tools. Nothing was changed."
        )
    try:
        database = backups.sqlite_path(url)
        summary = backups.inspect_backup(file, _known_revisions())
        if database.exists() and file.resolve() == database:
            raise backups.BackupError(f"{file} is the current database itself")
    except backups.BackupError as exc:
        raise click.ClickException(f"{exc}. Nothing was changed.") from None

    window = timedelta(
        seconds=STALE_AFTER_BEATS * float(current_app.config["PRESENCE_HEARTBEAT_INTERVAL"])
    )
    age = backups.live_server_age(database, window)
    if age is not None and not force:
        raise click.ClickException(
            f"a server is likely running on {database}: its last heartbeat is {age:.0f} s old "
            f"(younger than {window.total_seconds():.0f} s). Stop every server first, or add "
            "--force if you are sure none is running. Nothing was changed."
        )
    if not yes:
        click.echo(f"{file}: {summary.describe()}.")
        click.echo(
            f"Restoring replaces {database} by it (the current database is copied aside first, "
            "then the schema is upgraded). Stop the servers, then run again with --yes."
        )
        raise click.ClickException("nothing was changed (no --yes).")

    _release_connections()
    try:
        if database.exists():
            aside = backups.aside_path(database)
            backups.write_backup(database, aside)
            click.echo(f"Copied the current database aside to {aside}.")
        backups.replace_database(file, database)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    _release_connections()
    upgrade()
    _release_connections()
    restored = backups.summarise(database)
    click.echo(
        f"Restored {file} into {database} ({restored.describe()}; "
        f"schema {summary.revision} in the backup)."
    )


COMMANDS: list[click.Command] = [backup, restore]
