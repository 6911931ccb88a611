"""Security headers, the reverse proxy in front, and Secure cookies (hardening, issue 11 item 10).

Every response Flask makes gets (:func:`security_headers`; a view that sets one of them keeps
its own):

- ``Content-Security-Policy`` — :data:`POLICY`. No inline script anywhere: the pages load their
  scripts from ``/static/`` and hand them data in ``<script type="application/json">`` blocks,
  which CSP does not block (they are not run). ``connect-src`` names the websocket origins of
  the request's host (and of ``PUBLIC_URL``) besides ``'self'``: CSP 3 lets ``'self'`` match
  ``ws:``/``wss:`` of the same host, older browsers (Safari before 15.4) do not. Style: the
  stylesheets are files (``style-src-elem 'self'``: no ``<style>`` element, no foreign sheet), but
  style *attributes* are allowed (``style-src 'self' 'unsafe-inline'``, which ``style-src-attr``
  falls back to): the summary's bars and word cloud are sized by ``style="width: …"``, also
  when summary.js redraws them with ``innerHTML``. (Scripts changing ``element.style`` — the
  projector's bars and font scale — are CSSOM, never blocked.) A browser without
  ``style-src-elem`` (Firefox before 108) falls back to ``style-src`` and allows inline styles:
  nothing breaks. The QR code is inline SVG with presentation attributes (``fill``), no
  ``style``, and ``/j/<CODE>/qr.svg`` is same-origin: ``img-src 'self'``, no ``data:`` (nothing
  uses a data URI). ``frame-ancestors 'none'``: no page (the console first) can be framed.
- ``X-Frame-Options: DENY`` — the same for browsers without ``frame-ancestors``.
- ``X-Content-Type-Options: nosniff`` — a participant's text never becomes a script or a style.
- ``Referrer-Policy: same-origin`` — a link followed to another site gets no ``Referer`` at all
  (a phone's and a console's URL carry the session's join code); same-origin requests keep it,
  which Flask-WTF's CSRF check needs over HTTPS (it compares the ``Referer`` to the host).

The self-contained HTML export (``/summary/<CODE>/export.html``, read in the browser and
printed) carries its own ``<style>``: exports get :data:`DOCUMENT_POLICY`, which allows inline
style and nothing else.

Behind a reverse proxy, ``PROXY_FIX_X_FOR`` / ``PROXY_FIX_X_PROTO`` (``config.Defaults``: the
number of proxies trusted to set ``X-Forwarded-For`` / ``X-Forwarded-Proto``; 0 trusts none)
put werkzeug's ``ProxyFix`` outermost, around Flask-SocketIO's middleware too: the socket
handlers' request context (built from the engine.io environ) sees the client's address and
scheme like the pages do.

Cookies are ``Secure`` when the public URL is https (``SESSION_COOKIE_SECURE`` and
``REMEMBER_COOKIE_SECURE``, set here at startup) and on every request that arrived over https
(after ``ProxyFix``): :class:`SecureCookies` marks each ``Set-Cookie`` of such a response —
the ``session``, Flask-Login's ``remember_token`` and the participant cookie alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

#: Pages, static files, error pages: scripts and stylesheets from this origin only.
POLICY = (
    "default-src 'self'; "
    "script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; "
    "style-src-elem 'self'; "
    "img-src 'self'; "
    "font-src 'self'; "
    "connect-src 'self'{websockets}; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)
#: A self-contained document (the exports): its own inline style, nothing loaded, nothing run.
DOCUMENT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
#: Endpoints whose responses are self-contained documents.
DOCUMENT_ENDPOINTS = frozenset({"summary.export"})

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

#: A host (name, IPv4 or [IPv6], optional port) safe to write into the policy; anything else
#: (a forged ``Host``) gets no explicit websocket origin, ``'self'`` still applies.
_HOST = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")

StartResponse = Callable[..., Any]


def websocket_origins(host: str) -> str:
    """`` ws://HOST wss://HOST`` for the policy's ``connect-src``, or ``""`` for a host that is
    not one."""
    if not _HOST.fullmatch(host or ""):
        return ""
    return f" ws://{host} wss://{host}"


def is_https(url: str | None) -> bool:
    return (url or "").strip().lower().startswith("https://")


class SecureCookies:
    """WSGI middleware: every ``Set-Cookie`` of a response to an https request (or of every
    response, ``always``) gets the ``Secure`` attribute if it lacks it."""

    def __init__(self, app: Callable[..., Iterable[bytes]], always: bool = False) -> None:
        self.app = app
        self.always = always

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if not (self.always or environ.get("wsgi.url_scheme") == "https"):
            return self.app(environ, start_response)

        def secure_start_response(status: str, headers: list, exc_info: Any = None) -> Any:
            return start_response(
                status, [_secure(name, value) for name, value in headers], exc_info
            )

        return self.app(environ, secure_start_response)


def _secure(name: str, value: str) -> tuple[str, str]:
    if name.lower() != "set-cookie":
        return name, value
    attributes = (part.strip().lower() for part in value.split(";")[1:])
    if "secure" in attributes:
        return name, value
    return name, value + "; Secure"


def init_app(app: Flask) -> None:
    """Headers on every response, ``ProxyFix`` and Secure cookies. Call it after
    ``socketio.init_app``: the middlewares then wrap Flask-SocketIO's."""
    public_url = app.config.get("PUBLIC_URL")
    public_https = is_https(public_url)
    if public_https:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    public_host = urlsplit(public_url).netloc if public_url else ""

    x_for = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    x_proto = int(app.config.get("PROXY_FIX_X_PROTO") or 0)
    app.wsgi_app = SecureCookies(app.wsgi_app, always=public_https)  # type: ignore[method-assign]
    if x_for or x_proto:
        # Outermost: SecureCookies and Flask-SocketIO see the client's scheme and address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=x_for, x_proto=x_proto)  # type: ignore[method-assign]

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        if request.endpoint in DOCUMENT_ENDPOINTS:
            policy = DOCUMENT_POLICY
        else:
            websockets = websocket_origins(request.host)
            if public_host and public_host != request.host:
                websockets += websocket_origins(public_host)
            policy = POLICY.format(websockets=websockets)
        headers.setdefault("Content-Security-Policy", policy)
        for name, value in HEADERS.items():
            headers.setdefault(name, value)
        return response
