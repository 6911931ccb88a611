"""Anonymous participant tokens: a random id, signed with the app's secret key.

The phone page sets the signed token as the ``workshop_participant`` cookie; a socket presents it
(``auth.token`` or the cookie) to be recognised as the same participant.
"""

from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE_NAME = "workshop_participant"
# A month: a participant of a morning session is still known after lunch, and the day after.
COOKIE_MAX_AGE = 60 * 60 * 24 * 30
_SALT = "participant"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def new_token() -> str:
    """A fresh random participant token (unsigned; stored in ``Participant.token``)."""
    return secrets.token_urlsafe(18)


def sign(token: str) -> str:
    return _serializer().dumps(token)


def unsign(signed: str | None) -> str | None:
    """The token inside a signed value, or None when absent, tampered with or malformed."""
    if not signed or not isinstance(signed, str) or len(signed) > 200:
        return None
    try:
        token = _serializer().loads(signed)
    except BadSignature:
        return None
    return token if isinstance(token, str) and 8 <= len(token) <= 64 else None
