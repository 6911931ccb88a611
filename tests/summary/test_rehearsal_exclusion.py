"""Rehearsal participants are left out of the summary and every export unless asked; the live
results (projector, console) count them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from docx import Document
from sqlalchemy import select

from tests.summary.helpers import gen_answer, gen_participant, gen_upvotes
from workshop.extensions import db
from workshop.models import Activity, Answer, Participant
from workshop.services import results
from workshop.summary import exporters, figures

SIMULATED = 4


def _answers(session) -> list[Answer]:
    ids = [q.id for q in session.question_sets[0].questions]
    return db.session.scalars(select(Answer).where(Answer.question_id.in_(ids))).all()


@pytest.fixture
def rehearsed(room):
    """``room`` plus SIMULATED rehearsal participants who answered every question, with a
    comment each and upvotes on a real participant's comment."""
    qset = room.question_sets[0]
    real_comment = next(a for a in _answers(room) if a.text and not a.hidden)
    simulated = []
    for index in range(SIMULATED):
        participant = gen_participant(room, "public")
        participant.rehearsal = True
        simulated.append(participant)
        for question in qset.questions:
            kind = question.kind.value
            value = {"choice": 0, "multi": [0], "yesno": "yes", "scale": question.scale_min}.get(
                kind
            )
            if kind == "rank":
                value = list(range(len(question.options)))
            if kind == "words":
                value = ["simulé"]
            text = f"Simulé {index}" if kind == "open" else None
            gen_answer(participant, question, value, text, commit=False)
    db.session.commit()
    gen_upvotes(real_comment, simulated)
    return room


def test_summary_leaves_rehearsal_participants_out(rehearsed, request_ctx):
    qset = rehearsed.question_sets[0]
    live = results.aggregated_set_results(qset)  # what the projector and the console get
    summary = figures.session_summary(rehearsed)
    counted = figures.session_summary(rehearsed, include_rehearsal=True)

    real = summary["sets"][0]["respondents"]
    assert counted["sets"][0]["respondents"] == real + SIMULATED
    assert live["respondents"] == real + SIMULATED
    assert summary["rehearsal"] == {"participants": SIMULATED, "included": False}
    assert counted["rehearsal"] == {"participants": SIMULATED, "included": True}

    text = json.dumps(summary, ensure_ascii=False)
    assert "Simulé" not in text
    assert "simulé" not in text
    assert "Simulé 0" in json.dumps(counted, ensure_ascii=False)
    # Their upvotes are left out too.
    upvotes = {
        c["id"]: c["upvotes"] for q in summary["sets"][0]["questions"] for c in q["comments"]
    }
    with_them = {
        c["id"]: c["upvotes"] for q in counted["sets"][0]["questions"] for c in q["comments"]
    }
    assert sum(with_them.values()) == sum(upvotes.values()) + SIMULATED
    # And from the groups: « public » has 5 real members.
    public = results.participant_ids_by_group(rehearsed.id, include_rehearsal=False)["public"]
    assert len(public) == 5
    assert len(results.participant_ids_by_group(rehearsed.id)["public"]) == 5 + SIMULATED


def test_the_summary_is_the_same_as_without_any_rehearsal(rehearsed, request_ctx):
    before = figures.session_summary(rehearsed)
    db.session.execute(
        Participant.__table__.delete().where(Participant.__table__.c.rehearsal.is_(True))
    )
    db.session.commit()
    after = figures.session_summary(rehearsed)
    before.pop("rehearsal"), after.pop("rehearsal")
    assert before == after


@pytest.mark.parametrize("include", [False, True])
def test_every_export_leaves_them_out_unless_asked(rehearsed, request_ctx, include):
    total = len(_answers(rehearsed))
    simulated_answers = SIMULATED * len(rehearsed.question_sets[0].questions)
    expected_rows = total if include else total - simulated_answers
    line = "comptés dans les chiffres" if include else "laissés hors des chiffres"

    def export(fmt):
        return exporters.export_session(rehearsed, fmt, include_rehearsal=include)

    rows = list(csv.DictReader(io.StringIO(export("csv").decode("utf-8-sig"))))
    assert len(rows) == expected_rows
    data = json.loads(export("json"))
    assert len(data["answers"]) == expected_rows
    assert data["summary"]["rehearsal"] == {"participants": SIMULATED, "included": include}
    md = export("md").decode()
    assert f"Répétition : {SIMULATED} participants simulés, {line}" in md
    assert ("Simulé 0" in md) is include
    html = export("html").decode()
    assert f"Répétition : {SIMULATED} participants simulés, {line}" in html
    paragraphs = "\n".join(p.text for p in Document(io.BytesIO(export("docx"))).paragraphs)
    assert f"Répétition : {SIMULATED} participants simulés, {line}" in paragraphs


def test_no_rehearsal_line_without_rehearsal(room, request_ctx):
    assert figures.session_summary(room)["rehearsal"]["participants"] == 0
    assert "Répétition" not in exporters.export_session(room, "md").decode()


# --- the pages and the command ------------------------------------------------------------------


def test_summary_page_option_and_downloads(client, auth, organiser, rehearsed):
    auth.login("organiser")
    html = client.get(f"/summary/{rehearsed.code}").get_data(as_text=True)
    assert f"Répétition : {SIMULATED} participants simulés, laissés hors des chiffres" in html
    assert 'name="include_rehearsal"' in html
    assert "include_rehearsal=1" not in html
    html = client.get(f"/summary/{rehearsed.code}?include_rehearsal=1").get_data(as_text=True)
    assert f"Répétition : {SIMULATED} participants simulés, comptés dans les chiffres" in html
    assert f"/summary/{rehearsed.code}/export.csv?lang=fr&amp;include_rehearsal=1" in html
    assert f"/summary/{rehearsed.code}.json?include_rehearsal=1" in html

    plain = client.get(f"/summary/{rehearsed.code}/export.json").get_json()
    counted = client.get(f"/summary/{rehearsed.code}/export.json?include_rehearsal=1").get_json()
    assert len(counted["answers"]) > len(plain["answers"])
    feed = client.get(f"/summary/{rehearsed.code}.json?include_rehearsal=1").get_json()
    assert feed["summary"]["rehearsal"]["included"] is True

    entries = db.session.scalars(
        select(Activity).where(Activity.action == "export").order_by(Activity.id)
    ).all()
    assert [(e.actor, e.detail) for e in entries] == [
        ("organiser", "format=json identify=0 include_rehearsal=0"),
        ("organiser", "format=json identify=0 include_rehearsal=1"),
    ]


def test_workshop_export_include_rehearsal(runner, rehearsed, tmp_path):
    plain, counted = tmp_path / "plain.json", tmp_path / "counted.json"
    assert runner.invoke(args=["export", rehearsed.code, "--format", "json", "-o", str(plain)])
    result = runner.invoke(
        args=[
            "export",
            rehearsed.code,
            "--format",
            "json",
            "-o",
            str(counted),
            "--include-rehearsal",
        ]
    )
    assert result.exit_code == 0, result.output
    assert len(json.loads(counted.read_text())["answers"]) == len(
        json.loads(plain.read_text())["answers"]
    ) + SIMULATED * len(rehearsed.question_sets[0].questions)
    entries = db.session.scalars(select(Activity).where(Activity.action == "export")).all()
    assert [(e.actor, e.detail) for e in entries] == [
        ("workshop export", "format=json identify=0 include_rehearsal=0"),
        ("workshop export", "format=json identify=0 include_rehearsal=1"),
    ]
