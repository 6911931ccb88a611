"""Question sets and questions (every kind), and the previews of a set."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import organiser_required
from ..models import Question, QuestionSet, Session
from ..services.authoring import get, questions
from ..services.errors import ServiceError
from .common import bp, child_or_404, offset, session_or_404, show_error, status
from .fields import choices
from .forms import ActionForm, MoveQuestionForm, QuestionForm, SetForm


def _set_fields(form: SetForm) -> questions.SetFields:
    return questions.SetFields(
        title=form.title.data, key=form.key.data or "", introduction=form.introduction.data or ""
    )


def _to_set(session: Session, qset: QuestionSet, anchor: str = ""):
    return redirect(
        url_for(".question_set", slug=session.slug, set_id=qset.id, _anchor=anchor or None)
    )


@bp.route("/sessions/<slug>/sets/new", methods=["GET", "POST"])
@organiser_required
def new_set(slug: str):
    session = session_or_404(slug)
    form = SetForm()
    if form.validate_on_submit():
        try:
            qset = questions.create_set(session, _set_fields(form), by=current_user)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Série de questions créée : ajoutez-lui des questions."), "info")
            return _to_set(session, qset)
    return (
        render_template("authoring/set_form.html", form=form, session=session, qset=None),
        status(form),
    )


@bp.route("/sessions/<slug>/sets/<int:set_id>", methods=["GET", "POST"])
@organiser_required
def question_set(slug: str, set_id: int):
    session = session_or_404(slug)
    qset = child_or_404(QuestionSet, set_id, session)
    form = SetForm(obj=qset if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            questions.update_set(qset, _set_fields(form), by=current_user)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Série enregistrée."), "info")
            return _to_set(session, qset)
    move = MoveQuestionForm(prefix="move")
    move.target.choices = choices([(s.id, s.title) for s in session.question_sets if s is not qset])
    return (
        render_template(
            "authoring/set.html",
            form=form,
            session=session,
            qset=qset,
            action=ActionForm(),
            move=move,
        ),
        status(form),
    )


@bp.route("/sessions/<slug>/sets/<int:set_id>/<any(duplicate, delete, move):what>",
          methods=["POST"])  # fmt: skip
@organiser_required
def set_action(slug: str, set_id: int, what: str):
    session = session_or_404(slug)
    qset = child_or_404(QuestionSet, set_id, session)
    if not ActionForm().validate_on_submit():
        return _to_set(session, qset)
    try:
        if what == "duplicate":
            copy = questions.duplicate_set(qset, by=current_user)
            flash(_("Série dupliquée."), "info")
            return _to_set(session, copy)
        if what == "move":
            questions.move_set(qset, offset(), by=current_user)
            return redirect(url_for(".edit_session", slug=slug, _anchor=f"set-{set_id}"))
        questions.remove_set(qset, by=current_user)
    except ServiceError as exc:
        show_error(None, exc)
        return _to_set(session, qset)
    flash(_("Série supprimée : %(title)s.", title=qset.title), "info")
    return redirect(url_for(".edit_session", slug=slug, _anchor="sets"))


def _question_or_404(qset: QuestionSet, question_id: int) -> Question:
    question = get(Question, question_id)
    if question is None or question.question_set_id != qset.id:
        abort(404)
    return question


@bp.route("/sessions/<slug>/sets/<int:set_id>/questions/new", methods=["GET", "POST"])
@bp.route("/sessions/<slug>/sets/<int:set_id>/questions/<int:question_id>",
          methods=["GET", "POST"])  # fmt: skip
@organiser_required
def question(slug: str, set_id: int, question_id: int | None = None):
    session = session_or_404(slug)
    qset = child_or_404(QuestionSet, set_id, session)
    found = _question_or_404(qset, question_id) if question_id else None
    form = QuestionForm(obj=found if request.method == "GET" else None)
    if request.method == "GET" and found is not None:
        form.kind.data = found.kind.value
    if request.method == "GET" and found is None and request.args.get("kind"):
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        try:
            if found is None:
                questions.add_question(qset, form.values(), by=current_user)
            else:
                questions.update_question(found, form.values(), by=current_user)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Question enregistrée."), "info")
            return _to_set(session, qset, "questions")
    return (
        render_template(
            "authoring/question.html",
            form=form,
            session=session,
            qset=qset,
            question=found,
            answered=questions.answer_count(found) if found is not None else 0,
        ),
        status(form),
    )


@bp.route("/sessions/<slug>/sets/<int:set_id>/questions/<int:question_id>/"
          "<any(move, delete, transfer):what>", methods=["POST"])  # fmt: skip
@organiser_required
def question_action(slug: str, set_id: int, question_id: int, what: str):
    session = session_or_404(slug)
    qset = child_or_404(QuestionSet, set_id, session)
    found = _question_or_404(qset, question_id)
    move = MoveQuestionForm(prefix="move")
    if not (move if what == "transfer" else ActionForm()).validate_on_submit():
        return _to_set(session, qset, "questions")
    try:
        if what == "move":
            questions.move_question(found, offset(), by=current_user)
            return _to_set(session, qset, f"question-{question_id}")
        if what == "transfer":
            target = child_or_404(QuestionSet, move.target.data, session)
            questions.move_question_to(found, target, by=current_user)
            flash(_("Question déplacée vers « %(title)s ».", title=target.title), "info")
            return _to_set(session, target, "questions")
        questions.remove_question(found, by=current_user)
        flash(_("Question supprimée."), "info")
    except ServiceError as exc:
        show_error(None, exc)
    return _to_set(session, qset, "questions")


@bp.route("/sessions/<slug>/sets/<int:set_id>/preview/<any(phone, screen):view>")
@organiser_required
def preview(slug: str, set_id: int, view: str):
    """The set as a participant's phone (360 px) or the projector shows it, open, before the
    day: a read-only rendering; no participant is created and the set's state is unchanged."""
    session = session_or_404(slug)
    qset = child_or_404(QuestionSet, set_id, session)
    return render_template(f"authoring/preview_{view}.html", session=session, qset=qset)
