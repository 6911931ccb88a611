"""Summary and export pages (facilitators and organisers only).

``/summary/<CODE>``                      the debate summary, with the conclusion forms
``/summary/<CODE>.json``                 its live feed (polled by static/js/summary.js)
``/summary/<CODE>/conclusions/new``      write a conclusion (``?set=<id>``; none: the session's)
``/summary/<CODE>/conclusions/<id>``     edit one; ``…/delete`` (POST) removes it
``/summary/<CODE>/export.<fmt>``         md, docx, csv, json, html (``?identify=1`` for csv/json:
                                         organisers only, pseudonyms are personal data)

The summary, its feed and the exports leave the rehearsal participants out unless
``?include_rehearsal=1`` (docs/exports.md); every export is written to the activity log.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.access import facilitator_required
from ..extensions import db
from ..models import Conclusion, Session
from ..models.session import normalise_code
from ..services import activity
from ..services import conclusions as conclusion_service
from ..services.errors import ServiceError
from ..services.validation import parse_id
from . import exporters, figures
from .forms import ConclusionForm, conclusion_form

bp = Blueprint("summary", __name__, url_prefix="/summary")


@bp.record_once
def _register_template_helpers(state) -> None:
    """The agenda planned against actual, the debate's texts and tables (summary page and
    printable export)."""
    from .exporters import debate
    from .exporters.text import agenda_table

    state.app.jinja_env.globals.update(agenda_table=agenda_table, debate_text=debate)


def _session_or_404(code: str) -> Session:
    session = db.session.scalar(select(Session).where(Session.code == normalise_code(code)))
    if session is None:
        abort(404)
    return session


def _include_rehearsal() -> bool:
    return request.args.get("include_rehearsal") == "1"


#: The documents' languages, each named in itself (the summary page's « Langue des documents »).
EXPORT_LANGUAGES = {"fr": "Français", "nl": "Nederlands", "de": "Deutsch", "en": "English"}


def _export_lang() -> str:
    """The language the page's downloads are in (``?export_lang=``, else the page's own): each
    download carries it as ``?lang=``."""
    asked = request.args.get("export_lang")
    return asked if asked in EXPORT_LANGUAGES else str(get_locale() or "fr")


def _rehearsal_args() -> dict[str, int]:
    """What the page's links carry on, so the feed and exports count what the page counts."""
    return {"include_rehearsal": 1} if _include_rehearsal() else {}


@bp.route("/<code>")
@facilitator_required
def summary(code: str):
    session = _session_or_404(code)
    data = figures.session_summary(session, include_rehearsal=_include_rehearsal())
    forms = {s["id"]: conclusion_form([s], prefix=f"set{s['id']}") for s in data["sets"]}
    session_form = conclusion_form(data["sets"], prefix="session")
    return render_template(
        "summary/summary.html",
        session=session,
        summary=data,
        forms=forms,
        session_form=session_form,
        fingerprint=figures.fingerprint(data),
        editable=session.purged_at is None,  # purged: the archive is what remains
        rehearsal_args=_rehearsal_args(),
        export_lang=_export_lang(),
        export_languages=EXPORT_LANGUAGES,
    )


@bp.route("/<code>.json")
@facilitator_required
def feed(code: str):
    session = _session_or_404(code)
    data = figures.session_summary(session, include_rehearsal=_include_rehearsal())
    html = render_template(
        "summary/_results.html", session=session, summary=data, editable=session.purged_at is None
    )
    return jsonify(fingerprint=figures.fingerprint(data), html=html, summary=data)


@bp.route("/<code>/conclusions/new", methods=["GET", "POST"])
@facilitator_required
def new_conclusion(code: str):
    session = _session_or_404(code)
    raw = request.args.get("set")
    set_id = parse_id(raw)
    if raw is not None and set_id is None:
        abort(404)
    return _conclusion_page(session, set_id, None)


@bp.route("/<code>/conclusions/<id:conclusion_id>", methods=["GET", "POST"])
@facilitator_required
def edit_conclusion(code: str, conclusion_id: int):
    session = _session_or_404(code)
    conclusion = db.session.get(Conclusion, conclusion_id)
    if conclusion is None or conclusion.session_id != session.id:
        abort(404)
    return _conclusion_page(session, conclusion.question_set_id, conclusion)


@bp.route("/<code>/conclusions/<id:conclusion_id>/delete", methods=["POST"])
@facilitator_required
def delete_conclusion(code: str, conclusion_id: int):
    session = _session_or_404(code)
    try:
        conclusion_service.delete_conclusion(session, conclusion_id)
    except ServiceError:
        abort(404)
    flash(_("Conclusion supprimée."), "info")
    return redirect(url_for(".summary", code=session.code, _anchor="conclusions"))


def _conclusion_page(session: Session, set_id: int | None, conclusion: Conclusion | None):
    data = figures.session_summary(session)
    scope = [s for s in data["sets"] if set_id is None or s["id"] == set_id]
    if set_id is not None and not scope:
        abort(404)
    prefix = f"set{set_id}" if set_id is not None else "session"
    form = conclusion_form(scope, prefix=prefix)
    if conclusion is not None and request.method == "GET":
        _fill(form, conclusion)
    if form.validate_on_submit():
        try:
            saved = conclusion_service.save_conclusion(
                session,
                text=form.text.data,
                question_set_id=set_id,
                question_ids=form.questions.data or [],
                answer_ids=form.comments.data or [],
                conclusion_id=conclusion.id if conclusion else None,
            )
        except ServiceError as exc:
            form.text.errors = [*form.text.errors, exc.message]
        else:
            flash(_("Conclusion enregistrée."), "info")
            anchor = f"conclusion-{saved.id}"
            return redirect(url_for(".summary", code=session.code, _anchor=anchor))
    status = 400 if request.method == "POST" else 200
    qset = scope[0] if set_id is not None else None
    page = render_template(
        "summary/conclusion.html", session=session, form=form, qset=qset, conclusion=conclusion
    )
    return page, status


def _fill(form: ConclusionForm, conclusion: Conclusion) -> None:
    form.text.data = conclusion.text
    form.questions.data = [link.question_id for link in conclusion.links if link.question_id]
    form.comments.data = [link.answer_id for link in conclusion.links if link.answer_id]


@bp.route("/<code>/export.<fmt>")
@facilitator_required
def export(code: str, fmt: str):
    if fmt not in exporters.FORMATS:
        abort(404)
    session = _session_or_404(code)
    identify = request.args.get("identify") == "1"
    if identify and not current_user.is_organiser:
        abort(403)  # pseudonyms are personal data: organisers only (docs/privacy.md)
    include_rehearsal = _include_rehearsal()
    content = exporters.export_session(
        session, fmt, identify=identify, include_rehearsal=include_rehearsal
    )
    activity.exported(
        session, fmt, identify=identify, include_rehearsal=include_rehearsal, by=current_user
    )
    return _download(content, fmt, exporters.filename(session, fmt))


def _download(content: bytes, fmt: str, name: str) -> Response:
    response = Response(content, mimetype=exporters.FORMATS[fmt].mimetype)
    if fmt != "html":
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
