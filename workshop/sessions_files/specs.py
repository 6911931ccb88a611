"""What a valid file describes, as plain dataclasses (the loader's input, the dumper's model)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time


@dataclass(frozen=True)
class Where:
    """Where a thing is written, to report load-time problems against the file."""

    file: str
    line: int
    place: str


@dataclass
class GroupSpec:
    key: str
    label: str


@dataclass
class SpeakerSpec:
    key: str
    name: str
    role: str = ""
    organisation: str = ""
    bio: str = ""


@dataclass
class QuestionSpec:
    key: str
    prompt: str
    kind: str
    where: Where
    kind_line: int = 0
    options: list[str] = field(default_factory=list)
    scale_min: int | None = None
    scale_max: int | None = None
    min_label: str = ""
    max_label: str = ""
    max_choices: int | None = None
    max_words: int | None = None
    max_length: int | None = None
    allow_comment: bool = False


@dataclass
class QuestionSetSpec:
    key: str
    title: str
    where: Where
    introduction: str = ""
    questions: list[QuestionSpec] = field(default_factory=list)


@dataclass
class AgendaItemSpec:
    kind: str
    title: str
    text: str = ""
    start: time | None = None
    duration: int | None = None
    speakers: list[str] = field(default_factory=list)
    question_set: str | None = None


@dataclass
class SessionSpec:
    file: str
    slug: str
    title: str
    where: Where
    programme: str | None = None
    theme: str | int | None = None  # a title, or a number counted from 1
    theme_where: Where | None = None
    date: date | None = None
    start_time: time | None = None
    place: str = ""
    organiser: str = ""
    privacy_contact: str = ""
    retention_days: int | None = None
    theme_statement: str = ""
    objective: str = ""
    method: str = ""
    code: str | None = None
    code_where: Where | None = None
    stakeholder_groups: list[GroupSpec] = field(default_factory=list)
    speakers: list[SpeakerSpec] = field(default_factory=list)
    agenda: list[AgendaItemSpec] = field(default_factory=list)
    question_sets: list[QuestionSetSpec] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # line of each top-level key

    def line(self, key: str) -> int:
        return self.lines.get(key, self.where.line)


@dataclass
class EntrySpec:
    """A session listed in a theme: a reference (slug only) or a light entry (slug + title)."""

    slug: str
    where: Where
    title: str | None = None  # None: a reference to a session file
    description: str = ""
    date: date | None = None
    place: str = ""

    @property
    def is_light(self) -> bool:
        return self.title is not None


@dataclass
class ThemeSpec:
    title: str
    description: str = ""
    sessions: list[EntrySpec] = field(default_factory=list)


@dataclass
class ProgrammeSpec:
    file: str
    slug: str
    title: str
    where: Where
    organiser: str = ""
    privacy_contact: str = ""
    retention_days: int | None = None
    description: str = ""
    objective: str = ""
    method: str = ""
    themes: list[ThemeSpec] = field(default_factory=list)
