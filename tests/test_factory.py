"""The app factory and its configuration sources."""

from __future__ import annotations

import os
import re
import stat

import pytest
from sqlalchemy import inspect

from tests import builders
from workshop import create_app
from workshop.config import Defaults, env_settings, from_environ
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


def test_any_simple_default_is_read_from_workshop_key_with_its_type():
    env = {
        "WORKSHOP_MAX_COMMENT_LENGTH": " 500 ",
        "WORKSHOP_MAX_WORD_LENGTH": "12",
        "WORKSHOP_RESULTS_PUSH_INTERVAL": "1.5",
        "WORKSHOP_BABEL_DEFAULT_LOCALE": "nl",
        "WORKSHOP_MAX_PSEUDONYM_LENGTH": "",  # empty: unset
        "WORKSHOP_LANGUAGES": "fr",  # a tuple: not a simple setting
        "WORKSHOP_NOT_A_SETTING": "1",
    }
    config = from_environ(env)
    assert config == {
        "MAX_COMMENT_LENGTH": 500,
        "MAX_WORD_LENGTH": 12,
        "RESULTS_PUSH_INTERVAL": 1.5,
        "BABEL_DEFAULT_LOCALE": "nl",
    }
    assert type(config["MAX_COMMENT_LENGTH"]) is int
    assert type(config["RESULTS_PUSH_INTERVAL"]) is float


def test_every_live_limit_and_interval_is_settable_but_not_the_secrets():
    settable = env_settings()
    for key in ("MAX_COMMENT_LENGTH", "MAX_PSEUDONYM_LENGTH", "MAX_WORD_LENGTH"):
        assert settable[key] is int
    assert settable["RESULTS_PUSH_INTERVAL"] is float
    assert settable["AUTO_MIGRATE"] is bool
    # Secrets and URLs keep their one variable of ENV_KEYS.
    for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "SOCKETIO_MESSAGE_QUEUE", "PUBLIC_URL"):
        assert key not in settable
    assert from_environ({"WORKSHOP_SQLALCHEMY_DATABASE_URI": "sqlite://"}) == {}
    assert Defaults.MAX_WORD_LENGTH == 40


def test_explicit_variables_win_over_the_generic_rule():
    env = {"WORKSHOP_SESSIONS_DIR": "/srv/sessions", "WORKSHOP_SECRET_KEY": "k"}
    assert from_environ(env) == {"SESSIONS_DIR": "/srv/sessions", "SECRET_KEY": "k"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("yes", True),
        ("True", True),
        (" YES ", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("No", False),
    ],
)
def test_booleans_from_the_environment(raw, expected):
    assert from_environ({"WORKSHOP_AUTO_MIGRATE": raw}) == {"AUTO_MIGRATE": expected}


@pytest.mark.parametrize(
    ("var", "raw", "message"),
    [
        (
            "WORKSHOP_MAX_COMMENT_LENGTH",
            "abc",
            "WORKSHOP_MAX_COMMENT_LENGTH: 'abc' is not an integer",
        ),
        (
            "WORKSHOP_MAX_COMMENT_LENGTH",
            "1.5",
            "WORKSHOP_MAX_COMMENT_LENGTH: '1.5' is not an integer",
        ),
        (
            "WORKSHOP_RESULTS_PUSH_INTERVAL",
            "fast",
            "WORKSHOP_RESULTS_PUSH_INTERVAL: 'fast' is not a number",
        ),
        (
            "WORKSHOP_RESULTS_PUSH_INTERVAL",
            "nan",
            "WORKSHOP_RESULTS_PUSH_INTERVAL: 'nan' is not a number",
        ),
        ("WORKSHOP_AUTO_MIGRATE", "maybe", "WORKSHOP_AUTO_MIGRATE: 'maybe' is not a boolean"),
    ],
)
def test_a_value_that_does_not_convert_names_its_variable(var, raw, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        from_environ({var: raw})


def test_environment_limit_reaches_the_app_and_the_caller_mapping_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_MAX_COMMENT_LENGTH", "500")
    monkeypatch.setenv("WORKSHOP_AUTO_MIGRATE", "no")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["MAX_COMMENT_LENGTH"] == 500
    assert app.config["AUTO_MIGRATE"] is False
    assert not (tmp_path / "workshop.sqlite3").exists()  # no migration ran
    app = create_app({"INSTANCE_PATH": str(tmp_path), "MAX_COMMENT_LENGTH": 300})
    assert app.config["MAX_COMMENT_LENGTH"] == 300


def test_environment_wins_over_the_instance_config_file(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("MAX_COMMENT_LENGTH = 800\n")
    monkeypatch.setenv("WORKSHOP_MAX_COMMENT_LENGTH", "600")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "AUTO_MIGRATE": False})
    assert app.config["MAX_COMMENT_LENGTH"] == 600


def test_a_bad_environment_value_stops_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_MAX_COMMENT_LENGTH", "abc")
    with pytest.raises(ValueError, match="WORKSHOP_MAX_COMMENT_LENGTH: 'abc' is not an integer"):
        create_app({"INSTANCE_PATH": str(tmp_path), "AUTO_MIGRATE": False})


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


@pytest.mark.parametrize("value", [81, 0, "40"])
def test_a_pseudonym_limit_beyond_its_column_stops_the_start(tmp_path, value):
    """participant.pseudonym holds 80 characters: a larger limit would pass the checks and then
    fail on PostgreSQL (issue 11, hostile input)."""
    message = "MAX_PSEUDONYM_LENGTH must be a whole number from 1 to 80"
    with pytest.raises(ValueError, match=message):
        create_app(builders.app_config(tmp_path, MAX_PSEUDONYM_LENGTH=value))
