"""Question sets and their questions, every kind; what has answers is never silently changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from ...extensions import db
from ...models import Question, QuestionSet, Session
from ...models.enums import QuestionKind, SetState
from ...sessions_files import rules
from .. import activity
from ..errors import ServiceError
from ..unit import transaction
from .common import (
    answer_count,
    check_key,
    publish_agenda,
    publish_set,
    set_answer_count,
    unique_key,
)
from .sessions import Actor, copy_question, copy_set

# --- sets --------------------------------------------------------------------------------------


@dataclass
class SetFields:
    title: str
    key: str = ""  # empty: made from the title
    introduction: str = ""


def _set_key(session: Session, fields: SetFields, but: QuestionSet | None = None) -> str:
    taken = {s.key for s in session.question_sets if s is not but}
    if not fields.key:
        if but is not None:
            return but.key
        return unique_key(fields.title, taken)
    check_key(fields.key, taken)
    return fields.key


def create_set(session: Session, fields: SetFields, *, by: Actor) -> QuestionSet:
    with transaction():
        position = 1 + max((s.position for s in session.question_sets), default=-1)
        qset = QuestionSet(
            key=_set_key(session, fields),
            position=position,
            title=fields.title,
            introduction=fields.introduction,
        )
        session.question_sets.append(qset)
        activity.record("set.created", by=by, session=session, detail=qset.title)
    return qset


def update_set(qset: QuestionSet, fields: SetFields, *, by: Actor) -> QuestionSet:
    with transaction():
        qset.key = _set_key(qset.session, fields, but=qset)
        qset.title, qset.introduction = fields.title, fields.introduction
        activity.record("set.changed", by=by, session=qset.session, detail=qset.title)
        publish_set(qset)
    return qset


def duplicate_set(qset: QuestionSet, *, by: Actor) -> QuestionSet:
    """A ready copy of the set and its questions, at the end of the session's sets."""
    session = qset.session
    with transaction():
        taken = {s.key for s in session.question_sets}
        position = 1 + max(s.position for s in session.question_sets)
        title = _("%(title)s (copie)", title=qset.title)[: rules.LENGTHS["set_title"]]
        copy = copy_set(qset, unique_key(f"{qset.key}-copie", taken), title, position)
        session.question_sets.append(copy)
        activity.record("set.copied", by=by, session=session, detail=qset.title)
    return copy


def move_set(qset: QuestionSet, offset: int, *, by: Actor) -> QuestionSet:
    sets = sorted(qset.session.question_sets, key=lambda s: s.position)
    _reorder(sets, qset, offset)
    with transaction():
        activity.record("set.moved", by=by, session=qset.session, detail=qset.title)
    return qset


def _reorder(items: list, item: object, offset: int) -> bool:
    """Move ``item`` one place up (-1) or down (+1) in ``items``; renumber positions."""
    index = items.index(item)
    other = index + (1 if offset > 0 else -1)
    if not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        each.position = position  # type: ignore[attr-defined]
    return True


def remove_set(qset: QuestionSet, *, by: Actor) -> None:
    held = set_answer_count(qset)
    if held or qset.state is not SetState.READY:
        raise ServiceError(
            "has_answers",
            _(
                "Cette série a déjà été ouverte ou a des réponses (%(num)d) : elle ne peut plus "
                "être supprimée, pour ne rien perdre de ce que les participants ont répondu.",
                num=held,
            ),
        )
    session = qset.session
    with transaction():
        for item in session.agenda:
            if item.question_set is qset:
                item.question_set = None
        session.question_sets.remove(qset)
        activity.record("set.deleted", by=by, session=session, detail=qset.title)
        publish_agenda(session)


# --- questions ---------------------------------------------------------------------------------


@dataclass
class QuestionFields:
    prompt: str
    kind: str
    key: str = ""  # empty: made from the prompt
    options: list[str] = field(default_factory=list)
    scale_min: int | None = None
    scale_max: int | None = None
    min_label: str = ""
    max_label: str = ""
    max_choices: int | None = None
    max_words: int | None = None
    max_length: int | None = None
    allow_comment: bool = False


def check_question(fields: QuestionFields) -> dict[str, str]:
    """The problems of a question's values (field → message), by the session files' rules."""
    problems: dict[str, str] = {}

    def put(name: str, message: str | None) -> None:
        if message is not None:
            problems.setdefault(name, message)

    put("prompt", rules.required(fields.prompt))
    put("kind", rules.question_kind(fields.kind))
    if fields.key:
        put("key", rules.key(fields.key))
    kind = fields.kind
    if kind in rules.OPTION_KINDS:
        each, whole = rules.options(fields.options, kind)
        for index, message in each:
            put("options", _("option %(num)d : %(message)s", num=index + 1, message=message))
        put("options", whole)
    if kind == "scale":
        low, high = _scale(fields)
        put("min_label", rules.length(fields.min_label, rules.LENGTHS["label"]))
        put("max_label", rules.length(fields.max_label, rules.LENGTHS["label"]))
        put("scale_max", rules.scale(low, high))
    if kind == "multi" and fields.max_choices is not None:
        put("max_choices", rules.max_choices(fields.max_choices, len(fields.options)))
    if kind == "words" and fields.max_words is not None:
        put("max_words", rules.max_words(fields.max_words))
    if kind == "open" and fields.max_length is not None:
        put("max_length", rules.max_length(fields.max_length))
    if kind == "open" and fields.allow_comment:
        put("allow_comment", rules.open_comment())
    return problems


def _scale(fields: QuestionFields) -> tuple[int, int]:
    low = rules.DEFAULT_SCALE[0] if fields.scale_min is None else fields.scale_min
    high = rules.DEFAULT_SCALE[1] if fields.scale_max is None else fields.scale_max
    return low, high


def _values(fields: QuestionFields) -> dict:
    """The columns, as a file of this kind would load them (settings of other kinds cleared)."""
    kind = fields.kind
    low, high = _scale(fields)
    return {
        "prompt": fields.prompt,
        "kind": QuestionKind(kind),
        "options": list(fields.options) if kind in rules.OPTION_KINDS else [],
        "scale_min": low if kind == "scale" else None,
        "scale_max": high if kind == "scale" else None,
        "min_label": fields.min_label if kind == "scale" else "",
        "max_label": fields.max_label if kind == "scale" else "",
        "max_choices": fields.max_choices if kind == "multi" else None,
        "max_words": (
            (rules.DEFAULT_MAX_WORDS if fields.max_words is None else fields.max_words)
            if kind == "words"
            else None
        ),
        "max_length": fields.max_length if kind == "open" else None,
        "allow_comment": fields.allow_comment and kind != "open",
    }


def _check(fields: QuestionFields) -> None:
    problems = check_question(fields)
    if problems:
        name, message = next(iter(problems.items()))
        raise ServiceError("invalid", message, field=name)


def _question_key(qset: QuestionSet, fields: QuestionFields, but: Question | None = None) -> str:
    taken = {q.key for q in qset.questions if q is not but}
    if not fields.key:
        return but.key if but is not None else unique_key(fields.prompt, taken)
    check_key(fields.key, taken)
    return fields.key


def add_question(qset: QuestionSet, fields: QuestionFields, *, by: Actor) -> Question:
    if qset.state is not SetState.READY:
        raise ServiceError(
            "set_opened",
            _(
                "Cette série a déjà été ouverte dans la salle : ajoutez la question à une "
                "autre série (ou dupliquez celle-ci)."
            ),
        )
    _check(fields)
    with transaction():
        position = 1 + max((q.position for q in qset.questions), default=-1)
        question = Question(key=_question_key(qset, fields), position=position, **_values(fields))
        qset.questions.append(question)
        activity.record("question.created", by=by, session=qset.session, detail=question.key)
        publish_set(qset)
    return question


def _answered_change(question: Question, values: dict, held: int) -> str | None:
    """Why this change may not be made to a question with ``held`` answers, if it may not."""
    if values["kind"] is not question.kind:
        return _("le type ne peut plus changer")
    old = list(question.options or [])
    if values["options"][: len(old)] != old:
        return _("les options ne peuvent plus être modifiées ni retirées (seulement ajoutées)")
    if (values["scale_min"], values["scale_max"]) != (question.scale_min, question.scale_max):
        return _("les bornes de l'échelle ne peuvent plus changer")
    if values["max_choices"] != question.max_choices:
        return _("le nombre maximum de choix ne peut plus changer")
    return None


def update_question(question: Question, fields: QuestionFields, *, by: Actor) -> Question:
    """Any change to a question without answers; to one with answers, rewording and added
    options only (what people answered never changes under them)."""
    _check(fields)
    values = _values(fields)
    held = answer_count(question)
    if held:
        reason = _answered_change(question, values, held)
        if reason is not None:
            raise ServiceError(
                "has_answers",
                ngettext(
                    "Cette question a déjà %(num)d réponse : %(reason)s.",
                    "Cette question a déjà %(num)d réponses : %(reason)s.",
                    held,
                    reason=reason,
                ),
                field="options" if "option" in reason else "kind",
            )
    qset = question.question_set
    with transaction():
        question.key = _question_key(qset, fields, but=question)
        for name, value in values.items():
            setattr(question, name, value)
        activity.record("question.changed", by=by, session=qset.session, detail=question.key)
        publish_set(qset)
    return question


def _refuse_answered(question: Question, what: str) -> None:
    held = answer_count(question)
    if held:
        raise ServiceError(
            "has_answers",
            ngettext(
                "Cette question a déjà %(num)d réponse : elle ne peut pas être %(what)s.",
                "Cette question a déjà %(num)d réponses : elle ne peut pas être %(what)s.",
                held,
                what=what,
            ),
        )


def remove_question(question: Question, *, by: Actor) -> None:
    _refuse_answered(question, _("supprimée"))
    qset = question.question_set
    with transaction():
        if qset.focus_question_id == question.id:
            qset.focus_question_id = None
        qset.questions.remove(question)
        for position, other in enumerate(qset.questions):
            other.position = position
        activity.record("question.deleted", by=by, session=qset.session, detail=question.key)
        publish_set(qset)


def move_question(question: Question, offset: int, *, by: Actor) -> Question:
    qset = question.question_set
    items = sorted(qset.questions, key=lambda q: q.position)
    with transaction():
        if _reorder(items, question, offset):
            activity.record("question.moved", by=by, session=qset.session, detail=question.key)
            publish_set(qset)
    return question


def move_question_to(question: Question, target: QuestionSet, *, by: Actor) -> Question:
    """Move a question (without answers) to another set of the same session, at its end; its
    key changes only if the target set already uses it."""
    source = question.question_set
    if target.session_id != source.session_id:
        raise ServiceError("invalid", _("Cette série n'est pas de cet atelier."), field="target")
    if target is source:
        return question
    _refuse_answered(question, _("déplacée"))
    if target.state is not SetState.READY:
        raise ServiceError(
            "set_opened", _("La série choisie a déjà été ouverte dans la salle."), field="target"
        )
    with transaction():
        if source.focus_question_id == question.id:
            source.focus_question_id = None
        moved = copy_question(
            question,
            key=unique_key(question.key, {q.key for q in target.questions}),
            position=1 + max((q.position for q in target.questions), default=-1),
        )
        source.questions.remove(question)
        for position, other in enumerate(source.questions):
            other.position = position
        target.questions.append(moved)
        db.session.flush()
        activity.record(
            "question.moved", by=by, session=source.session, detail=f"{source.key} → {target.key}"
        )
        publish_set(source)
        publish_set(target)
    return moved
