"""Accounts of organisers and facilitators (issue 12, « Comptes et rôles »).

Organisers create accounts in the browser, by an invitation link (:func:`invite`: a signed,
single-use, expiring token; the invitee sets their password, :func:`accept_invitation`) or with a
temporary password shown once (:func:`create_with_temporary_password`, :func:`reset_password`:
the next login asks for a new one). They deactivate and reactivate accounts and assign
facilitators to sessions (:func:`set_assignments`). Anyone changes their own password
(:func:`change_own_password`). Every such change writes its line to the activity log
(services/activity.py) in its own transaction.

Passwords follow NIST SP 800-63B (5.1.1.2): at least :data:`MIN_PASSWORD_LENGTH` characters, not
one of the most common passwords (workshop/accounts/common_passwords.txt), not the username; no
composition rules. The first organiser is made with ``workshop create-user`` (:func:`create_user`,
whose messages are the command line's, in English).

Error codes: ``bad_username``, ``bad_role``, ``user_exists``, ``unknown_user``,
``password_too_short``, ``password_too_common``, ``password_is_username``, ``wrong_password``,
``invitation_invalid``, ``invitation_expired``, ``invitation_used``, ``own_account``,
``last_organiser``, ``unknown_session``.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from importlib import resources

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Activity, Session, User
from ..models.enums import Role
from ..runtime import off_the_hub
from . import activity
from .errors import ServiceError
from .unit import transaction

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,80}$")
#: The organiser account that a rehearsal's simulated console logs in as (created when missing).
REHEARSAL_USERNAME = "rehearsal"
MIN_PASSWORD_LENGTH = 10
#: Longest password accepted (a hash of anything longer costs the same; this bounds the work).
MAX_PASSWORD_LENGTH = 200
#: An invitation link works this long, once.
INVITATION_MAX_AGE = timedelta(days=7)
INVITATION_SALT = "workshop-invitation"
#: What a password hash that no password matches looks like (an invited account's, until the
#: invitee sets one): :meth:`User.check_password` is False for it, whatever is typed.
UNUSABLE_PASSWORD = "!"  # noqa: S105


# --- password rules -----------------------------------------------------------------------------


@functools.cache
def common_passwords() -> frozenset[str]:
    """The most common passwords, lower case (the package's list, read once per process)."""
    text = (
        resources.files("workshop")
        .joinpath("accounts", "common_passwords.txt")
        .read_text(encoding="utf-8")
    )
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def password_problem(password: str | None, username: str = "") -> str | None:
    """The first rule ``password`` breaks (an error code), or None."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "password_too_short"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "password_too_long"
    folded = password.strip().lower()
    if username and folded == username.lower():
        return "password_is_username"
    if folded in common_passwords():
        return "password_too_common"
    return None


def check_password_rules(password: str | None, username: str = "") -> None:
    """Raise :class:`ServiceError` (translated message, ``field="password"``) unless
    ``password`` is acceptable for the account ``username``."""
    code = password_problem(password, username)
    if code is None:
        return
    messages = {
        "password_too_short": lambda: _(
            "Le mot de passe doit compter au moins %(num)d caractères.", num=MIN_PASSWORD_LENGTH
        ),
        "password_too_long": lambda: _(
            "Le mot de passe ne peut dépasser %(num)d caractères.", num=MAX_PASSWORD_LENGTH
        ),
        "password_is_username": lambda: _("Le mot de passe ne peut pas être le nom d'utilisateur."),
        "password_too_common": lambda: _(
            "Ce mot de passe fait partie des plus courants : choisissez-en un autre (une"
            " phrase de quelques mots, par exemple)."
        ),
    }
    raise ServiceError(code, messages[code](), field="password")


def _cli_password_check(password: str, username: str) -> None:
    """The same rules, with the command line's English messages."""
    code = password_problem(password, username)
    messages = {
        "password_too_short": f"password: at least {MIN_PASSWORD_LENGTH} characters",
        "password_too_long": f"password: at most {MAX_PASSWORD_LENGTH} characters",
        "password_is_username": "password: must not be the username",
        "password_too_common": "password: one of the most common passwords, choose another",
    }
    if code is not None:
        raise ServiceError(code, messages[code])


def temporary_password() -> str:
    """A password to read out or copy once: 4 groups of 4 letters and digits (no look-alikes)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    groups = ("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


# --- the command line ---------------------------------------------------------------------------


def _check_new_account(username: str, role: str, *, cli: bool = False) -> Role:
    if not USERNAME_RE.match(username or ""):
        raise ServiceError(
            "bad_username",
            f"username: 2 to 80 letters, digits or . _ @ - (got {username!r})"
            if cli
            else _("Le nom d'utilisateur compte de 2 à 80 lettres, chiffres ou . _ @ -."),
            field="username",
        )
    try:
        role_value = Role(role)
    except ValueError:
        raise ServiceError(
            "bad_role",
            f"role: {role!r} is not one of organiser, facilitator"
            if cli
            else _("Ce rôle n'existe pas."),
            field="role",
        ) from None
    taken = db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower()))
    if taken is not None:
        raise ServiceError(
            "user_exists",
            f"username: {username!r} exists already"
            if cli
            else _("Ce nom d'utilisateur est déjà pris."),
            field="username",
        )
    return role_value


def create_user(username: str, role: str, password: str) -> User:
    """``workshop create-user``: an account with the password given (English messages)."""
    role_value = _check_new_account(username, role, cli=True)
    _cli_password_check(password, username)
    with transaction():
        user = User(username=username, role=role_value)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        activity.record(
            "account.created",
            by="workshop create-user",
            subject=username,
            detail=activity.facts(role=role_value.value),
        )
    return user


def set_password(username: str, password: str) -> User:
    """``workshop set-password`` (English messages)."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ServiceError("unknown_user", f"username: no user {username!r}")
    _cli_password_check(password, username)
    with transaction():
        user.set_password(password)
        user.must_change_password = False
        activity.record("account.password_reset", by="workshop set-password", subject=username)
    return user


# --- login --------------------------------------------------------------------------------------


def end_sessions(user: User) -> None:
    """Log ``user`` out everywhere: every saved session or remember cookie stops working."""
    with transaction():
        user.end_sessions()


def authenticate(username: str, password: str) -> User | None:
    """The active user with this name and password, else None. An unknown name (or an account
    whose password is unusable: invited, not yet set) costs a password check too (against a
    hash of nothing anyone knows), so the time taken does not tell which names exist."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not _usable(user.password_hash):
        off_the_hub(check_password_hash, dummy_hash(), password)
        return None
    if not off_the_hub(user.check_password, password):
        return None
    if not user.active:
        return None
    return user


def _usable(password_hash: str | None) -> bool:
    return bool(password_hash) and password_hash != UNUSABLE_PASSWORD


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


# --- reading ------------------------------------------------------------------------------------


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise ServiceError("unknown_user", _("Ce compte n'existe pas."))
    return user


def all_users() -> Sequence[User]:
    return db.session.scalars(select(User).order_by(func.lower(User.username))).all()


def is_invited(user: User) -> bool:
    """An account made by an invitation whose invitee has not set a password yet."""
    return not _usable(user.password_hash)


def assigned_session_ids(user: User) -> set[int]:
    from ..models.session import session_facilitator

    rows = db.session.execute(
        select(session_facilitator.c.session_id).where(session_facilitator.c.user_id == user.id)
    )
    return {row[0] for row in rows}


def is_assigned(user_id: int, session_id: int) -> bool:
    """Whether the facilitator ``user_id`` is assigned to the session (one indexed row)."""
    from ..models.session import session_facilitator

    found = db.session.execute(
        select(session_facilitator.c.user_id).where(
            session_facilitator.c.user_id == user_id,
            session_facilitator.c.session_id == session_id,
        )
    ).first()
    return found is not None


def may_facilitate(user: User, session_id: int) -> bool:
    """Organisers drive every session; a facilitator, those assigned to them."""
    if not user.can_facilitate or not user.active:
        return False
    return user.is_organiser or is_assigned(user.id, session_id)


def sessions_of(user: User) -> Sequence[Session]:
    """« Mes ateliers »: a facilitator's sessions, an organiser's all (not archived); by date
    (undated last), then start time and title."""
    query = select(Session).where(Session.archived.is_(False))
    if not user.is_organiser:
        query = query.where(Session.facilitators.any(User.id == user.id))
    query = query.order_by(
        Session.date.is_(None), Session.date, Session.start_time, Session.title, Session.id
    )
    return db.session.scalars(query).all()


def assignable_sessions() -> Sequence[Session]:
    """Sessions a facilitator may be assigned to (not archived), by date."""
    query = select(Session).where(Session.archived.is_(False))
    return db.session.scalars(
        query.order_by(Session.date.is_(None), Session.date, Session.title, Session.id)
    ).all()


def account_activity(user: User, limit: int = 200) -> Sequence[Activity]:
    """What the account did, and what was done to it, newest first."""
    query = (
        select(Activity)
        .where(
            or_(
                Activity.user_id == user.id,
                and_(Activity.action.startswith("account."), Activity.subject == user.username),
            )
        )
        .order_by(Activity.at.desc(), Activity.id.desc())
        .limit(limit)
    )
    return db.session.scalars(query).all()


# --- organisers' changes ------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def invitation_token(user: User) -> str:
    """A link's token for ``user``: valid until the account's ``session_version`` changes (the
    invitee sets a password, an organiser invites again or deactivates) or it expires."""
    return _serializer().dumps([user.id, user.session_version or 0])


def invite(username: str, role: str, *, by: User) -> tuple[User, str, datetime]:
    """Create an account without a usable password and an invitation for it:
    ``(user, token, expires_at)``. No e-mail is sent: the organiser passes the link on."""
    username = (username or "").strip()
    role_value = _check_new_account(username, role)
    with transaction():
        user = User(username=username, role=role_value, password_hash=UNUSABLE_PASSWORD)
        db.session.add(user)
        db.session.flush()
        activity.record(
            "account.invited", by=by, subject=username, detail=activity.facts(role=role_value.value)
        )
    return user, invitation_token(user), datetime.now(UTC) + INVITATION_MAX_AGE


def reinvite(user_id: int, *, by: User) -> tuple[User, str, datetime]:
    """A new invitation link for an account (the earlier links stop working): its password
    becomes unusable until the invitee sets one, and its logins end."""
    with transaction():
        user = get_user(user_id)
        user.password_hash = UNUSABLE_PASSWORD
        user.must_change_password = False
        user.end_sessions()
        activity.record(
            "account.invited",
            by=by,
            subject=user.username,
            detail=activity.facts(role=user.role.value),
        )
    return user, invitation_token(user), datetime.now(UTC) + INVITATION_MAX_AGE


def invited_user(token: str) -> User:
    """The account an invitation link is for, if it is still usable; else ``invitation_invalid``
    (not a link of ours), ``invitation_expired`` or ``invitation_used``."""
    max_age = int(INVITATION_MAX_AGE.total_seconds())
    try:
        user_id, version = _serializer().loads(token, max_age=max_age)
        user = db.session.get(User, int(user_id))
    except SignatureExpired:
        raise ServiceError("invitation_expired", _("Ce lien d'invitation a expiré.")) from None
    except (BadSignature, TypeError, ValueError, OverflowError):
        raise ServiceError(
            "invitation_invalid", _("Ce lien d'invitation n'est pas valable.")
        ) from None
    if user is None:
        raise ServiceError("invitation_invalid", _("Ce lien d'invitation n'est pas valable."))
    if user.session_version != version or not user.active or _usable(user.password_hash):
        raise ServiceError("invitation_used", _("Ce lien d'invitation a déjà servi."))
    return user


def accept_invitation(token: str, password: str) -> User:
    """The invitee sets their password: the link stops working (the account's version moves)."""
    with transaction():
        user = invited_user(token)
        check_password_rules(password, user.username)
        user.set_password(password)
        user.must_change_password = False
        activity.record("account.invitation_accepted", by=user, subject=user.username)
    return user


def create_with_temporary_password(username: str, role: str, *, by: User) -> tuple[User, str]:
    """An account with a temporary password (returned, to show once): its first login asks for
    a new one."""
    username = (username or "").strip()
    role_value = _check_new_account(username, role)
    password = temporary_password()
    with transaction():
        user = User(username=username, role=role_value, must_change_password=True)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        activity.record(
            "account.created", by=by, subject=username, detail=activity.facts(role=role_value.value)
        )
    return user, password


def reset_password(user_id: int, *, by: User) -> tuple[User, str]:
    """A new temporary password for an account (returned, to show once); its logins end and
    its next one asks for a new password."""
    password = temporary_password()
    with transaction():
        user = get_user(user_id)
        user.set_password(password)
        user.must_change_password = True
        activity.record("account.password_reset", by=by, subject=user.username)
    return user, password


def _active_organisers() -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(User.role == Role.ORGANISER, User.active.is_(True))
    )


def deactivate(user_id: int, *, by: User) -> User:
    """The account can no longer log in; its sessions end now. Not one's own account, nor the
    last active organiser's."""
    with transaction():
        user = get_user(user_id)
        if user.id == getattr(by, "id", None):
            raise ServiceError(
                "own_account", _("Vous ne pouvez pas désactiver votre propre compte.")
            )
        if not user.active:
            return user
        if user.role is Role.ORGANISER and _active_organisers() <= 1:
            raise ServiceError("last_organiser", _("C'est le dernier compte d'organisateur actif."))
        user.active = False
        user.end_sessions()
        activity.record("account.deactivated", by=by, subject=user.username)
    return user


def reactivate(user_id: int, *, by: User) -> User:
    with transaction():
        user = get_user(user_id)
        if user.active:
            return user
        user.active = True
        activity.record("account.reactivated", by=by, subject=user.username)
    return user


def set_assignments(user_id: int, session_ids: Iterable[int], *, by: User) -> tuple[int, int]:
    """Assign the account to exactly these sessions (archived ones it holds are kept):
    ``(assigned, unassigned)`` counts; one log line per session that changed."""
    wanted = set(session_ids)
    with transaction():
        user = get_user(user_id)
        sessions = {
            s.id: s for s in db.session.scalars(select(Session).where(Session.id.in_(wanted)))
        }
        if len(sessions) != len(wanted):
            raise ServiceError("unknown_session", _("Cet atelier n'existe pas."))
        current = db.session.scalars(
            select(Session).where(Session.facilitators.any(User.id == user.id))
        ).all()
        held = {s.id: s for s in current}
        added = [sessions[i] for i in sorted(wanted - held.keys())]
        removed = [s for i, s in held.items() if i not in wanted and not s.archived]
        for session in added:
            session.facilitators.append(user)
            activity.record("account.assigned", by=by, session=session, subject=user.username)
        for session in removed:
            session.facilitators.remove(user)
            activity.record("account.unassigned", by=by, session=session, subject=user.username)
    return len(added), len(removed)


def assign(user_id: int, session_id: int, *, by: User) -> None:
    user = get_user(user_id)
    set_assignments(user_id, assigned_session_ids(user) | {session_id}, by=by)


def unassign(user_id: int, session_id: int, *, by: User) -> None:
    user = get_user(user_id)
    set_assignments(user_id, assigned_session_ids(user) - {session_id}, by=by)


# --- one's own account --------------------------------------------------------------------------


def change_own_password(user: User, current: str, new: str) -> User:
    """Check the current password, then set the new one (which ends the account's other
    logins: the caller logs this one in again)."""
    if not off_the_hub(user.check_password, current or ""):
        raise ServiceError(
            "wrong_password", _("Le mot de passe actuel est incorrect."), field="current"
        )
    check_password_rules(new, user.username)
    if new == current:
        raise ServiceError(
            "password_unchanged",
            _("Le nouveau mot de passe doit être différent de l'actuel."),
            field="password",
        )
    with transaction():
        user.set_password(new)
        user.must_change_password = False
        activity.record("account.password_changed", by=user, subject=user.username)
    return user
