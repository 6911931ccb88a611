"""Small helpers of the web layer: display filters for templates and exports (locale-aware
through Flask-Babel), and the ``id`` URL converter."""

from __future__ import annotations

from datetime import date, time

from flask import Request, current_app
from flask_babel import format_date as babel_format_date
from flask_babel import format_time as babel_format_time
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from .services.validation import DB_INT_MAX

#: The endpoints that take uploads (``MAX_UPLOAD_LENGTH``); every other one takes at most
#: ``MAX_CONTENT_LENGTH``.
UPLOAD_ENDPOINTS = frozenset({"admin.index"})


class WorkshopRequest(Request):
    """Flask's request with a body limit per route: small for forms, larger for uploads."""

    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        config = current_app.config
        if self.endpoint in UPLOAD_ENDPOINTS:
            return config["MAX_UPLOAD_LENGTH"]
        return config["MAX_CONTENT_LENGTH"]


class IdConverter(IntegerConverter):
    """``<id:name>`` in a route: a row id, in the database's range (a larger number matches no
    route: 404, never an overflow in the query)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


def format_date(value: date | None, fmt: str = "long") -> str:
    return babel_format_date(value, fmt) if value else ""


def format_iso_date(value: str | None) -> str:
    """A summary's ISO date (``"2008-12-03"``) in the request's language, long form
    (« 3 décembre 2008 », « 3 december 2008 »): the documents' dates; the JSON keeps ISO."""
    return format_date(date.fromisoformat(value)) if value else ""


def format_time(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def format_duration(minutes: int | None) -> str:
    if not minutes:
        return ""
    hours, mins = divmod(minutes, 60)
    if hours and mins:
        return _("%(h)d h %(m)02d", h=hours, m=mins)
    if hours:
        return _("%(h)d h", h=hours)
    return _("%(m)d min", m=mins)


__all__ = ["babel_format_time", "format_date", "format_duration", "format_time"]
