"""Organiser pages: the sessions with their links, upload of session files, YAML downloads, and
the participants' data settings of sessions and programmes (with a session's purge)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.utils import secure_filename

from ..auth.access import organiser_required
from ..extensions import db
from ..models import Programme, Session
from ..models.enums import SessionStatus
from ..services import privacy
from ..services.errors import ServiceError
from ..sessions_files import (
    SessionFileError,
    UnknownSlugError,
    dump_session,
    load_paths,
    validate_paths,
)
from ..summary import archive
from .forms import PrivacyForm, PurgeForm, SessionFilesForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

MAX_FILES = 20
#: The longest file name most file systems store (255 bytes; a safe name is ASCII).
MAX_NAME_LENGTH = 255


@bp.route("/", methods=["GET", "POST"])
@organiser_required
def index():
    form = SessionFilesForm()
    problems: list[str] = []
    report = None
    if form.validate_on_submit():
        uploads = [f for f in form.files.data or [] if f and f.filename]
        if not uploads:
            form.files.errors.append(_("Choisissez au moins un fichier."))
        elif len(uploads) > MAX_FILES:
            form.files.errors.append(_("%(n)d fichiers au plus.", n=MAX_FILES))
        elif _names_ok(uploads, form.files.errors):
            problems, report = _check_and_load(uploads, dry_run=form.dry_run.data)
            if report is not None:
                flash(_("Chargé : %(report)s", report=report), "info")
            elif not problems:
                flash(_("Aucun problème trouvé (rien n'a été chargé)."), "info")
    status = 400 if problems else 200
    sessions = db.session.scalars(
        select(Session).where(Session.archived.is_(False)).order_by(Session.date, Session.title)
    ).all()
    programmes = db.session.scalars(select(Programme).order_by(Programme.title)).all()
    return (
        render_template(
            "admin/index.html",
            form=form,
            problems=problems,
            sessions=sessions,
            programmes=programmes,
        ),
        status,
    )


def _names_ok(uploads, errors: list[str]) -> bool:
    """Each upload has a usable file name, distinct from the others' (problems go to ``errors``):
    it is the file's name on disk while it is checked, and how its problems are reported."""
    seen: set[str] = set()
    for upload in uploads:
        shown = upload.filename if len(upload.filename) <= 60 else upload.filename[:59] + "…"
        name = secure_filename(upload.filename)
        if len(upload.filename) > MAX_NAME_LENGTH:
            errors.append(
                _(
                    "« %(name)s » : nom de fichier trop long (%(n)d caractères au plus).",
                    name=shown,
                    n=MAX_NAME_LENGTH,
                )
            )
        elif not name:
            errors.append(
                _(
                    "« %(name)s » : nom de fichier inutilisable ; renommez le fichier, "
                    "par exemple atelier.yaml.",
                    name=shown,
                )
            )
        elif name in seen:
            errors.append(
                _("Deux fichiers portent le même nom (%(name)s) : renommez l'un d'eux.", name=name)
            )
        seen.add(name)
    return not errors


def _check_and_load(uploads, dry_run: bool) -> tuple[list[str], object | None]:
    """Save the uploads in a private temporary folder under their own (safe) names, then
    validate them (and load them unless ``dry_run``). Problems name the uploaded file."""
    with tempfile.TemporaryDirectory(prefix="workshop-upload-") as tmp:
        paths = []
        for upload in uploads:
            path = Path(tmp) / secure_filename(upload.filename)  # checked by _names_ok
            upload.save(path)
            paths.append(path)
        prefix = tmp + "/"
        if dry_run:
            return [str(p).replace(prefix, "") for p in validate_paths(paths)], None
        try:
            return [], load_paths(paths)
        except SessionFileError as exc:
            return [str(p).replace(prefix, "") for p in exc.problems], None


@bp.route("/sessions/<slug>.yaml")
@organiser_required
def download(slug: str):
    try:
        text = dump_session(slug)
    except UnknownSlugError:
        abort(404)
    return Response(
        text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{slug}.yaml"'},
    )


# --- participants' data (docs/privacy.md) ---------------------------------------------------------


def _by_slug_or_404(model, slug: str):
    found = db.session.scalar(select(model).where(model.slug == slug))
    if found is None:
        abort(404)
    return found


def _save_privacy(form: PrivacyForm, target) -> bool:
    """Save the form into ``target`` (a session or programme) when it was posted and valid."""
    if not (form.submit.data and form.validate_on_submit()):
        return False
    try:
        privacy.set_privacy(
            target,
            organiser=form.organiser.data or "",
            contact=form.privacy_contact.data or "",
            retention=form.retention_days.data,
            by=current_user,
        )
    except ServiceError as exc:
        form.retention_days.errors = [*form.retention_days.errors, exc.message]
        return False
    flash(_("Réglages des données personnelles enregistrés."), "info")
    return True


@bp.route("/sessions/<slug>/privacy", methods=["GET", "POST"])
@organiser_required
def session_privacy(slug: str):
    """A session's controller, contact and retention; its purge, now, on request."""
    session = _by_slug_or_404(Session, slug)
    form = PrivacyForm(obj=session if request.method == "GET" else None)
    purge_form = PurgeForm(prefix="purge")
    if _save_privacy(form, session):
        return redirect(url_for(".session_privacy", slug=slug))
    if purge_form.submit.data and purge_form.validate_on_submit():
        if session.status is SessionStatus.LIVE:
            purge_form.confirm.errors = [
                _("L'atelier est en cours : terminez-le avant d'effacer ses contributions.")
            ]
        elif session.purged_at is None:
            counts = privacy.purge(session, archive.archived(session), by=current_user)
            flash(
                _(
                    "Contributions effacées : %(participants)d participant(s), %(answers)d "
                    "réponse(s). Les chiffres agrégés et les conclusions sont gardés.",
                    **counts,
                ),
                "info",
            )
            return redirect(url_for(".session_privacy", slug=slug))
    status = 400 if form.errors or purge_form.errors else 200
    return (
        render_template(
            "admin/privacy.html",
            target=session,
            session=session,
            form=form,
            purge_form=purge_form,
            notice=privacy.notice(session),
            held=privacy.describe(session),
        ),
        status,
    )


@bp.route("/programmes/<slug>/privacy", methods=["GET", "POST"])
@organiser_required
def programme_privacy(slug: str):
    """A programme's controller, contact and retention: the defaults of its sessions."""
    programme = _by_slug_or_404(Programme, slug)
    form = PrivacyForm(obj=programme if request.method == "GET" else None)
    if _save_privacy(form, programme):
        return redirect(url_for(".programme_privacy", slug=slug))
    return (
        render_template("admin/privacy.html", target=programme, session=None, form=form),
        400 if form.errors else 200,
    )
