"""Answers, upvotes and moderation of comments: the writes, and what is published after them.

Answers and upvotes are written by the group-commit writer (``writer.py``), many per
transaction: :func:`write_answers` and :func:`write_upvote` validate and write (the writer
commits), and queue their broadcasts with :func:`~workshop.services.unit.after_commit`
(:mod:`.publish`). Moderation (the console, a few times per
session) is its own unit of work (:func:`moderate_comment`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from flask import current_app, has_request_context
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, insert, select, update

from ...extensions import db
from ...models import Answer, Participant, Question, QuestionSet, Upvote
from ...models.enums import SetState
from ..errors import ServiceError
from ..results import AnswerRow, comment_view
from ..unit import after_commit, transaction
from . import publish
from .answer_values import check_answer
from .views import answer_view


@dataclass(slots=True, eq=False)
class AnswerChange:
    """What a stored answer changed, for :func:`.publish.publish_answers`."""

    session_id: int
    set_id: int
    answer_id: int
    answer: dict[str, Any]
    comment_changed: bool  # text added, edited or removed (``comments`` reads the rest)
    #: Whether the participant may have other tabs open (``answer_saved`` is sent to them);
    #: decided after the commit (:func:`.publish.publish_answers`).
    other_tabs: bool = True


# --- answers ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerRequest:
    """One ``answer`` event of a participant, as the group-commit writer receives it."""

    session_id: int
    participant_id: int
    client_id: str
    question_id: int
    value: Any
    text: str | None
    #: The handler's locale, for the messages of refusals (the writer has no request).
    locale: str | None = None
    #: The socket that sent it: ``answer_saved`` goes to the participant's other tabs.
    origin_sid: str | None = None


#: What :func:`write_answers` gives back per request: ``(stored answer, change to publish or
#: None for a resend)``, or the :class:`ServiceError` that refused it.
AnswerOutcome = tuple[dict[str, Any], AnswerChange | None] | ServiceError


@dataclass(slots=True, eq=False)
class QuestionInfo:
    """A question as the writer checks answers against it: the ORM object, detached from any
    session with its columns loaded (what :func:`check_answer` reads), and its set's state."""

    question: Question
    session_id: int
    set_id: int
    opened_at: datetime | None  # the set's, when the question was read
    state: SetState = SetState.READY


def load_questions(
    question_ids: Iterable[int], cache: dict[int, QuestionInfo] | None = None
) -> dict[int, QuestionInfo]:
    """The questions of ``question_ids`` that exist, with their set's state read now.

    With a ``cache`` (one per process and app), a question is read once and kept; each call
    still reads the state of the sets concerned (one small query), and a set (re)opened since a
    question was read has its questions read again (they may have been edited while closed)."""
    cache = {} if cache is None else cache
    wanted = set(question_ids)
    missing = wanted - cache.keys()
    if missing:
        _cache_questions(missing, cache)
    set_ids = {cache[q].set_id for q in wanted if q in cache}
    conn = db.session.connection()
    if len(set_ids) == 1:  # the usual batch: the open set (no IN list to expand)
        rows = conn.execute(_SET_STATE, {"id": next(iter(set_ids))})
    else:
        rows = conn.execute(_SET_STATES, {"ids": list(set_ids)})
    sets = {row.id: row for row in rows}
    stale = {
        q
        for q in wanted
        if q in cache and (cache[q].set_id not in sets or _reopened(cache[q], sets))
    }
    if stale:
        for question_id in stale:
            del cache[question_id]
        _cache_questions(stale, cache)
    found: dict[int, QuestionInfo] = {}
    for question_id in wanted:
        info = cache.get(question_id)
        if info is not None and info.set_id in sets:
            info.state = sets[info.set_id].state
            found[question_id] = info
    return found


def _reopened(info: QuestionInfo, sets: dict[int, Any]) -> bool:
    return sets[info.set_id].opened_at != info.opened_at


def _cache_questions(question_ids: set[int], cache: dict[int, QuestionInfo]) -> None:
    rows = db.session.execute(
        select(Question, QuestionSet.session_id, QuestionSet.opened_at)
        .join(QuestionSet, QuestionSet.id == Question.question_set_id)
        .where(Question.id.in_(question_ids))
    ).all()
    for question, session_id, opened_at in rows:
        db.session.expunge(question)  # kept loaded: never expired by a commit
        cache[question.id] = QuestionInfo(question, session_id, question.question_set_id, opened_at)


def write_answers(
    requests: Sequence[AnswerRequest], questions_cache: dict[int, QuestionInfo] | None = None
) -> list[AnswerOutcome]:
    """Validate and write (not commit) many answers in one transaction, in a few statements.

    Requests are applied in order, exactly as if each were written and committed alone: a
    refused request (:class:`ServiceError`) writes nothing and leaves the others alone; two
    requests for the same participant and question both apply, the later replacing the earlier
    (each outcome is the state its own request left). One query reads the questions with their
    set's state, one the existing answers (plain rows, no ORM objects); then one ``INSERT`` of
    the new answers, one bulk ``UPDATE`` of the replaced ones, one ``DELETE`` of the upvotes of
    comments whose text changed. The changes are published once the caller's transaction has
    committed (:func:`.publish.publish_answers`; comments are read again when ``comments`` is
    pushed).
    """
    if not requests:
        return []
    question_ids = {r.question_id for r in requests}
    questions = load_questions(question_ids, questions_cache)
    participant_ids = {r.participant_id for r in requests}
    params = {"pids": list(participant_ids), "qids": list(question_ids)}
    stored: dict[tuple[int, int], _Row] = {
        (row.participant_id, row.question_id): _Row(*row)
        for row in db.session.connection().execute(_STORED_ANSWERS, params)
    }
    now = datetime.now(UTC)
    applied: list[tuple[_Row, SimpleNamespace, bool] | ServiceError | dict[str, Any]] = []
    drop_upvotes: set[int] = set()
    for request in requests:
        key = (request.participant_id, request.question_id)
        row = stored.get(key)
        info = questions.get(request.question_id)
        try:
            checked = _check(request, row, info)
        except ServiceError:
            # Refused: the same checks again in the socket's language, for the message (they
            # are pure; switching languages for every request cost more than the checks).
            try:
                with in_locale(request.locale):
                    checked = _check(request, row, info)
            except ServiceError as exc:
                applied.append(exc)
                continue
        if isinstance(checked, dict):  # a resend: nothing written or published
            applied.append(checked)
            continue
        value, text = checked
        old_text = row.text if row is not None else None
        if row is None:
            row = stored[key] = _Row(None, request.participant_id, request.question_id)
            row.created_at = now
        elif old_text != text:
            # Upvotes and the highlight were given to the old text.
            if row.id is not None:
                drop_upvotes.add(row.id)
            row.highlighted = False
        row.client_id, row.value, row.text, row.updated_at = request.client_id, value, text, now
        row.dirty = True
        applied.append((row, row.view(), old_text != text))
    if drop_upvotes:
        db.session.connection().execute(_DROP_UPVOTES, {"ids": list(drop_upvotes)})
    _save(stored.values())
    outcomes: list[AnswerOutcome] = []
    changes: list[tuple[AnswerRequest, AnswerChange]] = []
    for request, item in zip(requests, applied, strict=True):
        if isinstance(item, ServiceError):
            outcomes.append(item)
        elif isinstance(item, dict):
            outcomes.append((item, None))
        else:
            row, fields, changed = item
            fields.id = row.id
            view = answer_view(fields)  # type: ignore[arg-type]
            change = AnswerChange(
                session_id=request.session_id,
                set_id=questions[request.question_id].set_id,
                answer_id=row.id,
                answer=view,
                comment_changed=changed,
            )
            outcomes.append((view, change))
            changes.append((request, change))
    if changes:
        after_commit(publish.publish_answers, changes)
    return outcomes


def _check(
    request: AnswerRequest, row: _Row | None, info: QuestionInfo | None
) -> dict[str, Any] | tuple[Any, str | None]:
    """The stored answer's view for a resend, else the checked ``(value, text)``; raises the
    :class:`ServiceError` that refuses the request."""
    if info is None or info.session_id != request.session_id:
        raise ServiceError("unknown_question", _("Cette question n'existe pas."))
    if row is not None and row.client_id == request.client_id:
        return answer_view(row.view())  # type: ignore[arg-type]
    if info.state is not SetState.OPEN:
        raise ServiceError("set_not_open", _("Ce questionnaire est fermé."))
    return check_answer(info.question, request.value, request.text)


# Prepared statements of the write path (built once: their compiled form and cache key are
# reused), on the tables, not the ORM classes: plain rows in, plain rows out.
_ANSWER = Answer.__table__
_SETS = QuestionSet.__table__
_SET_STATES = select(_SETS.c.id, _SETS.c.state, _SETS.c.opened_at).where(
    _SETS.c.id.in_(bindparam("ids", expanding=True))
)
_SET_STATE = select(_SETS.c.id, _SETS.c.state, _SETS.c.opened_at).where(
    _SETS.c.id == bindparam("id")
)
_STORED_ANSWERS = select(
    _ANSWER.c.id,
    _ANSWER.c.participant_id,
    _ANSWER.c.question_id,
    _ANSWER.c.client_id,
    _ANSWER.c.value,
    _ANSWER.c.text,
    _ANSWER.c.hidden,
    _ANSWER.c.highlighted,
    _ANSWER.c.created_at,
    _ANSWER.c.updated_at,
).where(
    _ANSWER.c.participant_id.in_(bindparam("pids", expanding=True)),
    _ANSWER.c.question_id.in_(bindparam("qids", expanding=True)),
)
_DROP_UPVOTES = delete(Upvote.__table__).where(
    Upvote.__table__.c.answer_id.in_(bindparam("ids", expanding=True))
)
_INSERT_ONE = insert(_ANSWER).returning(_ANSWER.c.id)
_INSERT_MANY = insert(_ANSWER).returning(_ANSWER.c.id, sort_by_parameter_order=True)
_UPDATE = (
    update(_ANSWER)
    .where(_ANSWER.c.id == bindparam("answer_id"))
    .values(
        client_id=bindparam("new_client_id"),
        value=bindparam("new_value"),
        text=bindparam("new_text"),
        highlighted=bindparam("new_highlighted"),
        updated_at=bindparam("new_updated_at"),
    )
)


@dataclass(slots=True, eq=False)
class _Row:
    """An answer as :func:`write_answers` reads and writes it (plain values, no ORM state)."""

    id: int | None
    participant_id: int
    question_id: int
    client_id: str = ""
    value: Any = None
    text: str | None = None
    hidden: bool = False
    highlighted: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    dirty: bool = False

    def view(self) -> SimpleNamespace:
        """The fields as they are now (for :func:`answer_view`; the id of a new answer is
        filled in once inserted)."""
        return SimpleNamespace(
            id=self.id,
            question_id=self.question_id,
            client_id=self.client_id,
            value=self.value,
            text=self.text,
            highlighted=bool(self.highlighted),
            updated_at=self.updated_at,
        )

    def values(self) -> dict[str, Any]:
        return {
            "participant_id": self.participant_id,
            "question_id": self.question_id,
            "client_id": self.client_id,
            "value": self.value,
            "text": self.text,
            "hidden": self.hidden,
            "highlighted": self.highlighted,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


def _save(rows: Iterable[_Row]) -> None:
    """The new answers in one ``INSERT`` (ids read back in order), the replaced ones in one
    executemany ``UPDATE`` by primary key."""
    conn = db.session.connection()
    new = [row for row in rows if row.dirty and row.id is None]
    changed = [row for row in rows if row.dirty and row.id is not None]
    if len(new) == 1:
        new[0].id = conn.execute(_INSERT_ONE, new[0].values()).scalar_one()
    elif new:
        ids = conn.execute(_INSERT_MANY, [row.values() for row in new]).scalars().all()
        for row, answer_id in zip(new, ids, strict=True):
            row.id = answer_id
    if changed:
        conn.execute(
            _UPDATE,
            [
                {
                    "answer_id": row.id,
                    "new_client_id": row.client_id,
                    "new_value": row.value,
                    "new_text": row.text,
                    "new_highlighted": row.highlighted,
                    "new_updated_at": row.updated_at,
                }
                for row in changed
            ],
        )


@contextmanager
def in_locale(locale: str | None) -> Iterator[None]:
    """Messages in ``locale`` (e.g. a handler's, in the writer); None: the request's, or the
    app's default outside a request. Free when that is already the current one (the writer
    runs this per request of a batch)."""
    if locale is None and has_request_context():
        yield
        return
    wanted = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    current = get_locale()
    if current is not None and str(current) == wanted:
        yield
        return
    with force_locale(wanted):
        yield


# --- upvotes ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UpvoteChange:
    """An upvote written (or found unchanged), with the comment's count in the same
    transaction (the ack's payload)."""

    session_id: int
    answer_id: int
    question_id: int
    set_id: int
    up: bool
    changed: bool
    upvotes: int

    def ack(self) -> dict[str, Any]:
        return {"answer_id": self.answer_id, "up": self.up, "upvotes": self.upvotes}


def write_upvote(session_id: int, participant_id: int, answer_id: int, up: bool) -> UpvoteChange:
    """Give (``up``) or take back one's upvote on a visible comment of this session; validate
    and write (the writer commits). Upvoting twice is harmless."""
    answer, set_id = _comment_answer(session_id, answer_id, visible_only=True)
    if answer.participant_id == participant_id:
        raise ServiceError("own_comment", _("Vous ne pouvez pas soutenir votre commentaire."))
    changed = _set_upvote(participant_id, answer_id, up)
    change = UpvoteChange(
        session_id, answer_id, answer.question_id, set_id, up, changed, upvote_count(answer_id)
    )
    if changed:
        after_commit(publish.comment_changed, session_id, answer_id, answer.question_id, set_id)
    return change


def unchanged_upvote(session_id: int, answer_id: int, up: bool) -> UpvoteChange:
    """The same upvote was written by another process at the same moment: nothing changed
    here; the comment's count as committed."""
    question_id, set_id = db.session.execute(
        select(Answer.question_id, Question.question_set_id)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.id == answer_id)
    ).one()
    return UpvoteChange(
        session_id, answer_id, question_id, set_id, up, False, upvote_count(answer_id)
    )


def upvote_count(answer_id: int) -> int:
    return db.session.scalar(select(func.count(Upvote.id)).where(Upvote.answer_id == answer_id))


def _set_upvote(participant_id: int, answer_id: int, up: bool) -> bool:
    existing = db.session.scalar(
        select(Upvote).where(Upvote.participant_id == participant_id, Upvote.answer_id == answer_id)
    )
    if up and existing is None:
        db.session.add(Upvote(participant_id=participant_id, answer_id=answer_id))
        db.session.flush()
        return True
    if not up and existing is not None:
        db.session.delete(existing)
        db.session.flush()
        return True
    return False


# --- moderation ---------------------------------------------------------------------------------


def moderate_comment(
    session_id: int, answer_id: int, *, hidden: bool | None = None, highlighted: bool | None = None
) -> dict[str, Any]:
    """Hide / show or highlight / unhighlight a comment; the comment with ``hidden``. The change
    reaches every client in the next coalesced ``comments`` batch."""
    if hidden is None and highlighted is None:
        raise ServiceError("bad_payload", _("Rien à modifier."), field="hidden")
    with transaction():
        answer, set_id = _comment_answer(session_id, answer_id, visible_only=False)
        if hidden is not None:
            answer.hidden = hidden
        if highlighted is not None:
            answer.highlighted = highlighted
        after_commit(publish.comment_changed, session_id, answer.id, answer.question_id, set_id)
    return _comment(answer, with_hidden=True)


# --- shared -------------------------------------------------------------------------------------


def _comment_answer(session_id: int, answer_id: int, *, visible_only: bool) -> tuple[Answer, int]:
    """A comment of the session and its set's id (``unknown_answer`` otherwise)."""
    found = db.session.execute(
        select(Answer, Question.question_set_id)
        .join(Question, Question.id == Answer.question_id)
        .join(QuestionSet, QuestionSet.id == Question.question_set_id)
        .where(Answer.id == answer_id, QuestionSet.session_id == session_id)
    ).first()
    answer = found[0] if found else None
    if answer is None or not answer.text or (visible_only and answer.hidden):
        raise ServiceError("unknown_answer", _("Ce commentaire n'existe pas."))
    return answer, found[1]


def _comment(answer: Answer, *, with_hidden: bool) -> dict[str, Any]:
    """The ``<comment>`` of a stored answer (two small queries)."""
    pseudonym = db.session.scalar(
        select(Participant.pseudonym).where(Participant.id == answer.participant_id)
    )
    return comment_view(
        AnswerRow.of(answer, pseudonym, upvote_count(answer.id)), with_hidden=with_hidden
    )
