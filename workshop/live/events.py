"""Socket.IO handlers of the live session (docs/protocol.md is the contract).

Each handler is thin: the payload is checked against its schema (services/validation.py), the
socket's role is checked, then ONE function of :mod:`workshop.services.live` (or
:mod:`workshop.services.conclusions`) does the work — validate, write, commit, publish after
the commit — and the handler returns the ack. A :class:`ServiceError` becomes ``{"ok": false,
"error": {...}}``; any other exception is rolled back, logged and acked ``internal``.

What a socket is (its session, role, participant and language) is the
:class:`~workshop.services.runtime_state.SocketState` that ``live.connect`` registered, kept until
its disconnect. The phones' frequent events are "lean": handled without a Flask request context
(:func:`live_event`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, g, request
from flask_babel import get_babel
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, emit, join_room

from .. import limits
from ..extensions import db, socketio
from ..models import User
from ..rehearsals import tickets as rehearsal_tickets
from ..services import accounts, conclusions, live, privacy
from ..services.errors import ServiceError
from ..services.live import SocketState
from ..services.validation import (
    Schema,
    bad_payload,
    is_any,
    is_bool,
    is_client_id,
    is_int,
    is_opt_int,
    is_opt_str,
    is_str,
    one_of,
)

log = logging.getLogger(__name__)

PARTICIPANT, SCREEN, CONSOLE = "participant", "screen", "console"
#: Events a socket may send per second before ``rate_limited``.
RATE_LIMIT = 20

# --- payload schemas ----------------------------------------------------------------------------

#: ``rehearsal``: a rehearsal ticket (workshop/rehearsals/tickets.py), from simulated phones only.
AUTH = Schema(
    {"code": is_str, "role": one_of(PARTICIPANT, SCREEN, CONSOLE)},
    {"token": is_opt_str, "rehearsal": is_opt_str},
)
ANSWER = Schema(
    {"client_id": is_client_id, "question_id": is_int, "value": is_any},
    {"text": is_opt_str},
)
UPVOTE = Schema({"answer_id": is_int, "up": is_bool})
PROFILE = Schema({"pseudonym": is_opt_str, "group": is_opt_str})
AGENDA_GOTO = Schema({"position": is_int})
AGENDA_NEXT = Schema({})
SET_ID = Schema({"set_id": is_int})
SET_REVEAL = Schema({"set_id": is_int, "revealed": is_bool})
SET_FOCUS = Schema({"set_id": is_int, "question_id": is_opt_int})
TIMER = Schema({"action": is_str}, {"minutes": is_int})
SCREEN_SETTINGS = Schema({}, {"theme": is_str, "autopage_s": is_int})
SET_PAGE = Schema({"set_id": is_int, "page": is_int})
COMMENT_MODERATE = Schema({"answer_id": is_int}, {"hidden": is_bool, "highlighted": is_bool})
ENDORSE = Schema(
    {
        "client_id": is_client_id,
        "conclusion_id": is_int,
        "choice": is_str,
        "amendment": is_opt_str,
    }
)
CONCLUSION_ID = Schema({"conclusion_id": is_int})
CONCLUSION_REVEAL = Schema({"conclusion_id": is_int, "revealed": is_bool})
RESYNC = Schema({})
ERASE_MINE = Schema({})

# --- dispatch -----------------------------------------------------------------------------------


def _rate_limited(state: SocketState) -> bool:
    now = time.monotonic()
    window = state.rate
    if now - window[0] >= 1.0:
        window[0], window[1] = now, 0
    window[1] += 1
    return window[1] > RATE_LIMIT


def _forbidden() -> ServiceError:
    return ServiceError("forbidden", _("Cette action n'est pas permise à cet écran."))


def _internal_ack() -> dict[str, Any]:
    return ServiceError("internal", _("Le serveur a échoué ; rien n'a été enregistré.")).as_ack()


Handler = Callable[[SocketState, dict[str, Any]], dict[str, Any]]


def _dispatch(
    message: str, roles: tuple[str, ...], schema: Schema, fn: Handler, sid: str, args: tuple
) -> dict[str, Any]:
    """Payload shape, rate, role, then ``fn(state, payload)``; the ack."""
    try:
        state = live.socket_state(sid)
        if state is None:
            raise _forbidden()
        if _rate_limited(state):
            raise ServiceError("rate_limited", _("Trop de requêtes ; patientez."))
        if len(args) > 1:
            raise bad_payload()
        payload = schema.validate(args[0] if args else None)
        if state.role not in roles:
            raise _forbidden()
        return {"ok": True, **fn(state, payload)}
    except ServiceError as exc:
        return exc.as_ack()
    except Exception:
        db.session.rollback()
        log.exception("live event %s failed", message)
        return _internal_ack()


#: Events handled without a Flask request context (see :func:`register_lean_handlers`).
_lean: dict[str, Callable[[str, tuple], dict[str, Any]]] = {}


def live_event(
    message: str, roles: tuple[str, ...], schema: Schema, *, lean: bool = False
) -> Callable[[Handler], Handler]:
    """Register ``fn(state, payload) -> result`` as the handler of ``message``: payload shape,
    rate, role, then the call; returns the ack.

    ``lean``: the phones' frequent events (answers, upvotes…). Flask-SocketIO runs every event
    in a Flask request context with the socket's session, rebuilt per event — a sixth of the
    server's work at 1,000 phones answering (docs/performance.md). A lean handler is attached
    to the Socket.IO server directly and runs in an app context only: it reads nothing from
    the request (its socket's identity and language are in :class:`SocketState`), so its
    services must not either."""

    def decorator(fn: Handler) -> Handler:
        def run(sid: str, args: tuple) -> dict[str, Any]:
            return _dispatch(message, roles, schema, fn, sid, args)

        if lean:
            _lean[message] = run
        else:

            def handler(*args: Any) -> dict[str, Any]:
                return run(request.sid, args)  # type: ignore[attr-defined]

            handler.__name__ = handler.__qualname__ = fn.__name__
            socketio.on(message)(handler)
        return fn

    return decorator


def register_lean_handlers(app: Flask) -> None:
    """Attach the lean handlers (and the disconnect) to ``app``'s Socket.IO server; called by
    the app factory after ``socketio.init_app``."""
    server = socketio.server

    def bind(run: Callable[[str, tuple], Any]) -> Callable[..., Any]:
        def handler(sid: str, *args: Any) -> Any:
            with app.app_context():
                state = live.socket_state(sid)
                g.live_locale = state.locale if state else None
                return run(sid, args)

        return handler

    for message, run in _lean.items():
        server.on(message, bind(run))
    server.on("disconnect", bind(_on_disconnect))
    _drop_malformed_frames(server)
    app.wsgi_app = DropMalformedTransportFrames(app.wsgi_app)  # type: ignore[method-assign]


def _drop_malformed_frames(server: Any) -> None:
    """A frame python-socketio cannot decode or dispatch (``42``, ``42[]``, ``42{"a":1}``, a
    JSON array nested 20,000 deep…) is dropped with one warning line, naming only the error's
    kind (never the frame: it may hold a participant's text). Without this, Engine.IO logs a
    traceback for each, and any anonymous client could fill the log. Only the decoding and
    dispatch run here: the handlers themselves run in their own tasks, with their own errors
    answered in their acks."""
    eio = server.eio
    dispatch = eio.handlers["message"]

    def on_message(eio_sid: str, data: Any) -> Any:
        try:
            return dispatch(eio_sid, data)
        except Exception as exc:
            log.warning("malformed Socket.IO frame dropped (%s)", type(exc).__name__)
            return None

    eio.on("message", on_message)


class DropMalformedTransportFrames:
    """WSGI middleware around Flask-SocketIO's: an Engine.IO frame that does not even decode
    (``zz``, an empty frame, bad base64 after ``b``…) raises inside python-engineio's websocket
    loop, outside any handler, and the WSGI server logs a traceback per frame. Here such an
    error ends that one connection (the loop is over anyway) with one warning line, naming the
    error's kind only; any other error, and any error of another request, goes on as before."""

    def __init__(self, wsgi_app: Callable[..., Any]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("HTTP_UPGRADE", "").lower() != "websocket":
            return self.wsgi_app(environ, start_response)
        try:
            return self.wsgi_app(environ, start_response)
        except ValueError as exc:  # Engine.IO's packet decoding (binascii.Error is one)
            log.warning("malformed Engine.IO frame: connection closed (%s)", type(exc).__name__)
            return []


# --- connection ---------------------------------------------------------------------------------


def on_connect(auth: Any = None) -> None:
    """Any client connects with ``auth = {"code", "role", "token"?, "rehearsal"?}``
    (``rehearsal``: a simulated phone's ticket, checked here without a query; a participant
    created then is a rehearsal one; an invalid ticket is ``bad_payload``).

    Joins ``session:<id>`` and the role's room (``phones:<id>`` + ``participant:<pid>``,
    ``screen:<id>`` or ``console:<id>``), then sends this socket its ``snapshot``. Refused with
    ``connect_error`` data ``{"code", "message"}`` (``bad_payload``, ``unknown_session``,
    ``rate_limited``: too many wrong codes from this address, ``forbidden``, ``internal``). A
    participant's connection updates the console's ``counters``.
    """
    sid: str = request.sid  # type: ignore[attr-defined]
    try:
        payload = AUTH.validate(auth)
        _refuse_past_the_join_limit()
        joined = live.connect(
            payload["code"],
            payload["role"],
            sid=sid,
            signed_tokens=(payload.get("token"), request.cookies.get(live.tokens.COOKIE_NAME)),
            can_facilitate=payload["role"] == CONSOLE and _can_facilitate(),
            **(_console_account() if payload["role"] == CONSOLE else {}),
            rehearsal_for=rehearsal_tickets.session_of(payload.get("rehearsal")),
            # The selector itself, not get_locale(): that one is cached on ``g``, which a
            # request context shares with an app context already pushed (the tests').
            locale=get_babel().locale_selector() or None,
        )
    except ServiceError as exc:
        if exc.code == "unknown_session":
            limits.count(limits.join_check())
        raise ConnectionRefusedError(
            exc.message, {"code": exc.code, "message": exc.message}
        ) from None
    except Exception:
        db.session.rollback()
        log.exception("live connect failed")
        error = _internal_ack()["error"]
        raise ConnectionRefusedError(error["message"], error) from None
    try:
        snapshot = live.snapshot(
            joined.role,
            joined.session_id,
            participant_id=joined.participant_id,
            token=joined.token,
            new_participant=joined.new_participant,
            revision=joined.revision,
        )
    except Exception:
        db.session.rollback()
        log.exception("live snapshot failed")
        live.disconnect(sid)
        error = _internal_ack()["error"]
        raise ConnectionRefusedError(error["message"], error) from None
    _join_rooms(joined)
    emit("snapshot", snapshot)


def _refuse_past_the_join_limit() -> None:
    """Past the limit of wrong join codes of this address (counted with /join and /j/<CODE>),
    every connect is ``rate_limited`` until the window ends (:func:`limits.join_check`)."""
    wait = limits.retry_after(limits.join_check())
    if wait:
        raise ServiceError("rate_limited", limits.too_many_codes(wait))


def _can_facilitate() -> bool | Callable[[int], bool]:
    """Whether the logged-in account may open a console: False; True for an organiser; for a
    facilitator, the check of their assignment to the session (``live.connect`` calls it with
    the session's id once found: consoles only, never a phone)."""
    if not (current_user.is_authenticated and current_user.can_facilitate):
        return False
    if current_user.must_change_password:
        return False
    if current_user.is_organiser:
        return True
    user_id = current_user.id
    return lambda session_id: accounts.is_assigned(user_id, session_id)


def _console_account() -> dict[str, Any]:
    """The console's account, for its :class:`SocketState` (the activity log names it)."""
    if not current_user.is_authenticated:
        return {}
    return {"user_id": current_user.id, "username": current_user.username}


def _by(state: SocketState) -> User | str | None:
    """Who a console's action is by, for the activity log."""
    if state.user_id is None:
        return state.username or None
    return db.session.get(User, state.user_id) or state.username


def _join_rooms(joined: live.Joined) -> None:
    session_id = joined.session_id
    join_room(live.session_room(session_id))
    if joined.role == PARTICIPANT:
        join_room(live.phones_room(session_id))
        join_room(live.participant_room(joined.participant_id or 0))
    elif joined.role == SCREEN:
        join_room(live.screen_room(session_id))
    else:
        join_room(live.console_room(session_id))


def _on_disconnect(sid: str, args: tuple = ()) -> None:
    """Any client leaves (``args``: python-socketio's reason). Its connection row is deleted;
    a phone leaving updates the console's ``counters``."""
    try:
        live.disconnect(sid)
    except Exception:
        db.session.rollback()
        log.exception("live disconnect failed")


socketio.on("connect")(on_connect)


# --- participant --------------------------------------------------------------------------------


@live_event("resync", (PARTICIPANT, SCREEN, CONSOLE), RESYNC, lean=True)
def on_resync(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """A client whose revision is behind a ``rev`` event's ``base`` or a ``beat`` missed a push
    (the message queue was down, say) and asks for the state again.

    Ack: ``{"snapshot": <the role's snapshot, without a new token>}``."""
    return {"snapshot": live.resync(state)}


@live_event("erase_mine", (PARTICIPANT,), ERASE_MINE)
def on_erase_mine(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """A phone erases everything its participant contributed to the session (docs/privacy.md).

    Ack: ``{"erased": {"answers", "comments", "upvotes", "endorsements", "floor",
    "questions"}}`` (counts; ``floor``: requests for the floor, ``questions``: room questions).
    Refused ``session_ended`` once the session is over. The figures, comments, tallies, the
    floor and the questions are pushed again; every tab of the participant gets ``erased``
    (they resync)."""
    erased = privacy.erase_mine(state.session_id, state.participant_id or 0)
    return {"erased": erased}


@live_event("answer", (PARTICIPANT,), ANSWER, lean=True)
def on_answer(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """A phone answers a question of the open set.

    Ack: ``{"answer": <stored answer>}``. Broadcasts (after the commit, not for a resend):
    ``answer_saved`` to the participant's other tabs (at once); coalesced ``comments`` (when the
    text changed), ``results`` and ``counters``.
    """
    answer = live.submit_answer(
        state.session_id,
        state.participant_id,
        client_id=payload["client_id"],
        question_id=payload["question_id"],
        value=payload["value"],
        text=payload.get("text"),
        origin_sid=state.sid,
        locale=state.locale,
    )
    return {"answer": answer}


@live_event("upvote", (PARTICIPANT,), UPVOTE, lean=True)
def on_upvote(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """A phone upvotes (``up``) or takes back its upvote on another participant's comment.

    Ack: ``{"answer_id", "up", "upvotes"}``. Broadcasts ``comment`` (new count) when it changed,
    and coalesced ``results``.
    """
    return live.submit_upvote(
        state.session_id, state.participant_id, payload["answer_id"], payload["up"], state.locale
    )


@live_event("profile", (PARTICIPANT,), PROFILE, lean=True)
def on_profile(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """A phone sets its pseudonym and stakeholder group. Ack: ``{"participant": {...}}``.
    Broadcasts nothing."""
    participant = live.set_profile(
        state.session_id, state.participant_id, payload["pseudonym"], payload["group"]
    )
    return {"participant": participant}


# --- console ------------------------------------------------------------------------------------


@live_event("agenda_goto", (CONSOLE,), AGENDA_GOTO)
def on_agenda_goto(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console starts the agenda item at ``position``. Ack ``{"agenda"}``; broadcasts
    ``agenda`` to ``session:<id>``."""
    return {"agenda": live.agenda_goto(state.session_id, payload["position"], by=_by(state))}


@live_event("agenda_next", (CONSOLE,), AGENDA_NEXT)
def on_agenda_next(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console moves to the next agenda item (after the last: the session ends). Ack
    ``{"agenda"}``; broadcasts ``agenda`` to ``session:<id>``."""
    return {"agenda": live.agenda_next(state.session_id, by=_by(state))}


@live_event("set_open", (CONSOLE,), SET_ID)
def on_set_open(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console opens a set on the phones (another open set closes). Ack ``{"set"}``;
    broadcasts ``question_set`` (each set that changed) to ``session:<id>``."""
    return {"set": live.open_set(state.session_id, payload["set_id"], by=_by(state))}


@live_event("set_close", (CONSOLE,), SET_ID)
def on_set_close(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console closes a set. Ack ``{"set"}``; broadcasts ``question_set`` to
    ``session:<id>``."""
    return {"set": live.close_set(state.session_id, payload["set_id"], by=_by(state))}


@live_event("set_reveal", (CONSOLE,), SET_REVEAL)
def on_set_reveal(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console shows or hides a set's results on the projector. Ack ``{"set"}``; broadcasts
    ``question_set`` to ``session:<id>`` and, when shown, ``results`` to the screen at once."""
    set_view = live.reveal_set(
        state.session_id, payload["set_id"], payload["revealed"], by=_by(state)
    )
    return {"set": set_view}


@live_event("comment_moderate", (CONSOLE,), COMMENT_MODERATE)
def on_comment_moderate(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console hides / shows or highlights a comment. Ack ``{"comment"}`` (with
    ``hidden``) at once; the change reaches every client in the next coalesced ``comments``
    batch (console: with ``hidden``; phones and screen: in ``removed`` while hidden)."""
    comment = live.moderate_comment(
        state.session_id,
        payload["answer_id"],
        hidden=payload.get("hidden"),
        highlighted=payload.get("highlighted"),
    )
    return {"comment": comment}


@live_event("set_focus", (CONSOLE,), SET_FOCUS)
def on_set_focus(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console shows one question of a set on the projector (``question_id``), or the whole
    set (``null``). Ack ``{"set"}``; broadcasts ``question_set`` to ``session:<id>`` when the
    focus changed."""
    set_view = live.focus_set(
        state.session_id, payload["set_id"], payload["question_id"], by=_by(state)
    )
    return {"set": set_view}


@live_event("timer", (CONSOLE,), TIMER)
def on_timer(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console pauses, resumes, resets or extends the current item's timer. Ack
    ``{"agenda"}``; broadcasts ``agenda`` to ``session:<id>`` when it changed."""
    agenda = live.timer(state.session_id, payload["action"], payload.get("minutes"), by=_by(state))
    return {"agenda": agenda}


@live_event("screen_settings", (CONSOLE,), SCREEN_SETTINGS)
def on_screen_settings(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console sets the projector's theme and automatic paging. Ack ``{"screen"}``;
    broadcasts ``screen`` to ``session:<id>`` when it changed."""
    screen = live.screen_settings(
        state.session_id,
        theme=payload.get("theme"),
        autopage_s=payload.get("autopage_s"),
        by=_by(state),
    )
    return {"screen": screen}


@live_event("set_page", (CONSOLE,), SET_PAGE)
def on_set_page(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console shows a page of a set on the projector. Ack ``{"set"}``; broadcasts
    ``question_set`` to ``session:<id>`` when the page changed."""
    return {"set": live.set_page(state.session_id, payload["set_id"], payload["page"])}


# --- conclusions put to the room (docs/protocol.md, « Conclusions ») -----------------------------


@live_event("endorse", (PARTICIPANT,), ENDORSE, lean=True)
def on_endorse(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """A phone says « d'accord / à amender / pas d'accord » on the conclusion put to the room.

    Ack: ``{"endorsement": <stored endorsement>}``. Broadcasts (after the commit, not for a
    resend): ``endorsement_saved`` to the participant's other tabs, the coalesced tally
    (``conclusion`` to the console, and to the screen while revealed).
    """
    endorsement = conclusions.endorse(
        state.session_id,
        state.participant_id,
        client_id=payload["client_id"],
        conclusion_id=payload["conclusion_id"],
        choice=payload["choice"],
        amendment=payload["amendment"],
        origin_sid=state.sid,
    )
    return {"endorsement": endorsement}


@live_event("conclusion_put", (CONSOLE,), CONCLUSION_ID)
def on_conclusion_put(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console puts a conclusion to the room (another open vote closes). Ack
    ``{"conclusion"}`` (with tally); broadcasts ``conclusion`` (each one that changed)."""
    conclusion = conclusions.put_to_room(state.session_id, payload["conclusion_id"], by=_by(state))
    return {"conclusion": conclusion}


@live_event("conclusion_close", (CONSOLE,), CONCLUSION_ID)
def on_conclusion_close(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console closes the vote on a conclusion. Ack ``{"conclusion"}``; broadcasts
    ``conclusion``."""
    conclusion = conclusions.close_vote(state.session_id, payload["conclusion_id"], by=_by(state))
    return {"conclusion": conclusion}


@live_event("conclusion_reveal", (CONSOLE,), CONCLUSION_REVEAL)
def on_conclusion_reveal(state: SocketState, payload: dict[str, Any]) -> dict[str, Any]:
    """The console shows or hides a conclusion's tally on the projector (showing one hides the
    others). Ack ``{"conclusion"}``; broadcasts ``conclusion`` (each one that changed)."""
    conclusion = conclusions.reveal(
        state.session_id, payload["conclusion_id"], payload["revealed"], by=_by(state)
    )
    return {"conclusion": conclusion}
