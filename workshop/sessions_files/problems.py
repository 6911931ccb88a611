"""What goes wrong in a session file: a :class:`Problem` names the file, the line and the place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem, printed as ``file:line: place: message``."""

    file: str
    line: int | None
    place: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if not self.place:
            return f"{where}: {self.message}"
        return f"{where}: {self.place}: {self.message}"


class SessionFileError(Exception):
    """Raised by :func:`load_paths` when files are invalid or a load would destroy live data."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownSlugError(LookupError):
    """``dump`` was asked for a session or programme that is not in the database."""
