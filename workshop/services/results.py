"""Results of question sets, computed from the stored answers (the ``<results>`` of
docs/protocol.md).

Two layers:

* :func:`load_answer_rows` reads what the figures need in two queries (the answers with their
  author's pseudonym, then the upvote counts of those answers);
* :func:`question_results` and :func:`comment_view` are pure functions of those rows.

:func:`set_results` and :func:`results_by_set` put both together: the reference computation
(the summary uses it). :func:`aggregated_results_by_set` computes the same ``<results>`` with SQL
aggregation instead of reading every answer — distinct stored values counted per question, the
set's respondents counted, only the visible comments read — for the live pushes. Every function
takes an optional ``participant_ids`` filter, so that a caller (the debate summary) can compute
the figures of one stakeholder group (:func:`participant_ids_by_group`). Upvote counts always
count every participant's upvotes, whatever the filter.

Rehearsal participants (``Participant.rehearsal``, the simulated phones of a rehearsal) count
by default: the live pushes show them, which is what a rehearsal is for. The summary and the
exports pass ``include_rehearsal=False`` (their default, docs/exports.md): the reference
computation then leaves out their answers, comments and upvotes, and
:func:`participant_ids_by_group` their ids.

Labels (the yes/no options) are translated in the current Flask-Babel locale.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, case, cast, func, select

from ..extensions import db
from ..labels import YESNO_LABELS
from ..models import Answer, Participant, Question, QuestionSet, StakeholderGroup, Upvote
from ..models.enums import YESNO_VALUES, QuestionKind
from .validation import is_int

#: At most this many words in a ``words`` result (the most frequent).
WORDS_LIMIT = 100


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One stored answer, with what results and comments show of it."""

    id: int
    question_id: int
    participant_id: int
    value: Any
    text: str | None
    hidden: bool
    highlighted: bool
    pseudonym: str
    upvotes: int
    updated_at: datetime

    @property
    def is_comment(self) -> bool:
        """Answers with text are what the room sees as comments."""
        return bool(self.text)

    @classmethod
    def of(cls, answer: Any, pseudonym: str | None, upvotes: int) -> AnswerRow:
        """From an :class:`Answer` or a result row with its columns (a row without ``value`` or
        ``hidden`` — a visible comment read without its value — gets None and False)."""
        return cls(
            id=answer.id,
            question_id=answer.question_id,
            participant_id=answer.participant_id,
            value=getattr(answer, "value", None),
            text=answer.text,
            hidden=getattr(answer, "hidden", False),
            highlighted=answer.highlighted,
            pseudonym=pseudonym or "",
            upvotes=upvotes,
            updated_at=answer.updated_at,
        )


# --- loading ------------------------------------------------------------------------------------


def load_answer_rows(
    question_ids: Collection[int],
    participant_ids: Collection[int] | None = None,
    *,
    include_rehearsal: bool = True,
) -> list[AnswerRow]:
    """The answers to ``question_ids`` (of ``participant_ids`` only, when given; without the
    rehearsal participants' unless ``include_rehearsal``), in two queries, ordered by id."""
    if not question_ids or (participant_ids is not None and not participant_ids):
        return []
    query = (
        select(Answer, Participant.pseudonym)
        .join(Participant, Participant.id == Answer.participant_id)
        .where(Answer.question_id.in_(list(question_ids)))
        .order_by(Answer.id)
    )
    if participant_ids is not None:
        query = query.where(Answer.participant_id.in_(list(participant_ids)))
    if not include_rehearsal:
        query = query.where(Participant.rehearsal.is_(False))
    rows = db.session.execute(query).all()
    counts = upvote_counts(
        [answer.id for answer, _ in rows if answer.text], include_rehearsal=include_rehearsal
    )
    return [AnswerRow.of(answer, pseudonym, counts.get(answer.id, 0)) for answer, pseudonym in rows]


def upvote_counts(answer_ids: Collection[int], *, include_rehearsal: bool = True) -> dict[int, int]:
    """``{answer id: number of upvotes}`` for the given answers (absent: none), one query;
    without the rehearsal participants' upvotes unless ``include_rehearsal``."""
    if not answer_ids:
        return {}
    query = (
        select(Upvote.answer_id, func.count(Upvote.id))
        .where(Upvote.answer_id.in_(list(answer_ids)))
        .group_by(Upvote.answer_id)
    )
    if not include_rehearsal:
        query = query.join(Participant, Participant.id == Upvote.participant_id).where(
            Participant.rehearsal.is_(False)
        )
    return {answer_id: count for answer_id, count in db.session.execute(query)}


def participant_ids_by_group(
    session_id: int, *, include_rehearsal: bool = True
) -> dict[str | None, list[int]]:
    """``{group key (None: no group given): [participant id…]}`` of one session (without the
    rehearsal participants unless ``include_rehearsal``)."""
    query = (
        select(Participant.id, StakeholderGroup.key)
        .outerjoin(StakeholderGroup, StakeholderGroup.id == Participant.group_id)
        .where(Participant.session_id == session_id)
        .order_by(Participant.id)
    )
    if not include_rehearsal:
        query = query.where(Participant.rehearsal.is_(False))
    groups: dict[str | None, list[int]] = defaultdict(list)
    for participant_id, key in db.session.execute(query):
        groups[key].append(participant_id)
    return dict(groups)


# --- whole sets ---------------------------------------------------------------------------------


def set_results(
    question_set: QuestionSet,
    participant_ids: Collection[int] | None = None,
    *,
    include_rehearsal: bool = True,
) -> dict[str, Any]:
    """The ``<results>`` of one set (two queries besides its questions)."""
    return results_by_set([question_set], participant_ids, include_rehearsal=include_rehearsal)[
        question_set.id
    ]


def results_by_set(
    question_sets: Sequence[QuestionSet],
    participant_ids: Collection[int] | None = None,
    *,
    include_rehearsal: bool = True,
) -> dict[int, dict[str, Any]]:
    """``{set id: <results>}`` for several sets, still in two queries."""
    question_ids = [q.id for qs in question_sets for q in qs.questions]
    by_question: dict[int, list[AnswerRow]] = defaultdict(list)
    for row in load_answer_rows(question_ids, participant_ids, include_rehearsal=include_rehearsal):
        by_question[row.question_id].append(row)
    return {
        qs.id: results_of(qs, {q.id: by_question.get(q.id, []) for q in qs.questions})
        for qs in question_sets
    }


def results_of(
    question_set: QuestionSet, rows_by_question: dict[int, Sequence[AnswerRow]]
) -> dict[str, Any]:
    """The ``<results>`` of a set from its rows grouped by question (pure)."""
    respondents = {row.participant_id for rows in rows_by_question.values() for row in rows}
    return {
        "set_id": question_set.id,
        "respondents": len(respondents),
        "questions": [
            question_results(q, rows_by_question.get(q.id, [])) for q in question_set.questions
        ],
    }


# --- one question -------------------------------------------------------------------------------


def question_results(question: Question, rows: Sequence[AnswerRow]) -> dict[str, Any]:
    """The results of one question from its answers (pure).

    ``respondents`` counts the answers whose value fits the question (for ``open``: the answers
    with text). Every kind carries ``comments``: the visible comments, highlighted first, then by
    upvotes, then oldest first.
    """
    if question.kind is QuestionKind.OPEN:
        values: list[Any] = []
        respondents = sum(1 for row in rows if row.is_comment)
    else:
        values = [row.value for row in rows if _fits(question, row.value)]
        respondents = len(values)
    result = question_figures(question, values, respondents)
    result["comments"] = [comment_view(row) for row in sort_comments(rows)]
    return result


def question_figures(question: Question, values: Sequence[Any], respondents: int) -> dict:
    """The figures of one question (without ``comments``) from the values that fit it, one per
    counted answer; ``respondents`` is ``len(values)``, or for ``open`` the answers with text."""
    kind = question.kind
    result: dict[str, Any] = {
        "question_id": question.id,
        "kind": kind.value,
        "respondents": respondents,
    }
    if kind in (QuestionKind.CHOICE, QuestionKind.MULTI):
        result["options"] = _option_counts(question.options, values, respondents)
    elif kind is QuestionKind.YESNO:
        result["options"] = _yesno_counts(values, respondents)
    elif kind is QuestionKind.SCALE:
        result.update(_scale_figures(question, values))
    elif kind is QuestionKind.RANK:
        result["options"] = _average_ranks(question.options, values)
    elif kind is QuestionKind.WORDS:
        result["words"] = word_frequencies(values)
    return result


def percent(count: int, total: int) -> float:
    """``count`` as a percentage of ``total``, one decimal (0.0 when ``total`` is 0)."""
    return round(100.0 * count / total, 1) if total else 0.0


def word_frequencies(values: Iterable[Sequence[str]], limit: int = WORDS_LIMIT) -> list[dict]:
    """``[{"word", "count"}…]``: words lowercased and trimmed, most frequent first, then
    alphabetical; a participant's repeated word counts once."""
    counter: Counter[str] = Counter()
    for words in values:
        counter.update({w.strip().lower() for w in words if w.strip()})
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return [{"word": word, "count": count} for word, count in ranked[:limit]]


# --- comments -----------------------------------------------------------------------------------


def sort_comments(rows: Iterable[AnswerRow], *, with_hidden: bool = False) -> list[AnswerRow]:
    """The comments among ``rows``: highlighted first, then by upvotes, then oldest first;
    hidden ones left out unless ``with_hidden``."""
    comments = [r for r in rows if r.is_comment and (with_hidden or not r.hidden)]
    return sorted(comments, key=lambda r: (not r.highlighted, -r.upvotes, r.id))


def comment_view(
    row: AnswerRow, *, mine: bool | None = None, with_hidden: bool = False
) -> dict[str, Any]:
    """A ``<comment>``; ``mine`` added when given, ``hidden`` when ``with_hidden``."""
    view: dict[str, Any] = {
        "id": row.id,
        "question_id": row.question_id,
        "text": row.text,
        "pseudonym": row.pseudonym,
        "upvotes": row.upvotes,
        "highlighted": row.highlighted,
    }
    if mine is not None:
        view["mine"] = mine
    if with_hidden:
        view["hidden"] = row.hidden
    return view


# --- helpers ------------------------------------------------------------------------------------


def _fits(question: Question, value: Any) -> bool:
    """Whether a stored value counts for the figures of a question other than ``open``
    (defensive: the service validated it, but the question may have been edited since)."""
    kind, n = question.kind, len(question.options or [])
    if kind is QuestionKind.CHOICE:
        return is_int(value) and 0 <= value < n
    if kind is QuestionKind.MULTI:
        return (
            isinstance(value, list) and bool(value) and all(is_int(v) and 0 <= v < n for v in value)
        )
    if kind is QuestionKind.YESNO:
        return value in YESNO_VALUES
    if kind is QuestionKind.SCALE:
        lo, hi = question.scale_min, question.scale_max
        return is_int(value) and lo is not None and hi is not None and lo <= value <= hi
    if kind is QuestionKind.RANK:
        return isinstance(value, list) and sorted(value) == list(range(n))
    if kind is QuestionKind.WORDS:
        return isinstance(value, list) and all(isinstance(w, str) for w in value)
    return False  # open: counted by text, not by value


def _option_counts(options: Sequence[str], values: Sequence[Any], respondents: int) -> list:
    counts: Counter[int] = Counter()
    for value in values:
        counts.update(set(value) if isinstance(value, list) else {value})
    return [
        {"index": i, "label": label, "count": counts[i], "percent": percent(counts[i], respondents)}
        for i, label in enumerate(options)
    ]


def _yesno_counts(values: Sequence[Any], respondents: int) -> list:
    counts = Counter(values)
    return [
        {
            "key": key,
            "label": str(YESNO_LABELS[key]),
            "count": counts[key],
            "percent": percent(counts[key], respondents),
        }
        for key in YESNO_VALUES
    ]


def _scale_figures(question: Question, values: Sequence[int]) -> dict[str, Any]:
    lo, hi = question.scale_min or 0, question.scale_max or 0
    counts = Counter(values)
    return {
        "mean": round(statistics.fmean(values), 2) if values else None,
        "median": round(float(statistics.median(values)), 2) if values else None,
        "distribution": [
            {"value": v, "count": counts[v], "percent": percent(counts[v], len(values))}
            for v in range(lo, hi + 1)
        ],
    }


def _average_ranks(options: Sequence[str], rankings: Sequence[list[int]]) -> list:
    """Each option's average rank (1 = best), best first; ``None`` without answers."""
    totals: Counter[int] = Counter()
    for ranking in rankings:
        for rank, index in enumerate(ranking, start=1):
            totals[index] += rank
    n = len(rankings)
    items = [
        {"index": i, "label": label, "average_rank": round(totals[i] / n, 2) if n else None}
        for i, label in enumerate(options)
    ]
    if n:
        items.sort(key=lambda item: (item["average_rank"], item["index"]))
    return items


# --- aggregated (live pushes) -------------------------------------------------------------------


def aggregated_set_results(
    question_set: QuestionSet, participant_ids: Collection[int] | None = None
) -> dict[str, Any]:
    """The ``<results>`` of one set, equal to :func:`set_results`, by SQL aggregation."""
    return aggregated_results_by_set([question_set], participant_ids)[question_set.id]


def aggregated_results_by_set(
    question_sets: Sequence[QuestionSet], participant_ids: Collection[int] | None = None
) -> dict[int, dict[str, Any]]:
    """``{set id: <results>}`` equal to :func:`results_by_set`, in two queries plus one per set,
    whatever the number of answers:

    * ``question_id, value as text, count(*), answers with text GROUP BY question_id, value``:
      identical stored values (a choice index, a yes/no key, a scale value, the same list for
      multi, rank or words) come back once with their count, decoded and expanded in Python;
      values are compared as stored text, so the SQL is the same on SQLite and PostgreSQL
      (whose ``json`` type has no equality);
    * ``count(DISTINCT participant_id)`` of each set;
    * the visible comments with their upvote counts (a correlated ``count(*)``), in display order.
    """
    question_ids = [q.id for qs in question_sets for q in qs.questions]
    values: dict[int, list[tuple[Any, int]]] = defaultdict(list)
    with_text: Counter[int] = Counter()
    comments: dict[int, list[AnswerRow]] = defaultdict(list)
    respondents: dict[int, int] = {}
    if question_ids and (participant_ids is None or participant_ids):
        for question_id, stored, count, texts in db.session.execute(
            _filtered(_value_counts_query(question_ids), participant_ids)
        ):
            values[question_id].append((_decode(stored), count))
            with_text[question_id] += texts or 0
        for row in visible_comment_rows(question_ids, participant_ids):
            comments[row.question_id].append(row)
        for qs in question_sets:
            ids = [q.id for q in qs.questions]
            respondents[qs.id] = _respondents(ids, participant_ids) if ids else 0
    return {
        qs.id: {
            "set_id": qs.id,
            "respondents": respondents.get(qs.id, 0),
            "questions": [
                _aggregated_question(q, values[q.id], with_text[q.id], comments[q.id])
                for q in qs.questions
            ],
        }
        for qs in question_sets
    }


def _aggregated_question(
    question: Question, value_counts: Sequence[tuple[Any, int]], texts: int, comments: list
) -> dict[str, Any]:
    if question.kind is QuestionKind.OPEN:
        values: list[Any] = []
        respondents = texts
    else:
        values = [v for v, n in value_counts if _fits(question, v) for _ in range(n)]
        respondents = len(values)
    result = question_figures(question, values, respondents)
    result["comments"] = [comment_view(row) for row in comments]
    return result


def _stored_value() -> Any:
    return cast(Answer.value, Text)


def _value_counts_query(question_ids: list[int]) -> Any:
    stored = _stored_value()
    has_text = case((Answer.text != "", 1), else_=0)
    return (
        select(Answer.question_id, stored, func.count(), func.sum(has_text))
        .where(Answer.question_id.in_(question_ids))
        .group_by(Answer.question_id, stored)
    )


def _filtered(query: Any, participant_ids: Collection[int] | None) -> Any:
    if participant_ids is None:
        return query
    return query.where(Answer.participant_id.in_(list(participant_ids)))


def _respondents(question_ids: list[int], participant_ids: Collection[int] | None) -> int:
    query = select(func.count(func.distinct(Answer.participant_id))).where(
        Answer.question_id.in_(question_ids)
    )
    return db.session.scalar(_filtered(query, participant_ids)) or 0


def visible_comment_rows(
    question_ids: list[int], participant_ids: Collection[int] | None = None
) -> list[AnswerRow]:
    """The visible comments (text, not hidden), highlighted first, then by upvotes (everyone's,
    whatever the filter), then oldest first."""
    if not question_ids:
        return []
    upvotes = (
        select(func.count(Upvote.id))
        .where(Upvote.answer_id == Answer.id)
        .correlate(Answer)
        .scalar_subquery()
        .label("upvotes")
    )
    query = (
        select(
            Answer.id,
            Answer.question_id,
            Answer.participant_id,
            Answer.text,
            Answer.highlighted,
            Participant.pseudonym,
            upvotes,
            Answer.updated_at,
        )
        .join(Participant, Participant.id == Answer.participant_id)
        .where(
            Answer.question_id.in_(question_ids),
            Answer.text != "",
            Answer.hidden.is_(False),
        )
        .order_by(Answer.question_id, Answer.highlighted.desc(), upvotes.desc(), Answer.id)
    )
    return [
        AnswerRow.of(row, row.pseudonym, row.upvotes)  # visible, value not read
        for row in db.session.execute(_filtered(query, participant_ids))
    ]


def rehearsal_participant_count(session_id: int) -> int:
    """How many of the session's participants are rehearsal ones (simulated phones)."""
    query = select(func.count(Participant.id)).where(
        Participant.session_id == session_id, Participant.rehearsal.is_(True)
    )
    return db.session.scalar(query) or 0


def _decode(stored: str | None) -> Any:
    """A JSON value as read back through ``CAST(value AS TEXT)`` (SQL NULL: ``None``)."""
    return None if stored is None else json.loads(stored)
