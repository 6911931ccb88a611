"""The room endorses conclusions (docs/protocol.md, « Conclusions »).

The state changes are those of :mod:`workshop.services.conclusions` (each validates, writes and
commits once); this module finds the conclusion in the socket's session, calls them, and
publishes after the commit:

- ``conclusion`` to the session: to the phones without tally, to the screen with the tally
  only while revealed, to the console always with the tally (and the amendments' texts);
- ``endorsement_saved`` to the participant's other tabs;
- the tally after an endorsement is **coalesced** like ``results``: at most one push per
  conclusion every ``RESULTS_PUSH_INTERVAL`` seconds (``0``: at once, in the caller).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from ...extensions import db
from ...models import Conclusion, Endorsement, Participant, QuestionSet
from ...models.enums import EndorsementChoice, VoteState
from .. import conclusions as service
from .coalesce import Coalescer
from .publish import console_room, emit, participant_room, phones_room, screen_room

log = logging.getLogger(__name__)


# --- views --------------------------------------------------------------------------------------


def tally_view(conclusion: Conclusion, *, with_texts: bool) -> dict[str, Any]:
    """``{"total", "options": [{"key", "count", "percent"}…], "amendments": n}`` (options in the
    order agree, amend, disagree; percents of ``total``, one decimal); ``amendment_texts`` (oldest
    first, without authors) when ``with_texts``."""
    counted = service.tally(conclusion)
    total = counted["total"]
    view: dict[str, Any] = {
        "total": total,
        "options": [
            {
                "key": choice.value,
                "count": counted["counts"][choice.value],
                "percent": round(100 * counted["counts"][choice.value] / total, 1)
                if total
                else 0.0,
            }
            for choice in EndorsementChoice
        ],
        "amendments": len(counted["amendments"]),
    }
    if with_texts:
        view["amendment_texts"] = counted["amendments"]
    return view


def conclusion_view(conclusion: Conclusion, *, tally: str | None = None) -> dict[str, Any]:
    """``<conclusion>``; ``tally``: None (no tally), ``"screen"`` (counts) or ``"console"``
    (counts and amendment texts)."""
    set_title = None
    if conclusion.question_set_id is not None:
        set_title = db.session.scalar(
            select(QuestionSet.title).where(QuestionSet.id == conclusion.question_set_id)
        )
    view: dict[str, Any] = {
        "id": conclusion.id,
        "text": conclusion.text,
        "set_id": conclusion.question_set_id,
        "set_title": set_title,
        "vote_state": conclusion.vote_state.value,
        "revealed": conclusion.revealed,
    }
    if tally is not None:
        view["tally"] = tally_view(conclusion, with_texts=tally == "console")
    return view


def session_conclusions(session_id: int) -> list[Conclusion]:
    """Every conclusion of a session: the set's ones in the agenda's order, then the session's."""
    rows = db.session.scalars(
        select(Conclusion)
        .outerjoin(QuestionSet, QuestionSet.id == Conclusion.question_set_id)
        .where(Conclusion.session_id == session_id)
        .order_by(
            Conclusion.question_set_id.is_(None),
            QuestionSet.position,
            Conclusion.created_at,
            Conclusion.id,
        )
    )
    return list(rows)


def open_conclusion(session_id: int) -> Conclusion | None:
    """The conclusion put to the room (at most one), else None."""
    return db.session.scalar(
        select(Conclusion).where(
            Conclusion.session_id == session_id, Conclusion.vote_state == VoteState.OPEN
        )
    )


def last_put_conclusion(session_id: int) -> Conclusion | None:
    """What a phone shows: the conclusion put to the room, else the last one put whose vote
    has closed since (a phone that saw the vote close keeps showing it, closed, with its own
    endorsement; one that reloads or joins then shows the same), else None."""
    return open_conclusion(session_id) or db.session.scalar(
        select(Conclusion)
        .where(Conclusion.session_id == session_id, Conclusion.vote_state == VoteState.CLOSED)
        .order_by(Conclusion.put_at.desc().nulls_last(), Conclusion.id.desc())
        .limit(1)
    )


def shown_conclusion(session_id: int) -> Conclusion | None:
    """What the projector shows: the conclusion put to the room, else the revealed one (the
    latest, should there be several), else None."""
    return open_conclusion(session_id) or db.session.scalar(
        select(Conclusion)
        .where(Conclusion.session_id == session_id, Conclusion.revealed.is_(True))
        .order_by(Conclusion.id.desc())
        .limit(1)
    )


def endorsement_of(participant_id: int, conclusion_id: int) -> dict[str, Any] | None:
    row = db.session.scalar(
        select(Endorsement).where(
            Endorsement.conclusion_id == conclusion_id,
            Endorsement.participant_id == participant_id,
        )
    )
    return service.endorsement_payload(row) if row is not None else None


# --- snapshots ----------------------------------------------------------------------------------


def screen_extras(session_id: int) -> dict[str, Any]:
    """``{"conclusion": <conclusion, tally while revealed> | null}``."""
    shown = shown_conclusion(session_id)
    if shown is None:
        return {"conclusion": None}
    return {"conclusion": conclusion_view(shown, tally="screen" if shown.revealed else None)}


def console_extras(session_id: int) -> dict[str, Any]:
    """``{"conclusions": [<conclusion with tally and amendment texts>…]}``."""
    found = session_conclusions(session_id)
    return {"conclusions": [conclusion_view(c, tally="console") for c in found]}


# --- state changes (console) --------------------------------------------------------------------


def _rolled_back(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except Exception:
        db.session.rollback()
        raise


def put_conclusion(session_id: int, conclusion_id: int) -> dict[str, Any]:
    """Put a conclusion to the room (any other open vote of the session closes)."""
    conclusion = _rolled_back(service.conclusion_of_session, session_id, conclusion_id)
    others = service.open_others(conclusion)
    changed = conclusion.vote_state is not VoteState.OPEN
    _rolled_back(service.put_to_room, conclusion)
    for other in others:
        publish_conclusion(other)
    if changed:
        publish_conclusion(conclusion)
    return conclusion_view(conclusion, tally="console")


def close_conclusion(session_id: int, conclusion_id: int) -> dict[str, Any]:
    """Close the vote on a conclusion (not open: nothing changes)."""
    conclusion = _rolled_back(service.conclusion_of_session, session_id, conclusion_id)
    changed = conclusion.vote_state is VoteState.OPEN
    _rolled_back(service.close_vote, conclusion)
    if changed:
        publish_conclusion(conclusion)
    return conclusion_view(conclusion, tally="console")


def reveal_conclusion(session_id: int, conclusion_id: int, revealed: bool) -> dict[str, Any]:
    """Show (or hide) a conclusion's tally on the projector; showing one hides the others."""
    conclusion = _rolled_back(service.conclusion_of_session, session_id, conclusion_id)
    changed = conclusion.revealed != revealed
    others = service.revealed_others(conclusion) if revealed else []
    if changed or others:
        _rolled_back(service.reveal, conclusion, revealed, exclusive=True)
    for other in others:
        publish_conclusion(other)
    if changed:
        publish_conclusion(conclusion)
    return conclusion_view(conclusion, tally="console")


# --- state changes (phones) ---------------------------------------------------------------------


def record_endorsement(
    session_id: int,
    participant_id: int,
    *,
    client_id: str,
    conclusion_id: int,
    choice: Any,
    amendment: Any,
    origin_sid: str | None = None,
) -> dict[str, Any]:
    """Store a participant's endorsement; the stored endorsement. A resend (same ``client_id``
    as the stored one) returns it unchanged and publishes nothing, even once the vote closed."""
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.session_id != session_id:  # pragma: no cover
        raise RuntimeError("the socket's participant is gone")
    before = db.session.scalar(
        select(Endorsement.client_id).where(
            Endorsement.conclusion_id == conclusion_id,
            Endorsement.participant_id == participant_id,
        )
    )
    endorsement = _rolled_back(
        service.endorse, participant, conclusion_id, choice, amendment, client_id
    )
    payload = service.endorsement_payload(endorsement)
    if before != client_id:
        emit("endorsement_saved", payload, participant_room(participant_id), skip_sid=origin_sid)
        tally_pusher.mark(session_id, endorsement.conclusion_id)
    return payload


# --- publishing ---------------------------------------------------------------------------------


def publish_conclusion(conclusion: Conclusion) -> None:
    """``conclusion`` to the phones (no tally), the screen (tally while revealed) and the
    console (tally with amendment texts), in the app's default locale."""
    session_id = conclusion.session_id
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        public = conclusion_view(conclusion)
        if conclusion.revealed:
            emit("conclusion", public, phones_room(session_id))
            emit("conclusion", conclusion_view(conclusion, tally="screen"), screen_room(session_id))
        else:
            emit("conclusion", public, [phones_room(session_id), screen_room(session_id)])
        emit("conclusion", conclusion_view(conclusion, tally="console"), console_room(session_id))


def publish_removed(session_id: int, conclusion_id: int) -> None:
    """``conclusion_removed`` ``{"id"}`` to the whole session (the conclusion was deleted)."""
    rooms = [phones_room(session_id), screen_room(session_id), console_room(session_id)]
    emit("conclusion_removed", {"id": conclusion_id}, rooms)


def push_tallies(session_id: int, conclusion_ids: set[int]) -> None:
    """The current tally of each conclusion: to the console, and to the screen while revealed
    (as a ``conclusion`` event)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        rows = db.session.scalars(
            select(Conclusion).where(
                Conclusion.id.in_(sorted(conclusion_ids)), Conclusion.session_id == session_id
            )
        )
        for conclusion in rows:
            view = conclusion_view(conclusion, tally="console")
            emit("conclusion", view, console_room(session_id))
            if conclusion.revealed:
                screen = conclusion_view(conclusion, tally="screen")
                emit("conclusion", screen, screen_room(session_id))


#: Conclusion tallies: marked per conclusion.
tally_pusher = Coalescer("tallies", push_tallies, "RESULTS_PUSH_INTERVAL")
