"""Conclusions of a session and their endorsement by the room (docs/protocol.md, « Conclusions »).

Every state change validates, writes and commits once (:func:`~workshop.services.unit.transaction`),
raises :class:`ServiceError` on bad input with nothing stored, and publishes after the commit:

- organisers write them on the summary page: :func:`save_conclusion`, :func:`delete_conclusion`
  (``conclusion`` / ``conclusion_removed`` to the session: the console lists them, phones see
  edits);
- the console puts them to the room: :func:`put_to_room` (another open vote closes),
  :func:`close_vote`, :func:`reveal` (the projector shows one tally at a time);
- phones endorse them: :func:`endorse` (« d'accord / à amender / pas d'accord »). One
  endorsement at a time, in its own transaction (phones endorse a conclusion a few times per
  session; answers, far more frequent, go through the group writer: services/live/writer.py).

``conclusion`` goes to the phones without tally, to the screen with the tally only while
revealed, to the console always with the tally and the amendments' texts. The tally after an
endorsement is coalesced like ``results`` (``RESULTS_PUSH_INTERVAL``).

Error codes: ``bad_payload``, ``unknown_conclusion``, ``unknown_set``, ``unknown_question``,
``unknown_answer``, ``vote_not_open``, ``bad_value``, ``text_required``, ``text_too_long``,
``comment_not_allowed``, ``html_not_allowed``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import (
    Answer,
    Conclusion,
    ConclusionLink,
    Endorsement,
    Participant,
    Question,
    QuestionSet,
    Session,
    User,
)
from ..models._types import utcnow
from ..models.enums import EndorsementChoice, VoteState
from . import activity, runtime_state
from .broadcast import console_room, emit, participant_room, phones_room, screen_room
from .errors import ServiceError
from .unit import after_commit, transaction
from .validation import check_text, is_client_id, is_int

#: Longest conclusion text (a few paragraphs).
MAX_CONCLUSION_LENGTH = 5000
#: Longest amendment, as a comment (docs/protocol.md).
MAX_AMENDMENT_LENGTH = 1000


# --- reading ------------------------------------------------------------------------------------


def conclusion_of_session(session_id: int, conclusion_id: Any) -> Conclusion:
    """The conclusion ``conclusion_id`` of the session (``unknown_conclusion`` otherwise)."""
    if not is_int(conclusion_id):
        raise ServiceError("bad_payload", _("Identifiant de conclusion invalide."))
    conclusion = db.session.get(Conclusion, conclusion_id)
    if conclusion is None or conclusion.session_id != session_id:
        raise ServiceError("unknown_conclusion", _("Cette conclusion n'existe pas."))
    return conclusion


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
    return endorsement_payload(row) if row is not None else None


def tally(conclusion: Conclusion) -> dict[str, Any]:
    """Counts per choice, total and the amendments (oldest first, without their authors)."""
    rows = db.session.scalars(
        select(Endorsement)
        .where(Endorsement.conclusion_id == conclusion.id)
        .order_by(Endorsement.created_at, Endorsement.id)
    ).all()
    counts = {choice.value: 0 for choice in EndorsementChoice}
    for row in rows:
        counts[row.choice.value] += 1
    return {
        "vote_state": conclusion.vote_state.value,
        "revealed": conclusion.revealed,
        "total": len(rows),
        "counts": counts,
        "amendments": [
            row.amendment for row in rows if row.choice is EndorsementChoice.AMEND and row.amendment
        ],
    }


# --- views --------------------------------------------------------------------------------------


def endorsement_payload(endorsement: Endorsement) -> dict[str, Any]:
    """The stored endorsement as an ack carries it."""
    return {
        "conclusion_id": endorsement.conclusion_id,
        "client_id": endorsement.client_id,
        "choice": endorsement.choice.value,
        "amendment": endorsement.amendment,
        "updated_at": endorsement.updated_at.isoformat(),
    }


def tally_view(conclusion: Conclusion, *, with_texts: bool) -> dict[str, Any]:
    """``{"total", "options": [{"key", "count", "percent"}…], "amendments": n}`` (options in the
    order agree, amend, disagree; percents of ``total``, one decimal); ``amendment_texts`` (oldest
    first, without authors) when ``with_texts``."""
    counted = tally(conclusion)
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


def screen_extras(session_id: int) -> dict[str, Any]:
    """The projector's snapshot part: ``{"conclusion": <conclusion, tally while revealed> |
    null}``."""
    shown = shown_conclusion(session_id)
    if shown is None:
        return {"conclusion": None}
    return {"conclusion": conclusion_view(shown, tally="screen" if shown.revealed else None)}


def console_extras(session_id: int) -> dict[str, Any]:
    """The console's snapshot part: ``{"conclusions": [<conclusion with tally and amendment
    texts>…]}``."""
    found = session_conclusions(session_id)
    return {"conclusions": [conclusion_view(c, tally="console") for c in found]}


# --- writing (summary page) ---------------------------------------------------------------------


def save_conclusion(
    session: Session,
    *,
    text: str,
    question_set_id: int | None = None,
    question_ids: Iterable[int] = (),
    answer_ids: Iterable[int] = (),
    conclusion_id: int | None = None,
) -> Conclusion:
    """Create (``conclusion_id`` None) or update a conclusion and replace its links; publish it.

    ``question_set_id`` None: a conclusion of the whole session. Linked questions must belong to
    the session (to the set, for a set's conclusion); linked answers must be comments (answers
    with text) to those questions' session.
    """
    with transaction():
        clean = check_text(text, MAX_CONCLUSION_LENGTH, required=True)
        qset = _set_of_session(session, question_set_id)
        questions = _questions_for(session, qset, set(question_ids))
        answers = _comments_for(session, qset, set(answer_ids))
        if conclusion_id is None:
            conclusion = Conclusion(session_id=session.id, question_set_id=qset and qset.id)
            db.session.add(conclusion)
        else:
            conclusion = conclusion_of_session(session.id, conclusion_id)
            if conclusion.question_set_id != (qset and qset.id):
                raise ServiceError(
                    "bad_payload", _("Cette conclusion concerne un autre questionnaire.")
                )
        conclusion.text = clean or ""
        conclusion.updated_at = utcnow()
        conclusion.links = [ConclusionLink(question_id=q.id) for q in questions] + [
            ConclusionLink(answer_id=a.id) for a in answers
        ]
        after_commit(publish_conclusion, conclusion)
    return conclusion


def delete_conclusion(session: Session, conclusion_id: int) -> None:
    """Delete a conclusion; ``conclusion_removed`` ``{"id"}`` to the whole session."""
    with transaction():
        conclusion = conclusion_of_session(session.id, conclusion_id)
        db.session.delete(conclusion)
        after_commit(publish_removed, session.id, conclusion_id)


def _set_of_session(session: Session, question_set_id: int | None) -> QuestionSet | None:
    if question_set_id is None:
        return None
    qset = db.session.get(QuestionSet, question_set_id)
    if qset is None or qset.session_id != session.id:
        raise ServiceError("unknown_set", _("Ce questionnaire n'existe pas."))
    return qset


def _set_ids(session: Session, qset: QuestionSet | None) -> list[int]:
    return [qset.id] if qset else [s.id for s in session.question_sets]


def _questions_for(session: Session, qset: QuestionSet | None, ids: set[int]) -> list[Question]:
    if not ids:
        return []
    found = db.session.scalars(
        select(Question)
        .where(Question.id.in_(ids), Question.question_set_id.in_(_set_ids(session, qset)))
        .order_by(Question.question_set_id, Question.position)
    ).all()
    if len(found) != len(ids):
        raise ServiceError("unknown_question", _("Cette question n'existe pas."))
    return list(found)


def _comments_for(session: Session, qset: QuestionSet | None, ids: set[int]) -> list[Answer]:
    if not ids:
        return []
    found = db.session.scalars(
        select(Answer)
        .join(Question, Answer.question_id == Question.id)
        .where(
            Answer.id.in_(ids),
            Question.question_set_id.in_(_set_ids(session, qset)),
            Answer.text.is_not(None),
            Answer.text != "",
        )
        .order_by(Answer.id)
    ).all()
    if len(found) != len(ids):
        raise ServiceError("unknown_answer", _("Ce commentaire n'existe pas."))
    return list(found)


# --- the room's vote (console) ------------------------------------------------------------------
#
# ``by``: the console's account, named by the activity log's line (written only on a change).


def _log(action: str, conclusion: Conclusion, by: User | str | None) -> None:
    session = db.session.get(Session, conclusion.session_id)
    activity.record(action, by=by, session=session, detail=f"#{conclusion.id}")


def put_to_room(
    session_id: int, conclusion_id: Any, *, by: User | str | None = None
) -> dict[str, Any]:
    """Open the vote on a conclusion; any other open vote of the session closes. Existing
    endorsements are kept (a conclusion put to the room again continues its vote). Returns
    the console's view; each conclusion that changed is published."""
    with transaction():
        conclusion = conclusion_of_session(session_id, conclusion_id)
        for other in _others(conclusion, Conclusion.vote_state == VoteState.OPEN):
            other.vote_state = VoteState.CLOSED
            _log("conclusion.closed", other, by)
            after_commit(publish_conclusion, other)
        if conclusion.vote_state is not VoteState.OPEN:
            conclusion.put_at = datetime.now(UTC)
            conclusion.vote_state = VoteState.OPEN
            _log("conclusion.put", conclusion, by)
            after_commit(publish_conclusion, conclusion)
    return conclusion_view(conclusion, tally="console")


def close_vote(
    session_id: int, conclusion_id: Any, *, by: User | str | None = None
) -> dict[str, Any]:
    """Close the vote: further endorsements are refused (``vote_not_open``). A vote not open
    is left as it is."""
    with transaction():
        conclusion = conclusion_of_session(session_id, conclusion_id)
        if conclusion.vote_state is VoteState.OPEN:
            conclusion.vote_state = VoteState.CLOSED
            _log("conclusion.closed", conclusion, by)
            after_commit(publish_conclusion, conclusion)
    return conclusion_view(conclusion, tally="console")


def reveal(
    session_id: int, conclusion_id: Any, revealed: bool = True, *, by: User | str | None = None
) -> dict[str, Any]:
    """Show (or hide) a conclusion's tally on the projector; showing one hides the others (the
    projector shows one conclusion at a time)."""
    with transaction():
        conclusion = conclusion_of_session(session_id, conclusion_id)
        if revealed:
            for other in _others(conclusion, Conclusion.revealed.is_(True)):
                other.revealed = False
                _log("conclusion.hidden", other, by)
                after_commit(publish_conclusion, other)
        if conclusion.revealed != revealed:
            conclusion.revealed = revealed
            _log("conclusion.revealed" if revealed else "conclusion.hidden", conclusion, by)
            after_commit(publish_conclusion, conclusion)
    return conclusion_view(conclusion, tally="console")


def _others(conclusion: Conclusion, condition: Any) -> list[Conclusion]:
    """The session's other conclusions that meet ``condition``."""
    return list(
        db.session.scalars(
            select(Conclusion).where(
                Conclusion.session_id == conclusion.session_id,
                Conclusion.id != conclusion.id,
                condition,
            )
        )
    )


# --- endorsement (phones) -----------------------------------------------------------------------


def endorse(
    session_id: int,
    participant_id: int,
    *,
    client_id: Any,
    conclusion_id: Any,
    choice: Any,
    amendment: Any,
    origin_sid: str | None = None,
) -> dict[str, Any]:
    """Store a participant's endorsement of a conclusion of its session; the stored endorsement
    (:func:`endorsement_payload`).

    - ``choice``: ``"agree"``, ``"amend"`` or ``"disagree"`` (else ``bad_value``);
    - ``amendment``: required for ``"amend"`` (``text_required``), at most 1,000 characters
      (``text_too_long``), no HTML (``html_not_allowed``); refused with another choice
      (``comment_not_allowed``);
    - ``client_id``: 8–64 characters ``[A-Za-z0-9_-]`` (else ``bad_payload``). The same
      ``client_id`` as the stored one returns it unchanged and publishes nothing, even once
      the vote closed (a resend is harmless);
    - one endorsement per participant and conclusion: a new one replaces the old while the vote
      is open (``vote_not_open`` otherwise).

    After the commit: ``endorsement_saved`` to the participant's other tabs (not ``origin_sid``)
    and the coalesced tally.
    """
    if not is_client_id(client_id):
        raise ServiceError("bad_payload", _("Identifiant d'envoi invalide."))
    with transaction():
        participant = db.session.get(Participant, participant_id)
        if participant is None or participant.session_id != session_id:
            raise ServiceError("forbidden", _("Participant inconnu."))
        conclusion = conclusion_of_session(session_id, conclusion_id)
        existing = db.session.scalar(
            select(Endorsement).where(
                Endorsement.conclusion_id == conclusion.id,
                Endorsement.participant_id == participant.id,
            )
        )
        if existing is not None and existing.client_id == client_id:
            return endorsement_payload(existing)
        if conclusion.vote_state is not VoteState.OPEN:
            raise ServiceError("vote_not_open", _("Le vote sur cette conclusion est fermé."))
        value = _choice(choice)
        is_amend = value is EndorsementChoice.AMEND
        text = check_text(amendment, MAX_AMENDMENT_LENGTH, required=is_amend)
        if text and not is_amend:
            raise ServiceError(
                "comment_not_allowed", _("Un amendement n'accompagne que « à amender ».")
            )
        endorsement = existing or Endorsement(
            conclusion_id=conclusion.id, participant_id=participant.id
        )
        endorsement.client_id = client_id
        endorsement.choice = value
        endorsement.amendment = text
        endorsement.updated_at = utcnow()
        db.session.add(endorsement)
        db.session.flush()
        payload = endorsement_payload(endorsement)
        after_commit(_publish_endorsement, session_id, participant_id, payload, origin_sid)
    return payload


def _choice(raw: Any) -> EndorsementChoice:
    try:
        return EndorsementChoice(raw)
    except ValueError:
        raise ServiceError(
            "bad_value", _("Choix invalide : d'accord, à amender ou pas d'accord.")
        ) from None


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


def _publish_endorsement(
    session_id: int, participant_id: int, payload: dict[str, Any], origin_sid: str | None
) -> None:
    emit("endorsement_saved", payload, participant_room(participant_id), skip_sid=origin_sid)
    runtime_state.current().tallies.mark(session_id, payload["conclusion_id"])


def push_tallies(session_id: int, conclusion_ids: Iterable[int]) -> None:
    """The coalesced tallies' push: the current tally of each conclusion to the console, and
    to the screen while revealed (as a ``conclusion`` event)."""
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


__all__ = [
    "MAX_AMENDMENT_LENGTH",
    "MAX_CONCLUSION_LENGTH",
    "close_vote",
    "conclusion_of_session",
    "conclusion_view",
    "console_extras",
    "delete_conclusion",
    "endorse",
    "endorsement_of",
    "endorsement_payload",
    "last_put_conclusion",
    "publish_conclusion",
    "push_tallies",
    "put_to_room",
    "reveal",
    "save_conclusion",
    "screen_extras",
    "session_conclusions",
    "tally",
    "tally_view",
]
