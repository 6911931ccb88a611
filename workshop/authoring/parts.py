"""A session's speakers and agenda items: add, edit, move up or down, remove."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import organiser_required
from ..models import AgendaItem, Session, Speaker
from ..services.authoring import agenda, get, speakers
from ..services.errors import ServiceError
from .common import bp, child_or_404, offset, session_or_404, show_error, status
from .fields import choices
from .forms import ActionForm, ItemForm, ReuseSpeakerForm, SpeakerForm


def _back(session: Session, anchor: str):
    return redirect(url_for(".edit_session", slug=session.slug, _anchor=anchor))


# --- speakers ----------------------------------------------------------------------------------


def _speaker_fields(form: SpeakerForm) -> speakers.SpeakerFields:
    return speakers.SpeakerFields(
        name=form.name.data,
        key=form.key.data or "",
        role=form.role.data or "",
        organisation=form.organisation.data or "",
        bio=form.bio.data or "",
    )


@bp.route("/sessions/<slug>/speakers/new", methods=["GET", "POST"])
@bp.route("/sessions/<slug>/speakers/<int:speaker_id>", methods=["GET", "POST"])
@organiser_required
def speaker(slug: str, speaker_id: int | None = None):
    session = session_or_404(slug)
    found = child_or_404(Speaker, speaker_id, session) if speaker_id else None
    form = SpeakerForm(obj=found if request.method == "GET" else None)
    reuse = ReuseSpeakerForm(prefix="reuse")
    reuse.speaker_id.choices = choices([
        (s.id, f"{s.name} — {s.organisation} ({s.session.title})" if s.organisation else
         f"{s.name} ({s.session.title})")
        for s in speakers.reusable(session)
    ])  # fmt: skip
    if form.validate_on_submit():
        try:
            if found is None:
                speakers.add_speaker(session, _speaker_fields(form), by=current_user)
            else:
                speakers.update_speaker(found, _speaker_fields(form), by=current_user)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Intervenant enregistré."), "info")
            return _back(session, "speakers")
    return (
        render_template(
            "authoring/speaker.html", form=form, reuse=reuse, session=session, speaker=found
        ),
        status(form),
    )


@bp.route("/sessions/<slug>/speakers/reuse", methods=["POST"])
@organiser_required
def reuse_speaker(slug: str):
    session = session_or_404(slug)
    form = ReuseSpeakerForm(prefix="reuse")
    if form.validate_on_submit():
        source = get(Speaker, form.speaker_id.data)
        if source is None:
            flash(_("Cet élément n'existe pas (ou plus)."), "error")
        else:
            try:
                speakers.reuse_speaker(session, source, by=current_user)
            except ServiceError as exc:
                show_error(None, exc)
            else:
                flash(_("Intervenant repris : %(name)s.", name=source.name), "info")
    return _back(session, "speakers")


@bp.route("/sessions/<slug>/speakers/<int:speaker_id>/move", methods=["POST"])
@organiser_required
def move_speaker(slug: str, speaker_id: int):
    session = session_or_404(slug)
    found = child_or_404(Speaker, speaker_id, session)
    if ActionForm().validate_on_submit():
        speakers.move_speaker(found, offset(), by=current_user)
    return _back(session, f"speaker-{speaker_id}")


@bp.route("/sessions/<slug>/speakers/<int:speaker_id>/delete", methods=["POST"])
@organiser_required
def delete_speaker(slug: str, speaker_id: int):
    session = session_or_404(slug)
    found = child_or_404(Speaker, speaker_id, session)
    if ActionForm().validate_on_submit():
        speakers.remove_speaker(found, by=current_user)
        flash(_("Intervenant retiré : %(name)s.", name=found.name), "info")
    return _back(session, "speakers")


# --- agenda ------------------------------------------------------------------------------------


def _item_choices(form: ItemForm, session: Session) -> None:
    form.speaker_ids.choices = choices(
        (s.id, f"{s.name} ({s.organisation})" if s.organisation else s.name)
        for s in session.speakers
    )
    form.question_set_id.choices = choices(
        [(0, _("— Aucune —"))] + [(s.id, s.title) for s in session.question_sets]
    )


def _item_fields(form: ItemForm) -> agenda.ItemFields:
    return agenda.ItemFields(
        kind=form.kind.data,
        title=form.title.data,
        text=form.text.data or "",
        planned_start=form.planned_start.data,
        duration_min=form.duration_min.data,
        speaker_ids=list(form.speaker_ids.data or []),
        question_set_id=form.question_set_id.data,
    )


@bp.route("/sessions/<slug>/agenda/new", methods=["GET", "POST"])
@bp.route("/sessions/<slug>/agenda/<int:item_id>", methods=["GET", "POST"])
@organiser_required
def item(slug: str, item_id: int | None = None):
    session = session_or_404(slug)
    found = child_or_404(AgendaItem, item_id, session) if item_id else None
    form = ItemForm(obj=found if request.method == "GET" else None)
    if request.method == "GET" and found is not None:
        form.kind.data = found.kind.value
        form.speaker_ids.data = [s.id for s in found.speakers]
    _item_choices(form, session)
    if form.validate_on_submit():
        try:
            if found is None:
                agenda.add_item(session, _item_fields(form), by=current_user)
            else:
                agenda.update_item(found, _item_fields(form), by=current_user)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Élément de l'ordre du jour enregistré."), "info")
            return _back(session, "agenda")
    return (
        render_template("authoring/item.html", form=form, session=session, item=found),
        status(form),
    )


@bp.route("/sessions/<slug>/agenda/<int:item_id>/move", methods=["POST"])
@organiser_required
def move_item(slug: str, item_id: int):
    session = session_or_404(slug)
    found = child_or_404(AgendaItem, item_id, session)
    if ActionForm().validate_on_submit():
        agenda.move_item(found, offset(), by=current_user)
    return _back(session, f"item-{item_id}")


@bp.route("/sessions/<slug>/agenda/<int:item_id>/delete", methods=["POST"])
@organiser_required
def delete_item(slug: str, item_id: int):
    session = session_or_404(slug)
    found = child_or_404(AgendaItem, item_id, session)
    if ActionForm().validate_on_submit():
        try:
            agenda.remove_item(found, by=current_user)
        except ServiceError as exc:
            show_error(None, exc)
        else:
            flash(_("Élément retiré : %(title)s.", title=found.title), "info")
    return _back(session, "agenda")
