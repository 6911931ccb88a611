"""CLI commands: ``workshop validate``, ``workshop load``, ``workshop dump``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .dumper import dump_programme, dump_session
from .loader import load_paths, validate_paths
from .problems import Problem, SessionFileError, UnknownSlugError

_PATHS = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)


def _files(paths: tuple[Path, ...]) -> list[Path]:
    """The files given, a folder standing for its ``*.yaml`` and ``*.yml`` files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")))
        else:
            files.append(path)
    return files


def _fail(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    n = len(problems)
    raise click.ClickException(f"{n} problem{'s' if n != 1 else ''} found; nothing was loaded.")


@click.command("validate")
@_PATHS
@with_appcontext
def validate(paths: tuple[Path, ...]) -> None:
    """Check session files (or folders of them); list every problem."""
    files = _files(paths)
    problems = validate_paths(files)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        n = len(problems)
        raise click.ClickException(f"{n} problem{'s' if n != 1 else ''} found.")
    click.echo(f"OK: {len(files)} file(s)")


@click.command("load")
@_PATHS
@with_appcontext
def load(paths: tuple[Path, ...]) -> None:
    """Validate, then load session files into the database (all or nothing)."""
    files = _files(paths)
    try:
        report = load_paths(files)
    except SessionFileError as exc:
        _fail(exc.problems)
        return
    click.echo(f"Loaded {len(files)} file(s): {report}")


@click.command("dump")
@click.argument("slug")
@click.option("--programme", is_flag=True, help="Dump the programme of this slug.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@with_appcontext
def dump(slug: str, programme: bool, output: Path | None) -> None:
    """Write a session (or, with --programme, a programme) as a session file."""
    try:
        text = dump_programme(slug) if programme else dump_session(slug)
    except UnknownSlugError as exc:
        raise click.ClickException(str(exc.args[0])) from None
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)


COMMANDS = [validate, load, dump]
