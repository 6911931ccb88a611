"""Summary pages: access, live feed, the conclusion form (with and without CSRF)."""

from __future__ import annotations

import re

import pytest

from tests import builders
from workshop.models import Conclusion, ConclusionLink


@pytest.fixture
def code(room, facilitator):
    builders.assign(facilitator, room)  # facilitators see the summaries of their sessions
    return room.code


@pytest.mark.parametrize(
    "path",
    [
        "/summary/{code}",
        "/summary/{code}.json",
        "/summary/{code}/conclusions/new",
        "/summary/{code}/export.md",
        "/summary/{code}/export.csv",
    ],
)
def test_pages_require_login(client, code, path):
    response = client.get(path.format(code=code))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_summary_page_for_a_facilitator(client, auth, facilitator, room, code):
    auth.login()
    response = client.get(f"/summary/{code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for question in room.question_sets[0].questions:
        assert question.prompt in html
    assert "moins de 3 réponses" in html
    assert "js/summary.js" in html
    assert f"/summary/{code}/export.docx" in html
    # Codes are typed in any case.
    assert client.get(f"/summary/{code.lower()}").status_code == 200
    assert client.get("/summary/ZZZZZZ").status_code == 404


def test_organiser_may_see_the_summary(client, auth, organiser, code):
    auth.login("organiser")
    assert client.get(f"/summary/{code}").status_code == 200


def test_json_feed(client, auth, facilitator, room, code):
    auth.login()
    data = client.get(f"/summary/{code}.json").get_json()
    assert set(data) == {"fingerprint", "html", "summary"}
    assert data["summary"]["session"]["code"] == code
    assert "summary-question" in data["html"]
    again = client.get(f"/summary/{code}.json").get_json()
    assert again["fingerprint"] == data["fingerprint"]


def test_write_a_conclusion_with_links(client, auth, facilitator, room, code):
    auth.login()
    qset = room.question_sets[0]
    page = client.get(f"/summary/{code}").get_data(as_text=True)
    comment_id = int(
        re.search(rf'name="set{qset.id}-comments" type="checkbox" value="(\d+)"', page)[1]
    )
    question_id = qset.questions[2].id
    response = client.post(
        f"/summary/{code}/conclusions/new?set={qset.id}",
        data={
            f"set{qset.id}-text": "Les acteurs veulent des règles claires.",
            f"set{qset.id}-questions": [str(question_id)],
            f"set{qset.id}-comments": [str(comment_id)],
        },
    )
    assert response.status_code == 302
    conclusion = Conclusion.query.one()
    assert conclusion.question_set_id == qset.id
    assert {(link.question_id, link.answer_id) for link in conclusion.links} == {
        (question_id, None),
        (None, comment_id),
    }
    # The summary shows the conclusion and what it rests on.
    html = client.get(f"/summary/{code}").get_data(as_text=True)
    assert "Les acteurs veulent des règles claires." in html
    assert "Repose sur les questions" in html
    # Edit, then delete.
    response = client.post(
        f"/summary/{code}/conclusions/{conclusion.id}",
        data={f"set{qset.id}-text": "Texte revu."},
    )
    assert response.status_code == 302
    assert Conclusion.query.one().text == "Texte revu."
    assert ConclusionLink.query.count() == 0
    client.post(f"/summary/{code}/conclusions/{conclusion.id}/delete")
    assert Conclusion.query.count() == 0


def test_session_conclusion_and_invalid_form(client, auth, facilitator, room, code):
    auth.login()
    response = client.post(f"/summary/{code}/conclusions/new", data={"session-text": ""})
    assert response.status_code == 400
    assert Conclusion.query.count() == 0
    response = client.post(f"/summary/{code}/conclusions/new", data={"session-text": "<b>Non</b>"})
    assert response.status_code == 400
    assert "balises HTML" in response.get_data(as_text=True)
    response = client.post(
        f"/summary/{code}/conclusions/new", data={"session-text": "Pour toute la séance."}
    )
    assert response.status_code == 302
    assert Conclusion.query.one().question_set_id is None
    # A checkbox value that is not offered is refused by the form.
    response = client.post(
        f"/summary/{code}/conclusions/new",
        data={"session-text": "x", "session-questions": ["999999"]},
    )
    assert response.status_code == 400


def test_conclusion_form_with_csrf(client, csrf_app, facilitator, room, code):
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login)[1]
    client.post(
        "/login",
        data={"username": "facilitator", "password": "correct horse", "csrf_token": token},
    )
    path = f"/summary/{code}/conclusions/new"
    refused = client.post(path, data={"session-text": "Sans jeton."})
    assert refused.status_code == 400
    assert Conclusion.query.count() == 0
    page = client.get(f"/summary/{code}").get_data(as_text=True)
    token = re.search(r'name="session-csrf_token" type="hidden" value="([^"]+)"', page)[1]
    accepted = client.post(path, data={"session-text": "Avec jeton.", "session-csrf_token": token})
    assert accepted.status_code == 302
    assert Conclusion.query.one().text == "Avec jeton."


@pytest.mark.parametrize(
    "path",
    [
        "/summary/{code}/conclusions/99999999999999999999999",
        "/summary/{code}/conclusions/9223372036854775808",
        "/summary/{code}/conclusions/new?set=99999999999999999999999",
        "/summary/{code}/conclusions/new?set=abc",
    ],
)
def test_ids_out_of_range_are_not_found(client, auth, facilitator, code, path):
    auth.login()
    assert client.get(path.format(code=code)).status_code == 404


def test_delete_with_an_id_out_of_range_is_not_found(client, auth, facilitator, code):
    auth.login()
    response = client.post(f"/summary/{code}/conclusions/99999999999999999999999/delete")
    assert response.status_code == 404
