"""A rehearsal of 30 phones against a real ``workshop serve`` subprocess, then every export."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from docx import Document

from tests import builders
from tests.support import ServerProcess, server_env
from workshop.extensions import db
from workshop.models import Answer, Participant, Question, QuestionSet, Upvote
from workshop.models.enums import SetState

PHONES = 30


@pytest.fixture
def server(app, tmp_path):
    """``workshop serve`` on the test's database and secret key."""
    env = server_env(
        WORKSHOP_INSTANCE_PATH=app.instance_path,
        WORKSHOP_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        WORKSHOP_SECRET_KEY=app.config["SECRET_KEY"],
    )
    server = ServerProcess.start(env, tmp_path / "server.log")
    try:
        server.wait_until_up("/")
        yield server.base_url
    finally:
        server.stop()


@pytest.mark.rehearsal
@pytest.mark.timeout(90)
def test_rehearsal_then_every_export(app, runner, server, tmp_path):
    session = builders.gen_session(with_sets=False)
    builders.gen_question_set(session, title="Élaboration", kinds=("choice", "multi", "open"))
    builders.gen_question_set(session, title="Suivi", kinds=("yesno", "scale", "rank", "words"))
    code, session_id = session.code, session.id
    question_count = Question.query.count()
    db.session.remove()

    started = time.monotonic()
    result = runner.invoke(
        args=["rehearse", code, "--participants", str(PHONES), "--url", server, "--seed", "7"]
    )
    assert result.exit_code == 0, result.output
    assert f"{PHONES} phones, {PHONES * question_count} answers" in result.output
    assert "refused: none" in result.output
    assert time.monotonic() - started < 45

    # Every phone answered every question of every set; the sets were opened and closed.
    assert Participant.query.filter_by(session_id=session_id).count() == PHONES
    assert Answer.query.count() == PHONES * question_count
    assert {s.state for s in QuestionSet.query.filter_by(session_id=session_id)} == {
        SetState.CLOSED
    }
    grouped = Participant.query.filter(Participant.group_id.is_not(None)).count()
    assert grouped == PHONES
    # The phones joined with the rehearsal ticket: their participants are rehearsal ones.
    assert Participant.query.filter_by(session_id=session_id, rehearsal=True).count() == PHONES
    # Phones saw the others' comments (batched ``comments`` events) and upvoted some.
    assert Upvote.query.count() > 0

    outputs = {}
    for fmt in ("md", "docx", "csv", "json", "html"):
        path = tmp_path / f"export.{fmt}"
        result = runner.invoke(
            args=["export", code, "--format", fmt, "-o", str(path), "--include-rehearsal"]
        )
        assert result.exit_code == 0, result.output
        outputs[fmt] = path
    rows = list(csv.DictReader(io.StringIO(outputs["csv"].read_text("utf-8-sig"))))
    assert len(rows) == PHONES * question_count
    data = json.loads(outputs["json"].read_text())
    assert len(data["answers"]) == PHONES * question_count
    assert data["summary"]["sets"][0]["respondents"] == PHONES
    paragraphs = "\n".join(p.text for p in Document(str(outputs["docx"])).paragraphs)
    assert f"{PHONES} répondant(s) à ce questionnaire." in paragraphs
    assert "Élaboration" in outputs["md"].read_text()
    assert "Suivi" in outputs["html"].read_text()
    assert f"Répétition : {PHONES} participants simulés, comptés" in outputs["md"].read_text()

    # By default, the exports leave the simulated phones out.
    result = runner.invoke(args=["export", code, "--format", "csv", "-o", str(tmp_path / "d.csv")])
    assert result.exit_code == 0, result.output
    assert list(csv.DictReader(io.StringIO((tmp_path / "d.csv").read_text("utf-8-sig")))) == []
