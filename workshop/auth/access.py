"""Access checks for pages and sockets."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required


def facilitator_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pages of the console, summary and exports: a logged-in organiser or facilitator."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.can_facilitate:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def organiser_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_organiser:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
