"""The JSON export: everything structured, including the session definition, for other tools.

Layout (``format`` ``workshop.session-export``, ``version`` 1)::

    {"format", "version", "exported_at",
     "session": <definition: header, agenda, groups, speakers, question sets with questions>,
     "summary": <figures.session_summary: results per set/question/group, comments, conclusions,
                 and "debate": the floor (turns, by speaker, by group with both shares, not
                 reached; seconds) and the room's questions with their status and counts>,
     "answers": [{"set", "question", "question_id", "kind", "value", "text", "group",
                  "updated_at", ("participant_id", "pseudonym" only when identified)}]}
"""

from __future__ import annotations

import json
from typing import Any

from ...extensions import db
from ...models import Session
from ...models._types import utcnow
from .. import figures
from .tabular import answer_query

FORMAT = "workshop.session-export"
VERSION = 1


def session_export(
    session: Session, *, identify: bool = False, include_rehearsal: bool = False
) -> dict[str, Any]:
    """The JSON export; rehearsal participants left out unless ``include_rehearsal``
    (``summary.rehearsal`` says how many there are and whether they count)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": utcnow().isoformat(timespec="seconds"),
        "session": session_definition(session),
        "summary": figures.session_summary(session, include_rehearsal=include_rehearsal),
        "answers": raw_answers(session, identify=identify, include_rehearsal=include_rehearsal),
    }


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def session_definition(session: Session) -> dict[str, Any]:
    """The session as defined (not its live state)."""
    definition = figures.session_header(session)
    definition.pop("status", None)
    definition["groups"] = [{"key": g.key, "label": g.label} for g in session.stakeholder_groups]
    definition["speakers"] = [
        {"key": s.key, "name": s.name, "role": s.role, "organisation": s.organisation}
        for s in session.speakers
    ]
    definition["question_sets"] = [
        {
            "id": qset.id,
            "key": qset.key,
            "title": qset.title,
            "introduction": qset.introduction,
            "questions": [q.settings() for q in qset.questions],
        }
        for qset in session.question_sets
    ]
    definition["session_file"] = _session_file(session)
    return definition


def _session_file(session: Session) -> dict[str, Any]:
    """The session as its session file describes it (``workshop.sessions_files``), so another
    instance can load it back."""
    from ...sessions_files.dumper import session_data

    return json.loads(json.dumps(session_data(session), default=str))


def raw_answers(
    session: Session, *, identify: bool = False, include_rehearsal: bool = False
) -> list[dict[str, Any]]:
    rows = []
    query = answer_query(session, include_rehearsal=include_rehearsal)
    for answer, question, qset, participant, group in db.session.execute(query):
        row = {
            "set": qset.key,
            "question": question.key,
            "question_id": question.id,
            "kind": question.kind.value,
            "value": answer.value,
            "text": None if answer.hidden else answer.text,
            "hidden": answer.hidden,
            "group": group.key if group else None,
            "updated_at": answer.updated_at.isoformat(),
        }
        if identify:
            row["participant_id"] = participant.id
            row["pseudonym"] = participant.pseudonym
        rows.append(row)
    return rows
