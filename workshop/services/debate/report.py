"""What the summary page and the exports show of the debate: every turn at the floor with its
speaking time, totals by speaker and by stakeholder group against the group's share of the
participants, who did not get the floor; every room question with its status, its support and
the item it was asked in. The shape: :func:`debate_report`'s keys below, and
tests/services/test_debate.py::test_the_report.

Rehearsal participants (``Participant.rehearsal``) are left out unless ``include_rehearsal``;
people added from the room by the facilitator always count.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...labels import group_label
from ...models import (
    AgendaItem,
    FloorRequest,
    Participant,
    RoomQuestion,
    RoomQuestionSupport,
    Session,
    Speaker,
)
from ...models.enums import FloorState, QaStatus
from .common import iso

#: A room question's status in the report: what became of it.
REPORT_STATUS = {
    QaStatus.ANSWERED: "answered",
    QaStatus.MERGED: "merged",
    QaStatus.VISIBLE: "not_reached",
    QaStatus.HIDDEN: "hidden",
    QaStatus.PENDING: "pending",
}
REPORT_STATUSES = ("answered", "merged", "not_reached", "hidden", "pending")


def _percent(part: float, whole: float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def debate_report(session: Session, *, include_rehearsal: bool = False) -> dict[str, Any]:
    """``{"floor": {...}, "questions": {...}}`` (the shape is in docs/exports.md)."""
    rehearsal_ids = set()
    if not include_rehearsal:
        rehearsal_ids = set(
            db.session.scalars(
                select(Participant.id).where(
                    Participant.session_id == session.id, Participant.rehearsal.is_(True)
                )
            )
        )
    items = {item.id: item for item in session.agenda}
    return {
        "floor": _floor(session, items, rehearsal_ids, include_rehearsal),
        "questions": _questions(session, items, rehearsal_ids),
    }


def _item(items: dict[int, AgendaItem], item_id: int | None) -> dict[str, Any]:
    item = items.get(item_id) if item_id else None
    return {
        "item_position": item.position if item else None,
        "item_title": item.title if item else None,
    }


def _floor(
    session: Session,
    items: dict[int, AgendaItem],
    rehearsal_ids: set[int],
    include_rehearsal: bool,
) -> dict[str, Any]:
    groups = {g.id: g for g in session.stakeholder_groups}
    rows = [
        r
        for r in db.session.scalars(
            select(FloorRequest)
            .where(FloorRequest.session_id == session.id)
            .order_by(FloorRequest.started_at.nulls_last(), FloorRequest.number)
        )
        if r.participant_id not in rehearsal_ids
    ]

    def group_of(row: FloorRequest) -> tuple[str | None, str | None]:
        group = groups.get(row.group_id) if row.group_id else None
        return (group.key, group_label(group.key, group.label)) if group else (None, None)

    def name_of(row: FloorRequest) -> str:
        return row.name or f"n° {row.number}"

    turns = []
    by_speaker: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        if row.state is not FloorState.DONE:
            continue
        key, label = group_of(row)
        seconds = row.duration_s or 0
        turns.append(
            {
                "number": row.number,
                "name": name_of(row),
                "group": key,
                "group_label": label,
                "from_room": row.participant_id is None,
                **_item(items, row.agenda_item_id),
                "started_at": iso(row.started_at),
                "ended_at": iso(row.ended_at),
                "duration_s": seconds,
                "limit_s": row.limit_s,
                "over_limit": bool(row.limit_s and seconds > row.limit_s),
            }
        )
        who = ("p", row.participant_id) if row.participant_id else ("r", row.name, row.group_id)
        entry = by_speaker.setdefault(
            who,
            {"name": name_of(row), "group": key, "group_label": label, "turns": 0, "seconds": 0},
        )
        entry["name"] = name_of(row)
        entry["turns"] += 1
        entry["seconds"] += seconds
    total = sum(t["duration_s"] for t in turns)
    participants = select(Participant.group_id).where(Participant.session_id == session.id)
    if not include_rehearsal:
        participants = participants.where(Participant.rehearsal.is_(False))
    counted: dict[int | None, int] = defaultdict(int)
    for (group_id,) in db.session.execute(participants):
        counted[group_id if group_id in groups else None] += 1
    n_participants = sum(counted.values())
    by_group = []
    for group_id in [*groups, None]:
        group_turns = [
            t for t in turns if t["group"] == (groups[group_id].key if group_id else None)
        ]
        if group_id is None and not group_turns and not counted.get(None):
            continue
        seconds = sum(t["duration_s"] for t in group_turns)
        key = groups[group_id].key if group_id else None
        by_group.append(
            {
                "group": key,
                "label": group_label(key, groups[group_id].label) if group_id else None,
                "turns": len(group_turns),
                # distinct people (a participant, or someone added from the room), not names
                "speakers": sum(1 for s in by_speaker.values() if s["group"] == key),
                "seconds": seconds,
                "share_time": _percent(seconds, total),
                "participants": counted.get(group_id, 0),
                "share_participants": _percent(counted.get(group_id, 0), n_participants),
            }
        )
    not_reached = []
    for row in rows:
        if row.state in (FloorState.WITHDRAWN, FloorState.REMOVED, FloorState.WAITING):
            key, label = group_of(row)
            not_reached.append(
                {
                    "number": row.number,
                    "name": name_of(row),
                    "group": key,
                    "group_label": label,
                    "state": row.state.value,
                    **_item(items, row.agenda_item_id),
                }
            )
    counts = {state: 0 for state in ("withdrawn", "removed", "waiting")}
    for entry in not_reached:
        counts[entry["state"]] += 1
    speaking = next((r for r in rows if r.state is FloorState.SPEAKING), None)
    return {
        "turns": turns,
        "total_turns": len(turns),
        "total_seconds": total,
        "participants": n_participants,
        "by_speaker": sorted(
            by_speaker.values(), key=lambda s: (-s["seconds"], -s["turns"], s["name"])
        ),
        "by_group": by_group,
        "not_reached": not_reached,
        "not_reached_counts": counts,
        "speaking_now": name_of(speaking) if speaking else None,
    }


def _questions(
    session: Session, items: dict[int, AgendaItem], rehearsal_ids: set[int]
) -> dict[str, Any]:
    rows = [
        q
        for q in db.session.scalars(
            select(RoomQuestion)
            .where(RoomQuestion.session_id == session.id)
            .order_by(RoomQuestion.created_at, RoomQuestion.id)
        )
        if q.participant_id not in rehearsal_ids
    ]
    ids = {q.id for q in rows}
    speakers = {
        s.id: s for s in db.session.scalars(select(Speaker).where(Speaker.session_id == session.id))
    }
    kept_of = {
        q.id: (
            q.merged_into_id if q.status is QaStatus.MERGED and q.merged_into_id in ids else q.id
        )
        for q in rows
    }
    authors = {q.id: q.participant_id for q in rows}
    own: dict[int, set[int]] = defaultdict(set)  # supporters of each question itself
    kept: dict[int, set[int]] = defaultdict(set)  # of it and the ones merged into it
    for question_id, participant_id in db.session.execute(
        select(RoomQuestionSupport.question_id, RoomQuestionSupport.participant_id).where(
            RoomQuestionSupport.question_id.in_(sorted(ids))
        )
    ):
        if participant_id in rehearsal_ids:
            continue
        own[question_id].add(participant_id)
        target = kept_of.get(question_id, question_id)
        if participant_id != authors.get(target):
            kept[target].add(participant_id)
    texts = {q.id: q.text for q in rows}
    listed = []
    for q in rows:
        status = REPORT_STATUS[q.status]
        merged_into = (
            kept_of[q.id] if q.status is QaStatus.MERGED and kept_of[q.id] != q.id else None
        )
        speaker = speakers.get(q.speaker_id) if q.speaker_id else None
        listed.append(
            {
                "id": q.id,
                "text": q.text,
                "status": status,
                "support": len(kept[q.id]) if status != "merged" else len(own[q.id]),
                "merged_into": merged_into,
                "merged_into_text": texts.get(merged_into) if merged_into else None,
                "speaker": speaker.name if speaker else None,
                **_item(items, q.agenda_item_id),
                "asked_at": iso(q.created_at),
                "answered_at": iso(q.answered_at),
            }
        )
    listed.sort(key=lambda v: (REPORT_STATUSES.index(v["status"]), -v["support"], v["id"]))
    counts = {status: 0 for status in REPORT_STATUSES}
    for entry in listed:
        counts[entry["status"]] += 1
    return {"items": listed, "total": len(listed), "counts": counts}
