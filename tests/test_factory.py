"""The app factory and its configuration sources."""

from __future__ import annotations

import os
import stat

from sqlalchemy import inspect

from workshop import create_app
from workshop.config import from_environ
from workshop.extensions import db


def test_secret_key_generated_once_into_instance_folder(tmp_path):
    config = {"INSTANCE_PATH": str(tmp_path), "AUTO_MIGRATE": False}
    first = create_app(config)
    second = create_app(config)
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 32


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_SECRET_KEY", "from-env")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "AUTO_MIGRATE": False})
    assert app.config["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_default_database_is_sqlite_in_instance_folder(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "AUTO_MIGRATE": False})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'workshop.sqlite3'}"


def test_instance_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "inst"))
    app = create_app({"AUTO_MIGRATE": False})
    assert app.instance_path == str(tmp_path / "inst")


def test_environment_variables_map_to_config():
    env = {
        "WORKSHOP_DATABASE_URL": "postgresql+psycopg://127.0.0.1/test",
        "WORKSHOP_MESSAGE_QUEUE": "redis://127.0.0.1:6379/0",
        "WORKSHOP_SECRET_KEY": "k",
        "OTHER": "ignored",
    }
    assert from_environ(env) == {
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://127.0.0.1/test",
        "SOCKETIO_MESSAGE_QUEUE": "redis://127.0.0.1:6379/0",
        "SECRET_KEY": "k",
    }


def test_instance_config_file_is_read(tmp_path):
    (tmp_path / "config.py").write_text("RESULTS_PUSH_INTERVAL = 1.5\n")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "AUTO_MIGRATE": False})
    assert app.config["RESULTS_PUSH_INTERVAL"] == 1.5


def test_schema_is_upgraded_on_start(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    expected = {"programme", "session", "agenda_item", "question", "answer", "alembic_version"}
    assert expected <= tables
    # Starting again on the same database is a no-op.
    create_app({"INSTANCE_PATH": str(tmp_path)})
    assert os.path.exists(tmp_path / "workshop.sqlite3")


def test_migration_matches_models(app):
    """Autogenerate finds nothing to do: the models and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []
