"""The one vocabulary of input checks: socket payload schemas, the services' text checks and the
answer checks all use these, so that a rule made stricter here is stricter everywhere.

- Field checks (``is_int``, ``is_client_id``…) say whether a JSON value has the shape a payload
  field needs; :class:`Schema` applies them to a whole payload (``bad_payload`` otherwise).
- :func:`check_text` normalises a participant's or an organiser's text: control characters
  removed (newlines and tabs kept where the field is multi-line), surrounding blanks stripped,
  bounded length, no markup. The same input gives the same answer on SQLite and PostgreSQL
  (which refuses NUL).
- Integers are those the database can store (:data:`DB_INT_MIN` to :data:`DB_INT_MAX`): an id or
  a number outside that range is ``bad_payload`` before any query sees it.
- :func:`has_markup` is the markup rule itself (the session-file reader and the forms use it too).

Each refusal is a :class:`ServiceError` with a code of docs/protocol.md and a translated message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _

from .errors import ServiceError

#: A client's id for a write it may send again (answers, endorsements): a resend is harmless.
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
#: Markup is refused: an opening tag, a closing tag, a comment or doctype.
MARKUP_RE = re.compile(r"<[A-Za-z/!]")
#: The integers every database can store in our columns: SQLAlchemy's ``Integer`` is 32-bit on
#: PostgreSQL (SQLite's INTEGER is 64-bit), so the narrower range, for the same answer on both.
DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1
#: Control characters (Unicode category Cc, and the line and paragraph separators) but newline
#: and tab; carriage returns are folded into newlines first.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAKS_RE = re.compile(r"\r\n?")

# --- field checks -------------------------------------------------------------------------------

Check = Callable[[Any], bool]


def is_int(value: Any) -> bool:
    """A JSON integer the database can store (``True``/``False`` are not numbers here)."""
    return (
        isinstance(value, int) and not isinstance(value, bool) and DB_INT_MIN <= value <= DB_INT_MAX
    )


def parse_id(raw: str | None) -> int | None:
    """An id written in a URL or a form (decimal digits, in the database's range), else None."""
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if value <= DB_INT_MAX else None


def is_opt_int(value: Any) -> bool:
    return value is None or is_int(value)


def is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def is_str(value: Any) -> bool:
    return isinstance(value, str)


def is_opt_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


def is_client_id(value: Any) -> bool:
    return isinstance(value, str) and CLIENT_ID_RE.match(value) is not None


def is_any(value: Any) -> bool:
    """Any JSON value (checked later against what it answers, e.g. an answer's value)."""
    return True


def one_of(*allowed: Any) -> Check:
    return lambda value: value in allowed


def bad_payload(field: str | None = None) -> ServiceError:
    details = {"field": field} if field else {}
    return ServiceError("bad_payload", _("Requête mal formée."), **details)


class Schema:
    """The fields an event's payload (a JSON object) may have: required ones and optional ones,
    each with its check. Anything else is ``bad_payload`` naming the field."""

    def __init__(self, required: Mapping[str, Check], optional: Mapping[str, Check] | None = None):
        self.required = dict(required)
        self.optional = dict(optional or {})

    def validate(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise bad_payload()
        fields = self.required | self.optional
        for key in data:
            if key not in fields:
                raise bad_payload(key)
        for key in self.required:
            if key not in data:
                raise bad_payload(key)
        for key, value in data.items():
            if not fields[key](value):
                raise bad_payload(key)
        return data


# --- texts --------------------------------------------------------------------------------------


def has_markup(text: str) -> bool:
    """True when ``text`` holds HTML markup (``<tag``, ``</``, ``<!``)."""
    return MARKUP_RE.search(text) is not None


def without_controls(text: str, *, multiline: bool = True) -> str:
    """``text`` without control characters; newlines and tabs kept when ``multiline``, else
    turned into spaces."""
    text = _CONTROL_RE.sub("", _LINE_BREAKS_RE.sub("\n", text))
    return text if multiline else text.replace("\n", " ").replace("\t", " ")


def check_text(
    raw: Any, limit: int, *, required: bool = False, multiline: bool = True
) -> str | None:
    """A text without control characters (:func:`without_controls`) and stripped of
    surrounding blanks, ``None`` when empty (``text_required`` when ``required``); not a
    string: ``bad_payload``; longer than ``limit``: ``text_too_long``; with markup:
    ``html_not_allowed``."""
    if raw is not None and not isinstance(raw, str):
        raise bad_payload("text")
    text = without_controls(raw or "", multiline=multiline).strip()
    if not text:
        if required:
            raise ServiceError("text_required", _("Un texte est requis."))
        return None
    if len(text) > limit:
        raise ServiceError(
            "text_too_long", _("Le texte dépasse %(n)d caractères.", n=limit), limit=limit
        )
    if has_markup(text):
        raise markup_refused()
    return text


def markup_refused() -> ServiceError:
    return ServiceError("html_not_allowed", _("Le texte ne peut pas contenir de balises HTML."))
