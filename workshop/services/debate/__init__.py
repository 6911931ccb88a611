"""The debate (docs/protocol.md, « The debate »): the floor — requests from phones, the
facilitator's queue, turns and their speaking time (floor.py) — and the room's questions to the
speakers with their supports and moderation (qa.py); what the summary and the exports read of
both (report.py).

Every state change validates, writes and commits once (services/unit.py) and publishes after
the commit, coalesced (``LiveState.floor``, ``LiveState.qa``): these rows change as often as
answers do, so they do not bump the session's revision, and every snapshot reads them afresh
(:func:`snapshot_part`).
"""

from __future__ import annotations

from typing import Any

from .common import settings_of
from .erasure import delete_session_data, erase_participant, publish_erasure
from .floor import (
    add_to_floor,
    end_turn,
    floor_mine,
    floor_settings,
    floor_view,
    give_floor,
    move_request,
    push_floor,
    remove_request,
    request_floor,
    withdraw_floor,
)
from .qa import (
    ask,
    merge,
    moderate,
    push_qa,
    qa_mine,
    qa_settings,
    qa_snapshot,
    show,
    support,
    withdraw_question,
)
from .report import debate_report


def snapshot_part(role: str, session_id: int, participant_id: int | None = None) -> dict[str, Any]:
    """What a snapshot of ``role`` carries of the debate: ``floor`` and ``qa``; a phone's also
    ``floor_mine`` and ``qa_mine``."""
    settings = settings_of(session_id)
    data: dict[str, Any] = {
        "floor": floor_view(session_id, settings=settings),
        "qa": qa_snapshot(session_id, role, participant_id, settings),
    }
    if role == "participant":
        data["floor_mine"] = floor_mine(session_id, participant_id) if participant_id else None
        data["qa_mine"] = (
            qa_mine(participant_id) if participant_id else {"asked": [], "supported": []}
        )
    return data


__all__ = [
    "add_to_floor",
    "ask",
    "debate_report",
    "delete_session_data",
    "erase_participant",
    "end_turn",
    "floor_mine",
    "floor_settings",
    "floor_view",
    "give_floor",
    "merge",
    "moderate",
    "move_request",
    "publish_erasure",
    "push_floor",
    "push_qa",
    "qa_mine",
    "qa_settings",
    "qa_snapshot",
    "remove_request",
    "request_floor",
    "show",
    "snapshot_part",
    "support",
    "withdraw_floor",
    "withdraw_question",
]
