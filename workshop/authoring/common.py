"""The authoring blueprint and what its pages share (lookups, errors next to their field)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash
from flask_wtf import FlaskForm
from sqlalchemy import select

from ..extensions import db
from ..models import Programme, Session
from ..services.authoring import get
from ..services.errors import ServiceError

bp = Blueprint("authoring", __name__, url_prefix="/admin")


def session_or_404(slug: str) -> Session:
    session = db.session.scalar(select(Session).where(Session.slug == slug))
    if session is None:
        abort(404)
    return session


def programme_or_404(slug: str) -> Programme:
    programme = db.session.scalar(select(Programme).where(Programme.slug == slug))
    if programme is None:
        abort(404)
    return programme


def child_or_404(model: Any, ident: int, session: Session) -> Any:
    """A row of ``model`` belonging to ``session`` (agenda item, speaker, question set)."""
    row = get(model, ident)
    if row is None or row.session_id != session.id:
        abort(404)
    return row


def show_error(form: FlaskForm | None, exc: ServiceError) -> None:
    """A service's refusal next to its field when the form has it, else as a message."""
    name = exc.details.get("field")
    field = getattr(form, str(name), None) if form is not None and name else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        flash(exc.message, "error")


def status(form: FlaskForm) -> int:
    return 400 if form.errors else 200


def offset() -> int:
    """« Monter » posts ``direction=up``, « Descendre » ``direction=down``."""
    from flask import request

    return -1 if request.form.get("direction") == "up" else 1
