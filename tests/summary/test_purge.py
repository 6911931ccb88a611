"""The purge after the retention period (docs/privacy.md): ``workshop purge`` and the organiser's
page delete the participants' raw contributions and keep the aggregated figures and conclusions;
the summary and every export then show the archive. Real SQLite, the CLI through Flask's runner."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from tests import builders
from tests.summary.helpers import gen_participant
from workshop.extensions import db
from workshop.models import Answer, Conclusion, ConclusionLink, Endorsement, Participant, Upvote
from workshop.models.enums import SessionStatus
from workshop.services import privacy
from workshop.summary import archive, exporters, figures

pytestmark = pytest.mark.usefixtures("request_ctx")


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def texts_of(summary: dict) -> list[str]:
    return [
        c["text"]
        for qset in summary["sets"]
        for question in qset["questions"]
        for c in question["comments"]
    ]


@pytest.fixture
def concluded(room):
    """The room with a conclusion quoting a comment, endorsed with an amendment."""
    comment = db.session.scalars(
        select(Answer).where(Answer.text.is_not(None), Answer.hidden.is_(False))
    ).first()
    conclusion = Conclusion(
        session_id=room.id, question_set_id=room.question_sets[0].id, text="Un comité commun."
    )
    db.session.add(conclusion)
    db.session.commit()
    db.session.add(ConclusionLink(conclusion_id=conclusion.id, answer_id=comment.id))
    db.session.commit()
    builders.put_to_room(conclusion)
    voter = db.session.scalars(select(Participant).where(Participant.session_id == room.id)).first()
    builders.endorse(voter, conclusion.id, "amend", "Préciser le calendrier", "endorse-01")
    return room


def test_the_archive_keeps_figures_and_conclusions_and_no_participant_text(concluded):
    before = figures.session_summary(concluded)
    kept = archive.archived(concluded)
    assert texts_of(before)
    assert texts_of(kept) == []
    for old, new in zip(before["sets"][0]["questions"], kept["sets"][0]["questions"], strict=True):
        assert new["results"]["respondents"] == old["results"]["respondents"]
        assert new.get("by_group") is not None
        if new["kind"] == "words":
            assert all(w["count"] >= archive.MIN_WORD_COUNT for w in new["results"]["words"])
        if "options" in old["results"]:
            assert new["results"]["options"] == old["results"]["options"]
    [conclusion] = kept["sets"][0]["conclusions"]
    assert conclusion["text"] == "Un comité commun."
    assert conclusion["comments"] == []
    assert conclusion["endorsement"]["total"] == 1
    assert conclusion["endorsement"]["amendments"] == []
    dumped = json.dumps(kept, ensure_ascii=False)
    assert "Préciser le calendrier" not in dumped
    assert "Réponse ouverte" not in dumped
    assert "Commentaire" not in dumped


def test_purge_deletes_every_raw_contribution(concluded):
    other = builders.gen_session(title="Autre atelier")
    bystander = gen_participant(other, pseudonym="Reste")
    counts = privacy.purge(concluded, archive.archived(concluded))
    assert counts["participants"] == 12
    assert counts["answers"] > 0
    assert count(Participant, Participant.session_id == concluded.id) == 0
    assert count(Answer) == 0
    assert count(Upvote) == 0
    assert count(Endorsement) == 0
    assert count(Conclusion, Conclusion.session_id == concluded.id) == 1  # conclusions stay
    db.session.refresh(concluded)
    assert concluded.purged_at is not None
    assert concluded.status is SessionStatus.ENDED
    assert db.session.get(Participant, bystander.id).pseudonym == "Reste"  # other sessions

    # Every view of the summary is the archive now: figures, no participant text.
    summary = figures.session_summary(concluded)
    assert summary["sets"][0]["respondents"] > 0
    assert texts_of(summary) == []
    report = exporters.export_session(concluded, "md").decode()
    assert "Un comité commun." in report
    assert "Réponse ouverte" not in report
    csv = exporters.export_session(concluded, "csv").decode()
    assert len(csv.strip().splitlines()) == 1  # the header, no answer left


def test_due_counts_retention_from_the_date_then_programme_then_settings(app, room):
    programme = builders.gen_programme()
    room.programme = programme
    room.date = dt.date(2008, 12, 3)
    db.session.commit()
    app.config["RETENTION_DAYS"] = 365
    assert privacy.purge_on(room) == dt.date(2009, 12, 3)
    programme.retention_days = 30
    db.session.commit()
    assert privacy.purge_on(room) == dt.date(2009, 1, 2)
    room.retention_days = 10
    db.session.commit()
    assert privacy.purge_on(room) == dt.date(2008, 12, 13)
    assert [d.session.id for d in privacy.due(dt.date(2008, 12, 12))] == []
    [due] = privacy.due(dt.date(2008, 12, 13))
    assert due.session.id == room.id
    assert due.participants == 12


def test_a_session_without_date_counts_from_its_last_answer(app, room):
    room.date = None
    db.session.commit()
    last = db.session.scalar(select(func.max(Answer.updated_at)))
    assert privacy.purge_on(room) == last.date() + dt.timedelta(days=365)
    empty = builders.gen_session(title="Sans date", date=None)
    assert privacy.purge_on(empty) is None
    assert empty.id not in [d.session.id for d in privacy.due(dt.date(2100, 1, 1))]


def test_cli_purge_lists_purges_and_is_idempotent(runner, room):
    room.date = dt.date(2008, 12, 3)
    db.session.commit()
    dry = runner.invoke(args=["purge", "--dry-run", "--today", "2010-01-01"])
    assert dry.exit_code == 0, dry.output
    assert f"would purge {room.code}" in dry.output
    assert count(Participant) == 12
    assert runner.invoke(args=["purge", "--today", "2009-06-01"]).output == "Nothing to purge.\n"
    done = runner.invoke(args=["purge", "--today", "2010-01-01"])
    assert done.exit_code == 0, done.output
    assert f"purged {room.code}" in done.output
    assert count(Participant) == 0
    again = runner.invoke(args=["purge", "--today", "2010-01-01"])
    assert again.output == "Nothing to purge.\n"


def test_cli_purge_one_session_now(runner, room):
    result = runner.invoke(args=["purge", "--session", room.code.lower()])
    assert result.exit_code == 0, result.output
    assert count(Participant) == 0
    assert "purged already" in runner.invoke(args=["purge", "--session", room.code]).output
    assert runner.invoke(args=["purge", "--session", "ZZZZZZ"]).exit_code != 0
