"""Brute-force limits: wrong logins (per account and per client address) and wrong join codes
(per address), counted by Flask-Limiter's storage.

The storage is the message queue's Redis when ``SOCKETIO_MESSAGE_QUEUE`` is a ``redis://`` URL,
so every server process counts together; memory otherwise (one process). ``RATELIMIT_STORAGE_URI``
set in the configuration wins.

Only failures are counted (:func:`count`), and a request is refused while one of its keys has
used up one of its limits (:func:`retry_after`): a limit string such as
``"5/minute;20/hour;100/day"`` makes a steady guesser wait a minute, then an hour, then a day.
The limits are the settings ``LOGIN_LIMITS`` (per account), ``LOGIN_ADDRESS_LIMITS`` and
``JOIN_LIMITS`` (per address) of ``config.Defaults``. A storage that fails (Redis down) lets
the request through, with a warning in the log: a live session must not stop for its limiter.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, current_app
from flask_babel import ngettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.strategies import RateLimiter

log = logging.getLogger(__name__)

#: The settings, each a ``limits`` string (``;``-separated), and what their key is.
LOGIN = "LOGIN_LIMITS"  # per account name
LOGIN_ADDRESS = "LOGIN_ADDRESS_LIMITS"  # per client address
JOIN = "JOIN_LIMITS"  # per client address: wrong codes on /join, /j/<CODE>, socket connects

#: Where each app keeps its own counters: the Limiter object is one per process and keeps the
#: storage of the last app bound, so two apps in one process (tests) must not read it there.
EXTENSION = "workshop.limits"

#: Bound to each app by :func:`init_app`; fixed windows: one atomic increment per failure.
limiter = Limiter(key_func=get_remote_address, strategy="fixed-window")

Check = tuple[str, str]  # (setting, key): e.g. (LOGIN, "alice"), (JOIN, "203.0.113.7")


def storage_uri(config: Mapping[str, Any]) -> str:
    """``RATELIMIT_STORAGE_URI`` when set, else the message queue's Redis, else memory."""
    explicit = config.get("RATELIMIT_STORAGE_URI")
    if explicit:
        return explicit
    queue = config.get("SOCKETIO_MESSAGE_QUEUE") or ""
    if queue.startswith(("redis://", "rediss://")):
        return queue
    return "memory://"


def init_app(app: Flask) -> None:
    for setting in (LOGIN, LOGIN_ADDRESS, JOIN):  # a wrong limit stops the start, named
        try:
            _parse(app.config.get(setting) or "")
        except ValueError:
            raise ValueError(f"{setting}: {app.config[setting]!r} is not a limit list") from None
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app.config)
    # Said for each app: the Limiter would keep the last app's choice otherwise.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter.limiter if limiter.enabled else None


def _counters() -> RateLimiter | None:
    return current_app.extensions.get(EXTENSION)


@functools.lru_cache(maxsize=16)
def _parse(text: str) -> tuple[RateLimitItem, ...]:
    """The limits of a setting (``""``: none, the limit is off)."""
    return tuple(parse_many(text)) if text.strip() else ()


def _items(setting: str) -> tuple[RateLimitItem, ...]:
    return _parse(current_app.config.get(setting) or "")


def _identifiers(setting: str, key: str) -> tuple[str, str, str]:
    return current_app.config.get("RATELIMIT_KEY_PREFIX") or "workshop", setting, key


def retry_after(*checks: Check) -> int:
    """Seconds before these keys may try again: 0 while each is below every limit of its
    setting, else until the end of the longest window used up."""
    counters = _counters()
    if counters is None:
        return 0
    wait = 0.0
    try:
        for setting, key in checks:
            ids = _identifiers(setting, key)
            for item in _items(setting):
                if not counters.test(item, *ids):
                    reset, _remaining = counters.get_window_stats(item, *ids)
                    wait = max(wait, reset - time.time(), 1.0)
    except Exception:
        log.warning("rate limit storage failed: request let through", exc_info=True)
        return 0
    return math.ceil(wait)


def count(*checks: Check) -> None:
    """One more failure for each key, under every limit of its setting."""
    counters = _counters()
    if counters is None:
        return
    try:
        for setting, key in checks:
            ids = _identifiers(setting, key)
            for item in _items(setting):
                counters.hit(item, *ids)
    except Exception:
        log.warning("rate limit storage failed: failure not counted", exc_info=True)


def clear(checks: Iterable[Check]) -> None:
    """Forget the failures of these keys (an organiser unlocks an account)."""
    counters = _counters()
    if counters is None:
        return
    for setting, key in checks:
        for item in _items(setting):
            counters.clear(item, *_identifiers(setting, key))


def shared() -> bool:
    """Whether the counts live outside this process (Redis), where a command can reach them."""
    return not current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")


def join_check() -> Check:
    """Wrong join codes are counted per address, together on /join, /j/<CODE> and socket
    connects. Past the limit every code from that address is refused until the window ends, the
    right ones too: otherwise the refusal itself would tell a guesser which codes exist. A room
    sharing one address rarely makes 20 typing mistakes a minute; raise ``JOIN_LIMITS`` where it
    does."""
    return (JOIN, client_address())


def client_address() -> str:
    """The client's address (``request.remote_addr``: the real client's behind ProxyFix)."""
    return get_remote_address() or "-"


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def too_many_logins(seconds: int) -> str:
    return ngettext(
        "Trop de tentatives de connexion. Réessayez dans %(num)d minute.",
        "Trop de tentatives de connexion. Réessayez dans %(num)d minutes.",
        _minutes(seconds),
    )


def too_many_codes(seconds: int) -> str:
    return ngettext(
        "Trop de tentatives avec un code erroné. Réessayez dans %(num)d minute.",
        "Trop de tentatives avec un code erroné. Réessayez dans %(num)d minutes.",
        _minutes(seconds),
    )
