"""The session-file format: read one file into a spec, recording every problem found.

See ``docs/session-format.md``. Each ``_read_*`` function reads one part of a file from its
YAML node and returns the spec (or ``None`` when the part is unusable); problems go to the
:class:`~.nodes.Reader`, so one run reports all of them.
"""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import yaml
from yaml.nodes import Node, ScalarNode

from ..models.enums import YESNO_VALUES, AgendaKind, QuestionKind
from ..models.session import CODE_ALPHABET, CODE_LENGTH, DEFAULT_STAKEHOLDER_GROUPS
from ..services.privacy import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS
from .bounds import check_shape
from .nodes import Fields, Reader, allowed, describe, is_null, line_of
from .problems import Problem
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
QUESTION_KINDS = tuple(k.value for k in QuestionKind)
AGENDA_KINDS = tuple(k.value for k in AgendaKind)
OPTION_KINDS = ("choice", "multi", "rank")
DEFAULT_SCALE = (1, 5)
DEFAULT_MAX_WORDS = 3
MAX_SCALE_SPAN = 100  # scale_max - scale_min

PROGRAMME_KEYS = (
    "kind", "slug", "title", "organiser", "description", "objective", "method",
    "privacy_contact", "retention_days", "themes",
)  # fmt: skip
THEME_KEYS = ("title", "description", "sessions")
ENTRY_KEYS = ("slug", "title", "description", "date", "place")
SESSION_KEYS = (
    "kind", "slug", "title", "programme", "theme", "date", "place", "organiser",
    "theme_statement", "objective", "method", "privacy_contact", "retention_days", "code",
    "stakeholder_groups", "speakers", "agenda", "question_sets",
)  # fmt: skip
GROUP_KEYS = ("key", "label")
SPEAKER_KEYS = ("key", "name", "role", "organisation")
AGENDA_KEYS = ("kind", "title", "text", "start", "duration", "speakers", "question_set")
SET_KEYS = ("key", "title", "introduction", "questions")
QUESTION_KEYS = (
    "key", "prompt", "kind", "options", "scale_min", "scale_max", "min_label", "max_label",
    "max_choices", "max_words", "allow_comment",
)  # fmt: skip

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME_RE = re.compile(r"(\d{1,2}):(\d{2})")
MAX_SLUG = 80
MAX_PRIVACY_CONTACT = 200


def _privacy_contact(fields: Fields) -> str:
    """Where participants write to exercise their rights (docs/privacy.md)."""
    contact = fields.text("privacy_contact")
    if len(contact) > MAX_PRIVACY_CONTACT:
        fields.bad("privacy_contact", f"is too long (at most {MAX_PRIVACY_CONTACT} characters)")
        return ""
    return contact


def _retention_days(fields: Fields) -> int | None:
    """Days the participants' raw contributions are kept after the session (docs/privacy.md)."""
    days = fields.integer("retention_days", minimum=MIN_RETENTION_DAYS)
    if days is not None and days > MAX_RETENTION_DAYS:
        fields.bad("retention_days", f"{days} is too large (at most {MAX_RETENTION_DAYS} days)")
        return None
    return days


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
        reader.problem(None, "", "the file is not UTF-8 text")
        return None
    except OSError as exc:
        reader.problem(None, "", f"cannot read the file ({exc.strerror})")
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
        reader.problem(None, "", f"YAML syntax error: {exc}")
        return None
    if root is None or is_null(root):
        reader.problem(None, "", "the file is empty (it should start with kind: session)")
        return None
    return root


def _syntax_problem(file: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    message = f"YAML syntax error: {exc.problem or exc.context}"
    if exc.context and exc.problem:
        context = exc.context
        if exc.context_mark is not None and exc.context_mark is not mark:
            context += f" at line {exc.context_mark.line + 1}"
        message += f" ({context})"
    return Problem(file, mark.line + 1 if mark is not None else None, "", message)


def _read_root(root: Node, reader: Reader) -> ProgrammeSpec | SessionSpec | None:
    probe = Reader(reader.file)
    fields = probe.mapping(root, "", tuple(set(PROGRAMME_KEYS) | set(SESSION_KEYS)))
    if fields is None:
        reader.problems.extend(probe.problems)
        return None
    if not fields.has("kind"):
        reader.problem(root, "kind", f"required field is missing (allowed: {allowed(FILE_KINDS)})")
        return None
    kind = fields.choice("kind", FILE_KINDS, "a file kind")
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
    if fields.has(key) and (not SLUG_RE.fullmatch(value) or len(value) > MAX_SLUG):
        fields.bad(
            key,
            f"{value!r} is not a valid slug (lower-case letters, digits and single hyphens, "
            f"at most {MAX_SLUG} characters, e.g. namur-2008-12-03-contractualisation)",
        )
    return value


def _key(fields: Fields, seen: dict[str, int], what: str) -> str:
    """The ``key`` of a list item, unique within its list (``seen`` maps keys to lines)."""
    value = fields.text("key")
    if not fields.has("key"):
        return value
    if not KEY_RE.fullmatch(value) or len(value) > MAX_SLUG:
        fields.bad(
            "key",
            f"{value!r} is not a valid key (letters, digits, '-' and '_', starting with a "
            "letter or digit)",
        )
    elif value in seen:
        fields.bad("key", f"duplicate {what} key {value!r} (first used at line {seen[value]})")
    else:
        seen[value] = fields.line_of("key")
    return value


def _required_text(fields: Fields, key: str) -> str:
    value = fields.text(key)
    if key in fields.values and not value:
        fields.bad(key, "must not be empty")
    return value


def _date(fields: Fields, key: str = "date") -> date | None:
    node = fields.node_of(key)
    if is_null(node):
        return None
    raw = node.value if isinstance(node, ScalarNode) else None
    try:
        if raw is None or not DATE_RE.fullmatch(raw):
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        fields.bad(key, f"{describe(node)} is not a valid date (expected YYYY-MM-DD)")
        return None


def _time(fields: Fields, key: str = "start") -> time | None:
    node = fields.node_of(key)
    if is_null(node):
        return None
    raw = node.value if isinstance(node, ScalarNode) else ""
    match = TIME_RE.fullmatch(raw)
    try:
        if match is None:
            raise ValueError
        return time(int(match[1]), int(match[2]))
    except ValueError:
        fields.bad(key, f"{describe(node)} is not a valid time (expected HH:MM, e.g. 09:30)")
        return None


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
        organiser=fields.text("organiser"),
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
                f"duplicate theme title {theme.title!r} (first at line {titles[theme.title]})",
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
                f"session {entry.slug!r} is listed twice (first at line {slugs[entry.slug]})",
            )
            continue
        slugs[entry.slug] = line_of(item)
        theme.sessions.append(entry)
    return theme


def _read_entry(reader: Reader, node: Node, place: str) -> EntrySpec | None:
    where = _where(reader, node, place)
    if isinstance(node, ScalarNode) and not is_null(node):
        slug = node.value
        if not SLUG_RE.fullmatch(slug):
            reader.problem(node, place, f"{slug!r} is not a valid session slug")
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
        place=fields.text("place"),
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
        place=fields.text("place"),
        organiser=fields.text("organiser"),
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
        fields.bad("theme", "a theme needs its programme: add programme: <programme slug>")
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
        return fields.integer("theme", minimum=1)
    return fields.text("theme") or None


def _code(fields: Fields) -> str | None:
    if not fields.has("code"):
        return None
    value = fields.text("code")
    bad = sorted({ch for ch in value if ch not in CODE_ALPHABET})
    if len(value) != CODE_LENGTH or bad:
        fields.bad(
            "code",
            f"{value!r} is not a join code ({CODE_LENGTH} characters from {CODE_ALPHABET}; "
            "leave it out to have one generated)",
        )
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
        key = _key(item, seen, "stakeholder group")
        if len(key) > 40:
            item.bad("key", f"{key!r} is too long (at most 40 characters)")
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
                key=_key(item, seen, "speaker"),
                name=_required_text(item, "name"),
                role=item.text("role"),
                organisation=item.text("organisation"),
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
            kind=item.choice("kind", AGENDA_KINDS, "an agenda item kind") or "other",
            title=_required_text(item, "title"),
            text=item.text("text"),
            start=_time(item),
            duration=item.integer("duration", minimum=1),
            speakers=item.texts("speakers"),
        )
        for index, key in enumerate(entry.speakers):
            if key in entry.speakers[:index]:
                reader.problem(
                    item.values["speakers"],
                    f"{place}.speakers[{index}]",
                    f"{key!r} is listed twice",
                )
            elif key not in speaker_keys:
                reader.problem(
                    item.values["speakers"],
                    f"{place}.speakers[{index}]",
                    f"{key!r} is not a speaker key of this session "
                    f"(known: {allowed(speaker_keys) or 'none'})",
                )
        if item.has("question_set"):
            entry.question_set = item.text("question_set")
            if entry.question_set not in set_keys:
                item.bad(
                    "question_set",
                    f"{entry.question_set!r} is not a question set key of this session "
                    f"(known: {allowed(set_keys) or 'none'})",
                )
        agenda.append(entry)
    return agenda


def _read_sets(reader: Reader, fields: Fields) -> list[QuestionSetSpec]:
    sets: list[QuestionSetSpec] = []
    seen: dict[str, int] = {}
    for _, node, place in fields.items("question_sets"):
        item = reader.mapping(node, place, SET_KEYS, required=("key", "title", "questions"))
        if item is None:
            continue
        qset = QuestionSetSpec(
            key=_key(item, seen, "question set"),
            title=_required_text(item, "title"),
            where=_where(reader, node, place),
            introduction=item.text("introduction"),
        )
        question_keys: dict[str, int] = {}
        for _, q_node, q_place in item.items("questions"):
            question = _read_question(reader, q_node, q_place, question_keys)
            if question is not None:
                qset.questions.append(question)
        if "questions" in item.values and not item.values["questions"].value:
            item.bad("questions", "a question set needs at least one question")
        sets.append(qset)
    return sets


def _read_question(
    reader: Reader, node: Node, place: str, seen: dict[str, int]
) -> QuestionSpec | None:
    item = reader.mapping(node, place, QUESTION_KEYS, required=("key", "prompt", "kind"))
    if item is None:
        return None
    question = QuestionSpec(
        key=_key(item, seen, "question"),
        prompt=_required_text(item, "prompt"),
        kind=item.choice("kind", QUESTION_KINDS, "a question kind") or "",
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
            item.bad(key, f"only for {_or(kinds)} questions (this one is {kind})")


def _or(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _read_kind_settings(item: Fields, q: QuestionSpec) -> None:
    kind = q.kind
    if kind == "yesno" and "options" in item.values:
        item.bad(
            "options",
            f"yesno questions have fixed options ({allowed(YESNO_VALUES)}): remove options",
        )
    else:
        _only_for(item, kind, ("options",), OPTION_KINDS)
    _only_for(item, kind, ("scale_min", "scale_max", "min_label", "max_label"), ("scale",))
    _only_for(item, kind, ("max_choices",), ("multi",))
    _only_for(item, kind, ("max_words",), ("words",))
    if kind == "open" and "allow_comment" in item.values and q.allow_comment:
        item.bad("allow_comment", "open questions are answered in text already (remove it)")
    if kind in OPTION_KINDS:
        q.options = _options(item, kind)
    if kind == "scale":
        _scale(item, q)
    if kind == "multi":
        q.max_choices = item.integer("max_choices", minimum=1)
        if q.max_choices is not None and len(q.options) >= 2 and q.max_choices > len(q.options):
            item.bad("max_choices", f"{q.max_choices} is more than the {len(q.options)} options")
    if kind == "words":
        q.max_words = item.integer("max_words", default=DEFAULT_MAX_WORDS, minimum=1)


def _options(item: Fields, kind: str) -> list[str]:
    options = item.texts("options")
    seen: set[str] = set()
    for index, option in enumerate(options):
        if not option.strip():
            item.reader.problem(item.values["options"], f"{item.place}.options[{index}]", "empty")
        elif option in seen:
            item.reader.problem(
                item.values["options"],
                f"{item.place}.options[{index}]",
                f"duplicate option {option!r}",
            )
        seen.add(option)
    if len(options) < 2:
        node = item.node_of("options") or item.node
        item.reader.problem(
            node,
            item.place_of("options"),
            f"a {kind} question needs at least 2 options (got {len(options)})",
        )
    return options


def _scale(item: Fields, q: QuestionSpec) -> None:
    q.scale_min = item.integer("scale_min", default=DEFAULT_SCALE[0])
    q.scale_max = item.integer("scale_max", default=DEFAULT_SCALE[1])
    q.min_label = item.text("min_label")
    q.max_label = item.text("max_label")
    if q.scale_min is not None and q.scale_max is not None and q.scale_min >= q.scale_max:
        node = item.node_of("scale_max") or item.node
        item.reader.problem(
            node,
            item.place_of("scale_max"),
            f"must be greater than scale_min ({q.scale_min}), got {q.scale_max}",
        )
    elif q.scale_min is not None and q.scale_max is not None:
        if q.scale_max - q.scale_min > MAX_SCALE_SPAN:
            # Results list every value of the scale: a scale of 1 to 10**18 never renders.
            node = item.node_of("scale_max") or item.node
            item.reader.problem(
                node,
                item.place_of("scale_max"),
                f"a scale has at most {MAX_SCALE_SPAN + 1} values (e.g. 0 to {MAX_SCALE_SPAN}), "
                f"got {q.scale_min} to {q.scale_max}",
            )
