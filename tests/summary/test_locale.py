"""The summary and its exports in the reader's language: figures, punctuation, group labels."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from flask_babel import refresh

from tests import builders
from workshop.extensions import db
from workshop.models import Answer
from workshop.services import conclusions as conclusion_service
from workshop.summary import exporters, figures
from workshop.summary.exporters import tabular
from workshop.summary.exporters.text import group_line, label_value, number, percent

NBSP = "\u00a0"


@pytest.fixture
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.mark.usefixtures("request_ctx")
def test_figures_the_french_way_by_default():
    assert percent(66.7) == f"66,7{NBSP}%"
    assert percent(50) == f"50,0{NBSP}%"
    assert number(2.5) == "2,5"
    assert number(2.33) == "2,33"
    assert number(3.0) == "3"
    assert number(None) == "–"
    assert label_value("Acteur public", 4) == "Acteur public : 4"


@pytest.mark.usefixtures("english")
def test_figures_in_english():
    assert percent(66.7) == "66.7%"
    assert percent(50) == "50.0%"
    assert number(2.5) == "2.5"
    assert number(3.0) == "3"
    assert label_value("Public actor", 4) == "Public actor: 4"
    suppressed = {"group": "public", "label": "Public actor", "suppressed": True}
    assert group_line(suppressed, "choice") == "Public actor: fewer than 3 answers"


@pytest.mark.parametrize(
    ("accept_language", "public", "nobody"),
    [
        (None, "Acteur public", "Sans groupe déclaré"),
        ("en", "Public actor", "No group stated"),
        ("nl-BE", "Publieke actor", "Geen groep opgegeven"),
    ],
)
def test_default_group_labels_follow_the_language(app, room, accept_language, public, nobody):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    with app.test_request_context(headers=headers):
        data = figures.session_summary(room)
        assert {"key": "public", "label": public} in data["groups"]
        labels = {e["label"] for q in data["sets"][0]["questions"] for e in q["by_group"]}
        assert {public, nobody} <= labels
        rows = list(csv.DictReader(io.StringIO(tabular.to_csv(tabular.answer_rows(room)))))
        assert public in {row[tabular.headers(False)["group"]] for row in rows}


def test_a_renamed_group_is_shown_as_typed(app, room):
    group = next(g for g in room.stakeholder_groups if g.key == "public")
    group.label = "Communes"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert {"key": "public", "label": "Communes"} in figures.session_summary(room)["groups"]


def test_markdown_export_in_english(app, room):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        text = exporters.export_session(room, "md").decode()
    assert "Public actor" in text
    assert re.search(r"\| \d+\.\d% \|", text)
    assert not re.search(r"\d,\d", text)


def test_cli_export_stays_french(runner, room):
    """No request language: French, « 36,4 % » (Markdown writes the no-break space as a space)."""
    result = runner.invoke(args=["export", room.code, "--format", "md"])
    assert result.exit_code == 0, result.output
    assert re.search(r"\| \d+,\d % \|", result.stdout)
    assert "- Acteur public : " in result.stdout
    result = runner.invoke(args=["export", room.code, "--format", "csv"])
    assert "Acteur public" in result.stdout


def test_summary_page_in_english(client, auth, facilitator, room):
    builders.assign(facilitator, room)
    auth.login()
    html = client.get(f"/summary/{room.code}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Public actor" in html
    assert re.search(r"· \d+\.\d%</span>", html)
    assert f"{NBSP}%" not in html
    assert " %<" not in html
    block = html.split('<script type="application/json" id="i18n">', 1)[1].split("</script>")[0]
    assert json.loads(block) == {
        "updated": "Updated at %(time)s",
        "stale": "Update failed; retrying soon.",
    }


def test_summary_page_strings_in_french(client, auth, facilitator, room):
    builders.assign(facilitator, room)
    auth.login()
    html = client.get(f"/summary/{room.code}").get_data(as_text=True)
    block = html.split('<script type="application/json" id="i18n">', 1)[1].split("</script>")[0]
    assert json.loads(block)["updated"] == "Mis à jour à %(time)s"
    assert f"{NBSP}%</span>" in html


def test_conclusion_block_in_english(client, auth, facilitator, room):
    comment = (
        db.session.query(Answer)
        .filter(Answer.text.is_not(None), Answer.hidden.is_(False))
        .order_by(Answer.id)
        .first()
    )
    qset = room.question_sets[0]
    conclusion = conclusion_service.save_conclusion(
        room, text="Confiance.", question_set_id=qset.id, answer_ids=[comment.id]
    )
    builders.put_to_room(conclusion)
    builders.assign(facilitator, room)
    auth.login()
    english = client.get(f"/summary/{room.code}", headers={"Accept-Language": "en"})
    html = english.get_data(as_text=True)
    assert "The room's view (0, vote in progress):" in html
    assert f"<li>“{comment.text}”</li>" in html
    refresh()  # the tests' app context outlives the request: forget its cached locale
    french = client.get(f"/summary/{room.code}").get_data(as_text=True)
    assert "Avis de la salle (0, vote en cours) :" in french
    assert f"<li>« {comment.text} »</li>" in french
