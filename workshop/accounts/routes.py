"""Account pages (see the package's docstring): organisers manage accounts and read the activity
log; anyone logged in changes their own password; an invitee sets theirs; facilitators and
organisers find their sessions in « Mes ateliers ».

Secrets (a temporary password, an invitation link) are shown once, in the answer to the POST
that made them: never in a redirect's flash message (the session cookie is signed, not
encrypted), never stored.
"""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime as babel_format_datetime
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from wtforms import SelectChoice

from ..auth.access import facilitator_required, organiser_required
from ..auth.routes import _safe_next, home_url
from ..extensions import db
from ..live.qr import public_url
from ..models import Session, User
from ..services import accounts, activity
from ..services.errors import ServiceError
from .activity_labels import action_label, actor_label, detail_text
from .forms import (
    ROLE_LABELS,
    ActionForm,
    AssignmentsForm,
    ChangePasswordForm,
    NewAccountForm,
    SetPasswordForm,
)

bp = Blueprint("accounts", __name__)


@bp.record_once
def _template_helpers(state) -> None:
    """Globals of the account templates (and their macros, imported without context)."""
    state.app.jinja_env.globals.update(
        action_label=action_label,
        actor_label=actor_label,
        detail_text=detail_text,
        role_label=role_label,
        when=_when,
    )


def role_label(role) -> str:
    value = getattr(role, "value", role)
    return str(ROLE_LABELS.get(value, value))


#: The times of the log and of an invitation's expiry: the users' (Belgium), unless the
#: configuration names another zone (Flask-Babel's ``BABEL_DEFAULT_TIMEZONE``).
DEFAULT_TIMEZONE = "Europe/Brussels"


def _when(at) -> str:
    if not at:
        return ""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC  # no time zone database on this machine: UTC, as Flask-Babel would
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return babel_format_datetime(at, "short", tzinfo=zone, locale=get_locale())


def _secret_page(template: str, **context):
    """A page showing a secret once: not cached, not kept by the browser's history."""
    response = render_template(template, **context)
    return response, 200, {"Cache-Control": "no-store"}


def _field_error(form, exc: ServiceError) -> None:
    field = getattr(form, str(exc.details.get("field", "")), None)
    if field is None:
        field = next(iter(f for f in form if f.type not in ("CSRFTokenField", "SubmitField")))
    field.errors = [*field.errors, exc.message]


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _invitation_url(token: str) -> str:
    return public_url(url_for("accounts.invitation", token=token))


# --- « Mes ateliers » ---------------------------------------------------------------------------


@bp.route("/mes-ateliers")
@facilitator_required
def my_sessions():
    """A facilitator's sessions (an organiser's: all not archived), by date, with their links."""
    return render_template("accounts/my_sessions.html", sessions=accounts.sessions_of(current_user))


# --- organisers: accounts -----------------------------------------------------------------------


@bp.route("/admin/accounts", methods=["GET", "POST"])
@organiser_required
def account_list():
    form = NewAccountForm()
    if form.validate_on_submit():
        try:
            if form.method.data == "invitation":
                user, token, expires = accounts.invite(
                    form.username.data, form.role.data, by=current_user
                )
                return _secret_page(
                    "accounts/credential.html",
                    user=user,
                    link=_invitation_url(token),
                    expires=expires,
                )
            user, password = accounts.create_with_temporary_password(
                form.username.data, form.role.data, by=current_user
            )
            return _secret_page("accounts/credential.html", user=user, password=password)
        except ServiceError as exc:
            _field_error(form, exc)
    status = 400 if form.is_submitted() else 200
    users = accounts.all_users()
    return (
        render_template(
            "accounts/list.html",
            form=form,
            users=users,
            assigned={u.id: _assigned_sessions(u) for u in users},
            invited={u.id for u in users if accounts.is_invited(u)},
            action=ActionForm(),
        ),
        status,
    )


def _assigned_sessions(user: User) -> list[Session]:
    return list(
        db.session.scalars(
            select(Session)
            .where(Session.facilitators.any(User.id == user.id))
            .order_by(Session.date.is_(None), Session.date, Session.title)
        )
    )


def _detail_page(user: User, assignments: AssignmentsForm | None = None, status: int = 200):
    if assignments is None:
        assignments = _assignments_form(user)
        assignments.sessions.data = sorted(accounts.assigned_session_ids(user))
    page = render_template(
        "accounts/detail.html",
        user=user,
        invited=accounts.is_invited(user),
        assigned=_assigned_sessions(user),
        assignments=assignments,
        action=ActionForm(),
        entries=accounts.account_activity(user),
    )
    return page, status


def _assignments_form(user: User) -> AssignmentsForm:
    form = AssignmentsForm()
    held = [s for s in _assigned_sessions(user) if s.archived]
    choices = [*accounts.assignable_sessions(), *held]
    form.sessions.choices = [
        SelectChoice(s.id, f"{s.title} ({s.date.strftime('%d/%m/%Y')})" if s.date else s.title)
        for s in choices
    ]
    return form


@bp.route("/admin/accounts/<id:user_id>")
@organiser_required
def account_detail(user_id: int):
    return _detail_page(_user_or_404(user_id))


@bp.route("/admin/accounts/<id:user_id>/assignments", methods=["POST"])
@organiser_required
def account_assignments(user_id: int):
    user = _user_or_404(user_id)
    form = _assignments_form(user)
    if not form.validate_on_submit():
        return _detail_page(user, form, 400)
    try:
        added, removed = accounts.set_assignments(
            user.id, form.sessions.data or [], by=current_user
        )
    except ServiceError as exc:
        form.sessions.errors = [*form.sessions.errors, exc.message]
        return _detail_page(user, form, 400)
    flash(
        _(
            "Attributions enregistrées : %(added)d ajoutée(s), %(removed)d retirée(s).",
            added=added,
            removed=removed,
        ),
        "info",
    )
    return redirect(url_for(".account_detail", user_id=user.id))


def _checked_action(user_id: int) -> User:
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return user


@bp.route("/admin/accounts/<id:user_id>/reset", methods=["POST"])
@organiser_required
def account_reset(user_id: int):
    user = _checked_action(user_id)
    user, password = accounts.reset_password(user.id, by=current_user)
    return _secret_page("accounts/credential.html", user=user, password=password, reset=True)


@bp.route("/admin/accounts/<id:user_id>/invitation", methods=["POST"])
@organiser_required
def account_reinvite(user_id: int):
    user = _checked_action(user_id)
    if not user.active or not accounts.is_invited(user):
        # An account whose invitee chose a password is reset instead (a new link would
        # take its password away without a word).
        flash(
            _("Ce compte n'attend pas d'invitation : réinitialisez plutôt son mot de passe."),
            "error",
        )
        return redirect(url_for(".account_detail", user_id=user.id))
    user, token, expires = accounts.reinvite(user.id, by=current_user)
    return _secret_page(
        "accounts/credential.html", user=user, link=_invitation_url(token), expires=expires
    )


@bp.route("/admin/accounts/<id:user_id>/deactivate", methods=["POST"])
@organiser_required
def account_deactivate(user_id: int):
    user = _checked_action(user_id)
    try:
        accounts.deactivate(user.id, by=current_user)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(
            _("Compte %(name)s désactivé : ses connexions sont terminées.", name=user.username),
            "info",
        )
    return redirect(url_for(".account_detail", user_id=user.id))


@bp.route("/admin/accounts/<id:user_id>/reactivate", methods=["POST"])
@organiser_required
def account_reactivate(user_id: int):
    user = _checked_action(user_id)
    accounts.reactivate(user.id, by=current_user)
    flash(_("Compte %(name)s réactivé.", name=user.username), "info")
    return redirect(url_for(".account_detail", user_id=user.id))


# --- organisers: a session's activity -----------------------------------------------------------


@bp.route("/admin/sessions/<slug>/activity")
@organiser_required
def session_activity(slug: str):
    session = db.session.scalar(select(Session).where(Session.slug == slug))
    if session is None:
        abort(404)
    return render_template(
        "accounts/session_activity.html",
        session=session,
        entries=activity.entries(session_id=session.id),
    )


# --- anyone: one's own password -----------------------------------------------------------------


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_own_password(user, form.current.data, form.password.data)
        except ServiceError as exc:
            _field_error(form, exc)
        else:
            login_user(user)  # the change ended every login of the account, this one included
            flash(_("Votre mot de passe est changé."), "info")
            return redirect(_safe_next(request.args.get("next"), home_url()))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/change_password.html", form=form), status


# --- an invitee ---------------------------------------------------------------------------------


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    try:
        user = accounts.invited_user(token)
    except ServiceError as exc:
        status = 404 if exc.code == "invitation_invalid" else 410
        page = render_template("accounts/invitation_refused.html", message=exc.message)
        return page, status
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.accept_invitation(token, form.password.data)
        except ServiceError as exc:
            _field_error(form, exc)
        else:
            logout_user()
            login_user(user)
            flash(_("Bienvenue ! Votre mot de passe est enregistré."), "info")
            return redirect(home_url())
    status = 400 if form.is_submitted() else 200
    page = render_template("accounts/invitation.html", form=form, user=user)
    return page, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
