"""Organiser and facilitator accounts (participants have none)."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .enums import Role, enum_column


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Part of the login's identity (:meth:`get_id`): bumping it ends every session of the
    #: account, remembered ones included (logout, password change).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: A deactivated account cannot log in (its sessions end); an organiser reactivates it.
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    #: Set with a temporary password: the next login asks for a new one.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default="0")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Every cookie that names this account stops working (the caller commits)."""
        self.session_version = (self.session_version or 0) + 1

    @property
    def is_active(self) -> bool:  # Flask-Login: an inactive account is refused at login
        return bool(self.active)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: ``id:version``."""
        return f"{self.id}:{self.session_version or 0}"

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def can_facilitate(self) -> bool:
        return self.role in (Role.ORGANISER, Role.FACILITATOR)

    @property
    def is_organiser(self) -> bool:
        return self.role is Role.ORGANISER

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


def load_user(user_id: str) -> User | None:
    """The account a session or remember cookie names, if its version is still the account's
    (a cookie saved before a logout or a password change names an older one)."""
    try:
        raw_id, raw_version = user_id.split(":")
        user = db.session.get(User, int(raw_id))
        version = int(raw_version)
    except (AttributeError, TypeError, ValueError, OverflowError):
        return None
    if user is None or user.session_version != version:
        return None
    return user
