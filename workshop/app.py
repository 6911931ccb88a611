"""The application factory.

``create_app`` reads top to bottom as a list of small steps.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request

from . import config as cfg
from .db_tuning import tune_engine
from .extensions import babel, csrf, db, login_manager, migrate, socketio
from .helpers import WorkshopRequest
from .socket_manager import client_manager

MIGRATIONS_DIR = str(cfg.PROJECT_ROOT / "migrations")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory. ``config`` (tests) overrides every other source."""
    instance_path = (config or {}).get("INSTANCE_PATH") or cfg.default_instance_path()
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()),
        instance_relative_config=True,
        template_folder=str(cfg.PROJECT_ROOT / "templates"),
        static_folder=str(cfg.PROJECT_ROOT / "static"),
    )
    configure_app(app, config)
    app.request_class = WorkshopRequest
    init_extensions(app)
    register_url_converters(app)  # before the blueprints' routes use them
    register_blueprints(app)
    register_error_pages(app)
    register_limits(app)
    register_static_versions(app)  # before compression: its hook then runs last
    register_compression(app)
    register_security(app)  # after init_extensions: its middlewares wrap Flask-SocketIO's
    register_cli(app)
    register_template_helpers(app)
    if app.config["AUTO_MIGRATE"]:
        upgrade_schema(app)
    return app


def configure_app(app: Flask, config: Mapping[str, Any] | None) -> None:
    app.config.from_object(cfg.Defaults)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(cfg.from_environ())
    if config:
        app.config.update(config)
    cfg.check_limits(app.config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "workshop.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = cfg.ensure_secret_key(app.instance_path)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Concurrent phones: wait for the write lock instead of failing at once.
        opts = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        opts.setdefault("connect_args", {}).setdefault("timeout", 30)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = opts
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = cfg.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS")
    )


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            tune_engine(db.engine)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    from .live import register_socket_handlers
    from .services import live

    live.init_app(app)
    register_socket_handlers()
    # Broadcasts to big rooms are sent in slices (workshop/socket_manager.py); with a Redis
    # message queue the manager is the Redis one, so Flask-SocketIO does not build its own.
    manager = client_manager(
        app.config.get("SOCKETIO_MESSAGE_QUEUE"), app.config.get("SOCKETIO_EMIT_SLICE", 200)
    )
    socketio.init_app(
        app,
        message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"),
        **({"client_manager": manager} if manager is not None else {}),
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE"),
        cors_allowed_origins=app.config.get("SOCKETIO_CORS_ALLOWED_ORIGINS"),
        max_http_buffer_size=64 * 1024,
        ping_interval=app.config.get("SOCKETIO_PING_INTERVAL", 20),
        ping_timeout=app.config.get("SOCKETIO_PING_TIMEOUT", 20),
    )
    from .live.events import register_lean_handlers

    register_lean_handlers(app)
    from . import models  # noqa: F401  (registers every table on the metadata)
    from .models.user import load_user

    login_manager.user_loader(load_user)
    login_manager.localize_callback = _lazy_gettext


def _lazy_gettext(text: str) -> str:
    from flask_babel import gettext

    return gettext(text)


def select_locale() -> str | None:
    """The request's language: ``?lang=`` when it is one of ``LANGUAGES`` (a document exported
    in another language than the browser's, `workshop export --lang`), else the browser's best
    match; outside a request (a phone's socket event, handled without one: live/events.py), the
    one its socket was given when it connected (``g.live_locale``)."""
    from flask import current_app, g, has_request_context

    if not has_request_context():
        return g.get("live_locale") or None
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    return request.accept_languages.best_match(languages) or "fr"


def register_error_pages(app: Flask) -> None:
    from flask import render_template
    from flask_babel import gettext as _
    from werkzeug.exceptions import HTTPException

    messages = {
        400: lambda: _("La demande n'a pas pu être comprise."),
        403: lambda: _("Cette page est réservée aux animateurs et organisateurs."),
        404: lambda: _("Cette page n'existe pas (ou plus)."),
        413: lambda: _("Ce que vous envoyez est trop volumineux."),
        500: lambda: _("Une erreur inattendue est survenue."),
    }

    def handle(exc: HTTPException):
        code = exc.code or 500
        message = messages.get(code, lambda: exc.description)()
        return render_template("errors/error.html", title=f"{code}", message=message), code

    for code in messages:
        app.register_error_handler(code, handle)

    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        message = _("Le formulaire a expiré ; veuillez réessayer.")
        return render_template("errors/error.html", title="400", message=message), 400


def register_url_converters(app: Flask) -> None:
    from .helpers import IdConverter

    app.url_map.converters["id"] = IdConverter


def register_blueprints(app: Flask) -> None:
    from .accounts.routes import bp as accounts_bp
    from .admin.routes import bp as admin_bp
    from .auth.routes import bp as auth_bp
    from .authoring.routes import bp as authoring_bp
    from .live import init_app as init_live
    from .programme.routes import bp as programme_bp
    from .rehearsals.routes import bp as rehearsals_bp
    from .summary import init_app as init_summary

    app.register_blueprint(programme_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(rehearsals_bp)
    init_live(app)
    init_summary(app)


def register_limits(app: Flask) -> None:
    from . import limits  # Flask-Limiter: wrong logins and join codes (workshop/limits.py)

    limits.init_app(app)


def register_static_versions(app: Flask) -> None:
    from . import static_versions

    static_versions.init_app(app)


def register_compression(app: Flask) -> None:
    from . import compression  # Flask-Compress, with static files compressed once per version

    compression.init_app(app)


def register_security(app: Flask) -> None:
    from . import security  # headers (CSP…), ProxyFix, Secure cookies

    security.init_app(app)


def register_cli(app: Flask) -> None:
    from .commands import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from . import labels
    from .helpers import format_date, format_duration, format_iso_date, format_time

    labels.register(app)

    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["iso_date"] = format_iso_date  # a summary's ISO date, long form
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["duration"] = format_duration

    @app.context_processor
    def inject_locale() -> dict[str, Any]:
        return {"current_locale": str(get_locale() or "fr")}


def upgrade_schema(app: Flask) -> None:
    """Bring the database schema to the newest Alembic revision."""
    from .db_schema import upgrade

    with app.app_context():
        upgrade()
