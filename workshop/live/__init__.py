"""The live session: participant, projector and console pages (routes.py), socket handlers
(events.py)."""

from __future__ import annotations

from flask import Flask


def register_socket_handlers() -> None:
    """Import the handlers. Called before the first ``socketio.init_app``: Flask-SocketIO then
    keeps them in ``socketio.handlers`` and attaches them to the server of every app created."""
    from . import debate_events, events  # noqa: F401


def init_app(app: Flask) -> None:
    from .routes import bp

    app.register_blueprint(bp)
