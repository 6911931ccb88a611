"""Configuration: defaults here, overridden by ``instance/config.py``, then by ``WORKSHOP_*``
environment variables, then by the mapping a caller (a test) passes to ``create_app``.

Environment variables:

``WORKSHOP_DATABASE_URL``  SQLAlchemy URL (default: SQLite file ``workshop.sqlite3`` in the
                           instance folder).
``WORKSHOP_SECRET_KEY``    signs cookies; when unset, one is generated once into
                           ``instance/secret_key``.
``WORKSHOP_INSTANCE_PATH`` the instance folder (default: ``instance/`` beside the package).
``WORKSHOP_MESSAGE_QUEUE`` e.g. ``redis://127.0.0.1:6379/0`` to run several server processes.
``WORKSHOP_SESSIONS_DIR``  folder of session files loaded by ``workshop serve --demo``.
``WORKSHOP_PUBLIC_URL``    base URL printed on QR codes and handouts when the server sits behind a
                           proxy (default: the URL of the request).
``WORKSHOP_<KEY>``         any simple setting of :class:`Defaults` (an int, float, bool or str
                           value), e.g. ``WORKSHOP_MAX_COMMENT_LENGTH=500`` or
                           ``WORKSHOP_RESULTS_PUSH_INTERVAL=1``. The value is converted to the
                           default's type (a bool from ``1/true/yes/on`` or ``0/false/no/off``);
                           a value that does not convert stops the start with a ``ValueError``
                           naming the variable. The variables above win over this rule, and the
                           settings they set (secrets, URLs) are read only from them.

An empty variable counts as unset.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: Every environment variable read, with the config key it sets.
ENV_KEYS = {
    "WORKSHOP_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "WORKSHOP_SECRET_KEY": "SECRET_KEY",
    "WORKSHOP_MESSAGE_QUEUE": "SOCKETIO_MESSAGE_QUEUE",
    "WORKSHOP_SESSIONS_DIR": "SESSIONS_DIR",
    "WORKSHOP_PUBLIC_URL": "PUBLIC_URL",
}
#: Any other simple setting of ``Defaults`` is read from ``ENV_PREFIX + KEY`` (see
#: :func:`env_settings`).
ENV_PREFIX = "WORKSHOP_"
#: The types of the settings read that way.
ENV_TYPES = (bool, int, float, str)

PROJECT_ROOT = Path(__file__).resolve().parent.parent

LANGUAGES = ("fr", "nl", "de", "en")


class Defaults:
    SQLALCHEMY_DATABASE_URI: str | None = None  # set from the instance path when None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SECRET_KEY: str | None = None
    SOCKETIO_MESSAGE_QUEUE: str | None = None
    SESSIONS_DIR = str(PROJECT_ROOT / "sessions")
    PUBLIC_URL: str | None = None
    # Upgrade the schema with Alembic when the app starts, so a user never has to.
    AUTO_MIGRATE = True
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_TRANSLATION_DIRECTORIES = "translations"
    LANGUAGES = LANGUAGES
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Live session limits, sent to the pages too (live/routes.py: _live_config).
    MAX_COMMENT_LENGTH = 1000
    MAX_PSEUDONYM_LENGTH = 40  # at most PSEUDONYM_COLUMN (checked at start: check_limits)
    MAX_WORD_LENGTH = 40  # each word of a « words » answer
    # Request bodies: forms and everything else (a join code, a conclusion, a login) fit in
    # 64 KiB; the session-file upload of /admin/ takes a few files of a few hundred KB. Larger
    # bodies are answered 413 before they are read.
    MAX_CONTENT_LENGTH = 64 * 1024
    MAX_UPLOAD_LENGTH = 4 * 1024 * 1024
    # Coalescing of results pushed to projectors and consoles (seconds between two pushes):
    # twice a second reads as live on a projector; each push aggregates the set's answers.
    RESULTS_PUSH_INTERVAL = 0.5
    # Comment changes: one batched `comments` event per session at most every this many seconds.
    COMMENTS_PUSH_INTERVAL = 0.5
    # Group commit: a batch of fewer than 16 answers waits this many seconds for more
    # (services/live/writer.py); each commit then carries several answers at a steady rate.
    GROUP_COMMIT_WINDOW = 0.005
    # Broadcasts to more sockets than this yield between slices of this many sockets
    # (workshop/socket_manager.py).
    SOCKETIO_EMIT_SLICE = 200
    # Presence: seconds between two heartbeats of a server process; its connections stop
    # counting 3 intervals after its last one (services/live/presence.py).
    PRESENCE_HEARTBEAT_INTERVAL = 10.0
    # Compression (Flask-Compress, bound in workshop/compression.py, figures there): gzip only,
    # the fewest bytes on the phone's files (zstd and br at Flask-Compress's levels send more);
    # static files are compressed once per version, other streamed responses are left alone.
    COMPRESS_ALGORITHM = ["gzip"]
    COMPRESS_STREAMS = False
    # Brute force (workshop/limits.py, Flask-Limiter): only failures count, in the message
    # queue's Redis when there is one (every process counts together), else in memory;
    # RATELIMIT_STORAGE_URI names another storage. A used-up limit of a list ("N/minute;M/hour;…")
    # refuses the next tries until its window ends: a steady guesser waits a minute, then an
    # hour, then a day. Wrong logins per account name (`workshop unlock NAME` lifts it) and per
    # client address (colleagues may share one); wrong join codes per address (/join, /j/<CODE>,
    # socket connects: a room on one Wi-Fi address mistypes too); past it, every code from that
    # address is refused until the window ends, so the refusal tells nothing (limits.join_check).
    # An empty value turns a limit off; one that does not parse stops the start.
    LOGIN_LIMITS = "5/minute;20/hour;100/day"
    LOGIN_ADDRESS_LIMITS = "10/minute;50/hour;200/day"
    JOIN_LIMITS = "20/minute;100/hour"
    RATELIMIT_STORAGE_URI: str | None = None
    RATELIMIT_KEY_PREFIX = "workshop"
    # Behind a reverse proxy (nginx): how many proxies in front are trusted to set
    # X-Forwarded-For (the client's address) and X-Forwarded-Proto (https), e.g. 1 and 1 behind
    # one nginx; 0 trusts none (a client could forge them). werkzeug's ProxyFix, applied in
    # workshop/security.py (docs/deployment.md).
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    # Participants' data (docs/privacy.md): the defaults of what a programme or session does not
    # say — who is responsible for the data (else the session's, then the programme's
    # organiser), where participants write to exercise their rights, and how many days after a
    # workshop its raw contributions are kept before `workshop purge` deletes them.
    PRIVACY_CONTROLLER = ""
    PRIVACY_CONTACT = ""
    RETENTION_DAYS = 365


#: The limits the database's columns set (``participant.pseudonym`` is ``String(80)``): a larger
#: setting would pass the checks and then fail on PostgreSQL.
COLUMN_LIMITS = {"MAX_PSEUDONYM_LENGTH": 80}


def check_limits(config: Mapping[str, Any]) -> None:
    """Stop the start when a length setting is beyond its database column or below 1."""
    for key, column in COLUMN_LIMITS.items():
        value = config.get(key)
        if not isinstance(value, int) or not 1 <= value <= column:
            raise ValueError(f"{key} must be a whole number from 1 to {column}, not {value!r}")


def default_instance_path() -> str:
    return os.environ.get("WORKSHOP_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")


def env_settings() -> dict[str, type]:
    """Every setting of ``Defaults`` read from ``WORKSHOP_<KEY>``, with the type its value is
    converted to: those with an int, float, bool or str default, but the ones ``ENV_KEYS`` sets
    (one variable per setting)."""
    explicit = set(ENV_KEYS.values())
    return {
        key: type(value)
        for key, value in vars(Defaults).items()
        if key.isupper() and type(value) in ENV_TYPES and key not in explicit
    }


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
INFINITY = float("inf")


def convert(var: str, raw: str, kind: type) -> bool | int | float | str:
    """``raw``, the value of the variable ``var``, as a ``kind``; a ``ValueError`` naming the
    variable when it is not one."""
    text = raw.strip()
    if kind is bool:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError(f"{var}: {raw!r} is not a boolean (1/true/yes or 0/false/no)")
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{var}: {raw!r} is not an integer") from None
    if kind is float:
        try:
            number = float(text)
        except ValueError:
            number = None
        if number is None or not -INFINITY < number < INFINITY:  # nan and inf: no interval
            raise ValueError(f"{var}: {raw!r} is not a number")
        return number
    return raw


def from_environ(environ: os._Environ | dict | None = None) -> dict:
    """The settings the environment sets: ``WORKSHOP_<KEY>`` for every key of
    :func:`env_settings`, converted, then the variables of ``ENV_KEYS`` (which win)."""
    environ = os.environ if environ is None else environ
    config = {
        key: convert(ENV_PREFIX + key, environ[ENV_PREFIX + key], kind)
        for key, kind in env_settings().items()
        if environ.get(ENV_PREFIX + key)
    }
    config.update({key: environ[var] for var, key in ENV_KEYS.items() if environ.get(var)})
    return config


def ensure_secret_key(instance_path: str) -> str:
    """Return the secret key kept in the instance folder, generating it on first use."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        key = path.read_text().strip()
        if key:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Written with owner-only permissions; never logged. O_EXCL: when several server processes
    # start at once on one instance folder, the first writer wins and the others read its key
    # (else each would sign cookies with its own key).
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the winner is writing 64 characters
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.01)
        raise RuntimeError(f"{path} is empty: delete it or set WORKSHOP_SECRET_KEY") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


#: Pool of PostgreSQL connections per server process. Under gevent a request holds a connection
#: only while it runs its queries; more connections than a few per PostgreSQL core do not add
#: throughput, and processes x (pool_size + max_overflow) must stay below max_connections (100).
POSTGRES_ENGINE_OPTIONS = {
    "pool_size": 10,
    "max_overflow": 5,
    "pool_timeout": 30,
    "pool_recycle": 1800,
    "pool_pre_ping": True,
}


def engine_options(database_uri: str, options: dict | None) -> dict:
    """``SQLALCHEMY_ENGINE_OPTIONS`` completed with the defaults of the database's backend
    (what the instance config sets wins)."""
    options = dict(options or {})
    if database_uri.startswith("postgresql"):
        for key, value in POSTGRES_ENGINE_OPTIONS.items():
            options.setdefault(key, value)
    return options
