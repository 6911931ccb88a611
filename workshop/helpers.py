"""Small display helpers used by templates and exports (locale-aware through Flask-Babel)."""

from __future__ import annotations

from datetime import date, time

from flask_babel import format_date as babel_format_date
from flask_babel import format_time as babel_format_time
from flask_babel import gettext as _


def format_date(value: date | None, fmt: str = "long") -> str:
    return babel_format_date(value, fmt) if value else ""


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
