"""Sessions: create, edit (the overview of everything it holds), copy, archive, delete."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import organiser_required
from ..extensions import db
from ..models import Programme, Session, Theme
from ..services.authoring import sessions as service
from ..services.errors import ServiceError
from .common import bp, session_or_404, show_error, status
from .fields import choices
from .forms import ActionForm, CopyForm, DeleteForm, SessionForm


def _placement_choices(form: SessionForm) -> None:
    programmes = db.session.scalars(select(Programme).order_by(Programme.title)).all()
    none = [(0, _("— Aucun —"))]
    form.programme_id.choices = choices(none + [(p.id, p.title) for p in programmes])
    themes = db.session.scalars(
        select(Theme).join(Programme).order_by(Programme.title, Theme.position)
    ).all()
    form.theme_id.choices = choices(
        [(0, _("— Aucun —"))]
        + [(t.id, f"{t.programme.title} — {t.position + 1}. {t.title}") for t in themes]
    )


def _fields(form: SessionForm) -> service.SessionFields:
    return service.SessionFields(
        title=form.title.data,
        slug=form.slug.data or "",
        programme_id=form.programme_id.data,
        theme_id=form.theme_id.data,
        date=form.date.data,
        start_time=form.start_time.data,
        place=form.place.data or "",
        organiser=form.organiser.data or "",
        theme_statement=form.theme_statement.data or "",
        objective=form.objective.data or "",
        method=form.method.data or "",
        code=(form.code.data or "").upper(),
        groups=list(form.stakeholder_groups.data or []) or None,
    )


@bp.route("/sessions/new", methods=["GET", "POST"])
@organiser_required
def new_session():
    form = SessionForm()
    if request.method == "GET" and request.args.get("programme", type=int):
        form.programme_id.data = request.args.get("programme", type=int)
    _placement_choices(form)
    if form.validate_on_submit():
        try:
            session = service.create_session(_fields(form), by=current_user)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Atelier créé."), "info")
            return redirect(url_for(".edit_session", slug=session.slug))
    sources = db.session.scalars(
        select(Session).where(Session.archived.is_(False)).order_by(Session.date, Session.title)
    ).all()
    return (
        render_template("authoring/session_form.html", form=form, session=None, sources=sources),
        status(form),
    )


@bp.route("/sessions/<slug>/edit", methods=["GET", "POST"])
@organiser_required
def edit_session(slug: str):
    session = session_or_404(slug)
    form = SessionForm(obj=session if request.method == "GET" else None)
    _placement_choices(form)
    if form.validate_on_submit():
        try:
            service.update_session(session, _fields(form), by=current_user)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Atelier enregistré."), "info")
            return redirect(url_for(".edit_session", slug=session.slug))
    return (
        render_template("authoring/session.html", form=form, session=session, action=ActionForm()),
        status(form),
    )


@bp.route("/sessions/<slug>/copy", methods=["GET", "POST"])
@organiser_required
def copy_session(slug: str):
    source = session_or_404(slug)
    form = CopyForm()
    if request.method == "GET":
        form.title.data = _("%(title)s (copie)", title=source.title)
    if form.validate_on_submit():
        try:
            copy = service.copy_session(
                source,
                title=form.title.data,
                slug=form.slug.data or "",
                with_sets=bool(form.with_sets.data),
                by=current_user,
            )
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Copie créée, avec un nouveau code : %(code)s.", code=copy.code), "info")
            return redirect(url_for(".edit_session", slug=copy.slug))
    return render_template("authoring/copy.html", form=form, session=source), status(form)


@bp.route("/sessions/<slug>/archive", methods=["POST"])
@organiser_required
def archive_session(slug: str):
    session = session_or_404(slug)
    if ActionForm().validate_on_submit():
        archived = request.form.get("archived") == "1"
        service.archive_session(session, archived, by=current_user)
        flash(_("Atelier archivé.") if archived else _("Atelier sorti des archives."), "info")
    return redirect(url_for(".edit_session", slug=slug))


@bp.route("/sessions/<slug>/delete", methods=["GET", "POST"])
@organiser_required
def delete_session(slug: str):
    session = session_or_404(slug)
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            service.delete_session(session, form.confirmation.data, by=current_user)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Atelier « %(title)s » supprimé.", title=session.title), "info")
            return redirect(url_for("admin.index"))
    return render_template("authoring/delete.html", form=form, session=session), status(form)


@bp.route("/sessions/archived")
@organiser_required
def archived_sessions():
    sessions = db.session.scalars(
        select(Session).where(Session.archived.is_(True)).order_by(Session.date, Session.title)
    ).all()
    return render_template("authoring/archived.html", sessions=sessions)
