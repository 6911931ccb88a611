"""Plain builders shared by the results tests: a set of every kind, participants and answers
written without commit (flushed), and the figures by question kind."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from tests import builders
from workshop.extensions import db
from workshop.models import Answer, Participant

EVERY_KIND = ("choice", "multi", "yesno", "scale", "rank", "words", "open")


def gen_set_of_every_kind(session):
    return builders.gen_question_set(session, kinds=EVERY_KIND)


def participant(session, pseudonym="", group=None):
    p = Participant(session_id=session.id, token=f"tok-{secrets.token_hex(8)}", pseudonym=pseudonym)
    if group is not None:
        p.group_id = next(g.id for g in session.stakeholder_groups if g.key == group)
    db.session.add(p)
    db.session.flush()
    return p


def answer(p, question, value=None, text=None, **kw):
    a = Answer(
        participant_id=p.id,
        question_id=question.id,
        client_id="c" * 8,
        value=value,
        text=text,
        **kw,
    )
    db.session.add(a)
    db.session.flush()
    return a


def by_kind(result):
    return {q["kind"]: q for q in result["questions"]}


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements the database receives inside the block (in order)."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
