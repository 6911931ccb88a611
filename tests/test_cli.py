"""Account commands."""

from __future__ import annotations

from sqlalchemy import select

from workshop.extensions import db
from workshop.models import User
from workshop.models.enums import Role


def test_create_user_with_password_stdin(runner):
    result = runner.invoke(
        args=["create-user", "anne", "--role", "organiser", "--password-stdin"],
        input="a long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created organiser 'anne'." in result.output
    user = db.session.scalar(select(User).where(User.username == "anne"))
    assert user.role is Role.ORGANISER
    assert user.check_password("a long password")


def test_create_user_prompts_twice(runner):
    result = runner.invoke(
        args=["create-user", "bob", "--role", "facilitator"],
        input="a long password\na long password\n",
    )
    assert result.exit_code == 0, result.output


def test_create_user_refuses_short_password_and_duplicates(runner):
    result = runner.invoke(
        args=["create-user", "carl", "--role", "facilitator", "--password-stdin"], input="short\n"
    )
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output
    runner.invoke(
        args=["create-user", "carl", "--role", "facilitator", "--password-stdin"],
        input="long enough\n",
    )
    result = runner.invoke(
        args=["create-user", "carl", "--role", "facilitator", "--password-stdin"],
        input="long enough\n",
    )
    assert result.exit_code == 1
    assert "exists already" in result.output


def test_create_user_bad_role(runner):
    result = runner.invoke(
        args=["create-user", "dan", "--role", "admin", "--password-stdin"], input="long enough\n"
    )
    assert result.exit_code == 2
    assert "'admin' is not one of" in result.output


def test_set_password(runner):
    runner.invoke(
        args=["create-user", "eve", "--role", "facilitator", "--password-stdin"],
        input="first password\n",
    )
    result = runner.invoke(args=["set-password", "eve", "--password-stdin"], input="second one!\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.username == "eve")).check_password(
        "second one!"
    )
