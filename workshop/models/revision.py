"""``Session.live_revision``: one number that changes whenever what the room sees changes.

Every flush that adds, changes or deletes a session, one of its agenda items, speakers,
stakeholder groups, question sets, questions or conclusions bumps the revision of the sessions
concerned, in the same transaction (a Core ``UPDATE``, so it does not dirty the ORM objects).
Whatever reads the revision in a later transaction knows whether a view it computed earlier
(the shared part of a phone's snapshot: services/live/room.py) is still current, on every server
process sharing the database.

Answers, upvotes, endorsements, participants and live connections do not bump it: they change
all the time and are not part of that shared view. The services change the tracked tables only
through the ORM (no bulk ``UPDATE`` of them), which is what lets one flush hook see every change.

The hook also notes, in the database session's ``info`` under :data:`REVISIONS_KEY`, each
bumped session's revision before the transaction and after it (``{session id: (base, rev)}``):
once the transaction is committed and its pushes sent, the clients are told they are at ``rev``
(services/unit.py, the ``rev`` event of docs/protocol.md), and a client that was not at ``base``
knows it missed something and asks for a fresh snapshot.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session as OrmSession

from .conclusions import Conclusion
from .questions import Question, QuestionSet
from .session import AgendaItem, Session, Speaker, StakeholderGroup

#: ``db.session.info`` key: ``{session id: (revision before, revision after)}`` of the sessions
#: bumped in the current transaction (read and cleared by services/unit.py).
REVISIONS_KEY = "workshop.revisions"

#: The session and the models whose rows carry ``session_id``.
_TRACKED = (Session, AgendaItem, Speaker, StakeholderGroup, QuestionSet, Conclusion)


def _session_id(obj: Any) -> int | None:
    if isinstance(obj, Session):
        return obj.id
    session_id = obj.session_id
    if session_id is None and "session" in obj.__dict__ and obj.session is not None:
        session_id = obj.session.id  # attached through the relationship, not flushed yet
    return session_id


@event.listens_for(OrmSession, "before_flush")
def bump_revisions(orm_session: OrmSession, flush_context: Any, instances: Any) -> None:
    session_ids: set[int] = set()
    set_ids: set[int] = set()
    changed = [obj for obj in orm_session.dirty if orm_session.is_modified(obj)]
    for obj in (*orm_session.new, *changed, *orm_session.deleted):
        if isinstance(obj, _TRACKED):
            session_id = _session_id(obj)
            if session_id is not None:
                session_ids.add(session_id)
        elif isinstance(obj, Question):
            set_id = obj.question_set_id
            if set_id is None and "question_set" in obj.__dict__ and obj.question_set is not None:
                set_id = obj.question_set.id
            if set_id is not None:
                set_ids.add(set_id)
    if not session_ids and not set_ids:
        return
    table = Session.__table__
    condition = table.c.id.in_(session_ids)
    if set_ids:
        owners = select(QuestionSet.__table__.c.session_id).where(
            QuestionSet.__table__.c.id.in_(set_ids)
        )
        condition = condition | table.c.id.in_(owners)
    bumped = orm_session.connection().execute(
        update(table)
        .where(condition)
        .values(live_revision=table.c.live_revision + 1)
        .returning(table.c.id, table.c.live_revision)
    )
    seen = orm_session.info.setdefault(REVISIONS_KEY, {})
    for session_id, revision in bumped:
        base = seen[session_id][0] if session_id in seen else revision - 1
        seen[session_id] = (base, revision)
