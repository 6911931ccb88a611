"""Programmes and their ordered themes."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import Programme, Theme
from ...sessions_files import rules
from .. import activity
from ..errors import ServiceError
from ..unit import transaction
from .common import unique_key
from .sessions import Actor


@dataclass
class ProgrammeFields:
    title: str
    slug: str = ""  # empty: made from the title
    organiser: str = ""
    description: str = ""
    objective: str = ""
    method: str = ""


def _slug(fields: ProgrammeFields, but: Programme | None = None) -> str:
    taken = {p for p in db.session.scalars(select(Programme.slug)) if but is None or p != but.slug}
    if not fields.slug:
        return but.slug if but is not None else unique_key(fields.title, taken, rules.MAX_SLUG)
    problem = rules.slug(fields.slug)
    if problem is None and fields.slug in taken:
        problem = _("« %(value)s » est déjà l'identifiant d'un autre programme", value=fields.slug)
    if problem is not None:
        raise ServiceError("invalid", problem, field="slug")
    return fields.slug


def _write(programme: Programme, fields: ProgrammeFields) -> None:
    programme.title, programme.organiser = fields.title, fields.organiser
    programme.description, programme.objective = fields.description, fields.objective
    programme.method = fields.method


def create_programme(fields: ProgrammeFields, *, by: Actor) -> Programme:
    with transaction():
        programme = Programme(slug=_slug(fields), title=fields.title)
        _write(programme, fields)
        db.session.add(programme)
        activity.record("programme.created", by=by, subject=programme.title)
    return programme


def update_programme(programme: Programme, fields: ProgrammeFields, *, by: Actor) -> Programme:
    with transaction():
        programme.slug = _slug(fields, but=programme)
        _write(programme, fields)
        activity.record("programme.changed", by=by, subject=programme.title)
    return programme


def _check_title(programme: Programme, title: str, but: Theme | None = None) -> None:
    if any(t.title == title for t in programme.themes if t is not but):
        raise ServiceError(
            "invalid",
            _("Ce programme a déjà un thème « %(title)s ».", title=title),
            field="title",
        )


def add_theme(programme: Programme, title: str, description: str, *, by: Actor) -> Theme:
    _check_title(programme, title)
    with transaction():
        position = 1 + max((t.position for t in programme.themes), default=-1)
        theme = Theme(position=position, title=title, description=description)
        programme.themes.append(theme)
        activity.record("theme.created", by=by, subject=programme.title, detail=title)
    return theme


def update_theme(theme: Theme, title: str, description: str, *, by: Actor) -> Theme:
    _check_title(theme.programme, title, but=theme)
    with transaction():
        theme.title, theme.description = title, description
        activity.record("theme.changed", by=by, subject=theme.programme.title, detail=title)
    return theme


def move_theme(theme: Theme, offset: int, *, by: Actor) -> Theme:
    """Themes' positions are unique in their programme: swap through a free position."""
    themes = sorted(theme.programme.themes, key=lambda t: t.position)
    index = themes.index(theme)
    other_index = index + (1 if offset > 0 else -1)
    if not 0 <= other_index < len(themes):
        return theme
    other = themes[other_index]
    with transaction():
        pa, pb = theme.position, other.position
        theme.position = -1 - max(pa, pb)
        db.session.flush()
        other.position = pa
        db.session.flush()
        theme.position = pb
        activity.record("theme.moved", by=by, subject=theme.programme.title, detail=theme.title)
    return theme


def remove_theme(theme: Theme, *, by: Actor) -> None:
    """Its sessions stay in the programme, without a theme."""
    programme = theme.programme
    with transaction():
        for session in list(theme.sessions):
            session.theme = None
        removed = theme.position
        programme.themes.remove(theme)
        db.session.flush()
        for other in sorted(programme.themes, key=lambda t: t.position):
            if other.position > removed:
                other.position -= 1
                db.session.flush()
        activity.record("theme.deleted", by=by, subject=programme.title, detail=theme.title)
