"""Reading composed YAML nodes while recording every problem with its line and place.

Files are parsed with :func:`yaml.compose`, which keeps each node's position; values are read
from the nodes by the helpers here, so that a problem can always say ``line 42``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml
from flask_babel import gettext as _
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import rules
from .problems import Problem

NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def join(place: str, key: str) -> str:
    return f"{place}.{key}" if place else key


def is_null(node: Node | None) -> bool:
    return node is None or (isinstance(node, ScalarNode) and node.tag == NULL_TAG)


def describe(node: Node) -> str:
    """How a value looks, for messages: ``« multiple »``, ``une liste``, ``rien``."""
    if isinstance(node, ScalarNode):
        return _("rien") if is_null(node) else f"« {rules.short(node.value)} »"
    if isinstance(node, MappingNode):
        return _("une table de champs")
    return _("une liste") if isinstance(node, SequenceNode) else _("une valeur")


def allowed(values: object) -> str:
    return ", ".join(str(v) for v in values)  # type: ignore[attr-defined]


@dataclass
class Reader:
    """Collects the problems of one file."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def problem(self, node: Node | None, place: str, message: str) -> None:
        self.problems.append(
            Problem(self.file, line_of(node) if node is not None else None, place, message)
        )

    # --- containers ---------------------------------------------------------------------------

    def mapping(
        self, node: Node, place: str, keys: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> Fields | None:
        """The fields of a mapping node; unknown, duplicate and missing keys are problems."""
        if not isinstance(node, MappingNode):
            self.problem(
                node, place, _("attendu : une table de champs, reçu %(got)s", got=describe(node))
            )
            return None
        values: dict[str, Node] = {}
        key_nodes: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, place, _("un nom de champ doit être du texte simple"))
                continue
            key = key_node.value
            if key in values:
                self.problem(
                    key_node,
                    join(place, key),
                    _(
                        "champ donné deux fois (la première fois ligne %(line)d)",
                        line=line_of(key_nodes[key]),
                    ),
                )
                continue
            if key not in keys:
                self.problem(key_node, join(place, key), _unknown_key(key, keys))
                continue
            values[key] = value_node
            key_nodes[key] = key_node
        fields = Fields(self, node, place, values, key_nodes)
        for key in required:
            if key not in values:
                self.problem(node, join(place, key), missing())
        return fields

    def sequence(self, node: Node, place: str) -> Iterator[tuple[int, Node, str]]:
        """``(index, item, place)`` for each item of a list node (nothing if not a list)."""
        if is_null(node):
            return
        if not isinstance(node, SequenceNode):
            self.problem(node, place, _("attendu : une liste, reçu %(got)s", got=describe(node)))
            return
        for index, item in enumerate(node.value):
            yield index, item, f"{place}[{index}]"


def _unknown_key(key: str, keys: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, keys, n=1)
    if close:
        return _(
            "champ inconnu (vouliez-vous dire « %(close)s » ? permis : %(allowed)s)",
            close=close[0],
            allowed=allowed(keys),
        )
    return _("champ inconnu (permis : %(allowed)s)", allowed=allowed(keys))


def missing() -> str:
    return _("champ obligatoire absent")


def not_text(node: Node) -> str:
    return _("attendu : du texte, reçu %(got)s", got=describe(node))


@dataclass
class Fields:
    """The checked fields of one mapping, with typed accessors that record problems."""

    reader: Reader
    node: MappingNode
    place: str
    values: dict[str, Node]
    key_nodes: dict[str, Node]

    @property
    def line(self) -> int:
        return line_of(self.node)

    def has(self, key: str) -> bool:
        return key in self.values and not is_null(self.values[key])

    def node_of(self, key: str) -> Node | None:
        return self.values.get(key)

    def line_of(self, key: str) -> int:
        node = self.values.get(key)
        return line_of(node) if node is not None else self.line

    def place_of(self, key: str) -> str:
        return join(self.place, key)

    def bad(self, key: str, message: str) -> None:
        self.reader.problem(self.values[key], self.place_of(key), message)

    def text(self, key: str, default: str = "") -> str:
        """A text field: any scalar is read as written (``2008`` gives ``"2008"``)."""
        node = self.values.get(key)
        if is_null(node):
            return default
        if not isinstance(node, ScalarNode):
            self.bad(key, not_text(node))
            return default
        return node.value.strip()

    def integer(
        self,
        key: str,
        default: int | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        node = self.values.get(key)
        if is_null(node):
            return default
        if not (isinstance(node, ScalarNode) and node.tag == INT_TAG):
            self.bad(
                key, rules.not_whole(node.value if isinstance(node, ScalarNode) else describe(node))
            )
            return default
        try:
            value = yaml.constructor.SafeConstructor().construct_yaml_int(node)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            value = None
        if value is None or not rules.in_database(value):
            self.bad(key, rules.out_of_range(node.value))
            return default
        problem = rules.bounds(value, minimum, maximum)
        if problem is not None:
            self.bad(key, problem)
            return default
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        node = self.values.get(key)
        if is_null(node):
            return default
        if not (isinstance(node, ScalarNode) and node.tag == BOOL_TAG):
            self.bad(key, _("%(value)s n'est ni true ni false", value=describe(node)))
            return default
        return node.value.lower() in ("true", "yes", "on")

    def choice(self, key: str, choices: tuple[str, ...], what: str) -> str | None:
        value = self.text(key, default="")
        if not self.has(key):
            return None
        if value not in choices:
            self.bad(
                key,
                _(
                    "« %(value)s » n'est pas %(what)s (permis : %(allowed)s)",
                    value=rules.short(value),
                    what=what,
                    allowed=allowed(choices),
                ),
            )
            return None
        return value

    def items(self, key: str) -> Iterator[tuple[int, Node, str]]:
        node = self.values.get(key)
        if node is None:
            return iter(())
        return self.reader.sequence(node, self.place_of(key))

    def texts(self, key: str) -> list[str]:
        """A list of texts (e.g. options, speaker keys)."""
        result: list[str] = []
        for _index, item, place in self.items(key):
            if not isinstance(item, ScalarNode) or is_null(item):
                self.reader.problem(item, place, not_text(item))
                continue
            result.append(item.value)
        return result
