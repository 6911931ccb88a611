"""JSON views of the live state, exactly as docs/protocol.md writes them (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ...labels import group_label
from ...models import Answer, QuestionSet, Session


def iso(value: datetime | None) -> str | None:
    """A UTC timestamp as ISO 8601 with milliseconds, or None."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds") if value else None


def now_iso() -> str:
    return iso(datetime.now(UTC)) or ""


def session_view(session: Session) -> dict[str, Any]:
    return {
        "code": session.code,
        "title": session.title,
        "status": session.status.value,
    }


def groups_view(session: Session) -> list[dict[str, str]]:
    groups = session.stakeholder_groups
    return [{"key": g.key, "label": group_label(g.key, g.label)} for g in groups]


def agenda_view(session: Session) -> dict[str, Any]:
    current = session.current_item
    return {
        "current": session.current_position,
        "started_at": iso(current.started_at) if current else None,
        "items": [
            {
                "position": item.position,
                "kind": item.kind.value,
                "title": item.title,
                "duration_min": item.duration_min,
                "started_at": iso(item.started_at),
                "ended_at": iso(item.ended_at),
                "question_set_id": item.question_set_id,
            }
            for item in session.agenda
        ],
    }


def set_view(question_set: QuestionSet) -> dict[str, Any]:
    return {
        "id": question_set.id,
        "key": question_set.key,
        "title": question_set.title,
        "introduction": question_set.introduction,
        "state": question_set.state.value,
        "revealed": question_set.revealed,
        "focus_question_id": question_set.focus_question_id,
        "questions": [q.settings() for q in question_set.questions],
    }


def answer_view(answer: Answer) -> dict[str, Any]:
    """The stored answer as acknowledged (and as sent to the participant's other tabs)."""
    return {
        "id": answer.id,
        "question_id": answer.question_id,
        "client_id": answer.client_id,
        "value": answer.value,
        "text": answer.text,
        "updated_at": iso(answer.updated_at),
    }
