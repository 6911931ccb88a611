"""Rehearsal and reset pages (organisers, and the facilitators assigned to the session).

``/admin/sessions/<slug>/rehearsal``          start a rehearsal of N simulated phones (POST)
``/admin/sessions/<slug>/rehearsal.json``     its progress (the page refreshes itself while it runs)
``/admin/sessions/<slug>/reset``              reset the live data, after typing the code (POST)
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import facilitator_required
from ..extensions import db
from ..models import Session
from ..models.enums import SetState
from ..models.session import normalise_code
from ..services import reset as reset_service
from ..services.errors import ServiceError
from . import runner
from .forms import RehearsalForm, ResetForm

bp = Blueprint("rehearsals", __name__, url_prefix="/admin")


def _session_or_404(slug: str) -> Session:
    session = db.session.scalar(select(Session).where(Session.slug == slug))
    if session is None:
        abort(404)
    return session


@bp.route("/sessions/<slug>/rehearsal", methods=["GET", "POST"])
@facilitator_required
def rehearsal(slug: str):
    session = _session_or_404(slug)
    form = RehearsalForm()
    if form.validate_on_submit():
        try:
            runner.start(
                session,
                form.participants.data,
                answer_only=form.answer_only.data,
                pace=form.pace.data,
                base_url=request.host_url,
                by=current_user,
            )
        except ServiceError as exc:
            field = form.pace if exc.details.get("field") == "pace" else form.participants
            field.errors = [*field.errors, exc.message]
        else:
            flash(_("Répétition lancée."), "info")
            return redirect(url_for(".rehearsal", slug=session.slug))
    page = render_template(
        "rehearsals/rehearsal.html",
        session=session,
        form=form,
        status=runner.status(session.id),
    )
    return page, 400 if request.method == "POST" else 200


@bp.route("/sessions/<slug>/rehearsal.json")
@facilitator_required
def rehearsal_status(slug: str):
    session = _session_or_404(slug)
    return jsonify(runner.status(session.id) or {"state": "none", "running": False})


@bp.route("/sessions/<slug>/reset", methods=["GET", "POST"])
@facilitator_required
def reset(slug: str):
    session = _session_or_404(slug)
    form = ResetForm()
    if form.validate_on_submit():
        if normalise_code(form.code.data or "") != session.code:
            form.code.errors = [*form.code.errors, _("Ce n'est pas le code de cet atelier.")]
        elif runner.running(session.id):
            message = _("Une répétition est en cours : attendez qu'elle finisse.")
            form.code.errors = [*form.code.errors, message]
        else:
            try:
                counts = reset_service.reset_session(session, by=current_user)
            except ServiceError as exc:
                form.code.errors = [*form.code.errors, exc.message]
            else:
                flash(
                    _(
                        "Atelier réinitialisé : %(n)d participant(s) et %(a)d réponse(s) "
                        "effacés ; le programme, les questionnaires et les conclusions sont "
                        "gardés.",
                        n=counts.participants,
                        a=counts.answers,
                    ),
                    "info",
                )
                return redirect(url_for(".reset", slug=session.slug))
    page = render_template(
        "rehearsals/reset.html",
        session=session,
        form=form,
        counts=reset_service.describe(session),
        open_set=any(s.state is SetState.OPEN for s in session.question_sets),
    )
    return page, 400 if request.method == "POST" else 200
