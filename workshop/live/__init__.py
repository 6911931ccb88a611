"""The live session: participant, projector and console pages (routes.py), socket handlers
(events.py)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import events  # noqa: F401  (registers the socket handlers)
    from .routes import bp

    app.register_blueprint(bp)
