"""The ``workshop`` command (a Flask CLI group).

``workshop serve`` runs the app on gevent: ``main`` patches the standard library before anything
else is imported, which is why this module (and the package's ``__init__``) import Flask lazily.
"""

from __future__ import annotations

import sys


def main() -> None:
    overrides = {}
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        from gevent import monkey

        monkey.patch_all()
        # Flask-SocketIO defaults to threading under the Flask CLI: ask for gevent explicitly.
        overrides["SOCKETIO_ASYNC_MODE"] = "gevent"
    from flask.cli import FlaskGroup

    from .app import create_app

    cli = FlaskGroup(
        create_app=lambda: create_app(overrides),
        add_default_commands=True,
        help="Live facilitation for governance workshops.",
    )
    cli.main(prog_name="workshop")
