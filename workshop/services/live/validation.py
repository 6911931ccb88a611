"""Checks of what a participant sends: the value of an answer per question kind, and texts.

Each check raises :class:`ServiceError` with the code of docs/protocol.md, or returns the
normalised value.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from ...models import Question
from ...models.enums import YESNO_VALUES, QuestionKind
from ..errors import ServiceError

#: Markup is refused: an opening tag, a closing tag, a comment or doctype.
HTML_RE = re.compile(r"<[A-Za-z/!]")
MAX_WORD_LENGTH = 40
#: Words per answer when the question sets no ``max_words``.
DEFAULT_MAX_WORDS = 10


def is_int(value: Any) -> bool:
    """A JSON integer (``True``/``False`` are not numbers here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def bad_value(reason: str) -> ServiceError:
    return ServiceError(
        "bad_value", _("Cette réponse ne convient pas à la question."), reason=reason
    )


def check_text(text: str | None, limit: int | None = None) -> str | None:
    """A text stripped of surrounding blanks (``None`` when empty); too long or with markup:
    refused."""
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    limit = limit or current_app.config["MAX_COMMENT_LENGTH"]
    if len(text) > limit:
        raise ServiceError(
            "text_too_long",
            _("Le texte dépasse %(n)d caractères.", n=limit),
            limit=limit,
        )
    if HTML_RE.search(text):
        raise ServiceError("html_not_allowed", _("Le texte ne peut pas contenir de balises HTML."))
    return text


def check_answer(question: Question, value: Any, text: str | None) -> tuple[Any, str | None]:
    """The value and text to store for ``question``, or a refusal."""
    text = check_text(text)
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
    words = [w.strip() for w in value]
    if not 1 <= len(words) <= limit:
        raise bad_value(f"1 to {limit} words")
    if not all(1 <= len(w) <= MAX_WORD_LENGTH for w in words):
        raise bad_value(f"words of 1 to {MAX_WORD_LENGTH} characters")
    if any(HTML_RE.search(w) for w in words):
        raise ServiceError("html_not_allowed", _("Le texte ne peut pas contenir de balises HTML."))
    return words
