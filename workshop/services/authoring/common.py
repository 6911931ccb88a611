"""What the authoring services share: keys made from titles, refusals, pushes to a live room."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...extensions import db
from ...models import Answer, ConclusionLink, Question, QuestionSet, Session
from ...models.enums import SessionStatus
from ...sessions_files import rules
from ..errors import ServiceError
from ..live import beats
from ..live.control import _publish_agenda, _publish_set
from ..unit import after_commit


def slugify(text: str, maximum: int = rules.MAX_SLUG) -> str:
    """``"Qu’est-ce que le partenariat ?"`` → ``"qu-est-ce-que-le-partenariat"``."""
    text = re.sub(r"[’‘ʼ`´]", "-", text)  # a typographic apostrophe separates words
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:maximum].rstrip("-") or "x"


def unique_key(text: str, taken: Collection[str], maximum: int = rules.MAX_KEY) -> str:
    """A key made from ``text``, not in ``taken`` (``-2``, ``-3``… added when needed)."""
    base = slugify(text, maximum - 4)
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def check_key(value: str, taken: Collection[str], field: str = "key") -> None:
    """A key given by the organiser: the files' rule, and unique in its scope."""
    problem = rules.key(value)
    if problem is None and value in taken:
        problem = rules.duplicate_key(value)
    if problem is not None:
        raise ServiceError("invalid", problem, field=field)


def refuse(code: str, message: str, field: str | None = None) -> ServiceError:
    return ServiceError(code, message, **({"field": field} if field else {}))


def answer_count(question: Question) -> int:
    if question.id is None:
        return 0
    answers = db.session.scalar(
        select(func.count()).select_from(Answer).where(Answer.question_id == question.id)
    )
    links = db.session.scalar(
        select(func.count())
        .select_from(ConclusionLink)
        .where(ConclusionLink.question_id == question.id)
    )
    return (answers or 0) + (links or 0)


def set_answer_count(question_set: QuestionSet) -> int:
    return sum(answer_count(q) for q in question_set.questions)


def publish_agenda(session: Session) -> None:
    """After the commit, when the session is live: the room's agenda at once (the revision
    beat would bring it at the next heartbeat anyway)."""
    if session.status is SessionStatus.LIVE:
        after_commit(_publish_agenda, session)


def publish_set(question_set: QuestionSet) -> None:
    """After the commit, when the session is live: the set at once to every socket, then one
    more revision, so that every client also asks for a fresh snapshot at the next beat (a
    phone redraws a set it already shows only when its state changes: a reworded prompt
    reaches it by the snapshot)."""
    if question_set.session.status is SessionStatus.LIVE:
        after_commit(_publish_set, question_set)
        after_commit(beats.bump, [question_set.session_id])


def get(model: Any, ident: int | None) -> Any:
    """The row of that id, or None (an id the database cannot hold included)."""
    if ident is None or not isinstance(ident, int) or not rules.in_database(ident):
        return None
    return db.session.get(model, ident)


def not_found() -> ServiceError:
    return ServiceError("not_found", _("Cet élément n'existe pas (ou plus)."))
