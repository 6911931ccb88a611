"""Agenda items: add, edit, move up or down, remove."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from flask_babel import gettext as _

from ...extensions import db
from ...models import AgendaItem, QuestionSet, Session, Speaker
from ...models.enums import AgendaKind
from .. import activity
from ..errors import ServiceError
from ..unit import transaction
from .common import get, publish_agenda
from .sessions import Actor


@dataclass
class ItemFields:
    kind: str
    title: str
    text: str = ""
    planned_start: time | None = None
    duration_min: int | None = None
    speaker_ids: list[int] = field(default_factory=list)
    question_set_id: int | None = None


def _write(session: Session, item: AgendaItem, fields: ItemFields) -> None:
    item.kind = AgendaKind(fields.kind)
    item.title = fields.title
    item.text = fields.text
    item.planned_start = fields.planned_start
    item.duration_min = fields.duration_min
    speakers = {s.id: s for s in session.speakers}
    unknown = [i for i in fields.speaker_ids if i not in speakers]
    if unknown:
        raise ServiceError(
            "invalid", _("Cet intervenant n'est pas de cet atelier."), field="speaker_ids"
        )
    item.speakers = [speakers[i] for i in sorted(set(fields.speaker_ids), key=_order(speakers))]
    qset = get(QuestionSet, fields.question_set_id)
    if qset is not None and qset.session_id != session.id:
        raise ServiceError(
            "invalid",
            _("Cette série de questions n'est pas de cet atelier."),
            field="question_set_id",
        )
    item.question_set = qset


def _order(speakers: dict[int, Speaker]):  # noqa: ANN202
    return lambda sid: speakers[sid].position


def add_item(session: Session, fields: ItemFields, *, by: Actor) -> AgendaItem:
    with transaction():
        position = 1 + max((i.position for i in session.agenda), default=-1)
        item = AgendaItem(position=position, title=fields.title)
        session.agenda.append(item)
        _write(session, item, fields)
        activity.record("agenda.created", by=by, session=session, detail=item.title)
        publish_agenda(session)
    return item


def update_item(item: AgendaItem, fields: ItemFields, *, by: Actor) -> AgendaItem:
    with transaction():
        _write(item.session, item, fields)
        activity.record("agenda.changed", by=by, session=item.session, detail=item.title)
        publish_agenda(item.session)
    return item


def _swap(session: Session, a: AgendaItem, b: AgendaItem) -> None:
    """Swap two items' positions (unique per session: through a free position)."""
    pa, pb = a.position, b.position
    a.position = -1 - max(pa, pb)
    db.session.flush()
    b.position = pa
    db.session.flush()
    a.position = pb
    if session.current_position == pa:
        session.current_position = pb
    elif session.current_position == pb:
        session.current_position = pa


def move_item(item: AgendaItem, offset: int, *, by: Actor) -> AgendaItem:
    """« Monter » (-1) or « Descendre » (+1); at either end nothing moves."""
    session = item.session
    items = sorted(session.agenda, key=lambda i: i.position)
    index = items.index(item)
    other = index + (1 if offset > 0 else -1)
    if not 0 <= other < len(items):
        return item
    with transaction():
        _swap(session, item, items[other])
        activity.record("agenda.moved", by=by, session=session, detail=item.title)
        publish_agenda(session)
    return item


def remove_item(item: AgendaItem, *, by: Actor) -> None:
    session = item.session
    if session.current_position == item.position:
        raise ServiceError(
            "item_current",
            _("Cet élément est en cours dans la salle : passez à un autre avant de le retirer."),
        )
    with transaction():
        removed = item.position
        session.agenda.remove(item)
        db.session.flush()
        for other in sorted(session.agenda, key=lambda i: i.position):
            if other.position > removed:
                if session.current_position == other.position:
                    session.current_position = other.position - 1
                other.position -= 1
                db.session.flush()
        activity.record("agenda.deleted", by=by, session=session, detail=item.title)
        publish_agenda(session)
