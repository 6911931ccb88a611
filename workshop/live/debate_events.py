"""Socket.IO handlers of the debate (docs/protocol.md, « The debate »): the floor and the room's
questions to the speakers. Thin, like events.py: payload shape, rate and role through
:func:`~workshop.live.events.live_event`, then one function of :mod:`workshop.services.debate`.
"""

from __future__ import annotations

from typing import Any

from ..services import debate
from ..services.live import SocketState
from ..services.validation import (
    Schema,
    is_bool,
    is_client_id,
    is_int,
    is_opt_int,
    is_opt_str,
    is_str,
    one_of,
)
from .events import CONSOLE, PARTICIPANT, _by, live_event

FLOOR_REQUEST = Schema({}, {"name": is_opt_str})
EMPTY = Schema({})
FLOOR_ADD = Schema({"name": is_str}, {"group": is_opt_str})
FLOOR_GIVE = Schema({}, {"request_id": is_opt_int})
REQUEST_ID = Schema({"request_id": is_int})
FLOOR_MOVE = Schema({"request_id": is_int, "direction": one_of("up", "down")})
FLOOR_SETTINGS = Schema({"limit_s": is_opt_int}, {"position": is_int})
QA_ASK = Schema({"client_id": is_client_id, "text": is_str}, {"speaker": is_opt_str})
QA_SUPPORT = Schema({"qa_id": is_int, "up": is_bool})
QA_ID = Schema({"qa_id": is_int})
QA_MODERATE = Schema({"qa_id": is_int, "action": one_of("approve", "hide", "answered", "reopen")})
QA_MERGE = Schema({"qa_id": is_int, "into": is_int})
QA_SHOW = Schema({"qa_id": is_opt_int})
QA_SETTINGS = Schema({"premoderated": is_bool})


# --- the floor ----------------------------------------------------------------------------------


@live_event("floor_request", (PARTICIPANT,), FLOOR_REQUEST, lean=True)
def on_floor_request(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """A phone asks for the floor (« Demander la parole »). Ack ``{"request", "place"}``; the
    coalesced ``floor`` to the session."""
    return debate.request_floor(state.session_id, state.participant_id, payload.get("name"))


@live_event("floor_withdraw", (PARTICIPANT,), EMPTY, lean=True)
def on_floor_withdraw(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """A phone withdraws its request (or ends its turn). Ack ``{"request" | null}``."""
    return debate.withdraw_floor(state.session_id, state.participant_id)


@live_event("floor_add", (CONSOLE,), FLOOR_ADD)
def on_floor_add(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console adds someone without a phone. Ack ``{"request", "floor"}``."""
    return debate.add_to_floor(
        state.session_id, payload["name"], payload.get("group"), by=_by(state)
    )


@live_event("floor_give", (CONSOLE,), FLOOR_GIVE)
def on_floor_give(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console gives the floor (to the first of the queue by default). Ack ``{"floor"}``."""
    return debate.give_floor(state.session_id, payload.get("request_id"), by=_by(state))


@live_event("floor_end", (CONSOLE,), EMPTY)
def on_floor_end(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console ends the turn under way. Ack ``{"floor"}``."""
    return debate.end_turn(state.session_id, by=_by(state))


@live_event("floor_remove", (CONSOLE,), REQUEST_ID)
def on_floor_remove(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console takes a waiting request off the queue. Ack ``{"floor"}``."""
    return debate.remove_request(state.session_id, payload["request_id"], by=_by(state))


@live_event("floor_move", (CONSOLE,), FLOOR_MOVE)
def on_floor_move(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console moves a waiting request up or down. Ack ``{"floor"}``."""
    return debate.move_request(
        state.session_id, payload["request_id"], payload["direction"], by=_by(state)
    )


@live_event("floor_settings", (CONSOLE,), FLOOR_SETTINGS)
def on_floor_settings(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console sets the limit of a turn, for the session or an agenda item. Ack
    ``{"floor"}``."""
    return debate.floor_settings(
        state.session_id, payload["limit_s"], payload.get("position"), by=_by(state)
    )


# --- questions to the speakers ------------------------------------------------------------------


@live_event("qa_ask", (PARTICIPANT,), QA_ASK, lean=True)
def on_qa_ask(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """A phone puts a question to the current item's speakers or to the room. Ack ``{"qa"}``."""
    question = debate.ask(
        state.session_id,
        state.participant_id,
        client_id=payload["client_id"],
        text=payload["text"],
        speaker=payload.get("speaker"),
    )
    return {"qa": question}


@live_event("qa_support", (PARTICIPANT,), QA_SUPPORT, lean=True)
def on_qa_support(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """A phone supports another's question, or takes it back. Ack ``{"qa_id", "up",
    "support"}``."""
    return debate.support(state.session_id, state.participant_id, payload["qa_id"], payload["up"])


@live_event("qa_withdraw", (PARTICIPANT,), QA_ID, lean=True)
def on_qa_withdraw(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """A phone deletes its own question. Ack ``{"qa_id"}``."""
    return debate.withdraw_question(state.session_id, state.participant_id, payload["qa_id"])


@live_event("qa_moderate", (CONSOLE,), QA_MODERATE)
def on_qa_moderate(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console approves, hides, marks answered or reopens a question. Ack ``{"qa"}``."""
    return {
        "qa": debate.moderate(state.session_id, payload["qa_id"], payload["action"], by=_by(state))
    }


@live_event("qa_merge", (CONSOLE,), QA_MERGE)
def on_qa_merge(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console merges a duplicate into another question. Ack ``{"qa": <kept>}``."""
    return {"qa": debate.merge(state.session_id, payload["qa_id"], payload["into"], by=_by(state))}


@live_event("qa_show", (CONSOLE,), QA_SHOW)
def on_qa_show(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console puts a question on the projector (``null``: none). Ack ``{"qa"}``."""
    return {"qa": debate.show(state.session_id, payload["qa_id"], by=_by(state))}


@live_event("qa_settings", (CONSOLE,), QA_SETTINGS)
def on_qa_settings(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console turns the pre-moderation of questions on or off. Ack ``{"premoderated"}``."""
    return debate.qa_settings(state.session_id, payload["premoderated"], by=_by(state))
