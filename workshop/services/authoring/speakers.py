"""Speakers (« intervenants »): add, edit, reorder, remove, and reuse within a programme."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import Session, Speaker
from .. import activity
from ..errors import ServiceError
from ..unit import transaction
from .common import check_key, publish_agenda, unique_key
from .questions import _reorder
from .sessions import Actor, copy_speaker


@dataclass
class SpeakerFields:
    name: str
    key: str = ""  # empty: made from the name
    role: str = ""
    organisation: str = ""
    bio: str = ""


def _key(session: Session, fields: SpeakerFields, but: Speaker | None = None) -> str:
    taken = {s.key for s in session.speakers if s is not but}
    if not fields.key:
        return but.key if but is not None else unique_key(fields.name, taken)
    check_key(fields.key, taken)
    return fields.key


def _write(speaker: Speaker, fields: SpeakerFields) -> None:
    speaker.name, speaker.role = fields.name, fields.role
    speaker.organisation, speaker.bio = fields.organisation, fields.bio


def add_speaker(session: Session, fields: SpeakerFields, *, by: Actor) -> Speaker:
    with transaction():
        position = 1 + max((s.position for s in session.speakers), default=-1)
        speaker = Speaker(key=_key(session, fields), position=position, name=fields.name)
        _write(speaker, fields)
        session.speakers.append(speaker)
        activity.record("speaker.created", by=by, session=session, detail=speaker.key)
    return speaker


def update_speaker(speaker: Speaker, fields: SpeakerFields, *, by: Actor) -> Speaker:
    with transaction():
        speaker.key = _key(speaker.session, fields, but=speaker)
        _write(speaker, fields)
        activity.record("speaker.changed", by=by, session=speaker.session, detail=speaker.key)
        publish_agenda(speaker.session)
    return speaker


def move_speaker(speaker: Speaker, offset: int, *, by: Actor) -> Speaker:
    items = sorted(speaker.session.speakers, key=lambda s: s.position)
    with transaction():
        if _reorder(items, speaker, offset):
            activity.record("speaker.moved", by=by, session=speaker.session, detail=speaker.key)
            publish_agenda(speaker.session)
    return speaker


def remove_speaker(speaker: Speaker, *, by: Actor) -> None:
    session = speaker.session
    with transaction():
        for item in session.agenda:
            if speaker in item.speakers:
                item.speakers.remove(speaker)
        session.speakers.remove(speaker)
        for position, other in enumerate(session.speakers):
            other.position = position
        activity.record("speaker.deleted", by=by, session=session, detail=speaker.key)
        publish_agenda(session)


def reusable(session: Session) -> list[Speaker]:
    """The speakers of the programme's other sessions that this session does not have yet
    (same name and organisation), to pick from."""
    if session.programme_id is None:
        return []
    others = db.session.scalars(
        select(Speaker)
        .join(Session, Speaker.session_id == Session.id)
        .where(Session.programme_id == session.programme_id, Session.id != session.id)
        .order_by(Speaker.name)
    ).all()
    have = {(s.name, s.organisation) for s in session.speakers}
    seen: set[tuple[str, str]] = set()
    result = []
    for speaker in others:
        ident = (speaker.name, speaker.organisation)
        if ident not in have and ident not in seen:
            seen.add(ident)
            result.append(speaker)
    return result


def reuse_speaker(session: Session, source: Speaker, *, by: Actor) -> Speaker:
    """Copy a speaker of another session of the same programme into this one."""
    if session.programme_id is None or source.session.programme_id != session.programme_id:
        raise ServiceError(
            "invalid",
            _("Cet intervenant n'est pas d'un atelier du même programme."),
            field="speaker_id",
        )
    with transaction():
        position = 1 + max((s.position for s in session.speakers), default=-1)
        speaker = copy_speaker(source, position)
        speaker.key = unique_key(source.key, {s.key for s in session.speakers})
        session.speakers.append(speaker)
        activity.record(
            "speaker.copied", by=by, session=session, detail=f"{source.session.slug}:{source.key}"
        )
    return speaker
