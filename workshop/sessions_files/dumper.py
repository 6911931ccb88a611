"""Write what the database holds back as session files (``workshop dump``).

The output loads back to the same data: ``load → dump → load`` changes nothing.
"""

from __future__ import annotations

from typing import Any

import yaml
from sqlalchemy import select

from ..extensions import db
from ..models import Programme, Question, Session
from ..models.enums import QuestionKind
from .problems import UnknownSlugError


class _Dumper(yaml.SafeDumper):
    """Block style, indented lists, multi-line texts as ``|`` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2)


def _compact(data: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Leave out empty optional fields (they load back as their defaults)."""
    return {k: v for k, v in data.items() if k in keep or not _empty(v)}


def _empty(value: Any) -> bool:
    """None, False, "" and []: not 0 (``0 == False``: a scale from 0 is kept)."""
    return value is None or value is False or (isinstance(value, str | list) and not value)


def dump_session(slug: str) -> str:
    """The session file of this session, as YAML text."""
    session = db.session.scalar(select(Session).where(Session.slug == slug))
    if session is None:
        raise UnknownSlugError(f"no session with slug {slug!r}")
    return to_yaml(session_data(session))


def session_data(session: Session) -> dict[str, Any]:
    data = {
        "kind": "session",
        "slug": session.slug,
        "title": session.title,
        "programme": session.programme.slug if session.programme else None,
        "theme": session.theme.title if session.theme else None,
        "date": session.date,
        "start_time": session.start_time.strftime("%H:%M") if session.start_time else None,
        "place": session.place,
        "organiser": session.organiser,
        "code": session.code,
        "theme_statement": session.theme_statement,
        "objective": session.objective,
        "method": session.method,
        "privacy_contact": session.privacy_contact,
        "retention_days": session.retention_days,
        "stakeholder_groups": [
            {"key": g.key, "label": g.label} for g in session.stakeholder_groups
        ],
        "speakers": [
            _compact(
                {
                    "key": s.key,
                    "name": s.name,
                    "role": s.role,
                    "organisation": s.organisation,
                    "bio": s.bio,
                }
            )
            for s in session.speakers
        ],
        "agenda": [_item_data(item) for item in session.agenda],
        "question_sets": [
            _compact(
                {
                    "key": qset.key,
                    "title": qset.title,
                    "introduction": qset.introduction,
                    "questions": [_question_data(q) for q in qset.questions],
                }
            )
            for qset in session.question_sets
        ],
    }
    return _compact(data, keep=("stakeholder_groups",))


def _item_data(item: Any) -> dict[str, Any]:
    return _compact(
        {
            "kind": item.kind.value,
            "title": item.title,
            "text": item.text,
            "start": item.planned_start.strftime("%H:%M") if item.planned_start else None,
            "duration": item.duration_min,
            "speakers": [s.key for s in item.speakers],
            "question_set": item.question_set.key if item.question_set else None,
        }
    )


def _question_data(question: Question) -> dict[str, Any]:
    kind = question.kind
    data: dict[str, Any] = {"key": question.key, "prompt": question.prompt, "kind": kind.value}
    if kind in (QuestionKind.CHOICE, QuestionKind.MULTI, QuestionKind.RANK):
        data["options"] = list(question.options or [])
    if kind is QuestionKind.SCALE:
        data.update(
            scale_min=question.scale_min,
            scale_max=question.scale_max,
            min_label=question.min_label,
            max_label=question.max_label,
        )
    if kind is QuestionKind.MULTI:
        data["max_choices"] = question.max_choices
    if kind is QuestionKind.WORDS:
        data["max_words"] = question.max_words
    if kind is QuestionKind.OPEN:
        data["max_length"] = question.max_length
    data["allow_comment"] = question.allow_comment
    return _compact(data)


def dump_programme(slug: str) -> str:
    """The programme file: sessions with content by slug, the others as light entries."""
    programme = db.session.scalar(select(Programme).where(Programme.slug == slug))
    if programme is None:
        raise UnknownSlugError(f"no programme with slug {slug!r}")
    return to_yaml(programme_data(programme))


def programme_data(programme: Programme) -> dict[str, Any]:
    themes = [
        _compact(
            {
                "title": theme.title,
                "description": theme.description,
                "sessions": [_entry_data(s) for s in theme.sessions],
            }
        )
        for theme in programme.themes
    ]
    return _compact(
        {
            "kind": "programme",
            "slug": programme.slug,
            "title": programme.title,
            "organiser": programme.organiser,
            "description": programme.description,
            "objective": programme.objective,
            "method": programme.method,
            "privacy_contact": programme.privacy_contact,
            "retention_days": programme.retention_days,
            "themes": themes,
        }
    )


def _entry_data(session: Session) -> str | dict[str, Any]:
    if session.agenda or session.question_sets or session.speakers:
        return session.slug
    return _compact(
        {
            "slug": session.slug,
            "title": session.title,
            "description": session.theme_statement,
            "date": session.date,
            "place": session.place,
        }
    )
