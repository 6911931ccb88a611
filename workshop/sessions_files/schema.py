"""The session-file format: read one file into a spec, recording every problem found.

See ``docs/session-format.md``. Each ``_read_*`` function reads one part of a file from its
YAML node and returns the spec (or ``None`` when the part is unusable); problems go to the
:class:`~.nodes.Reader`, so one run reports all of them.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import yaml
from flask_babel import gettext
from yaml.nodes import Node, ScalarNode

from ..models.session import DEFAULT_STAKEHOLDER_GROUPS
from ..services.privacy import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS
from . import rules
from .bounds import check_shape
from .nodes import Fields, Reader, allowed, is_null, line_of, not_text
from .problems import Problem
from .rules import (
    AGENDA_KINDS,
    DATE_RE,
    DEFAULT_MAX_WORDS,
    DEFAULT_SCALE,
    KEY_RE,
    MAX_SCALE_SPAN,
    MAX_SLUG,
    OPTION_KINDS,
    QUESTION_KINDS,
    SLUG_RE,
    TIME_RE,
)
from .specs import (
    AgendaItemSpec,
    EntrySpec,
    GroupSpec,
    ProgrammeSpec,
    QuestionSetSpec,
    QuestionSpec,
    SessionSpec,
    SpeakerSpec,
    ThemeSpec,
    Where,
)

FILE_KINDS = ("programme", "session")
__all__ = [
    "AGENDA_KINDS", "DATE_RE", "DEFAULT_MAX_WORDS", "DEFAULT_SCALE", "KEY_RE", "MAX_SCALE_SPAN",
    "MAX_SLUG", "OPTION_KINDS", "QUESTION_KINDS", "SLUG_RE", "TIME_RE", "read_file",
]  # fmt: skip

PROGRAMME_KEYS = (
    "kind", "slug", "title", "organiser", "description", "objective", "method",
    "privacy_contact", "retention_days", "themes",
)  # fmt: skip
THEME_KEYS = ("title", "description", "sessions")
ENTRY_KEYS = ("slug", "title", "description", "date", "place")
SESSION_KEYS = (
    "kind", "slug", "title", "programme", "theme", "date", "start_time", "place", "organiser",
    "theme_statement", "objective", "method", "privacy_contact", "retention_days", "code",
    "stakeholder_groups", "speakers", "agenda", "question_sets",
)  # fmt: skip
GROUP_KEYS = ("key", "label")
SPEAKER_KEYS = ("key", "name", "role", "organisation", "bio")
AGENDA_KEYS = ("kind", "title", "text", "start", "duration", "speakers", "question_set")
SET_KEYS = ("key", "title", "introduction", "questions")
QUESTION_KEYS = (
    "key", "prompt", "kind", "options", "scale_min", "scale_max", "min_label", "max_label",
    "max_choices", "max_words", "max_length", "allow_comment",
)  # fmt: skip

MAX_PRIVACY_CONTACT = rules.LENGTHS["privacy_contact"]


def _privacy_contact(fields: Fields) -> str:
    """Where participants write to exercise their rights (docs/privacy.md)."""
    return _text(fields, "privacy_contact")


def _retention_days(fields: Fields) -> int | None:
    """Days the participants' raw contributions are kept after the session (docs/privacy.md)."""
    return fields.integer("retention_days", minimum=MIN_RETENTION_DAYS, maximum=MAX_RETENTION_DAYS)


def read_file(path: str | Path) -> tuple[ProgrammeSpec | SessionSpec | None, list[Problem]]:
    """Read and check one file: its spec and every problem in it.

    The spec is ``None`` when the file is unusable; when there are problems it may be partial
    (good enough to compare slugs between files, never to load).
    """
    reader = Reader(str(path))
    root = _compose(path, reader)
    spec = _read_root(root, reader) if root is not None else None
    return spec, sorted(reader.problems, key=lambda p: p.line or 0)


def _compose(path: str | Path, reader: Reader) -> Node | None:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        reader.problem(None, "", gettext("le fichier n'est pas du texte UTF-8"))
        return None
    except OSError as exc:
        reader.problem(
            None, "", gettext("impossible de lire le fichier (%(error)s)", error=exc.strerror)
        )
        return None
    try:
        # Depth and aliases first: composing a hostile file recurses or expands it.
        shape = check_shape(text, reader.file)
        if shape is not None:
            reader.problems.append(shape)
            return None
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        reader.problems.append(_syntax_problem(reader.file, exc))
        return None
    except yaml.YAMLError as exc:
        reader.problem(None, "", gettext("erreur de syntaxe YAML : %(error)s", error=str(exc)))
        return None
    if root is None or is_null(root):
        reader.problem(
            None, "", gettext("le fichier est vide (il doit commencer par kind: session)")
        )
        return None
    return root


def _syntax_problem(file: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    message = gettext("erreur de syntaxe YAML : %(error)s", error=exc.problem or exc.context)
    if exc.context and exc.problem:
        context = exc.context
        if exc.context_mark is not None and exc.context_mark is not mark:
            context += gettext(" ligne %(line)d", line=exc.context_mark.line + 1)
        message += f" ({context})"
    return Problem(file, mark.line + 1 if mark is not None else None, "", message)


def _read_root(root: Node, reader: Reader) -> ProgrammeSpec | SessionSpec | None:
    probe = Reader(reader.file)
    fields = probe.mapping(root, "", tuple(set(PROGRAMME_KEYS) | set(SESSION_KEYS)))
    if fields is None:
        reader.problems.extend(probe.problems)
        return None
    if not fields.has("kind"):
        reader.problem(
            root,
            "kind",
            gettext("champ obligatoire absent (permis : %(allowed)s)", allowed=allowed(FILE_KINDS)),
        )
        return None
    kind = fields.choice("kind", FILE_KINDS, gettext("un type de fichier"))
    if kind is None:
        reader.problems.extend(p for p in probe.problems if p.place == "kind")
        return None
    if kind == "programme":
        return _read_programme(root, reader)
    return _read_session(root, reader)


def _where(reader: Reader, node: Node, place: str) -> Where:
    return Where(reader.file, line_of(node), place)


# --- shared field readers ----------------------------------------------------------------------


def _slug(fields: Fields, key: str = "slug") -> str:
    value = fields.text(key)
    if fields.has(key) and (problem := rules.slug(value)) is not None:
        fields.bad(key, problem)
    return value


def _key(fields: Fields, seen: dict[str, int], maximum: int = rules.MAX_KEY) -> str:
    """The ``key`` of a list item, unique within its list (``seen`` maps keys to lines)."""
    value = fields.text("key")
    if not fields.has("key"):
        return value
    if (problem := rules.key(value, maximum)) is not None:
        fields.bad("key", problem)
    elif value in seen:
        fields.bad("key", rules.duplicate_key(value, seen[value]))
    else:
        seen[value] = fields.line_of("key")
    return value


def _text(fields: Fields, key: str, rule: str | None = None, *, needed: bool = False) -> str:
    """A text field, checked by :func:`rules.text` (``rule``: its key in ``rules.LENGTHS``)."""
    value = fields.text(key)
    if key not in fields.values:
        return value
    rule = rule or key
    if rule in rules.LENGTHS:
        problem = rules.text(value, rule, needed=needed)
    else:
        problem = rules.required(value) if needed else None
    if problem is not None:
        fields.bad(key, problem)
    return value


def _required_text(fields: Fields, key: str, rule: str | None = None) -> str:
    return _text(fields, key, rule, needed=True)


def _date(fields: Fields, key: str = "date") -> date | None:
    node = fields.node_of(key)
    if is_null(node):
        return None
    value, problem = rules.parse_date(node.value if isinstance(node, ScalarNode) else "")
    if problem is not None:
        fields.bad(key, problem if isinstance(node, ScalarNode) else _not_text(node))
    return value


def _time(fields: Fields, key: str = "start") -> time | None:
    node = fields.node_of(key)
    if is_null(node):
        return None
    value, problem = rules.parse_time(node.value if isinstance(node, ScalarNode) else "")
    if problem is not None:
        fields.bad(key, problem if isinstance(node, ScalarNode) else _not_text(node))
    return value


def _not_text(node: Node) -> str:
    return not_text(node)


# --- programme ---------------------------------------------------------------------------------


def _read_programme(root: Node, reader: Reader) -> ProgrammeSpec | None:
    fields = reader.mapping(root, "", PROGRAMME_KEYS, required=("kind", "slug", "title"))
    if fields is None:
        return None
    spec = ProgrammeSpec(
        file=reader.file,
        slug=_slug(fields),
        title=_required_text(fields, "title"),
        where=_where(reader, root, ""),
        organiser=_text(fields, "organiser"),
        description=fields.text("description"),
        objective=fields.text("objective"),
        method=fields.text("method"),
        privacy_contact=_privacy_contact(fields),
        retention_days=_retention_days(fields),
    )
    titles: dict[str, int] = {}
    slugs: dict[str, int] = {}
    for _, node, place in fields.items("themes"):
        theme = _read_theme(reader, node, place, slugs)
        if theme is None:
            continue
        if theme.title in titles:
            reader.problem(
                node,
                f"{place}.title",
                gettext(
                    "le thème « %(title)s » est donné deux fois (la première fois ligne %(line)d)",
                    title=theme.title,
                    line=titles[theme.title],
                ),
            )
        titles.setdefault(theme.title, line_of(node))
        spec.themes.append(theme)
    return spec


def _read_theme(reader: Reader, node: Node, place: str, slugs: dict[str, int]) -> ThemeSpec | None:
    fields = reader.mapping(node, place, THEME_KEYS, required=("title",))
    if fields is None:
        return None
    theme = ThemeSpec(title=_required_text(fields, "title"), description=fields.text("description"))
    for _, item, item_place in fields.items("sessions"):
        entry = _read_entry(reader, item, item_place)
        if entry is None or not entry.slug:
            continue
        if entry.slug in slugs:
            reader.problem(
                item,
                item_place,
                gettext(
                    "l'atelier « %(slug)s » est donné deux fois (la première fois ligne %(line)d)",
                    slug=entry.slug,
                    line=slugs[entry.slug],
                ),
            )
            continue
        slugs[entry.slug] = line_of(item)
        theme.sessions.append(entry)
    return theme


def _read_entry(reader: Reader, node: Node, place: str) -> EntrySpec | None:
    where = _where(reader, node, place)
    if isinstance(node, ScalarNode) and not is_null(node):
        slug = node.value
        if (problem := rules.slug(slug)) is not None:
            reader.problem(node, place, problem)
            return None
        return EntrySpec(slug=slug, where=where)
    fields = reader.mapping(node, place, ENTRY_KEYS, required=("slug", "title"))
    if fields is None:
        return None
    return EntrySpec(
        slug=_slug(fields),
        where=where,
        title=_required_text(fields, "title"),
        description=fields.text("description"),
        date=_date(fields),
        place=_text(fields, "place"),
    )


# --- session -----------------------------------------------------------------------------------


def _read_session(root: Node, reader: Reader) -> SessionSpec | None:
    fields = reader.mapping(root, "", SESSION_KEYS, required=("kind", "slug", "title"))
    if fields is None:
        return None
    spec = SessionSpec(
        file=reader.file,
        slug=_slug(fields),
        title=_required_text(fields, "title"),
        where=_where(reader, root, ""),
        programme=_slug(fields, "programme") or None,
        theme=_theme_ref(fields),
        theme_where=Where(reader.file, fields.line_of("theme"), "theme"),
        date=_date(fields),
        start_time=_time(fields, "start_time"),
        place=_text(fields, "place"),
        organiser=_text(fields, "organiser"),
        theme_statement=fields.text("theme_statement"),
        objective=fields.text("objective"),
        method=fields.text("method"),
        privacy_contact=_privacy_contact(fields),
        retention_days=_retention_days(fields),
        code=_code(fields),
        code_where=Where(reader.file, fields.line_of("code"), "code"),
        lines={key: line_of(node) for key, node in fields.key_nodes.items()},
    )
    if spec.theme is not None and spec.programme is None:
        fields.bad(
            "theme",
            gettext(
                "un thème demande son programme : ajoutez programme: <identifiant du programme>"
            ),
        )
    spec.stakeholder_groups = _read_groups(reader, fields)
    spec.speakers = _read_speakers(reader, fields)
    spec.question_sets = _read_sets(reader, fields)
    spec.agenda = _read_agenda(reader, fields, spec)
    return spec


def _theme_ref(fields: Fields) -> str | int | None:
    node = fields.node_of("theme")
    if is_null(node):
        return None
    if isinstance(node, ScalarNode) and node.tag.endswith(":int"):
        return fields.integer("theme", minimum=1)  # rules.theme_number
    return fields.text("theme") or None


def _code(fields: Fields) -> str | None:
    if not fields.has("code"):
        return None
    value = fields.text("code")
    if (problem := rules.join_code(value)) is not None:
        fields.bad("code", problem)
        return None
    return value


def _read_groups(reader: Reader, fields: Fields) -> list[GroupSpec]:
    if "stakeholder_groups" not in fields.values:
        return [GroupSpec(key, label) for key, label in DEFAULT_STAKEHOLDER_GROUPS]
    groups: list[GroupSpec] = []
    seen: dict[str, int] = {}
    for _, node, place in fields.items("stakeholder_groups"):
        item = reader.mapping(node, place, GROUP_KEYS, required=GROUP_KEYS)
        if item is None:
            continue
        key = _key(item, seen, rules.MAX_GROUP_KEY)
        groups.append(GroupSpec(key=key, label=_required_text(item, "label")))
    return groups


def _read_speakers(reader: Reader, fields: Fields) -> list[SpeakerSpec]:
    speakers: list[SpeakerSpec] = []
    seen: dict[str, int] = {}
    for _, node, place in fields.items("speakers"):
        item = reader.mapping(node, place, SPEAKER_KEYS, required=("key", "name"))
        if item is None:
            continue
        speakers.append(
            SpeakerSpec(
                key=_key(item, seen),
                name=_required_text(item, "name"),
                role=_text(item, "role"),
                organisation=_text(item, "organisation"),
                bio=item.text("bio"),
            )
        )
    return speakers


def _read_agenda(reader: Reader, fields: Fields, spec: SessionSpec) -> list[AgendaItemSpec]:
    speaker_keys = [s.key for s in spec.speakers]
    set_keys = [s.key for s in spec.question_sets]
    agenda: list[AgendaItemSpec] = []
    for _, node, place in fields.items("agenda"):
        item = reader.mapping(node, place, AGENDA_KEYS, required=("kind", "title"))
        if item is None:
            continue
        entry = AgendaItemSpec(
            kind=_kind(item, rules.agenda_kind) or "other",
            title=_required_text(item, "title", "item_title"),
            text=item.text("text"),
            start=_time(item),
            duration=item.integer("duration", minimum=1),
            speakers=item.texts("speakers"),
        )
        for index, key in enumerate(entry.speakers):
            if key in entry.speakers[:index]:
                problem = rules.listed_twice(key)
            else:
                problem = rules.speaker_ref(key, speaker_keys)
            if problem is not None:
                reader.problem(item.values["speakers"], f"{place}.speakers[{index}]", problem)
        if item.has("question_set"):
            entry.question_set = item.text("question_set")
            if (problem := rules.set_ref(entry.question_set, set_keys)) is not None:
                item.bad("question_set", problem)
        agenda.append(entry)
    return agenda


def _read_sets(reader: Reader, fields: Fields) -> list[QuestionSetSpec]:
    sets: list[QuestionSetSpec] = []
    seen: dict[str, int] = {}
    for _, node, place in fields.items("question_sets"):
        item = reader.mapping(node, place, SET_KEYS, required=("key", "title"))
        if item is None:
            continue
        qset = QuestionSetSpec(
            key=_key(item, seen),
            title=_required_text(item, "title", "set_title"),
            where=_where(reader, node, place),
            introduction=item.text("introduction"),
        )
        question_keys: dict[str, int] = {}
        for _, q_node, q_place in item.items("questions"):
            question = _read_question(reader, q_node, q_place, question_keys)
            if question is not None:
                qset.questions.append(question)
        sets.append(qset)
    return sets


def _read_question(
    reader: Reader, node: Node, place: str, seen: dict[str, int]
) -> QuestionSpec | None:
    item = reader.mapping(node, place, QUESTION_KEYS, required=("key", "prompt", "kind"))
    if item is None:
        return None
    question = QuestionSpec(
        key=_key(item, seen),
        prompt=_required_text(item, "prompt"),
        kind=_kind(item, rules.question_kind) or "",
        where=_where(reader, node, place),
        kind_line=item.line_of("kind"),
        allow_comment=item.boolean("allow_comment"),
    )
    if question.kind:
        _read_kind_settings(item, question)
    return question


def _only_for(item: Fields, kind: str, keys: tuple[str, ...], kinds: tuple[str, ...]) -> None:
    """Settings that mean nothing for this kind are errors, not silently ignored."""
    if kind in kinds:
        return
    for key in keys:
        if key in item.values:
            item.bad(key, rules.only_for(kinds, kind))


def _kind(item: Fields, rule) -> str | None:  # noqa: ANN001 - a rules.*_kind function
    value = item.text("kind")
    if not item.has("kind"):
        return None
    if (problem := rule(value)) is not None:
        item.bad("kind", problem)
        return None
    return value


def _read_kind_settings(item: Fields, q: QuestionSpec) -> None:
    kind = q.kind
    if kind == "yesno" and "options" in item.values:
        item.bad("options", rules.yesno_options())
    else:
        _only_for(item, kind, ("options",), OPTION_KINDS)
    _only_for(item, kind, ("scale_min", "scale_max", "min_label", "max_label"), ("scale",))
    _only_for(item, kind, ("max_choices",), ("multi",))
    _only_for(item, kind, ("max_words",), ("words",))
    _only_for(item, kind, ("max_length",), ("open",))
    if kind == "open" and "allow_comment" in item.values and q.allow_comment:
        item.bad("allow_comment", rules.open_comment())
    if kind in OPTION_KINDS:
        q.options = _options(item, kind)
    if kind == "scale":
        _scale(item, q)
    if kind == "multi":
        q.max_choices = item.integer("max_choices")
        if q.max_choices is not None:
            if (problem := rules.max_choices(q.max_choices, len(q.options))) is not None:
                item.bad("max_choices", problem)
                q.max_choices = None
    if kind == "words":
        q.max_words = item.integer("max_words", default=DEFAULT_MAX_WORDS, minimum=1)
    if kind == "open":
        q.max_length = item.integer("max_length", minimum=1, maximum=rules.MAX_OPEN_LENGTH)


def _options(item: Fields, kind: str) -> list[str]:
    options = item.texts("options")
    problems, whole = rules.options(options, kind)
    for index, problem in problems:
        item.reader.problem(item.values["options"], f"{item.place}.options[{index}]", problem)
    if whole is not None:
        node = item.node_of("options") or item.node
        item.reader.problem(node, item.place_of("options"), whole)
    return options


def _scale(item: Fields, q: QuestionSpec) -> None:
    q.scale_min = item.integer("scale_min", default=DEFAULT_SCALE[0])
    q.scale_max = item.integer("scale_max", default=DEFAULT_SCALE[1])
    q.min_label = _text(item, "min_label", "label")
    q.max_label = _text(item, "max_label", "label")
    if q.scale_min is not None and q.scale_max is not None:
        problem = rules.scale(q.scale_min, q.scale_max)
        if problem is not None:
            node = item.node_of("scale_max") or item.node
            item.reader.problem(node, item.place_of("scale_max"), problem)
