"""Rehearsal tickets: what lets a simulated phone be created as a rehearsal participant.

A phone's socket auth may carry ``rehearsal: <ticket>`` (docs/protocol.md, « Connecting »).
The ticket is signed with the app's ``SECRET_KEY`` (salt :data:`SALT`) by whoever starts a
rehearsal — ``workshop rehearse`` or the rehearsal page — and carries the session's id and an
expiry. A phone cannot make one: without the secret, ``rehearsal`` is refused
(``bad_payload``). Checking it is one HMAC, no query; ordinary phones send none.
"""

from __future__ import annotations

import time
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from ..services.errors import ServiceError

SALT = "workshop-rehearsal"
#: How long a ticket lets phones join (seconds): they all join in the rehearsal's first minute.
TTL = 3600


def _serializer(secret_key: str | bytes | None = None) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key or current_app.config["SECRET_KEY"], salt=SALT)


def issue(session_id: int, *, ttl: int = TTL, secret_key: str | bytes | None = None) -> str:
    """A ticket for the phones of a rehearsal of session ``session_id``."""
    return _serializer(secret_key).dumps({"session": session_id, "exp": int(time.time()) + ttl})


def session_of(ticket: str | None) -> int | None:
    """The session id a valid ticket is for; None without a ticket. A forged, altered or
    expired ticket is ``bad_payload`` (field ``rehearsal``): a rehearsal must never add phones
    that count as real participants."""
    if ticket is None:
        return None
    try:
        data: Any = _serializer().loads(ticket)
    except BadSignature:
        data = None
    valid = (
        isinstance(data, dict)
        and isinstance(data.get("session"), int)
        and isinstance(data.get("exp"), int)
        and data["exp"] >= time.time()
    )
    if not valid:
        raise ServiceError(
            "bad_payload", _("Ticket de répétition invalide ou expiré."), field="rehearsal"
        )
    return data["session"]
