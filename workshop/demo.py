"""``workshop serve --demo``: a ready-to-try server in one command."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from .extensions import db
from .models import Programme, Session, User

DEMO_USERNAME = "demo"


def prepare_demo(app: Flask, base_url: str) -> Iterator[str]:
    """Load ``sessions/``, make sure a demo facilitator exists; yield lines to print."""
    from .services.accounts import create_user
    from .sessions_files import load_paths

    sessions_dir = Path(app.config["SESSIONS_DIR"])
    files = sorted(sessions_dir.glob("*.yaml")) + sorted(sessions_dir.glob("*.yml"))
    if files:
        report = load_paths(files)
        yield f"Loaded {len(files)} session file(s) from {sessions_dir}: {report}"
    else:
        yield f"No session files in {sessions_dir}."

    if db.session.scalar(select(User).where(User.username == DEMO_USERNAME)) is None:
        password = secrets.token_urlsafe(9)
        create_user(DEMO_USERNAME, "facilitator", password)
        yield f"Demo facilitator: {DEMO_USERNAME} / {password}  (shown once; "
        yield "  change it with: workshop set-password demo)"
    else:
        yield f"Demo facilitator {DEMO_USERNAME!r} exists (workshop set-password demo to reset)."

    yield ""
    yield f"Programme:          {base_url}/"
    for programme in db.session.scalars(select(Programme).order_by(Programme.title)):
        yield f"  {programme.title}: {base_url}/p/{programme.slug}"
    yield f"Join by code:       {base_url}/join"
    # Prepared sessions (with a date) first, then the placeholders of the programme.
    sessions = db.session.scalars(
        select(Session).order_by(Session.date.is_(None), Session.date, Session.title)
    )
    for session in sessions:
        yield f"« {session.title} »"
        yield f"  participants:     {base_url}/j/{session.code}"
        yield f"  projector:        {base_url}/screen/{session.code}"
        yield f"  console:          {base_url}/host/{session.code}"
