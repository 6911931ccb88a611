"""Public pages: the programmes with their themes and sessions, and one session's agenda."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AgendaItem, Programme, QuestionSet, Session, Theme

bp = Blueprint("programme", __name__)


@bp.route("/")
def index():
    programmes = db.session.scalars(
        select(Programme)
        .options(selectinload(Programme.themes).selectinload(Theme.sessions))
        .order_by(Programme.title)
    ).all()
    loose_sessions = db.session.scalars(
        select(Session)
        .where(Session.theme_id.is_(None), Session.archived.is_(False))
        .order_by(Session.date, Session.title)
    ).all()
    return render_template(
        "programme/index.html", programmes=programmes, loose_sessions=loose_sessions
    )


@bp.route("/p/<slug>")
def programme(slug: str):
    programme = db.session.scalar(
        select(Programme)
        .where(Programme.slug == slug)
        .options(selectinload(Programme.themes).selectinload(Theme.sessions))
    )
    if programme is None:
        abort(404)
    return render_template("programme/programme.html", programme=programme)


@bp.route("/s/<slug>")
def session(slug: str):
    session = db.session.scalar(
        select(Session)
        .where(Session.slug == slug)
        .options(
            selectinload(Session.agenda).selectinload(AgendaItem.speakers),
            selectinload(Session.speakers),
            selectinload(Session.question_sets).selectinload(QuestionSet.questions),
            selectinload(Session.stakeholder_groups),
        )
    )
    if session is None:
        abort(404)
    return render_template("programme/session.html", session=session)
