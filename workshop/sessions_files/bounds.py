"""The shape of a file is checked before it is composed: bounded depth, bounded size.

PyYAML's composer recurses once per level of nesting (``[[[[…`` or a block nested thousands of
levels deep ends in ``RecursionError``), and aliases let a small file stand for a huge structure
("billion laughs": a list of nine aliases to a list of nine aliases…) that PyYAML shares but that
reading the file walks in full. :func:`check_shape` reads the file's event stream with
:func:`yaml.parse`, which is iterative, and stops at the first event that goes too deep or makes
the file stand for too many values, so nothing later recurses on a hostile file or expands it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    Event,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)

from .problems import Problem

#: How deep a file may nest lists and mappings (a session file needs 6 levels).
MAX_DEPTH = 50
#: How many values (scalars, lists, mappings) a file may stand for, each alias counted as the
#: values of its anchor (the seed session file has under 300).
MAX_VALUES = 100_000
#: How long a place may be in a problem about the shape.
_MAX_PLACE = 80


@dataclass
class _Level:
    """One open list or mapping: where it is, and what its next child is."""

    place: str
    anchor: str | None
    values_before: int
    mapping: bool
    index: int = 0  # children seen (in a mapping: keys and values)
    key: str = "?"


@dataclass
class _Scan:
    file: str
    levels: list[_Level] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)  # values each anchor stands for
    values: int = 0

    def place(self) -> str:
        """The place of the next child of the innermost level (``agenda[0].speakers``)."""
        if not self.levels:
            return ""
        level = self.levels[-1]
        if level.mapping:
            if level.index % 2 == 0:  # a key: its mapping is the place
                return level.place
            return f"{level.place}.{level.key}" if level.place else level.key
        return f"{level.place}[{level.index}]"

    def child_done(self, event: Event) -> None:
        if not self.levels:
            return
        level = self.levels[-1]
        if level.mapping and level.index % 2 == 0:
            level.key = event.value if isinstance(event, ScalarEvent) else "?"
        level.index += 1

    def problem(self, event: Event, place: str, message: str) -> Problem:
        if len(place) > _MAX_PLACE:
            place = place[: _MAX_PLACE - 1] + "…"
        return Problem(self.file, event.start_mark.line + 1, place, message)

    def step(self, event: Event) -> Problem | None:
        if isinstance(event, CollectionEndEvent):
            level = self.levels.pop()
            if level.anchor is not None:
                self.sizes[level.anchor] = self.values - level.values_before
            self.child_done(event)
            return None
        if not isinstance(event, NodeEvent):
            return None
        place = self.place()
        if isinstance(event, AliasEvent):
            self.values += self.sizes.get(event.anchor, 1)
        else:
            self.values += 1
        if self.values > MAX_VALUES:
            return self.problem(
                event,
                place,
                f"the file stands for more than {MAX_VALUES} values (aliases repeat too much: "
                "write the values out, or alias less)",
            )
        if isinstance(event, CollectionStartEvent):
            if len(self.levels) >= MAX_DEPTH:
                return self.problem(
                    event,
                    place,
                    f"nested more than {MAX_DEPTH} levels (lists and mappings inside each "
                    "other; a session file needs fewer than 10)",
                )
            self.levels.append(
                _Level(
                    place=place,
                    anchor=event.anchor,
                    values_before=self.values - 1,
                    mapping=isinstance(event, MappingStartEvent),
                )
            )
            return None
        if isinstance(event, ScalarEvent) and event.anchor is not None:
            self.sizes[event.anchor] = 1
        self.child_done(event)
        return None


def check_shape(text: str, file: str) -> Problem | None:
    """The first problem of depth or size in ``text``, or ``None`` (syntax errors propagate)."""
    scan = _Scan(file)
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        problem = scan.step(event)
        if problem is not None:
            return problem
    return None
