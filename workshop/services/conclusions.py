"""Conclusions of a session and their endorsement by the room.

Every function validates, writes and commits once, and raises :class:`ServiceError` (codes of
docs/protocol.md) on bad input, storing nothing. Publishing (socket broadcasts) is the caller's
job, after the function returned.

Writing (facilitator, from the summary page):

- :func:`save_conclusion` creates or updates a conclusion of a question set (or of the whole
  session when ``question_set_id`` is None) with the questions and comments it rests on;
- :func:`delete_conclusion`.

Endorsement (socket handlers, to be wired by the live feature):

- :func:`put_to_room` opens the vote on a conclusion (closing any other open one of the session);
- :func:`close_vote` closes it; :func:`reveal` shows or hides the tally on the projector;
- :func:`endorse` stores a participant's « d'accord / à amender / pas d'accord »;
- :func:`tally` counts the endorsements (pure read).

Error codes: ``bad_payload``, ``unknown_conclusion``, ``unknown_set``, ``unknown_question``,
``unknown_answer``, ``vote_not_open``, ``bad_value``, ``text_required``, ``text_too_long``,
``comment_not_allowed``, ``html_not_allowed``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import has_app_context
from flask_babel import gettext
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
)
from ..models._types import utcnow
from ..models.enums import EndorsementChoice, VoteState
from .errors import ServiceError

#: Longest conclusion text (a few paragraphs).
MAX_CONCLUSION_LENGTH = 5000
#: Longest amendment, as a comment (docs/protocol.md).
MAX_AMENDMENT_LENGTH = 1000

CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MARKUP_RE = re.compile(r"<[A-Za-z/!]")


# --- shared checks -------------------------------------------------------------------------


def _(message: str, **params: Any) -> str:
    """Translated (a request's or a socket's language), the French msgid outside an app."""
    if has_app_context():
        return gettext(message, **params)
    return message % params if params else message


def has_markup(text: str) -> bool:
    """True when ``text`` holds HTML markup (``<tag``, ``</``, ``<!``)."""
    return bool(MARKUP_RE.search(text))


def _clean_text(raw: Any, *, limit: int, required: bool) -> str | None:
    if raw is not None and not isinstance(raw, str):
        raise ServiceError("bad_payload", _("Le texte doit être une chaîne de caractères."))
    text = (raw or "").strip()
    if not text:
        if required:
            raise ServiceError("text_required", _("Un texte est requis."))
        return None
    if len(text) > limit:
        raise ServiceError(
            "text_too_long",
            _("Le texte dépasse %(limit)d caractères.", limit=limit),
            limit=limit,
        )
    if has_markup(text):
        raise ServiceError("html_not_allowed", _("Le texte ne peut pas contenir de balises HTML."))
    return text


def _conclusion_of_session(session_id: int, conclusion_id: Any) -> Conclusion:
    if not isinstance(conclusion_id, int) or isinstance(conclusion_id, bool):
        raise ServiceError("bad_payload", _("Identifiant de conclusion invalide."))
    conclusion = db.session.get(Conclusion, conclusion_id)
    if conclusion is None or conclusion.session_id != session_id:
        raise ServiceError("unknown_conclusion", _("Cette conclusion n'existe pas."))
    return conclusion


# --- writing conclusions -------------------------------------------------------------------


def save_conclusion(
    session: Session,
    *,
    text: str,
    question_set_id: int | None = None,
    question_ids: Iterable[int] = (),
    answer_ids: Iterable[int] = (),
    conclusion_id: int | None = None,
) -> Conclusion:
    """Create (``conclusion_id`` None) or update a conclusion and replace its links.

    ``question_set_id`` None: a conclusion of the whole session. Linked questions must belong to
    the session (to the set, for a set's conclusion); linked answers must be comments (answers
    with text) to those questions' session.
    """
    clean = _clean_text(text, limit=MAX_CONCLUSION_LENGTH, required=True)
    qset = _set_of_session(session, question_set_id)
    questions = _questions_for(session, qset, set(question_ids))
    answers = _comments_for(session, qset, set(answer_ids))
    if conclusion_id is None:
        conclusion = Conclusion(session_id=session.id, question_set_id=qset and qset.id)
        db.session.add(conclusion)
    else:
        conclusion = _conclusion_of_session(session.id, conclusion_id)
        if conclusion.question_set_id != (qset and qset.id):
            raise ServiceError(
                "bad_payload", _("Cette conclusion concerne un autre questionnaire.")
            )
    conclusion.text = clean or ""
    conclusion.updated_at = utcnow()
    conclusion.links = [ConclusionLink(question_id=q.id) for q in questions] + [
        ConclusionLink(answer_id=a.id) for a in answers
    ]
    db.session.commit()
    return conclusion


def delete_conclusion(session: Session, conclusion_id: int) -> None:
    conclusion = _conclusion_of_session(session.id, conclusion_id)
    db.session.delete(conclusion)
    db.session.commit()


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


# --- endorsement by the room ---------------------------------------------------------------


def put_to_room(conclusion: Conclusion) -> Conclusion:
    """Open the vote on ``conclusion``; any other open vote of the session is closed.

    Existing endorsements are kept (a conclusion put to the room again continues its vote).
    """
    for other in open_others(conclusion):
        other.vote_state = VoteState.CLOSED
    if conclusion.vote_state is not VoteState.OPEN:
        conclusion.put_at = datetime.now(UTC)
    conclusion.vote_state = VoteState.OPEN
    db.session.commit()
    return conclusion


def close_vote(conclusion: Conclusion) -> Conclusion:
    """Close the vote: further endorsements are refused (``vote_not_open``)."""
    if conclusion.vote_state is VoteState.OPEN:
        conclusion.vote_state = VoteState.CLOSED
        db.session.commit()
    return conclusion


def reveal(conclusion: Conclusion, revealed: bool = True, *, exclusive: bool = False) -> Conclusion:
    """Show (or hide) the tally of ``conclusion`` on the projector.

    ``exclusive``: showing it hides the tally of every other conclusion of the session (the
    projector shows one conclusion at a time).
    """
    if revealed and exclusive:
        for other in revealed_others(conclusion):
            other.revealed = False
    conclusion.revealed = revealed
    db.session.commit()
    return conclusion


def revealed_others(conclusion: Conclusion) -> list[Conclusion]:
    """The other conclusions of the session whose tally is shown (pure read)."""
    return list(
        db.session.scalars(
            select(Conclusion).where(
                Conclusion.session_id == conclusion.session_id,
                Conclusion.revealed.is_(True),
                Conclusion.id != conclusion.id,
            )
        )
    )


def open_others(conclusion: Conclusion) -> list[Conclusion]:
    """The other conclusions of the session put to the room (pure read)."""
    return list(
        db.session.scalars(
            select(Conclusion).where(
                Conclusion.session_id == conclusion.session_id,
                Conclusion.vote_state == VoteState.OPEN,
                Conclusion.id != conclusion.id,
            )
        )
    )


def conclusion_of_session(session_id: int, conclusion_id: Any) -> Conclusion:
    """The conclusion ``conclusion_id`` of the session (``unknown_conclusion`` otherwise)."""
    return _conclusion_of_session(session_id, conclusion_id)


def endorse(
    participant: Participant,
    conclusion_id: int,
    choice: str,
    amendment: str | None,
    client_id: str,
) -> Endorsement:
    """Store ``participant``'s endorsement of a conclusion of its session; return it.

    - ``choice``: ``"agree"``, ``"amend"`` or ``"disagree"`` (else ``bad_value``);
    - ``amendment``: required for ``"amend"`` (``text_required``), at most 1,000 characters
      (``text_too_long``), no HTML (``html_not_allowed``); refused with another choice
      (``comment_not_allowed``);
    - ``client_id``: 8–64 characters ``[A-Za-z0-9_-]`` (else ``bad_payload``). The same
      ``client_id`` again returns the stored endorsement unchanged (a resend is harmless);
    - one endorsement per participant and conclusion: a new one replaces the old while the vote
      is open (``vote_not_open`` otherwise).
    """
    if not isinstance(client_id, str) or not CLIENT_ID_RE.match(client_id):
        raise ServiceError("bad_payload", _("Identifiant d'envoi invalide."))
    conclusion = _conclusion_of_session(participant.session_id, conclusion_id)
    existing = db.session.scalar(
        select(Endorsement).where(
            Endorsement.conclusion_id == conclusion.id,
            Endorsement.participant_id == participant.id,
        )
    )
    if existing is not None and existing.client_id == client_id:
        return existing
    if conclusion.vote_state is not VoteState.OPEN:
        raise ServiceError("vote_not_open", _("Le vote sur cette conclusion est fermé."))
    value = _choice(choice)
    is_amend = value is EndorsementChoice.AMEND
    text = _clean_text(amendment, limit=MAX_AMENDMENT_LENGTH, required=is_amend)
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
    db.session.commit()
    return endorsement


def _choice(raw: Any) -> EndorsementChoice:
    try:
        return EndorsementChoice(raw)
    except ValueError:
        raise ServiceError(
            "bad_value", _("Choix invalide : d'accord, à amender ou pas d'accord.")
        ) from None


def endorsement_payload(endorsement: Endorsement) -> dict[str, Any]:
    """The stored endorsement as an ack carries it."""
    return {
        "conclusion_id": endorsement.conclusion_id,
        "client_id": endorsement.client_id,
        "choice": endorsement.choice.value,
        "amendment": endorsement.amendment,
        "updated_at": endorsement.updated_at.isoformat(),
    }


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
