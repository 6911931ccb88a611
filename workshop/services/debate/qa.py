"""The room's questions to the speakers: asked from phones while an agenda item runs,
supported, moderated (approved, hidden, merged, answered) and put on the projector by the
facilitator (docs/protocol.md, « Questions to the speakers »).

Every function is one unit of work; after its commit it marks the questions it changed in the
``qa`` coalescer (``COMMENTS_PUSH_INTERVAL``): :func:`push_qa` reads them then and sends each
role what it may see. Supports add up across merges: a question's ``support`` is the number of
distinct participants supporting it or a question merged into it, its author excepted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ...extensions import db
from ...models import AgendaItem, RoomQuestion, RoomQuestionSupport, Session, Speaker
from ...models.enums import QaStatus
from .. import activity, runtime_state
from ..broadcast import console_room, emit, participant_room, phones_room, screen_room, session_room
from ..errors import ServiceError
from ..unit import after_commit, transaction
from ..validation import check_text, is_client_id
from .common import (
    Actor,
    Settings,
    check_rate,
    iso,
    live_session,
    participant_of,
    session_of,
    settings_of,
)

#: Longest question (a question, not a speech).
MAX_QUESTION_LENGTH = 300
#: Questions one participant may ask in a minute.
QUESTIONS_PER_MINUTE = 3
#: What phones and the projector may see.
PUBLIC = (QaStatus.VISIBLE, QaStatus.ANSWERED, QaStatus.MERGED)
#: Most public questions in a phone's snapshot (the most supported; its own ones besides).
SNAPSHOT_MAX = 200

MODERATION = {
    "approve": "qa.approved",
    "hide": "qa.hidden",
    "answered": "qa.answered",
    "reopen": "qa.reopened",
}


# --- reading ------------------------------------------------------------------------------------


def _question(session_id: int, qa_id: Any) -> RoomQuestion:
    question = db.session.get(RoomQuestion, qa_id) if isinstance(qa_id, int) else None
    if question is None or question.session_id != session_id:
        raise ServiceError("unknown_qa", _("Cette question de la salle n'existe pas."))
    return question


def supports_of(question_ids: Iterable[int]) -> dict[int, int]:
    """``{question id: support}`` for these questions: the distinct participants supporting it
    or a question merged into it, its author excepted; a merged question's own supporters
    (counted in the one it was merged into). The same arithmetic as the report's."""
    ids = set(question_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            RoomQuestion.id,
            RoomQuestion.merged_into_id,
            RoomQuestion.participant_id,
            RoomQuestion.status,
        ).where((RoomQuestion.id.in_(sorted(ids))) | (RoomQuestion.merged_into_id.in_(sorted(ids))))
    ).all()
    kept_of = {
        row.id: row.merged_into_id
        if row.status is QaStatus.MERGED and row.merged_into_id is not None
        else row.id
        for row in rows
    }
    authors = {row.id: row.participant_id for row in rows}
    own: dict[int, set[int]] = defaultdict(set)  # supporters of a merged question itself
    kept: dict[int, set[int]] = defaultdict(set)  # of a question and the ones merged into it
    for question_id, participant_id in db.session.execute(
        select(RoomQuestionSupport.question_id, RoomQuestionSupport.participant_id).where(
            RoomQuestionSupport.question_id.in_(sorted(kept_of))
        )
    ):
        own[question_id].add(participant_id)
        target = kept_of[question_id]
        if participant_id != authors.get(target):
            kept[target].add(participant_id)
    return {i: len(own[i]) if kept_of.get(i, i) != i else len(kept[i]) for i in sorted(ids)}


def views(questions: list[RoomQuestion]) -> list[dict[str, Any]]:
    """``<qa>`` of each question, read in a few queries whatever their number."""
    if not questions:
        return []
    session_ids = {q.session_id for q in questions}
    items = {
        row.id: row
        for row in db.session.execute(
            select(AgendaItem.id, AgendaItem.position, AgendaItem.title).where(
                AgendaItem.session_id.in_(session_ids)
            )
        )
    }
    speakers = {
        row.id: row
        for row in db.session.execute(
            select(Speaker.id, Speaker.key, Speaker.name).where(Speaker.session_id.in_(session_ids))
        )
    }
    ids = [q.id for q in questions]
    support = supports_of(ids)
    merged: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in db.session.execute(
        select(RoomQuestion.id, RoomQuestion.text, RoomQuestion.merged_into_id)
        .where(RoomQuestion.merged_into_id.in_(ids), RoomQuestion.status == QaStatus.MERGED)
        .order_by(RoomQuestion.created_at, RoomQuestion.id)
    ):
        merged[row.merged_into_id].append({"id": row.id, "text": row.text})
    out = []
    for q in questions:
        item = items.get(q.agenda_item_id) if q.agenda_item_id else None
        speaker = speakers.get(q.speaker_id) if q.speaker_id else None
        out.append(
            {
                "id": q.id,
                "text": q.text,
                "status": q.status.value,
                "item_position": item.position if item else None,
                "item_title": item.title if item else None,
                "speaker": {"key": speaker.key, "name": speaker.name} if speaker else None,
                "support": support.get(q.id, 0),
                "merged_into": q.merged_into_id if q.status is QaStatus.MERGED else None,
                "merged": merged.get(q.id, []),
                "on_screen": q.on_screen,
                "created_at": iso(q.created_at),
            }
        )
    return out


def view(question: RoomQuestion) -> dict[str, Any]:
    return views([question])[0]


def session_questions(session_id: int) -> list[RoomQuestion]:
    return list(
        db.session.scalars(
            select(RoomQuestion)
            .where(RoomQuestion.session_id == session_id)
            .order_by(RoomQuestion.created_at, RoomQuestion.id)
        )
    )


def qa_snapshot(
    session_id: int,
    role: str,
    participant_id: int | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """``qa`` of a snapshot: the console every question; phones and the screen the public ones
    (the most supported :data:`SNAPSHOT_MAX` and the one on the projector), a phone its own
    ones besides."""
    premoderated = (settings or settings_of(session_id)).qa_premoderated
    questions = session_questions(session_id)
    if role == "console":
        shown = questions
    else:
        public = views([q for q in questions if q.status in PUBLIC])
        public.sort(key=lambda v: (-v["support"], v["id"]))
        # The most supported, and the one on the projector whatever its support.
        public = [v for n, v in enumerate(public) if n < SNAPSHOT_MAX or v["on_screen"]]
        seen = {v["id"] for v in public}
        own = [
            q
            for q in questions
            if participant_id and q.participant_id == participant_id and q.id not in seen
        ]
        listed = public + views(own)
        listed.sort(key=lambda v: v["id"])
        return {"premoderated": premoderated, "questions": listed}
    return {"premoderated": premoderated, "questions": views(shown)}


def qa_mine(participant_id: int) -> dict[str, list[int]]:
    """The participant's questions and the questions they support (ids)."""
    asked = db.session.scalars(
        select(RoomQuestion.id)
        .where(RoomQuestion.participant_id == participant_id)
        .order_by(RoomQuestion.id)
    )
    supported = db.session.scalars(
        select(RoomQuestionSupport.question_id)
        .where(RoomQuestionSupport.participant_id == participant_id)
        .order_by(RoomQuestionSupport.question_id)
    )
    return {"asked": list(asked), "supported": list(supported)}


# --- publishing ---------------------------------------------------------------------------------


def mark(session_id: int, *qa_ids: int) -> None:
    """After a commit: these questions changed (pushed with the next ``qa`` batch)."""
    coalescer = runtime_state.current().qa
    for qa_id in qa_ids:
        coalescer.mark(session_id, qa_id)


def push_qa(session_id: int, dirty: dict[int, Any]) -> None:
    """The coalesced push of the questions ``dirty`` (ids), read now: ``qa`` ``{"changed",
    "removed"}`` to each role what it may see; the author of a pending or hidden question gets it
    in a ``qa`` of its own."""
    ids = sorted(dirty)
    if not ids:
        return
    found = list(
        db.session.scalars(
            select(RoomQuestion).where(
                RoomQuestion.id.in_(ids), RoomQuestion.session_id == session_id
            )
        )
    )
    all_views = views(found)
    by_id = {q.id: q for q in found}
    gone = [i for i in ids if i not in by_id]
    public = [v for v in all_views if by_id[v["id"]].status in PUBLIC]
    private = [v for v in all_views if by_id[v["id"]].status not in PUBLIC]
    emit(
        "qa",
        {"changed": public, "removed": gone + [v["id"] for v in private]},
        [phones_room(session_id), screen_room(session_id)],
    )
    emit("qa", {"changed": all_views, "removed": gone}, console_room(session_id))
    for v in private:
        author = by_id[v["id"]].participant_id
        emit("qa", {"changed": [v], "removed": []}, participant_room(author))


def _publish_settings(session_id: int, premoderated: bool) -> None:
    emit("qa_settings", {"premoderated": premoderated}, session_room(session_id))


# --- phones -------------------------------------------------------------------------------------


def ask(
    session_id: int,
    participant_id: int | None,
    *,
    client_id: Any,
    text: Any,
    speaker: Any = None,
) -> dict[str, Any]:
    """A phone puts a question to the current item's speakers (``speaker``: one's key) or to
    the room (None). ``pending`` with pre-moderation, else ``visible``; the same ``client_id``
    as one of the participant's questions returns it unchanged."""
    if not is_client_id(client_id):
        raise ServiceError("bad_payload", _("Identifiant d'envoi invalide."), field="client_id")
    if speaker is not None and not isinstance(speaker, str):
        raise ServiceError("bad_payload", _("Intervenant invalide."), field="speaker")
    with transaction():
        session = session_of(session_id)
        participant = participant_of(session_id, participant_id)
        existing = db.session.scalar(
            select(RoomQuestion).where(
                RoomQuestion.participant_id == participant.id, RoomQuestion.client_id == client_id
            )
        )
        if existing is not None:
            return view(existing)
        live_session(session_id)
        clean = check_text(text, MAX_QUESTION_LENGTH, required=True)
        item = session.current_item
        if item is None:
            raise ServiceError(
                "no_current_item",
                _("Les questions s'ouvrent quand un point de l'ordre du jour est en cours."),
            )
        speaker_id = None
        if speaker:
            match = [s for s in item.speakers if s.key == speaker]
            if not match:
                raise ServiceError(
                    "unknown_speaker", _("Cet intervenant ne parle pas dans ce point.")
                )
            speaker_id = match[0].id
        check_rate(RoomQuestion, RoomQuestion.created_at, participant.id, QUESTIONS_PER_MINUTE)
        now = datetime.now(UTC)
        question = RoomQuestion(
            session_id=session_id,
            participant_id=participant.id,
            client_id=client_id,
            agenda_item_id=item.id,
            speaker_id=speaker_id,
            text=clean or "",
            status=QaStatus.PENDING if session.qa_premoderated else QaStatus.VISIBLE,
            created_at=now,
            updated_at=now,
        )
        db.session.add(question)
        db.session.flush()
        after_commit(mark, session_id, question.id)
        return view(question)


def support(session_id: int, participant_id: int | None, qa_id: Any, up: bool) -> dict[str, Any]:
    """Support (``up``) another participant's question, or take the support back."""
    with transaction():
        participant = participant_of(session_id, participant_id)
        question = _question(session_id, qa_id)
        if question.participant_id == participant.id:
            raise ServiceError("own_question", _("Vous ne pouvez pas soutenir votre question."))
        if question.status not in (QaStatus.VISIBLE, QaStatus.ANSWERED):
            raise ServiceError("qa_closed", _("Cette question ne peut plus être soutenue."))
        existing = db.session.scalar(
            select(RoomQuestionSupport).where(
                RoomQuestionSupport.question_id == question.id,
                RoomQuestionSupport.participant_id == participant.id,
            )
        )
        if up and existing is None:
            db.session.add(
                RoomQuestionSupport(question_id=question.id, participant_id=participant.id)
            )
            after_commit(mark, session_id, question.id)
        elif not up and existing is not None:
            db.session.delete(existing)
            after_commit(mark, session_id, question.id)
        db.session.flush()
        count = supports_of([question.id])[question.id]
    return {"qa_id": question.id, "up": up, "support": count}


def withdraw_question(session_id: int, participant_id: int | None, qa_id: Any) -> dict[str, Any]:
    """A phone deletes its own question (the ones merged into it become visible again)."""
    with transaction():
        participant = participant_of(session_id, participant_id)
        question = _question(session_id, qa_id)
        if question.participant_id != participant.id:
            raise ServiceError("forbidden", _("Ce n'est pas votre question."))
        freed = delete_questions(session_id, [question.id])
        after_commit(mark, session_id, question.id, *freed)
    return {"qa_id": question.id}


def delete_questions(session_id: int, ids: list[int]) -> list[int]:
    """Delete these questions with their supports; the questions merged into them become
    visible again. The ids of those (in the caller's transaction)."""
    if not ids:
        return []
    freed = list(
        db.session.scalars(
            select(RoomQuestion).where(
                RoomQuestion.merged_into_id.in_(ids), RoomQuestion.id.not_in(ids)
            )
        )
    )
    for other in freed:
        other.merged_into_id = None
        other.status = QaStatus.VISIBLE
        other.updated_at = datetime.now(UTC)
    db.session.flush()
    db.session.execute(delete(RoomQuestionSupport).where(RoomQuestionSupport.question_id.in_(ids)))
    db.session.execute(delete(RoomQuestion).where(RoomQuestion.id.in_(ids)))
    return [q.id for q in freed]


# --- the console --------------------------------------------------------------------------------


def _log(action: str, session: Session | None, question: RoomQuestion, by: Actor) -> None:
    activity.record(action, by=by, session=session, detail=f"#{question.id}")


def moderate(session_id: int, qa_id: Any, action: str, *, by: Actor = None) -> dict[str, Any]:
    """``approve`` (pending, hidden or merged → visible), ``hide``, ``answered`` (visible →
    answered), ``reopen`` (answered → visible); ``qa_closed`` otherwise. Unchanged: acked."""
    if action not in MODERATION:
        raise ServiceError("bad_payload", _("Action inconnue."), field="action")
    with transaction():
        session = session_of(session_id)
        question = _question(session_id, qa_id)
        status = question.status
        touched = [question.id]
        if action == "approve":
            allowed = (QaStatus.PENDING, QaStatus.HIDDEN, QaStatus.MERGED, QaStatus.VISIBLE)
            target = QaStatus.VISIBLE
        elif action == "hide":
            allowed = tuple(QaStatus)
            target = QaStatus.HIDDEN
        elif action == "answered":
            allowed = (QaStatus.VISIBLE, QaStatus.ANSWERED)
            target = QaStatus.ANSWERED
        else:
            allowed = (QaStatus.ANSWERED, QaStatus.VISIBLE)
            target = QaStatus.VISIBLE
        if status not in allowed:
            raise ServiceError("qa_closed", _("Cette action ne convient pas à cette question."))
        if status is not target:
            now = datetime.now(UTC)
            if status is QaStatus.MERGED and question.merged_into_id:
                touched.append(question.merged_into_id)
                question.merged_into_id = None
            if target is QaStatus.HIDDEN:
                question.on_screen = False
                # The ones merged into a hidden question come back on their own.
                for other in db.session.scalars(
                    select(RoomQuestion).where(RoomQuestion.merged_into_id == question.id)
                ):
                    other.merged_into_id, other.status = None, QaStatus.VISIBLE
                    touched.append(other.id)
            question.status = target
            question.answered_at = now if target is QaStatus.ANSWERED else None
            question.updated_at = now
            _log(MODERATION[action], session, question, by)
            after_commit(mark, session_id, *touched)
        db.session.flush()
        return view(question)


def merge(session_id: int, qa_id: Any, into: Any, *, by: Actor = None) -> dict[str, Any]:
    """Merge a duplicate into the question ``into``: its supports add up there, its text stays
    visible under it; the questions merged into it follow. The kept question's view."""
    with transaction():
        session = session_of(session_id)
        question = _question(session_id, qa_id)
        kept = _question(session_id, into)
        if (
            kept.id == question.id
            or question.status is QaStatus.MERGED
            or kept.status not in (QaStatus.VISIBLE, QaStatus.ANSWERED)
        ):
            raise ServiceError(
                "cannot_merge", _("Ces deux questions ne peuvent pas être fusionnées.")
            )
        touched = [question.id, kept.id]
        for other in db.session.scalars(
            select(RoomQuestion).where(RoomQuestion.merged_into_id == question.id)
        ):
            other.merged_into_id = kept.id
            touched.append(other.id)
        question.status = QaStatus.MERGED
        question.merged_into_id = kept.id
        if question.on_screen:
            question.on_screen = False
        question.updated_at = datetime.now(UTC)
        activity.record("qa.merged", by=by, session=session, detail=f"#{question.id} → #{kept.id}")
        db.session.flush()
        after_commit(mark, session_id, *touched)
        return view(kept)


def show(session_id: int, qa_id: Any, *, by: Actor = None) -> dict[str, Any] | None:
    """Put a visible or answered question on the projector (None: none); any other leaves it."""
    with transaction():
        session = session_of(session_id)
        question = _question(session_id, qa_id) if qa_id is not None else None
        if question is not None and question.status not in (QaStatus.VISIBLE, QaStatus.ANSWERED):
            raise ServiceError("qa_closed", _("Seule une question visible peut être projetée."))
        touched = []
        for other in db.session.scalars(
            select(RoomQuestion).where(
                RoomQuestion.session_id == session_id, RoomQuestion.on_screen.is_(True)
            )
        ):
            if question is None or other.id != question.id:
                other.on_screen = False
                touched.append(other.id)
        if question is not None and not question.on_screen:
            question.on_screen = True
            touched.append(question.id)
            _log("qa.shown", session, question, by)
        elif question is None and touched:
            activity.record("qa.unshown", by=by, session=session)
        if touched:
            after_commit(mark, session_id, *touched)
        db.session.flush()
        return view(question) if question is not None else None


def qa_settings(session_id: int, premoderated: bool, *, by: Actor = None) -> dict[str, Any]:
    """Pre-moderation of the room's questions on or off (questions already pending stay so)."""
    with transaction():
        session = session_of(session_id)
        if session.qa_premoderated != premoderated:
            session.qa_premoderated = premoderated
            activity.record(
                "qa.settings",
                by=by,
                session=session,
                detail=activity.facts(premoderated=premoderated),
            )
            after_commit(_publish_settings, session_id, premoderated)
    return {"premoderated": premoderated}
