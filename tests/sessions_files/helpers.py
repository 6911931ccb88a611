"""Shared helpers: the seed files, and writing small files to a temporary folder."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

SESSIONS_DIR = Path(__file__).resolve().parents[2] / "sessions"
PROGRAMME_FILE = SESSIONS_DIR / "gouvernance-2008.yaml"
NAMUR_FILE = SESSIONS_DIR / "namur-2008-12-03-contractualisation.yaml"
SEED_FILES = [PROGRAMME_FILE, NAMUR_FILE]
NAMUR = "namur-2008-12-03-contractualisation"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def copy_seed(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(path, folder / path.name)) for path in SEED_FILES]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_number(path: Path, fragment: str, occurrence: int = 1) -> int:
    """The line (from 1) where ``fragment`` appears for the ``occurrence``-th time."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if fragment in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{fragment!r} not in {path}")


def remove_question(path: Path, key: str) -> None:
    """Cut the question ``key`` (its ``- key:`` line and the lines under it) out of a file."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- key: {key}")
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (len(lines[end]) - len(lines[end].lstrip()) > indent + 1):
        end += 1
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
