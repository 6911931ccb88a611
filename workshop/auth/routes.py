"""Login and logout pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from .. import limits
from ..extensions import login_manager
from ..models.user import load_user
from ..services import accounts
from .access import Refused, render_refused
from .forms import LoginForm

bp = Blueprint("auth", __name__)
bp.app_errorhandler(Refused)(render_refused)


def load_active_user(user_id: str):
    """Flask-Login's loader: the account a cookie names (models/user.py ``load_user``: its
    version must be the account's), and only while it is active — a deactivated account's
    cookies open nothing, even one saved before its deactivation."""
    user = load_user(user_id)
    if user is None or not user.active:
        return None
    return user


@bp.record_once
def _use_the_active_user_loader(state) -> None:
    login_manager.user_loader(load_active_user)  # replaces the factory's plain ``load_user``


#: Pages a user whose password is temporary may still open (the rest redirects to the first).
_WHILE_PASSWORD_TEMPORARY = {"accounts.change_password", "auth.logout", "static"}


def _safe_next(target: str | None, default: str | None = None) -> str:
    """Only local paths: never redirect a login to another site."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return default or url_for("programme.index")


def home_url() -> str:
    """Where a logged-in organiser or facilitator lands: « Mes ateliers »."""
    return url_for("accounts.my_sessions")


@bp.before_app_request
def _ask_for_a_new_password():
    """After a login with a temporary password, every page leads to the change of password
    until it is done."""
    if request.endpoint in _WHILE_PASSWORD_TEMPORARY or request.endpoint is None:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("accounts.change_password", next=request.full_path.rstrip("?")))
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next"), home_url()))
    form = LoginForm()
    if form.validate_on_submit():
        # Wrong logins are counted per account and per address (workshop/limits.py); past a
        # limit, the password is not even checked until the window ends.
        checks = (
            (limits.LOGIN, form.username.data),
            (limits.LOGIN_ADDRESS, limits.client_address()),
        )
        wait = limits.retry_after(*checks)
        if wait:
            flash(limits.too_many_logins(wait), "error")
            return render_template("auth/login.html", form=form), 429
        user = accounts.authenticate(form.username.data, form.password.data)
        if user is None:
            limits.count(*checks)
            flash(_("Nom d'utilisateur ou mot de passe incorrect."), "error")
            return render_template("auth/login.html", form=form), 401
        login_user(user, remember=form.remember.data)
        target = _safe_next(request.args.get("next"), home_url())
        if user.must_change_password:
            flash(_("Votre mot de passe est temporaire : choisissez-en un nouveau."), "info")
            return redirect(url_for("accounts.change_password", next=target))
        return redirect(target)
    status = 400 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())  # a saved cookie is dead too
    logout_user()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("programme.index"))
