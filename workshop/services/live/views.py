"""JSON views of the live state, exactly as docs/protocol.md writes them (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ...labels import group_label
from ...models import AgendaItem, Answer, QuestionSet, Session
from ..lookup import iso


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


def timer_state(item: AgendaItem | None) -> dict[str, Any] | None:
    """What the current item's timer is made of (kept in the room's cached view, see room.py):
    the seconds counted before ``since`` (None: paused), the planned seconds, the minutes
    added."""
    if item is None:
        return None
    planned = (item.duration_min + item.extra_min) * 60 if item.duration_min else None
    return {
        "elapsed": float(item.timer_elapsed_s or 0.0),
        "since": item.timer_since,
        "planned_s": planned,
        "extra_min": item.extra_min,
    }


def timer_view(state: dict[str, Any] | None, now: datetime | None = None) -> dict[str, Any] | None:
    """The ``timer`` of the agenda view as of ``now``: ``elapsed_s`` counts up to now while
    running (docs/protocol.md, « The day of the workshop »)."""
    if state is None:
        return None
    since = state["since"]
    elapsed = state["elapsed"]
    if since is not None:
        elapsed += max(0.0, ((now or datetime.now(UTC)) - since).total_seconds())
    return {
        "running": since is not None,
        "elapsed_s": round(elapsed, 1),
        "planned_s": state["planned_s"],
        "extra_min": state["extra_min"],
    }


def agenda_view(session: Session, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    current = session.current_item
    return {
        "current": session.current_position,
        "started_at": iso(current.started_at) if current else None,
        "status": session.status.value,
        "timer": timer_view(timer_state(current), now),
        "items": [
            {
                "position": item.position,
                "kind": item.kind.value,
                "title": item.title,
                "text": item.text,
                "duration_min": item.duration_min,
                "planned_start": item.planned_start.strftime("%H:%M")
                if item.planned_start
                else None,
                "started_at": iso(item.started_at),
                "ended_at": iso(item.ended_at),
                "spent_s": item.time_spent(now),
                "question_set_id": item.question_set_id,
                "speakers": [
                    {
                        "key": sp.key,
                        "name": sp.name,
                        "role": sp.role,
                        "organisation": sp.organisation,
                    }
                    for sp in item.speakers
                ],
            }
            for item in session.agenda
        ],
    }


def screen_view(session: Session) -> dict[str, Any]:
    """The projector's settings (``screen`` in snapshots and its broadcast)."""
    return {"theme": session.screen_theme, "autopage_s": session.screen_autopage_s}


def set_view(question_set: QuestionSet) -> dict[str, Any]:
    return {
        "id": question_set.id,
        "key": question_set.key,
        "title": question_set.title,
        "introduction": question_set.introduction,
        "state": question_set.state.value,
        "revealed": question_set.revealed,
        "focus_question_id": question_set.focus_question_id,
        "page": question_set.page,
        "page_at": iso(question_set.page_at),
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
