"""Validate session files and load them into the database (an idempotent upsert).

Everything is checked before anything is written: each file on its own (:mod:`.schema`), then the
files together and against the database (slugs, join codes, programme references, live data).
Then one transaction upserts programmes and sessions by slug, their parts by key (agenda items by
position). Loading the same files twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import has_app_context
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update

from ..extensions import db
from ..models import (
    AgendaItem,
    Answer,
    Conclusion,
    ConclusionLink,
    Participant,
    Programme,
    Question,
    QuestionSet,
    Session,
    Speaker,
    StakeholderGroup,
    Theme,
)
from ..models.enums import AgendaKind, QuestionKind
from ..models.session import new_join_code
from ..services.unit import transaction
from .problems import Problem, SessionFileError
from .schema import read_file
from .specs import (
    AgendaItemSpec,
    EntrySpec,
    ProgrammeSpec,
    QuestionSetSpec,
    QuestionSpec,
    SessionSpec,
    Where,
)

Spec = ProgrammeSpec | SessionSpec


# --- report ------------------------------------------------------------------------------------


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def count(self, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    def describe(self, noun: str) -> str:
        parts = [f"{n} {label}" for n, label in self._parts() if n]
        plural = noun if self.total == 1 else f"{noun}s"
        return f"{self.total} {plural}" + (f" ({', '.join(parts)})" if parts else "")

    def _parts(self) -> list[tuple[int, str]]:
        return [(self.created, "created"), (self.updated, "updated"), (self.unchanged, "unchanged")]


@dataclass
class LoadReport:
    """What a load did; ``str()`` gives a one-line summary."""

    files: int = 0
    programmes: Tally = field(default_factory=Tally)
    sessions: Tally = field(default_factory=Tally)

    @property
    def changed(self) -> bool:
        return any(t.created or t.updated for t in (self.programmes, self.sessions))

    def __str__(self) -> str:
        return f"{self.programmes.describe('programme')}, {self.sessions.describe('session')}"


# --- public API --------------------------------------------------------------------------------


def validate_paths(paths: Iterable[str | Path]) -> list[Problem]:
    """Every problem of every file (and, inside an app context, against the database)."""
    _, problems = _check(paths)
    return problems


def load_paths(paths: Iterable[str | Path]) -> LoadReport:
    """Validate then load the files in one transaction; raise :class:`SessionFileError`."""
    specs, problems = _check(paths)
    if problems:
        raise SessionFileError(problems)
    with transaction():
        report = _Loader(specs).run()
    return report


# --- checks ------------------------------------------------------------------------------------


def _check(paths: Iterable[str | Path]) -> tuple[list[Spec], list[Problem]]:
    specs: list[Spec] = []  # possibly partial: enough to compare files
    valid: list[Spec] = []
    problems: list[Problem] = []
    paths = list(paths)
    for path in paths:
        spec, found = read_file(path)
        problems.extend(found)
        if spec is not None:
            specs.append(spec)
            if not found:
                valid.append(spec)
    problems.extend(_check_together(specs))
    if has_app_context():
        with db.session.no_autoflush:
            # An unknown session may be one whose file is broken: only say so when all are valid.
            problems.extend(_check_database(valid, complete=len(valid) == len(paths)))
    return valid, problems


def _problem(where: Where, message: str, place: str | None = None) -> Problem:
    return Problem(where.file, where.line, where.place if place is None else place, message)


def _duplicate(slug: str, file: str) -> str:
    return _("identifiant « %(slug)s » en double (aussi dans %(file)s)", slug=slug, file=file)


def _check_together(specs: list[Spec]) -> list[Problem]:
    """Problems between files: duplicate slugs and codes, programme ↔ session placement."""
    problems: list[Problem] = []
    programmes: dict[str, ProgrammeSpec] = {}
    sessions: dict[str, SessionSpec] = {}
    codes: dict[str, SessionSpec] = {}
    for spec in specs:
        seen: dict[str, Any] = programmes if isinstance(spec, ProgrammeSpec) else sessions
        if not spec.slug:
            continue
        if spec.slug in seen:
            first = seen[spec.slug].where
            problems.append(_problem(spec.where, _duplicate(spec.slug, first.file), "slug"))
            continue
        seen[spec.slug] = spec
        if isinstance(spec, SessionSpec) and spec.code is not None and spec.code_where:
            if spec.code in codes:
                problems.append(
                    _problem(
                        spec.code_where,
                        _(
                            "le code d'accès « %(code)s » est aussi celui de %(file)s",
                            code=spec.code,
                            file=codes[spec.code].file,
                        ),
                    )
                )
            codes.setdefault(spec.code, spec)
    listed: dict[str, tuple[ProgrammeSpec, int, EntrySpec]] = {}
    for programme in programmes.values():
        for index, theme in enumerate(programme.themes):
            for entry in theme.sessions:
                if entry.slug in listed:
                    other = listed[entry.slug][2].where
                    place = f"{other.file}:{other.line}"  # not inside _(): pybabel warns
                    problems.append(
                        _problem(
                            entry.where,
                            _(
                                "l'atelier « %(slug)s » est déjà donné dans %(where)s",
                                slug=entry.slug,
                                where=place,
                            ),
                        )
                    )
                    continue
                listed[entry.slug] = (programme, index, entry)
                if entry.is_light and entry.slug in sessions:
                    problems.append(
                        _problem(
                            entry.where,
                            _(
                                "l'atelier « %(slug)s » est décrit dans %(file)s : donnez-le "
                                "ici par son identifiant seulement",
                                slug=entry.slug,
                                file=sessions[entry.slug].file,
                            ),
                        )
                    )
    for session in sessions.values():
        problems.extend(_check_placement(session, programmes, listed))
    return problems


def _check_placement(
    session: SessionSpec,
    programmes: dict[str, ProgrammeSpec],
    listed: dict[str, tuple[ProgrammeSpec, int, EntrySpec]],
) -> list[Problem]:
    """A session naming a programme loaded in the same run must be listed there, in its theme."""
    if session.programme is None or session.programme not in programmes:
        return []
    programme = programmes[session.programme]
    where = Where(session.file, session.line("programme"), "programme")
    if session.slug not in listed or listed[session.slug][0] is not programme:
        return [
            _problem(
                where,
                _(
                    "cet atelier n'est pas dans les thèmes du programme « %(programme)s » "
                    "(%(file)s) : ajoutez « - %(slug)s » à son thème",
                    programme=programme.slug,
                    file=programme.file,
                    slug=session.slug,
                ),
            )
        ]
    index = listed[session.slug][1]
    if session.theme is None or session.theme_where is None:
        return []
    titles = [t.title for t in programme.themes]
    wanted = session.theme - 1 if isinstance(session.theme, int) else _index(titles, session.theme)
    if wanted != index:
        return [
            _problem(
                session.theme_where,
                _(
                    "« %(theme)s » ne correspond pas au fichier du programme, qui donne cet "
                    "atelier dans le thème %(number)d (« %(title)s »)",
                    theme=session.theme,
                    number=index + 1,
                    title=titles[index],
                ),
            )
        ]
    return []


def _index(titles: list[str], title: str) -> int | None:
    return titles.index(title) if title in titles else None


def _check_database(specs: list[Spec], complete: bool) -> list[Problem]:
    """Problems only the database can tell: references, codes in use, live data at risk."""
    problems: list[Problem] = []
    session_slugs = {s.slug for s in specs if isinstance(s, SessionSpec)}
    programme_slugs = {s.slug for s in specs if isinstance(s, ProgrammeSpec)}
    for spec in specs:
        if isinstance(spec, ProgrammeSpec):
            if complete:
                problems.extend(_check_references(spec, session_slugs))
            continue
        existing = db.session.scalar(select(Session).where(Session.slug == spec.slug))
        problems.extend(_check_code(spec))
        if spec.programme and spec.programme not in programme_slugs:
            problems.extend(_check_programme_in_database(spec))
        if existing is not None:
            problems.extend(live_data_problems(spec, existing))
    return problems


def _check_references(spec: ProgrammeSpec, session_slugs: set[str]) -> list[Problem]:
    problems = []
    for theme in spec.themes:
        for entry in theme.sessions:
            if entry.is_light or entry.slug in session_slugs:
                continue
            if db.session.scalar(select(Session.id).where(Session.slug == entry.slug)) is None:
                problems.append(
                    _problem(
                        entry.where,
                        _(
                            "atelier inconnu « %(slug)s » : donnez son fichier en même temps, "
                            "ou écrivez une entrée légère (slug et title)",
                            slug=entry.slug,
                        ),
                    )
                )
    return problems


def _check_code(spec: SessionSpec) -> list[Problem]:
    if spec.code is None or spec.code_where is None:
        return []
    owner = db.session.scalar(select(Session.slug).where(Session.code == spec.code))
    if owner is not None and owner != spec.slug:
        message = _(
            "le code d'accès « %(code)s » est celui de l'atelier « %(slug)s »",
            code=spec.code,
            slug=owner,
        )
        return [_problem(spec.code_where, message)]
    return []


def _check_programme_in_database(spec: SessionSpec) -> list[Problem]:
    programme = db.session.scalar(select(Programme).where(Programme.slug == spec.programme))
    where = Where(spec.file, spec.line("programme"), "programme")
    if programme is None:
        return [
            _problem(
                where,
                _(
                    "programme inconnu « %(slug)s » : chargez son fichier avec celui-ci",
                    slug=spec.programme,
                ),
            )
        ]
    if spec.theme is not None and _find_theme(programme, spec.theme) is None and spec.theme_where:
        titles = ", ".join(f"« {t.title} »" for t in programme.themes) or _("aucun")
        return [
            _problem(
                spec.theme_where,
                _(
                    "« %(theme)s » n'est pas un thème du programme « %(programme)s » (thèmes : "
                    "%(titles)s ; ou donnez son numéro à partir de 1)",
                    theme=spec.theme,
                    programme=programme.slug,
                    titles=titles,
                ),
            )
        ]
    return []


def _find_theme(programme: Programme, ref: str | int) -> Theme | None:
    themes = list(programme.themes)
    if isinstance(ref, int):
        return themes[ref - 1] if 1 <= ref <= len(themes) else None
    return next((t for t in themes if t.title == ref), None)


def _answer_counts(question_ids: list[int]) -> dict[int, int]:
    if not question_ids:
        return {}
    rows = db.session.execute(
        select(Answer.question_id, func.count())
        .where(Answer.question_id.in_(question_ids))
        .group_by(Answer.question_id)
    )
    return {qid: n for qid, n in rows}


def _count(column: Any, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(select(column, func.count()).where(column.in_(ids)).group_by(column))
    return {key: n for key, n in rows}


def live_data_problems(spec: SessionSpec, session: Session) -> list[Problem]:
    """Changes that would destroy answers or conclusions: refused, with their place."""
    questions = [q for qset in session.question_sets for q in qset.questions]
    answers = _answer_counts([q.id for q in questions])
    links = _count(ConclusionLink.question_id, [q.id for q in questions])
    conclusions = _count(Conclusion.question_set_id, [s.id for s in session.question_sets])
    wanted = {s.key: s for s in spec.question_sets}
    problems: list[Problem] = []
    for qset in session.question_sets:
        kept = wanted.get(qset.key)
        if kept is None:
            held = sum(answers.get(q.id, 0) for q in qset.questions)
            if held or conclusions.get(qset.id):
                where = Where(spec.file, spec.line("question_sets"), "question_sets")
                problems.append(
                    _problem(
                        where,
                        _(
                            "la série « %(key)s » a été retirée du fichier mais elle a "
                            "%(held)s : remettez-la (un chargement n'efface jamais ce que la "
                            "salle a répondu)",
                            key=qset.key,
                            held=_live_summary(held, conclusions.get(qset.id, 0)),
                        ),
                    )
                )
            continue
        problems.extend(_question_problems(kept, qset, answers, links))
    return problems


def _live_summary(answers: int, conclusions: int) -> str:
    parts = []
    if answers:
        parts.append(ngettext("%(num)d réponse", "%(num)d réponses", answers))
    if conclusions:
        parts.append(ngettext("%(num)d conclusion", "%(num)d conclusions", conclusions))
    return _(" et ").join(parts)


def _question_problems(
    spec: QuestionSetSpec, qset: QuestionSet, answers: dict[int, int], links: dict[int, int]
) -> list[Problem]:
    problems: list[Problem] = []
    wanted = {q.key: q for q in spec.questions}
    for question in qset.questions:
        held = answers.get(question.id, 0)
        kept = wanted.get(question.key)
        if kept is None:
            if held or links.get(question.id):
                problems.append(
                    _problem(
                        spec.where,
                        _(
                            "la question « %(key)s » (« %(prompt)s ») a été retirée du fichier "
                            "mais elle a %(held)s : remettez-la (un chargement n'efface jamais "
                            "ce que la salle a répondu)",
                            key=question.key,
                            prompt=question.prompt,
                            held=_live_summary(held, links.get(question.id, 0)),
                        ),
                        f"{spec.where.place}.questions",
                    )
                )
            continue
        if not held:
            continue
        if kept.kind != question.kind.value:
            problems.append(
                Problem(
                    kept.where.file,
                    kept.kind_line,
                    f"{kept.where.place}.kind",
                    ngettext(
                        "le type ne peut plus passer de %(old)s à %(new)s : la question a "
                        "%(num)d réponse",
                        "le type ne peut plus passer de %(old)s à %(new)s : la question a "
                        "%(num)d réponses",
                        held,
                        old=question.kind.value,
                        new=kept.kind,
                    ),
                )
            )
        elif len(kept.options) < len(question.options or []):
            problems.append(
                _problem(
                    kept.where,
                    ngettext(
                        "les options ne peuvent plus être retirées : la question a %(num)d "
                        "réponse (elle a %(options)d options ; reformulez ou ajoutez, sans "
                        "retirer)",
                        "les options ne peuvent plus être retirées : la question a %(num)d "
                        "réponses (elle a %(options)d options ; reformulez ou ajoutez, sans "
                        "retirer)",
                        held,
                        options=len(question.options),
                    ),
                    f"{kept.where.place}.options",
                )
            )
    return problems


# --- loading -----------------------------------------------------------------------------------


def assign(obj: Any, **values: Any) -> bool:
    """Set the attributes that differ; whether anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


class _Loader:
    """One run's upserts; counts what was created, updated or left unchanged."""

    def __init__(self, specs: list[Spec]) -> None:
        self.specs = specs
        self.report = LoadReport(files=len(specs))
        self.sessions: dict[str, Session] = {}
        self.changed: dict[str, bool] = {}
        self.created: set[str] = set()
        self.reserved_codes = {s.code for s in specs if isinstance(s, SessionSpec) and s.code}

    def run(self) -> LoadReport:
        programmes = [s for s in self.specs if isinstance(s, ProgrammeSpec)]
        sessions = [s for s in self.specs if isinstance(s, SessionSpec)]
        loaded = [(spec, *self._upsert_programme(spec)) for spec in programmes]
        for spec in sessions:
            self._session(spec.slug, spec.title)
            self._mark(spec.slug, _SessionWriter(self.sessions[spec.slug], spec).write())
        for spec, programme, _created, _changed in loaded:
            self._place_programme(spec, programme)
        for spec in sessions:
            self._place_session(spec)
        for _spec, _programme, created, changed in loaded:
            self.report.programmes.count(created, changed)
        for slug, changed in self.changed.items():
            self.report.sessions.count(slug in self.created, changed)
        return self.report

    def _mark(self, slug: str, changed: bool) -> None:
        self.changed[slug] = self.changed.get(slug, False) or changed

    def _session(self, slug: str, title: str) -> Session:
        """The session of this slug, created (with a fresh join code) if new."""
        if slug in self.sessions:
            return self.sessions[slug]
        session = db.session.scalar(select(Session).where(Session.slug == slug))
        if session is None:
            session = Session(slug=slug, title=title, code=self._new_code())
            db.session.add(session)
            self.created.add(slug)
        self.sessions[slug] = session
        self.changed.setdefault(slug, False)
        return session

    def _new_code(self) -> str:
        while True:
            code = new_join_code()
            taken = db.session.scalar(select(Session.id).where(Session.code == code))
            if code not in self.reserved_codes and taken is None:
                self.reserved_codes.add(code)
                return code

    def _upsert_programme(self, spec: ProgrammeSpec) -> tuple[Programme, bool, bool]:
        programme = db.session.scalar(select(Programme).where(Programme.slug == spec.slug))
        created = programme is None
        if programme is None:
            programme = Programme(slug=spec.slug, title=spec.title)
            db.session.add(programme)
        changed = assign(
            programme,
            title=spec.title,
            organiser=spec.organiser,
            description=spec.description,
            objective=spec.objective,
            method=spec.method,
            privacy_contact=spec.privacy_contact,
            retention_days=spec.retention_days,
        )
        by_position = {t.position: t for t in programme.themes}
        for position, theme_spec in enumerate(spec.themes):
            theme = by_position.pop(position, None)
            if theme is None:
                theme = Theme(position=position, title=theme_spec.title)
                programme.themes.append(theme)
                changed = True
            changed |= assign(theme, title=theme_spec.title, description=theme_spec.description)
        for theme in by_position.values():
            for session in list(theme.sessions):
                session.theme = None
            programme.themes.remove(theme)
            changed = True
        return programme, created, changed

    def _place_programme(self, spec: ProgrammeSpec, programme: Programme) -> None:
        placed: set[str] = set()
        themes = sorted(programme.themes, key=lambda t: t.position)
        for theme, theme_spec in zip(themes, spec.themes, strict=True):
            for position, entry in enumerate(theme_spec.sessions):
                session = self._session(entry.slug, entry.title or entry.slug)
                # A light entry never overwrites a session prepared by its own file.
                if entry.is_light and not (session.agenda or session.question_sets):
                    self._mark(entry.slug, _write_light(session, entry))
                self._mark(entry.slug, _place(session, programme, theme, position))
                placed.add(entry.slug)
        self._detach_unlisted(programme, placed)

    def _detach_unlisted(self, programme: Programme, placed: set[str]) -> None:
        if programme.id is None:
            return
        listed = db.session.scalars(select(Session).where(Session.programme_id == programme.id))
        for session in listed:
            if session.slug not in placed and session.programme is programme:
                self._mark(session.slug, _place(session, None, None, 0))

    def _place_session(self, spec: SessionSpec) -> None:
        """A session naming a programme not loaded in this run: place it from the database."""
        if spec.programme is None or any(
            isinstance(s, ProgrammeSpec) and s.slug == spec.programme for s in self.specs
        ):
            return
        session = self.sessions[spec.slug]
        programme = db.session.scalar(select(Programme).where(Programme.slug == spec.programme))
        if programme is None:  # checked before loading
            return
        theme = _find_theme(programme, spec.theme) if spec.theme is not None else None
        position = session.position
        if theme is not None and session.theme is not theme:
            position = 1 + max((s.position for s in theme.sessions), default=-1)
        self._mark(spec.slug, _place(session, programme, theme, position))


def _place(
    session: Session, programme: Programme | None, theme: Theme | None, position: int
) -> bool:
    changed = session.programme is not programme or session.theme is not theme
    session.programme = programme
    session.theme = theme
    return assign(session, position=position) or changed


def _write_light(session: Session, entry: EntrySpec) -> bool:
    """A workshop not yet prepared: its title, date, place; the description as its stake."""
    return assign(
        session,
        title=entry.title,
        theme_statement=entry.description,
        date=entry.date,
        place=entry.place,
    )


class _SessionWriter:
    """Upserts one session file's content into its session row and children."""

    def __init__(self, session: Session, spec: SessionSpec) -> None:
        self.session = session
        self.spec = spec
        self.changed = False

    def write(self) -> bool:
        spec, session = self.spec, self.session
        self.changed |= assign(
            session,
            title=spec.title,
            date=spec.date,
            start_time=spec.start_time,
            place=spec.place,
            organiser=spec.organiser,
            theme_statement=spec.theme_statement,
            objective=spec.objective,
            method=spec.method,
            privacy_contact=spec.privacy_contact,
            retention_days=spec.retention_days,
        )
        if spec.code is not None:
            self.changed |= assign(session, code=spec.code)
        self._groups()
        speakers = self._speakers()
        sets = self._sets()
        self._agenda(speakers, sets)
        self._remove_sets(sets)
        self._remove_speakers(speakers)
        return self.changed

    def _groups(self) -> None:
        existing = {g.key: g for g in self.session.stakeholder_groups}
        for position, spec in enumerate(self.spec.stakeholder_groups):
            group = existing.pop(spec.key, None)
            if group is None:
                group = StakeholderGroup(key=spec.key, position=position, label=spec.label)
                self.session.stakeholder_groups.append(group)
                self.changed = True
            self.changed |= assign(group, position=position, label=spec.label)
        for group in existing.values():
            if group.id is not None:
                db.session.execute(
                    update(Participant)
                    .where(Participant.group_id == group.id)
                    .values(group_id=None)
                )
            self.session.stakeholder_groups.remove(group)
            self.changed = True

    def _speakers(self) -> dict[str, Speaker]:
        existing = {s.key: s for s in self.session.speakers}
        result: dict[str, Speaker] = {}
        for position, spec in enumerate(self.spec.speakers):
            speaker = existing.get(spec.key)
            if speaker is None:
                speaker = Speaker(key=spec.key, position=position, name=spec.name)
                self.session.speakers.append(speaker)
                self.changed = True
            self.changed |= assign(
                speaker,
                position=position,
                name=spec.name,
                role=spec.role,
                organisation=spec.organisation,
                bio=spec.bio,
            )
            result[spec.key] = speaker
        return result

    def _remove_speakers(self, kept: dict[str, Speaker]) -> None:
        for speaker in list(self.session.speakers):
            if speaker.key not in kept:
                self.session.speakers.remove(speaker)
                self.changed = True

    def _sets(self) -> dict[str, QuestionSet]:
        existing = {s.key: s for s in self.session.question_sets}
        result: dict[str, QuestionSet] = {}
        for position, spec in enumerate(self.spec.question_sets):
            qset = existing.get(spec.key)
            if qset is None:
                qset = QuestionSet(key=spec.key, position=position, title=spec.title)
                self.session.question_sets.append(qset)
                self.changed = True
            self.changed |= assign(
                qset, position=position, title=spec.title, introduction=spec.introduction
            )
            self._questions(qset, spec.questions)
            result[spec.key] = qset
        return result

    def _remove_sets(self, kept: dict[str, QuestionSet]) -> None:
        for qset in list(self.session.question_sets):
            if qset.key not in kept:
                self.session.question_sets.remove(qset)
                self.changed = True

    def _questions(self, qset: QuestionSet, specs: list[QuestionSpec]) -> None:
        existing = {q.key: q for q in qset.questions}
        for position, spec in enumerate(specs):
            question = existing.pop(spec.key, None)
            if question is None:
                question = Question(
                    key=spec.key, position=position, prompt=spec.prompt, kind=spec.kind
                )
                qset.questions.append(question)
                self.changed = True
            self.changed |= assign(question, position=position, **question_values(spec))
        for question in existing.values():
            qset.questions.remove(question)
            self.changed = True

    def _agenda(self, speakers: dict[str, Speaker], sets: dict[str, QuestionSet]) -> None:
        existing = {item.position: item for item in self.session.agenda}
        for position, spec in enumerate(self.spec.agenda):
            item = existing.pop(position, None)
            if item is None:
                item = AgendaItem(position=position, title=spec.title)
                self.session.agenda.append(item)
                self.changed = True
            self.changed |= _write_item(item, spec, speakers, sets)
        for item in existing.values():
            self.session.agenda.remove(item)
            self.changed = True


def question_values(spec: QuestionSpec) -> dict[str, Any]:
    """The columns of a question, as the file gives them."""
    return {
        "prompt": spec.prompt,
        "kind": QuestionKind(spec.kind),
        "options": list(spec.options),
        "scale_min": spec.scale_min,
        "scale_max": spec.scale_max,
        "min_label": spec.min_label,
        "max_label": spec.max_label,
        "max_choices": spec.max_choices,
        "max_words": spec.max_words,
        "max_length": spec.max_length,
        "allow_comment": spec.allow_comment,
    }


def _write_item(
    item: AgendaItem,
    spec: AgendaItemSpec,
    speakers: dict[str, Speaker],
    sets: dict[str, QuestionSet],
) -> bool:
    changed = assign(
        item,
        kind=AgendaKind(spec.kind),
        title=spec.title,
        text=spec.text,
        planned_start=spec.start,
        duration_min=spec.duration,
    )
    qset = sets[spec.question_set] if spec.question_set else None
    if item.question_set is not qset:
        item.question_set = qset
        changed = True
    wanted = [speakers[key] for key in spec.speakers]
    if {s.key for s in item.speakers} != set(spec.speakers):
        item.speakers = wanted
        changed = True
    return changed
