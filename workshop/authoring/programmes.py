"""Programmes and their themes (the admin side; the public pages are workshop/programme/)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import organiser_required
from ..extensions import db
from ..models import Session, Theme
from ..services.authoring import get, programmes
from ..services.errors import ServiceError
from .common import bp, offset, programme_or_404, show_error, status
from .forms import ActionForm, ProgrammeForm, ThemeForm


def _fields(form: ProgrammeForm) -> programmes.ProgrammeFields:
    return programmes.ProgrammeFields(
        title=form.title.data,
        slug=form.slug.data or "",
        organiser=form.organiser.data or "",
        description=form.description.data or "",
        objective=form.objective.data or "",
        method=form.method.data or "",
    )


@bp.route("/programmes/new", methods=["GET", "POST"])
@organiser_required
def new_programme():
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            programme = programmes.create_programme(_fields(form), by=current_user)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Programme créé : ajoutez-lui ses thèmes."), "info")
            return redirect(url_for(".programme", slug=programme.slug))
    return (
        render_template("authoring/programme_form.html", form=form, programme=None),
        status(form),
    )


@bp.route("/programmes/<slug>", methods=["GET", "POST"])
@organiser_required
def programme(slug: str):
    found = programme_or_404(slug)
    form = ProgrammeForm(obj=found if request.method == "GET" else None)
    theme_form = ThemeForm(prefix="theme")
    if form.validate_on_submit():
        try:
            programmes.update_programme(found, _fields(form), by=current_user)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Programme enregistré."), "info")
            return redirect(url_for(".programme", slug=found.slug))
    return (
        render_template(
            "authoring/programme.html",
            form=form,
            theme_form=theme_form,
            programme=found,
            action=ActionForm(),
            unthemed=db.session.scalars(
                select(Session)
                .where(Session.programme_id == found.id, Session.theme_id.is_(None))
                .order_by(Session.date, Session.title)
            ).all(),
        ),
        status(form),
    )


@bp.route("/programmes/<slug>/themes/new", methods=["POST"])
@bp.route("/programmes/<slug>/themes/<int:theme_id>", methods=["GET", "POST"])
@organiser_required
def theme(slug: str, theme_id: int | None = None):
    found = programme_or_404(slug)
    theme = get(Theme, theme_id)
    if theme_id and (theme is None or theme.programme_id != found.id):
        abort(404)
    form = ThemeForm(prefix="theme", obj=theme if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            if theme is None:
                programmes.add_theme(
                    found, form.title.data, form.description.data or "", by=current_user
                )
            else:
                programmes.update_theme(
                    theme, form.title.data, form.description.data or "", by=current_user
                )
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Thème enregistré."), "info")
            return redirect(url_for(".programme", slug=slug, _anchor="themes"))
    return (
        render_template("authoring/theme.html", form=form, programme=found, theme=theme),
        status(form),
    )


@bp.route("/programmes/<slug>/themes/<int:theme_id>/<any(move, delete):what>", methods=["POST"])
@organiser_required
def theme_action(slug: str, theme_id: int, what: str):
    found = programme_or_404(slug)
    theme = get(Theme, theme_id)
    if theme is None or theme.programme_id != found.id:
        abort(404)
    if ActionForm().validate_on_submit():
        if what == "move":
            programmes.move_theme(theme, offset(), by=current_user)
        else:
            programmes.remove_theme(theme, by=current_user)
            flash(_("Thème retiré : %(title)s.", title=theme.title), "info")
    return redirect(url_for(".programme", slug=slug, _anchor="themes"))
