"""What every phone of a session is shown of the room, computed once per change.

A phone's snapshot is mostly the same for every phone of the session: the session, its
stakeholder groups, the agenda, the open set with its questions, the conclusion put to the room
(or the last one put).
At 2,000 phones connecting in a minute, building that from the ORM for each of them was most of
the server's work (docs/performance.md). It is computed once per process per
``(session id, Session.live_revision, locale, join URL base)`` and kept in a small cache.

``live_revision`` is bumped in the transaction of any change to those rows, whichever process
makes it (models/revision.py), so a cached view is served only while the database says nothing
it shows has changed: every snapshot reads the revision (one indexed row) first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from flask import current_app, has_request_context, request
from flask_babel import get_locale
from sqlalchemy import bindparam, select

from ...extensions import db
from ...models import Session
from . import endorsements
from .views import agenda_view, groups_view, session_view, set_view

#: Views kept per process (sessions × locales × URL bases); a session live at once is a handful.
CACHE_SIZE = 64

_cache: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_lock = threading.Lock()


_REVISION = select(Session.__table__.c.live_revision).where(
    Session.__table__.c.id == bindparam("id")
)


def revision(session_id: int) -> int | None:
    """The session's ``live_revision``, or None when it no longer exists."""
    return db.session.connection().execute(_REVISION, {"id": session_id}).scalar()


def room_view(session_id: int, known_revision: int | None = None) -> dict[str, Any]:
    """``{"session", "groups", "agenda", "open_set", "conclusion", "open_question_ids"}``
    (shared, never to be modified by the caller) as of ``known_revision`` — read by the caller
    in the transaction that accepted the socket, before it joined its rooms, so that any later
    change reaches it as a broadcast — or as of now. LookupError for an unknown id."""
    current = revision(session_id) if known_revision is None else known_revision
    if current is None:
        raise LookupError(session_id)
    key = (session_id, current, str(get_locale() or ""), _url_base(), str(db.engine.url))
    with _lock:
        view = _cache.get(key)
        if view is not None:
            _cache.move_to_end(key)
            return view
    view = _compute(session_id)
    with _lock:
        _cache[key] = view
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return view


def clear() -> None:
    """Forget every cached view (tests that rebuild a database under the same URL)."""
    with _lock:
        _cache.clear()


def _url_base() -> str:
    if current_app.config.get("PUBLIC_URL"):
        return ""
    return request.host_url if has_request_context() else ""


def _compute(session_id: int) -> dict[str, Any]:
    from .snapshots import current_set

    session = db.session.get(Session, session_id)
    if session is None:
        raise LookupError(session_id)
    open_set = current_set(session)
    conclusion = endorsements.last_put_conclusion(session_id)
    return {
        "session": session_view(session),
        "groups": groups_view(session),
        "agenda": agenda_view(session),
        "open_set": set_view(open_set) if open_set else None,
        "conclusion": endorsements.conclusion_view(conclusion) if conclusion else None,
        "open_question_ids": [q.id for q in open_set.questions] if open_set else [],
    }
