"""Accounts of organisers and facilitators."""

from __future__ import annotations

import functools
import re
import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import User
from ..models.enums import Role
from ..runtime import off_the_hub
from .errors import ServiceError
from .unit import transaction

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,80}$")
MIN_PASSWORD_LENGTH = 8


def create_user(username: str, role: str, password: str) -> User:
    if not USERNAME_RE.match(username or ""):
        raise ServiceError(
            "bad_username",
            f"username: 2 to 80 letters, digits or . _ @ - (got {username!r})",
        )
    try:
        role_value = Role(role)
    except ValueError:
        raise ServiceError(
            "bad_role", f"role: {role!r} is not one of organiser, facilitator"
        ) from None
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError("weak_password", f"password: at least {MIN_PASSWORD_LENGTH} characters")
    if db.session.scalar(select(User).where(User.username == username)):
        raise ServiceError("user_exists", f"username: {username!r} exists already")
    with transaction():
        user = User(username=username, role=role_value)
        user.set_password(password)
        db.session.add(user)
    return user


def set_password(username: str, password: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ServiceError("unknown_user", f"username: no user {username!r}")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError("weak_password", f"password: at least {MIN_PASSWORD_LENGTH} characters")
    with transaction():
        user.set_password(password)
    return user


def end_sessions(user: User) -> None:
    """Log ``user`` out everywhere: every saved session or remember cookie stops working."""
    with transaction():
        user.end_sessions()


def authenticate(username: str, password: str) -> User | None:
    """The user with this name and password, else None. An unknown name costs a password check
    too (against a hash of nothing anyone knows), so the time taken does not tell which names
    exist."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        off_the_hub(check_password_hash, dummy_hash(), password)
        return None
    if not off_the_hub(user.check_password, password):
        return None
    return user


@functools.cache
def dummy_hash() -> str:
    """A password hash of the same method and cost as the users' (made once per process)."""
    return generate_password_hash(secrets.token_urlsafe(24))


def unlock(username: str) -> User:
    """Forget the wrong logins counted against the account ``username`` (workshop/limits.py),
    so it may log in again at once; the counts per client address are left alone."""
    from .. import limits

    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ServiceError("unknown_user", f"username: no user {username!r}")
    limits.clear([(limits.LOGIN, username)])
    return user
