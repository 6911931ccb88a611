"""Login and logout pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from .. import limits
from ..services import accounts
from .forms import LoginForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect a login to another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("programme.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
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
        return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())  # a saved cookie is dead too
    logout_user()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("programme.index"))
