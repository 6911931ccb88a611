"""The value of an answer, checked against its question's kind (choice, multi, yes/no, scale,
rank, words, open), with its text (services/validation.py).

Each check raises :class:`ServiceError` with the code of docs/protocol.md, or returns the
normalised value.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _

from ...models import Question
from ...models.enums import YESNO_VALUES, QuestionKind
from ..errors import ServiceError
from ..validation import check_text, has_markup, is_int, markup_refused, without_controls

#: Words per answer when the question sets no ``max_words``.
DEFAULT_MAX_WORDS = 10


def bad_value(reason: str) -> ServiceError:
    return ServiceError(
        "bad_value", _("Cette réponse ne convient pas à la question."), reason=reason
    )


def check_answer(question: Question, value: Any, text: str | None) -> tuple[Any, str | None]:
    """The value and text to store for ``question``, or a refusal."""
    text = check_text(text, current_app.config["MAX_COMMENT_LENGTH"])
    if question.kind is QuestionKind.OPEN:
        if value is not None:
            raise bad_value("value must be null on an open question")
        if text is None:
            raise ServiceError("text_required", _("Écrivez votre réponse."))
        return None, text
    if text is not None and not question.allow_comment:
        raise ServiceError("comment_not_allowed", _("Cette question n'accepte pas de commentaire."))
    return check_value(question, value), text


def check_value(question: Question, value: Any) -> Any:
    """The value for a question of any kind but ``open``."""
    kind, n = question.kind, len(question.options or [])
    if kind is QuestionKind.CHOICE:
        if not (is_int(value) and 0 <= value < n):
            raise bad_value(f"an option index from 0 to {n - 1}")
        return value
    if kind is QuestionKind.MULTI:
        return _check_multi(value, n, question.max_choices)
    if kind is QuestionKind.YESNO:
        if value not in YESNO_VALUES:
            raise bad_value('"yes", "no" or "dontknow"')
        return value
    if kind is QuestionKind.SCALE:
        lo, hi = question.scale_min, question.scale_max
        if not (is_int(value) and lo is not None and hi is not None and lo <= value <= hi):
            raise bad_value(f"an integer from {lo} to {hi}")
        return value
    if kind is QuestionKind.RANK:
        if not (isinstance(value, list) and all(is_int(v) for v in value)):
            raise bad_value("a list of option indexes")
        if sorted(value) != list(range(n)):
            raise bad_value(f"a permutation of the option indexes 0 to {n - 1}")
        return value
    return _check_words(value, question.max_words or DEFAULT_MAX_WORDS)


def _check_multi(value: Any, n: int, max_choices: int | None) -> list[int]:
    limit = max_choices or n
    if not (isinstance(value, list) and all(is_int(v) and 0 <= v < n for v in value)):
        raise bad_value(f"a list of option indexes from 0 to {n - 1}")
    if len(set(value)) != len(value):
        raise bad_value("distinct option indexes")
    if not 1 <= len(value) <= limit:
        raise bad_value(f"1 to {limit} options")
    return value


def _check_words(value: Any, limit: int) -> list[str]:
    if not (isinstance(value, list) and all(isinstance(w, str) for w in value)):
        raise bad_value("a list of words")
    words = [without_controls(w, multiline=False).strip() for w in value]
    if not 1 <= len(words) <= limit:
        raise bad_value(f"1 to {limit} words")
    longest = current_app.config["MAX_WORD_LENGTH"]
    if not all(1 <= len(w) <= longest for w in words):
        raise bad_value(f"words of 1 to {longest} characters")
    if any(has_markup(w) for w in words):
        raise markup_refused()
    return words
