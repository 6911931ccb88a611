"""Sessions: create (from scratch or from a copy), edit, archive, delete."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, time

from flask_babel import gettext as _
from sqlalchemy import select, update

from ...extensions import db
from ...models import (
    AgendaItem,
    Participant,
    Programme,
    Question,
    QuestionSet,
    Session,
    Speaker,
    StakeholderGroup,
    Theme,
    User,
)
from ...models.enums import SessionStatus
from ...models.session import DEFAULT_STAKEHOLDER_GROUPS, new_join_code
from ...sessions_files import rules
from .. import activity
from ..errors import ServiceError
from ..unit import transaction
from .common import get, publish_agenda, unique_key

Actor = User | str | None


@dataclass
class SessionFields:
    """What the session form edits (the privacy settings have their own page)."""

    title: str
    slug: str = ""  # empty: made from the title
    programme_id: int | None = None
    theme_id: int | None = None
    date: date | None = None
    start_time: time | None = None
    place: str = ""
    organiser: str = ""
    theme_statement: str = ""
    objective: str = ""
    method: str = ""
    code: str = ""  # empty: kept (a new session: generated)
    groups: list[tuple[str, str]] | None = None  # (key, label); None: left as they are


def _taken_slugs(but: Session | None = None) -> set[str]:
    rows = db.session.scalars(select(Session.slug)).all()
    return {s for s in rows if but is None or s != but.slug}


def _slug(fields: SessionFields, but: Session | None = None) -> str:
    taken = _taken_slugs(but)
    if not fields.slug:
        return unique_key(fields.title, taken, rules.MAX_SLUG)
    problem = rules.slug(fields.slug)
    if problem is None and fields.slug in taken:
        problem = _("« %(value)s » est déjà l'identifiant d'un autre atelier", value=fields.slug)
    if problem is not None:
        raise ServiceError("invalid", problem, field="slug")
    return fields.slug


def _new_code() -> str:
    while True:
        code = new_join_code()
        if db.session.scalar(select(Session.id).where(Session.code == code)) is None:
            return code


def _place(session: Session, programme_id: int | None, theme_id: int | None) -> None:
    programme = get(Programme, programme_id)
    theme = get(Theme, theme_id)
    if theme is not None and (programme is None or theme.programme_id != programme.id):
        raise ServiceError(
            "invalid", _("Ce thème n'est pas un thème du programme choisi."), field="theme_id"
        )
    if theme is not None and session.theme is not theme:
        session.position = 1 + max((s.position for s in theme.sessions), default=-1)
    session.programme, session.theme = programme, theme


def _write(session: Session, fields: SessionFields) -> None:
    for name, value in asdict(fields).items():
        if name not in ("slug", "programme_id", "theme_id", "code", "groups"):
            setattr(session, name, value)
    _place(session, fields.programme_id, fields.theme_id)
    if fields.code and fields.code != session.code:
        problem = rules.join_code(fields.code)
        taken = db.session.scalar(
            select(Session.slug).where(Session.code == fields.code, Session.id != session.id)
        )
        if problem is None and taken is not None:
            problem = _("Ce code est déjà celui de l'atelier « %(slug)s ».", slug=taken)
        if problem is not None:
            raise ServiceError("invalid", problem, field="code")
        session.code = fields.code
    if fields.groups is not None:
        _groups(session, fields.groups)


def _groups(session: Session, groups: list[tuple[str, str]]) -> None:
    """Upsert by key, in order; a removed group's participants keep their answers, without
    a group (as a session file loaded again does)."""
    for key, label in groups:
        problem = rules.group(key, label)
        if problem is not None:
            raise ServiceError("invalid", problem, field="stakeholder_groups")
    existing = {g.key: g for g in session.stakeholder_groups}
    kept = []
    for position, (key, label) in enumerate(groups):
        group = existing.pop(key, None) or StakeholderGroup(key=key, label=label)
        group.position, group.label = position, label
        kept.append(group)
    for group in existing.values():
        if group.id is not None:
            db.session.execute(
                update(Participant).where(Participant.group_id == group.id).values(group_id=None)
            )
    session.stakeholder_groups = kept


def create_session(fields: SessionFields, *, by: Actor) -> Session:
    with transaction():
        session = Session(slug=_slug(fields), title=fields.title, code=_new_code())
        if fields.groups is None:
            fields.groups = list(DEFAULT_STAKEHOLDER_GROUPS)
        db.session.add(session)
        _write(session, fields)
        db.session.flush()
        activity.record("session.created", by=by, session=session)
    return session


def update_session(session: Session, fields: SessionFields, *, by: Actor) -> Session:
    with transaction():
        session.slug = _slug(fields, but=session)
        _write(session, fields)
        activity.record("session.changed", by=by, session=session)
        publish_agenda(session)
    return session


def copy_session(
    source: Session, *, title: str, slug: str = "", with_sets: bool, by: Actor
) -> Session:
    """A new session like ``source``: its texts, groups, speakers and agenda, its question sets
    (ready, unanswered) if ``with_sets``; a new slug and join code; nothing of the live state."""
    with transaction():
        fields = SessionFields(
            title=title,
            slug=slug,
            programme_id=source.programme_id,
            theme_id=source.theme_id,
            date=source.date,
            start_time=source.start_time,
            place=source.place,
            organiser=source.organiser,
            theme_statement=source.theme_statement,
            objective=source.objective,
            method=source.method,
        )
        copy = Session(slug=_slug(fields), title=title, code=_new_code())
        db.session.add(copy)
        _write(copy, fields)
        copy.privacy_contact, copy.retention_days = source.privacy_contact, source.retention_days
        copy.stakeholder_groups = [
            StakeholderGroup(key=g.key, label=g.label, position=g.position)
            for g in source.stakeholder_groups
        ]
        speakers = {s.id: copy_speaker(s) for s in source.speakers}
        copy.speakers = list(speakers.values())
        sets: dict[int, QuestionSet] = {}
        if with_sets:
            for qset in source.question_sets:
                sets[qset.id] = copy_set(qset, qset.key, qset.title)
            copy.question_sets = list(sets.values())
        copy.agenda = [
            AgendaItem(
                position=item.position,
                kind=item.kind,
                title=item.title,
                text=item.text,
                planned_start=item.planned_start,
                duration_min=item.duration_min,
                speakers=[speakers[s.id] for s in item.speakers],
                question_set=sets.get(item.question_set_id) if item.question_set_id else None,
            )
            for item in source.agenda
        ]
        db.session.flush()
        activity.record(
            "session.copied",
            by=by,
            session=copy,
            detail=activity.facts(source=source.slug, with_sets=with_sets),
        )
    return copy


def copy_speaker(speaker: Speaker, position: int | None = None) -> Speaker:
    return Speaker(
        key=speaker.key,
        position=speaker.position if position is None else position,
        name=speaker.name,
        role=speaker.role,
        organisation=speaker.organisation,
        bio=speaker.bio,
    )


def copy_set(qset: QuestionSet, key: str, title: str, position: int | None = None) -> QuestionSet:
    return QuestionSet(
        key=key,
        position=qset.position if position is None else position,
        title=title,
        introduction=qset.introduction,
        questions=[copy_question(q) for q in qset.questions],
    )


def copy_question(q: Question, key: str | None = None, position: int | None = None) -> Question:
    return Question(
        key=q.key if key is None else key,
        position=q.position if position is None else position,
        prompt=q.prompt,
        kind=q.kind,
        options=list(q.options or []),
        scale_min=q.scale_min,
        scale_max=q.scale_max,
        min_label=q.min_label,
        max_label=q.max_label,
        max_choices=q.max_choices,
        max_words=q.max_words,
        max_length=q.max_length,
        allow_comment=q.allow_comment,
    )


def archive_session(session: Session, archived: bool, *, by: Actor) -> Session:
    with transaction():
        session.archived = archived
        activity.record("session.archived" if archived else "session.unarchived", by=by,
                        session=session)  # fmt: skip
    return session


def delete_session(session: Session, confirmation: str, *, by: Actor) -> None:
    """Delete a session and all it holds, once its title or join code is typed; never while
    it is live."""
    if session.status is SessionStatus.LIVE:
        raise ServiceError(
            "session_live",
            _("L'atelier est en cours : terminez-le avant de le supprimer."),
            field="confirmation",
        )
    typed = confirmation.strip()
    if typed not in (session.title, session.code) and typed.upper() != session.code:
        raise ServiceError(
            "confirmation",
            _("Tapez le titre ou le code de l'atelier pour confirmer."),
            field="confirmation",
        )
    with transaction():
        activity.record("session.deleted", by=by, subject=session.title, detail=f"{session.slug}")
        db.session.delete(session)
