"""The floor: requests from phones (and from the room, through the facilitator), the queue, and
each turn's speaking time (docs/protocol.md, « The floor »).

Every function is one unit of work: it validates, writes, commits once and marks the session's
``floor`` push (coalesced: at most one per session every ``RESULTS_PUSH_INTERVAL`` per process;
the console's acks carry the new view at once). The facilitator's actions are logged with the
request's number, never a name (a participant's words).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import AgendaItem, FloorRequest, Session, StakeholderGroup
from ...models.enums import FloorState
from .. import activity, runtime_state
from ..broadcast import emit, session_room
from ..errors import ServiceError
from ..unit import after_commit, transaction
from ..validation import check_text
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

#: Requests for the floor one participant may make in a minute.
REQUESTS_PER_MINUTE = 6
#: A turn's limit, when there is one (seconds).
LIMIT_MIN_S, LIMIT_MAX_S = 30, 3600
#: Tries when two requests take the same number at once (PostgreSQL, two processes).
_NUMBER_TRIES = 3

ACTIVE = (FloorState.WAITING, FloorState.SPEAKING)


# --- reading ------------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def limit_of(session: Session) -> int | None:
    """The limit of a turn now: the current item's, else the session's (None: no limit)."""
    item = session.current_item
    limit = item.floor_limit_s if item is not None and item.floor_limit_s is not None else None
    if limit is None:
        limit = session.floor_limit_s
    return limit or None


def request_view(request: FloorRequest, groups: dict[int, str]) -> dict[str, Any]:
    return {
        "id": request.id,
        "number": request.number,
        "name": request.name,
        "group": groups.get(request.group_id) if request.group_id else None,
        "state": request.state.value,
        "from_room": request.participant_id is None,
        "requested_at": iso(request.requested_at),
        "started_at": iso(request.started_at),
    }


def _groups(session_id: int) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(StakeholderGroup.id, StakeholderGroup.key)
        .where(StakeholderGroup.session_id == session_id)
        .order_by(StakeholderGroup.position)
    )
    return [(row.id, row.key) for row in rows]


def _waiting(session_id: int) -> list[FloorRequest]:
    return list(
        db.session.scalars(
            select(FloorRequest)
            .where(FloorRequest.session_id == session_id, FloorRequest.state == FloorState.WAITING)
            .order_by(FloorRequest.rank, FloorRequest.number)
        )
    )


def _speaking(session_id: int) -> FloorRequest | None:
    return db.session.scalar(
        select(FloorRequest).where(
            FloorRequest.session_id == session_id, FloorRequest.state == FloorState.SPEAKING
        )
    )


def elapsed(request: FloorRequest, now: datetime) -> float:
    if request.started_at is None:
        return 0.0
    return max(0.0, (now - request.started_at).total_seconds())


def floor_view(
    session_id: int, now: datetime | None = None, settings: Settings | None = None
) -> dict[str, Any]:
    """``<floor>`` as of ``now`` (docs/protocol.md). Four light queries (every phone's snapshot
    makes one): the settings (unless given), the groups, the requests waiting or under way, the
    ended turns' totals."""
    now = now or _now()
    settings = settings or settings_of(session_id)
    group_rows = _groups(session_id)
    groups = dict(group_rows)
    active = list(
        db.session.scalars(
            select(FloorRequest)
            .where(FloorRequest.session_id == session_id, FloorRequest.state.in_(ACTIVE))
            .order_by(FloorRequest.rank, FloorRequest.number)
        )
    )
    speaking = next((r for r in active if r.state is FloorState.SPEAKING), None)
    waiting = [r for r in active if r.state is FloorState.WAITING]
    totals: dict[int | None, list[float]] = {gid: [0, 0.0] for gid, _key in group_rows}
    done = db.session.execute(
        select(
            FloorRequest.group_id, func.count(), func.coalesce(func.sum(FloorRequest.duration_s), 0)
        )
        .where(FloorRequest.session_id == session_id, FloorRequest.state == FloorState.DONE)
        .group_by(FloorRequest.group_id)
    )
    for group_id, turns, seconds in done:
        entry = totals.setdefault(group_id if group_id in groups else None, [0, 0.0])
        entry[0] += turns
        entry[1] += seconds
    speaking_view = None
    if speaking is not None:
        run = elapsed(speaking, now)
        entry = totals.setdefault(
            speaking.group_id if speaking.group_id in groups else None, [0, 0.0]
        )
        entry[0] += 1
        entry[1] += run
        speaking_view = {**request_view(speaking, groups), "elapsed_s": round(run, 1)}
    order = [gid for gid, _key in group_rows] + ([None] if None in totals else [])
    return {
        "limit_s": settings.limit_s,
        "default_limit_s": settings.floor_limit_s or None,
        "item_limit_s": settings.item_limit_s if settings.has_item else None,
        "speaking": speaking_view,
        "queue": [request_view(r, groups) for r in waiting],
        "totals": [
            {
                "group": groups.get(gid) if gid is not None else None,
                "turns": int(totals[gid][0]),
                "seconds": int(round(totals[gid][1])),
            }
            for gid in order
        ],
    }


def _active(session_id: int, participant_id: int) -> FloorRequest | None:
    """The participant's request waiting or under way (at most one), else None."""
    return db.session.scalar(
        select(FloorRequest).where(
            FloorRequest.session_id == session_id,
            FloorRequest.participant_id == participant_id,
            FloorRequest.state.in_(ACTIVE),
        )
    )


def floor_mine(session_id: int, participant_id: int | None) -> int | None:
    """The id of the participant's request waiting or under way, else None."""
    request = _active(session_id, participant_id) if participant_id else None
    return request.id if request is not None else None


def _place(session_id: int, request: FloorRequest) -> int:
    if request.state is FloorState.SPEAKING:
        return 0
    if request.state is not FloorState.WAITING:
        return -1
    ids = [r.id for r in _waiting(session_id)]
    return ids.index(request.id) + 1 if request.id in ids else -1


# --- publishing ---------------------------------------------------------------------------------


def _mark(session_id: int) -> None:
    runtime_state.current().floor.mark(session_id)


def push_floor(session_id: int, changes: dict | None = None) -> None:
    """The coalesced push: ``floor`` to the whole session, read now."""
    if db.session.get(Session, session_id) is None:
        return
    emit("floor", floor_view(session_id), session_room(session_id))


# --- phones -------------------------------------------------------------------------------------


def _next_number(session_id: int) -> int:
    top = db.session.scalar(
        select(func.max(FloorRequest.number)).where(FloorRequest.session_id == session_id)
    )
    return (top or 0) + 1


def _add(session: Session, **fields: Any) -> FloorRequest:
    number = _next_number(session.id)
    top = db.session.scalar(
        select(func.max(FloorRequest.rank)).where(
            FloorRequest.session_id == session.id, FloorRequest.state == FloorState.WAITING
        )
    )
    item = session.current_item
    request = FloorRequest(
        session_id=session.id,
        number=number,
        rank=float(max(top or 0.0, 0.0) + 1),
        agenda_item_id=item.id if item else None,
        requested_at=_now(),
        **fields,
    )
    db.session.add(request)
    db.session.flush()
    return request


def _retrying(fn: Any) -> Any:
    """``fn()`` again when its number was taken by a concurrent request (unique constraint)."""
    for _attempt in range(_NUMBER_TRIES - 1):
        try:
            return fn()
        except IntegrityError:
            continue
    return fn()


def _name(raw: Any, *, required: bool = False) -> str:
    limit = current_app.config["MAX_PSEUDONYM_LENGTH"]
    return check_text(raw, limit, required=required, multiline=False) or ""


def request_floor(session_id: int, participant_id: int | None, name: Any = None) -> dict[str, Any]:
    """A phone asks for the floor; its request waiting or under way if it has one already (a
    new ``name`` replaces a waiting one's). ``{"request", "place"}``."""
    clean = _name(name)

    def run() -> dict[str, Any]:
        with transaction():
            session = live_session(session_id)
            participant = participant_of(session_id, participant_id)
            existing = _active(session_id, participant.id)
            if existing is not None:
                if clean and existing.state is FloorState.WAITING and existing.name != clean:
                    existing.name = clean
                    after_commit(_mark, session_id)
                request = existing
            else:
                check_rate(
                    FloorRequest, FloorRequest.requested_at, participant.id, REQUESTS_PER_MINUTE
                )
                request = _add(
                    session,
                    participant_id=participant.id,
                    name=clean or participant.pseudonym or "",
                    group_id=participant.group_id,
                )
                after_commit(_mark, session_id)
            groups = dict(_groups(session_id))
            return {"request": request_view(request, groups), "place": _place(session_id, request)}

    return _retrying(run)


def withdraw_floor(session_id: int, participant_id: int | None) -> dict[str, Any]:
    """A phone withdraws its waiting request, or ends its own turn. ``{"request": … | null}``."""
    with transaction():
        participant = participant_of(session_id, participant_id)
        request = _active(session_id, participant.id)
        if request is None:
            return {"request": None}
        session = session_of(session_id)
        if request.state is FloorState.SPEAKING:
            _end(session, request, _now())
        else:
            request.state = FloorState.WITHDRAWN
            request.ended_at = _now()
        after_commit(_mark, session_id)
        return {"request": request_view(request, dict(_groups(session_id)))}


# --- the console --------------------------------------------------------------------------------


def _log(action: str, session: Session, request: FloorRequest, by: Actor) -> None:
    activity.record(action, by=by, session=session, detail=f"n° {request.number}")


def _request(session_id: int, request_id: Any) -> FloorRequest:
    request = db.session.get(FloorRequest, request_id) if isinstance(request_id, int) else None
    if request is None or request.session_id != session_id:
        raise ServiceError("unknown_request", _("Cette demande de parole n'existe pas."))
    return request


def _waiting_request(session_id: int, request_id: Any) -> FloorRequest:
    request = _request(session_id, request_id)
    if request.state is not FloorState.WAITING:
        raise ServiceError("not_waiting", _("Cette personne n'est plus dans la file."))
    return request


def _end(session: Session, request: FloorRequest, now: datetime) -> None:
    request.state = FloorState.DONE
    request.ended_at = now
    request.duration_s = int(round(elapsed(request, now)))
    request.limit_s = limit_of(session)


def _done(session_id: int) -> dict[str, Any]:
    after_commit(_mark, session_id)
    return {"floor": floor_view(session_id)}


def add_to_floor(
    session_id: int, name: Any, group: Any = None, *, by: Actor = None
) -> dict[str, Any]:
    """The facilitator adds someone of the room without a phone to the queue (a name and a
    stakeholder group's key, or None). ``{"request", "floor"}``."""
    clean = _name(name, required=True)
    if group is not None and not isinstance(group, str):
        raise ServiceError("bad_payload", _("Groupe invalide."), field="group")

    def run() -> dict[str, Any]:
        with transaction():
            session = session_of(session_id)
            group_id = None
            if group:
                group_id = db.session.scalar(
                    select(StakeholderGroup.id).where(
                        StakeholderGroup.session_id == session_id, StakeholderGroup.key == group
                    )
                )
                if group_id is None:
                    raise ServiceError("unknown_group", _("Ce groupe n'existe pas."))
            request = _add(session, participant_id=None, name=clean, group_id=group_id)
            _log("floor.added", session, request, by)
            groups = dict(_groups(session_id))
            return {"request": request_view(request, groups), **_done(session_id)}

    return _retrying(run)


def give_floor(session_id: int, request_id: Any = None, *, by: Actor = None) -> dict[str, Any]:
    """Give the floor to a waiting request (None: the first of the queue); the turn under way,
    if any, ends."""
    with transaction():
        session = session_of(session_id)
        if request_id is None:
            queue = _waiting(session_id)
            if not queue:
                raise ServiceError("queue_empty", _("Personne n'attend la parole."))
            request = queue[0]
        else:
            request = _waiting_request(session_id, request_id)
        now = _now()
        current = _speaking(session_id)
        if current is not None:
            _end(session, current, now)
            _log("floor.ended", session, current, by)
            db.session.flush()  # one speaker at a time
        item = session.current_item
        request.state = FloorState.SPEAKING
        request.started_at = now
        request.agenda_item_id = item.id if item else request.agenda_item_id
        _log("floor.given", session, request, by)
        return _done(session_id)


def end_turn(session_id: int, *, by: Actor = None) -> dict[str, Any]:
    """End the turn under way (none: nothing changes)."""
    with transaction():
        session = session_of(session_id)
        current = _speaking(session_id)
        if current is None:
            return {"floor": floor_view(session_id)}
        _end(session, current, _now())
        _log("floor.ended", session, current, by)
        return _done(session_id)


def remove_request(session_id: int, request_id: Any, *, by: Actor = None) -> dict[str, Any]:
    """Take a waiting request off the queue."""
    with transaction():
        session = session_of(session_id)
        request = _waiting_request(session_id, request_id)
        request.state = FloorState.REMOVED
        request.ended_at = _now()
        _log("floor.removed", session, request, by)
        return _done(session_id)


def move_request(
    session_id: int, request_id: Any, direction: str, *, by: Actor = None
) -> dict[str, Any]:
    """Swap a waiting request with its neighbour (``up``: the one before it)."""
    if direction not in ("up", "down"):
        raise ServiceError(
            "bad_payload", _("Sens inconnu : « up » ou « down »."), field="direction"
        )
    with transaction():
        session = session_of(session_id)
        request = _waiting_request(session_id, request_id)
        queue = _waiting(session_id)
        index = queue.index(request)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(queue):
            return {"floor": floor_view(session_id)}
        neighbour = queue[other]
        # Distinct ranks, in the queue's order, then swapped.
        for position, entry in enumerate(queue):
            entry.rank = float(position + 1)
        request.rank, neighbour.rank = neighbour.rank, request.rank
        _log("floor.moved", session, request, by)
        return _done(session_id)


def floor_settings(
    session_id: int, limit_s: Any, position: Any = None, *, by: Actor = None
) -> dict[str, Any]:
    """The limit of a turn: for the session (``position`` None; 0 or None: no limit), or for the
    agenda item at ``position`` (None: the session's; 0: no limit)."""
    if limit_s is not None and (
        not isinstance(limit_s, int)
        or isinstance(limit_s, bool)
        or not (limit_s == 0 or LIMIT_MIN_S <= limit_s <= LIMIT_MAX_S)
    ):
        raise ServiceError(
            "bad_payload",
            _(
                "0 (pas de limite) ou de %(min)d à %(max)d secondes.",
                min=LIMIT_MIN_S,
                max=LIMIT_MAX_S,
            ),
            field="limit_s",
        )
    with transaction():
        session = session_of(session_id)
        if position is None:
            before = session.floor_limit_s
            session.floor_limit_s = limit_s or None
            changed = before != session.floor_limit_s
            detail = activity.facts(limit_s=limit_s or 0)
        else:
            item = db.session.scalar(
                select(AgendaItem).where(
                    AgendaItem.session_id == session_id, AgendaItem.position == position
                )
            )
            if item is None:
                raise ServiceError("unknown_item", _("Ce point de l'ordre du jour n'existe pas."))
            before = item.floor_limit_s
            item.floor_limit_s = limit_s
            changed = before != limit_s
            detail = activity.facts(item=position + 1, limit_s=-1 if limit_s is None else limit_s)
        if changed:
            activity.record("floor.limit", by=by, session=session, detail=detail)
            after_commit(_mark, session_id)
        return {"floor": floor_view(session_id)}
