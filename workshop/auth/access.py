"""Access checks for pages and sockets.

A refused page says what is missing (:class:`Refused`, a 403 whose page shows its
description): the organiser role, or — for a facilitator — the assignment to the session named
by the page's ``<code>``. Organisers drive every session; facilitators, theirs only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from ..extensions import db
from ..models import Session
from ..models.session import normalise_code
from ..services import accounts


class Refused(Forbidden):
    """A 403 whose page names the missing role or assignment (its ``description``)."""


def render_refused(exc: Refused):
    """The page of a :class:`Refused` (registered by the auth blueprint for the whole app)."""
    page = render_template("errors/error.html", title="403", message=exc.description, refused=True)
    return page, 403


def not_organiser() -> Refused:
    return Refused(
        _(
            "Cette page est réservée aux organisateurs : votre compte est un compte"
            " d'animateur. Demandez à un organisateur si vous en avez besoin."
        )
    )


def not_assigned() -> Refused:
    return Refused(
        _("Cet atelier ne vous est pas attribué : demandez à un organisateur de vous l'attribuer.")
    )


def not_facilitator() -> Refused:
    return Refused(_("Cette page est réservée aux animateurs et organisateurs."))


def may_drive(code: str | None = None, *, slug: str | None = None) -> bool:
    """Whether the logged-in user may drive the session of join code ``code`` (or of address
    ``slug``); an unknown session passes: the page answers 404 itself."""
    if not (current_user.is_authenticated and current_user.can_facilitate):
        return False
    if current_user.is_organiser or (code is None and slug is None):
        return True
    where = Session.code == normalise_code(code) if code is not None else Session.slug == slug
    session_id = db.session.scalar(select(Session.id).where(where))
    if session_id is None:
        return True
    return accounts.is_assigned(current_user.id, session_id)


def facilitator_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pages of the console, summary, exports, rehearsal and reset: a logged-in organiser, or a
    facilitator assigned to the session of the view's ``code`` or ``slug`` (when it has one)."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.can_facilitate:
            raise not_facilitator()
        if not may_drive(kwargs.get("code"), slug=kwargs.get("slug")):
            raise not_assigned()
        return view(*args, **kwargs)

    return wrapped


def organiser_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_organiser:
            raise not_organiser()
        return view(*args, **kwargs)

    return wrapped
